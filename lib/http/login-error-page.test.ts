import { describe, expect, it } from 'vitest'
import { LoginError, type LoginErrorKind } from '../oidc/errors'
import { errorPageHtml, loginErrorStatus, loginErrorTitle } from './login-error-page'

const KINDS: readonly LoginErrorKind[] = [
  'invalid_request',
  'provider_denied',
  'invalid_grant',
  'bad_provider_response',
  'misconfigured',
  'insufficient_authentication',
  'provider_unreachable',
  'provider_timeout',
  'store_unavailable',
]

describe('a failed login, as the browser sees it', () => {
  it('answers what came from the browser with 4xx, and a provider or store that failed with 5xx, each with a title', () => {
    const status = (kind: LoginErrorKind) => loginErrorStatus(new LoginError(kind, 'detail'))
    expect(KINDS.filter((kind) => status(kind) < 500)).toEqual([
      'invalid_request',
      'provider_denied',
      'invalid_grant',
      'insufficient_authentication',
    ])
    expect(status('provider_timeout')).toBe(504)
    expect(status('provider_unreachable')).toBe(503)
    const titles = KINDS.map((kind) => loginErrorTitle(new LoginError(kind, 'detail')))
    expect(new Set(titles).size).toBe(KINDS.length)
  })
})

describe('the failed login page', () => {
  it('escapes what the provider said', () => {
    const error = new LoginError('provider_denied', 'The provider said no.', {
      providerError: { error: '<b>access_denied</b>', description: '"><script>alert(1)</script>' },
    })
    const html = errorPageHtml(error, '/auth/login?returnTo=%2Fprofile', 'bm9uY2Utbm9uY2Utbm9uY2U=')
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain('<b>access_denied')
    expect(html).toContain('&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;')
    expect(html).toContain('href="/auth/login?returnTo=%2Fprofile"')
    expect(html).toContain('<style nonce="bm9uY2Utbm9uY2Utbm9uY2U=">')
  })
})

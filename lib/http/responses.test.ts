/**
 * What the auth routes answer when things go wrong, as a browser receives it:
 * the status, a page with its own strict policy, never cached, never a stack
 * trace or a configuration detail.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ConfigError } from '../config'
import { LoginError } from '../oidc/errors'
import { StoreUnavailableError } from '../session/store/store'
import { stubAppEnv } from '../testing/app-env'

let responses: typeof import('./responses')

beforeAll(async () => {
  stubAppEnv('responses', { APP_BASE_URL: 'https://app.example.com' })
  responses = await import('./responses')
})
afterAll(() => vi.unstubAllEnvs())

/** What the browser sees of an HTML answer. */
async function page(response: Response) {
  const html = await response.text()
  const policy = response.headers.get('content-security-policy') ?? ''
  return {
    status: response.status,
    html,
    policy,
    cache: response.headers.get('cache-control'),
    hsts: response.headers.get('strict-transport-security'),
  }
}

describe('a failed login', () => {
  it('answers by kind, under a policy that runs no script, styled only by its own nonce, never cached', async () => {
    const { status, html, policy, cache, hsts } = await page(
      responses.loginFailure(new LoginError('invalid_grant', 'Used already.'), '/profile'),
    )
    expect(status).toBe(400)
    expect(cache).toBe('no-store')
    expect(hsts).toMatch(/max-age=/)
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1]
    expect(policy).toMatch(/^default-src 'none'/)
    expect(html).toContain(`<style nonce="${nonce}">`)
    expect(html).toContain('href="/auth/login?returnTo=%2Fprofile"')
    // Each page its own nonce.
    expect((await page(responses.loginFailure(new LoginError('invalid_grant', 'x')))).policy).not.toBe(policy)
  })

  it('says what happened in words, never a stack trace or what the configuration holds', async () => {
    const secret = new ConfigError(['OIDC_CLIENT_SECRET is "hunter2-looking" but should not be'])
    const misconfigured = await page(responses.loginFailure(secret))
    expect(misconfigured.status).toBe(502)
    expect(misconfigured.html).toContain('The server log says what to fix.')
    expect(misconfigured.html).not.toContain('hunter2')
    const store = await page(responses.loginFailure(new StoreUnavailableError('Redis did not answer within 1000 ms')))
    expect(store.status).toBe(503)
    expect(store.html).not.toContain('Redis did not answer')
    const unexpected = await page(
      responses.loginFailure(new TypeError("Cannot read properties of undefined (reading 'x')")),
    )
    expect(unexpected.status).toBe(502)
    expect(unexpected.html).toContain('Something unexpected went wrong')
    for (const { html } of [misconfigured, store, unexpected])
      expect(html).not.toMatch(/\n\s+at .+:\d+:\d+|Cannot read properties/)
  })
})

describe('the other refusals', () => {
  it('a cross-site request: 403, nothing changed', async () => {
    const { status, html, cache } = await page(responses.crossSiteRefused())
    expect([status, cache]).toEqual([403, 'no-store'])
    expect(html).toContain('Nothing was changed.')
  })

  it('sessions that cannot be checked: 503, try again in five seconds, back where the user was', async () => {
    const response = responses.sessionsUnavailable('/profile')
    expect(response.headers.get('retry-after')).toBe('5')
    const { status, html } = await page(response)
    expect(status).toBe(503)
    expect(html).toContain('href="/profile"')
  })

  it('a redirect: 303 to an absolute URL, never cached', () => {
    const response = responses.redirectTo(new URL('https://app.example.com/profile'))
    expect([response.status, response.headers.get('location'), response.headers.get('cache-control')]).toEqual([
      303,
      'https://app.example.com/profile',
      'no-store',
    ])
  })
})

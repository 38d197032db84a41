import { describe, expect, it } from 'vitest'
import {
  anonymousContentSecurityPolicy,
  contentSecurityPolicy,
  createNonce,
  errorPageContentSecurityPolicy,
} from './csp'

/** The policy's directives by name. */
const directives = (policy: string) =>
  Object.fromEntries(policy.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1).join(' ')]))

const https = new URL('https://app.example.com')

describe('the content security policies', () => {
  it('runs only scripts the response nonce vouches for, on a page that shows a user', () => {
    const nonce = createNonce()
    const policy = directives(contentSecurityPolicy(nonce, { appBaseUrl: https, development: false }))
    expect(policy['script-src']).toBe(`'self' 'nonce-${nonce}' 'strict-dynamic'`)
    expect(policy['style-src']).toBe(`'self' 'nonce-${nonce}'`)
    expect(Object.values(policy).join(' ')).not.toMatch(/unsafe-(inline|eval)/)
    expect(policy).toHaveProperty('upgrade-insecure-requests')
  })

  it('is a fresh nonce of 128 random bits each time', () => {
    const nonces = new Set(Array.from({ length: 50 }, createNonce))
    expect(nonces.size).toBe(50)
    for (const nonce of nonces) expect(atob(nonce)).toHaveLength(16)
  })

  it('frames nothing, loads no plugin, takes no <base>, and sends forms only to us and the providers named', () => {
    for (const policy of [
      contentSecurityPolicy('n', {
        appBaseUrl: https,
        development: false,
        providerOrigins: ['https://op.example.com'],
      }),
      anonymousContentSecurityPolicy({ development: false }),
      errorPageContentSecurityPolicy('n', ['https://op.example.com']),
    ]) {
      const d = directives(policy)
      expect(d).toMatchObject({ 'object-src': "'none'", 'base-uri': "'none'", 'frame-ancestors': "'none'" })
      expect(d['form-action']).toMatch(/^'self'( https:\/\/op\.example\.com)?$/)
    }
  })

  it('lets no script run on the pages written without React, and relaxes only in development', () => {
    const page = directives(errorPageContentSecurityPolicy('n'))
    expect(page['default-src']).toBe("'none'")
    expect(page).not.toHaveProperty('script-src')
    expect(directives(anonymousContentSecurityPolicy({ development: false }))['script-src']).not.toMatch(/unsafe-eval/)
    expect(directives(contentSecurityPolicy('n', { appBaseUrl: https, development: true }))['script-src']).toMatch(
      /unsafe-eval/,
    )
  })
})

/**
 * HSTS follows the app's public origin: with APP_BASE_URL on https, middleware's
 * answers and the auth routes' carry it even when no proxy says X-Forwarded-Proto.
 * (The forwarded-header rule of next.config.ts is tested end to end, in e2e/hostile-requests.spec.ts.)
 */
import { NextRequest } from 'next/server'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { HSTS_VALUE } from './hsts'

const BASE = 'https://app.example.test'
let middleware: typeof import('../../middleware').middleware
let redirectTo: typeof import('./responses').redirectTo
let htmlPage: typeof import('./responses').htmlPage

beforeAll(async () => {
  vi.stubEnv('APP_BASE_URL', BASE)
  vi.stubEnv('SESSION_SECRET', 'hsts-test-secret-0123456789-abcdefghijklmnop')
  vi.stubEnv('OIDC_ISSUER', 'https://login.example.test')
  vi.stubEnv('OIDC_CLIENT_ID', 'hsts-test')
  ;({ middleware } = await import('../../middleware'))
  ;({ redirectTo, htmlPage } = await import('./responses'))
})

describe('HSTS with APP_BASE_URL on https', () => {
  it('is on middleware answers and the auth routes, with no X-Forwarded-Proto at all', async () => {
    const guarded = await middleware(new NextRequest(`${BASE}/profile`))
    expect(guarded.status).toBe(307)
    expect(guarded.headers.get('strict-transport-security')).toBe(HSTS_VALUE)
    expect(redirectTo(new URL('/profile', BASE)).headers.get('strict-transport-security')).toBe(HSTS_VALUE)
    const page = htmlPage({ kicker: 'Signed out', title: 'A page', paragraphs: [], actions: [] }, 200)
    expect(page.headers.get('strict-transport-security')).toBe(HSTS_VALUE)
  })
})

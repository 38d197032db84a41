import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { stubAppEnv } from '../testing/app-env'
import { testSession } from '../testing/session'

let signOutPage: typeof import('./pages').signOutPage
let getConfig: typeof import('../config').getConfig

beforeAll(async () => {
  stubAppEnv('pages', { OIDC_END_SESSION_ENDPOINT: 'https://op.example.com/logout' })
  ;({ signOutPage } = await import('./pages'))
  ;({ getConfig } = await import('../config'))
})
afterAll(() => vi.unstubAllEnvs())

describe('GET /auth/logout', () => {
  it('asks before signing out: a button that POSTs, so a link or an image elsewhere signs no one out', async () => {
    const response = signOutPage({ status: 'active', session: testSession(), resealDue: false }, getConfig().session)
    const html = await response.text()
    expect(response.status).toBe(200)
    expect(html).toMatch(/<form method="post" action="\/auth\/logout">.*Sign out<\/button><\/form>/)
    // The POST's redirect ends at the provider's end-session endpoint: the page's policy lets the form go there.
    expect(response.headers.get('content-security-policy')).toMatch(
      /form-action 'self'[^;]* https:\/\/op\.example\.com[ ;]/,
    )
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('says there is nothing to end to a browser without a session, and drops a dead cookie', async () => {
    const dead = signOutPage({ status: 'signed-out', clearCookie: true }, getConfig().session)
    expect(await dead.text()).toContain('You are signed out')
    expect(dead.headers.getSetCookie().join('\n')).toMatch(/^session=;/m)
    const none = signOutPage({ status: 'signed-out', clearCookie: false }, getConfig().session)
    expect(none.headers.getSetCookie()).toEqual([])
  })
})

/**
 * Provider quirks the app handles, each proven against a local provider made to
 * behave that way (e2e/hostile tenants), so "works with Oracle" is checked, not claimed.
 */
import { expect, test } from '@playwright/test'
import { HOSTILE_APPS, HOSTILE_CONTROL } from './environment.ts'
import { expectRefused, login, me } from './hostile/client.ts'
import { ENTRA_TENANT_ID } from './hostile/id-tokens.ts'
import { MISMATCHED_ISSUER } from './hostile/server.ts'
import { bodyOf, type HealthBody, type MeBody, signOut } from './helpers.ts'

test.describe('Oracle IDCS / OCI Identity Domains', () => {
  test('an issuer named https://identity.oraclecloud.com/ signs in with OIDC_TOKEN_ISSUER set', async ({ request }) => {
    const app = HOSTILE_APPS.oracle
    const discovery = await bodyOf<{ issuer: string }>(
      await request.get(`${app.issuer}/.well-known/openid-configuration`),
    )
    expect(discovery.issuer).toBe(MISMATCHED_ISSUER)
    const { callback } = await login(request, 'oracle')
    expect(callback.status(), await callback.text()).toBe(303)
    expect((await me(request, 'oracle')).status()).toBe(200)
  })

  test('a key set that answers 401 gets a page that says which setting opens it', async ({ request }) => {
    const { callback } = await login(request, 'main', 'jwks-401')
    const html = await expectRefused(callback, 502, /not set up correctly/)
    expect(html).toContain('Configure client access')
  })
})

test.describe('Microsoft Entra ID, multi-tenant', () => {
  test('discovery names {tenantid}; a token from the tenant its tid names signs in', async ({ request }) => {
    const app = HOSTILE_APPS.entra
    const discovery = await bodyOf<{ issuer: string }>(
      await request.get(`${app.issuer}/.well-known/openid-configuration`),
    )
    expect(discovery.issuer).toContain('{tenantid}')
    const { callback } = await login(request, 'entra')
    expect(callback.status(), await callback.text()).toBe(303)
    const { user } = await bodyOf<MeBody>(await me(request, 'entra'))
    expect(user.tid).toBe(ENTRA_TENANT_ID)
  })

  test('a token whose tid and iss name different tenants is refused', async ({ request }) => {
    const { callback } = await login(request, 'entra', 'tid-mismatch')
    await expectRefused(callback, 502, /cannot trust/)
    expect((await me(request, 'entra')).status()).toBe(401)
  })
})

test.describe('logout styles', () => {
  // One after another in one worker: two of these sign in at the Google-shaped tenant, and one counts its requests.
  test.describe.configure({ mode: 'default' })

  test('standard (Keycloak, Okta, Auth0, Entra, IDCS): id_token_hint, post_logout_redirect_uri and client_id', async ({
    request,
  }) => {
    const app = HOSTILE_APPS.main
    await login(request, 'main')
    const logout = await signOut(request, app.baseUrl)
    const to = new URL(logout.headers().location!)
    expect(`${to.origin}${to.pathname}`).toBe(`${app.issuer}/logout`)
    expect(to.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3)
    expect(to.searchParams.get('post_logout_redirect_uri')).toBe(`${app.baseUrl}/`)
    expect(to.searchParams.get('client_id')).toBe(app.clientId)
  })

  test('Google, without an end_session_endpoint: signed out here, and the page says the provider session may live on', async ({
    request,
  }) => {
    const app = HOSTILE_APPS.google
    await login(request, 'google')
    const logout = await signOut(request, app.baseUrl)
    expect(logout.headers().location).toBe(`${app.baseUrl}/?signed_out=local`)
    expect((await me(request, 'google')).status()).toBe(401)
    const home = await (await request.get(logout.headers().location!)).text()
    expect(home).toMatch(/data-testid="signed-out-locally"/)
    expect(home).toContain('you may still be signed in there')
  })

  test('after the first login, a login costs the provider one token and one userinfo request: no discovery, no key set', async ({
    request,
  }) => {
    // The Google-shaped tenant: no other test logs in there while this one counts.
    const counts = async () => bodyOf<Record<string, number>>(await request.get(`${HOSTILE_CONTROL}/google/counts`))
    await login(request, 'google')
    const before = await counts()
    await login(request, 'google')
    await login(request, 'google')
    const after = await counts()
    const spent = Object.fromEntries(
      ['discovery', 'jwks', 'token', 'userinfo'].map((name) => [name, after[name]! - before[name]!]),
    )
    expect(spent).toEqual({ discovery: 0, jwks: 0, token: 2, userinfo: 2 })
  })

  test('Amazon Cognito: its own /logout, with client_id and logout_uri only', async ({ request }) => {
    const app = HOSTILE_APPS.cognito
    await login(request, 'cognito')
    const logout = await signOut(request, app.baseUrl)
    const to = new URL(logout.headers().location!)
    expect(`${to.origin}${to.pathname}`).toBe(`${app.issuer}/cognito-logout`)
    expect(Object.fromEntries(to.searchParams)).toEqual({ client_id: app.clientId, logout_uri: `${app.baseUrl}/` })
    const back = await request.get(to.href, { maxRedirects: 0 })
    expect(back.headers().location).toBe(`${app.baseUrl}/`)
    expect(await (await request.get(`${HOSTILE_CONTROL}/cognito/cognito-logouts`)).json()).toContainEqual({
      client_id: app.clientId,
      logout_uri: `${app.baseUrl}/`,
    })
  })
})

test('the health check reports a reachable provider, without secrets', async ({ request }) => {
  const app = HOSTILE_APPS.main
  const health = await request.get(`${app.baseUrl}/api/health`)
  expect(health.status()).toBe(200)
  const body = await bodyOf<HealthBody>(health)
  expect(body).toEqual({
    status: 'ok',
    provider: { issuer: `${app.issuer}`, discovery: 'reachable' },
    store: { kind: 'memory', status: 'reachable' },
  })
  expect(JSON.stringify(body)).not.toContain(app.clientSecret)
})

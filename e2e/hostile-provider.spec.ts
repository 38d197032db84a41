/**
 * What a relying party must refuse, and what it must survive, proven against a
 * real misbehaving provider (e2e/hostile) and the production build over HTTP.
 * Each defect: no session, a clear error page, the right status, no stack trace.
 */
import { expect, test } from '@playwright/test'
import { HOSTILE_APPS } from './environment.ts'
import { ACCEPTED_ID_TOKENS, FAULTS, REFUSED_AUTH_RESPONSES, REFUSED_ID_TOKENS, type Fault } from './hostile/defects.ts'
import {
  expectRefused,
  login,
  me,
  providerCounts,
  providerRecord,
  sessionSet,
  setDiscovery,
  startLogin,
} from './hostile/client.ts'
import { HOSTILE_USER } from './hostile/id-tokens.ts'
import { MISMATCHED_ISSUER } from './hostile/server.ts'
import { bodyOf, type HealthBody, type MeBody } from './helpers.ts'

const main = HOSTILE_APPS.main
/** What each fault looks like to the user: unreachable, bad answer, bad answer, too slow, refused. */
const FAULT_STATUS: Record<Fault, number> = { down: 503, '500': 502, malformed: 502, hang: 504, '403': 502 }

test.describe('accepted', () => {
  test('the happy path: code flow with PKCE, client authentication, userinfo, session', async ({ request }) => {
    const { state, callback } = await login(request, 'main')
    expect(callback.status()).toBe(303)
    expect(callback.headers().location).toBe(`${main.baseUrl}/`)
    expect(sessionSet(callback)).toBe(true)

    const user = await me(request, 'main')
    expect(user.status()).toBe(200)
    expect((await bodyOf<MeBody>(user)).user).toMatchObject({
      sub: HOSTILE_USER.sub,
      name: HOSTILE_USER.name,
      email: HOSTILE_USER.email,
    })

    const record = await providerRecord(request, 'main', state)
    expect(record.authorize).toMatchObject({
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: 'openid profile email',
    })
    expect(record.authorize?.nonce).toMatch(/^[\w-]{43}$/)
    expect(record.token).toHaveLength(1)
    expect(record.token[0]).toMatchObject({ clientAuth: 'client_secret_basic', pkceValid: true, outcome: 'issued' })
    expect(record.token[0]!.params).toMatchObject({
      grant_type: 'authorization_code',
      redirect_uri: `${main.baseUrl}/auth/callback`,
    })
    expect(record.userinfo).toEqual([{ authorization: 'Bearer (redacted)' }])
  })

  for (const defect of ACCEPTED_ID_TOKENS.filter((d) => d !== 'none' && d !== 'rotated-key')) {
    test(`an ID token with ${defect} is accepted`, async ({ request }) => {
      const { callback } = await login(request, 'main', defect)
      expect(callback.status(), await callback.text()).toBe(303)
      expect((await me(request, 'main')).status()).toBe(200)
    })
  }
})

test('a token endpoint that refuses client authentication with a bare 403 says which settings to check', async ({
  request,
}) => {
  const { callback } = await login(request, 'main', 'token-403')
  const html = await expectRefused(
    callback,
    502,
    /rejected this app&#39;s client credentials \(HTTP 403|rejected this app's client credentials \(HTTP 403/,
  )
  expect(html).toContain('OIDC_CLIENT_SECRET')
  expect(html).not.toContain('cannot trust')
})

test.describe('refused ID tokens', () => {
  for (const defect of REFUSED_ID_TOKENS) {
    test(`an ID token with ${defect} is refused`, async ({ request }) => {
      const { callback } = await login(request, 'main', defect)
      await expectRefused(callback, 502, /cannot trust/)
      expect((await me(request, 'main')).status()).toBe(401)
    })
  }

  test('userinfo about another user is refused', async ({ request }) => {
    const { callback } = await login(request, 'main', 'userinfo-sub-mismatch')
    await expectRefused(callback, 502, /userinfo/)
    expect((await me(request, 'main')).status()).toBe(401)
  })
})

test.describe('refused authorization responses', () => {
  for (const defect of REFUSED_AUTH_RESPONSES) {
    test(`a response with ${defect} is refused`, async ({ request }) => {
      const { callback } = await login(request, 'main', defect)
      await expectRefused(callback, 400)
      expect((await me(request, 'main')).status()).toBe(401)
    })
  }

  test('an iss naming another issuer is refused even where discovery does not advertise RFC 9207, before any token request', async ({
    request,
  }) => {
    // The Entra ID-shaped tenant sends no iss and does not advertise it: one that turns up anyway must still be its own.
    const { state, callback } = await login(request, 'entra', 'wrong-iss-param')
    await expectRefused(callback, 400)
    expect((await providerRecord(request, 'entra', state)).token).toEqual([])
    expect((await me(request, 'entra')).status()).toBe(401)
  })

  test("the provider's error is shown in plain, escaped words", async ({ request }) => {
    const { callback } = await login(request, 'main', 'provider-error')
    const html = await expectRefused(callback, 400, /did not sign you in/)
    expect(html).toContain('access_denied')
    expect(html).toContain('The hostile provider refused: &#60;b&#62;no&#60;/b&#62; &#38; &#34;never&#34;')
    expect(html).not.toContain('<b>no</b>')
  })

  test('a code used twice does not produce a second session', async ({ request, playwright }) => {
    // The attacker holds a copy of the victim's cookies and the callback URL, and replays it after the victim.
    const { callbackUrl, callback, state } = await login(request, 'main')
    expect(callback.status()).toBe(303)
    const transactionCookie = (await request.storageState()).cookies.find((c) => c.name === `txn.${state}`)
    expect(transactionCookie, 'the transaction cookie is deleted once used').toBeUndefined()

    // Replayed in the same browser: the transaction is spent.
    await expectRefused(await request.get(callbackUrl, { maxRedirects: 0 }), 400, /not started in this browser/)

    // Replayed elsewhere with a stolen transaction cookie: the provider refuses the used code.
    const attacker = await playwright.request.newContext()
    const authorize = await startLogin(attacker, 'main')
    const attackerState = authorize.searchParams.get('state')!
    const [cookie] = (await attacker.storageState()).cookies.filter((c) => c.name === `txn.${attackerState}`)
    const replay = new URL(callbackUrl)
    replay.searchParams.set('state', attackerState)
    await expectRefused(await attacker.get(replay.href, { maxRedirects: 0 }), 400)
    expect(cookie).toBeDefined()
    expect((await me(attacker, 'main')).status()).toBe(401)
    const record = await providerRecord(request, 'main', state)
    expect(record.token.map((t) => t.outcome)).toEqual(['issued', 'invalid_grant'])
    await attacker.dispose()
  })
})

test.describe('provider faults', () => {
  for (const endpoint of ['token', 'userinfo'] as const) {
    for (const fault of FAULTS) {
      test(`${endpoint} endpoint ${fault}: ${FAULT_STATUS[fault]}, and public pages keep answering`, async ({
        request,
      }) => {
        const { callback } = await login(request, 'main', `${endpoint}-${fault}`)
        await expectRefused(callback, FAULT_STATUS[fault])
        expect((await request.get(`${main.baseUrl}/`)).status()).toBe(200)
        expect((await me(request, 'main')).status()).toBe(401)
      })
    }
  }
})

// These change the provider's signing keys, so they run one after another.
test.describe('signing keys', () => {
  test.describe.configure({ mode: 'serial' })

  test('a key rotated to a new kid: the key set is fetched again, once, and the login succeeds', async ({
    request,
  }) => {
    // First a normal login, so the app holds the key set from before the rotation.
    expect((await login(request, 'main')).callback.status()).toBe(303)
    const before = (await providerCounts(request, 'main')).jwks!
    const { callback } = await login(request, 'main', 'rotated-key')
    expect(callback.status(), await callback.text()).toBe(303)
    expect((await providerCounts(request, 'main')).jwks! - before).toBe(1)

    // The next login with that key needs no fetch at all.
    const again = (await providerCounts(request, 'main')).jwks!
    expect((await login(request, 'main')).callback.status()).toBe(303)
    expect((await providerCounts(request, 'main')).jwks).toBe(again)
  })

  for (const fault of FAULTS) {
    test(`the key set ${fault} when a new key must be fetched: ${FAULT_STATUS[fault]}`, async ({ request }) => {
      const { callback } = await login(request, 'main', `jwks-${fault}`)
      await expectRefused(callback, FAULT_STATUS[fault])
      expect((await request.get(`${main.baseUrl}/`)).status()).toBe(200)
    })
  }
})

test.describe('discovery', () => {
  test('an issuer that names itself differently is a clear configuration error', async ({ request }) => {
    const app = HOSTILE_APPS.mismatch
    const response = await request.get(`${app.baseUrl}/auth/login`, { maxRedirects: 0 })
    const html = await expectRefused(response, 502, /not set up correctly/)
    expect(html).toContain(MISMATCHED_ISSUER)
    expect(html).toContain('OIDC_TOKEN_ISSUER')
    expect((await request.get(`${app.baseUrl}/`)).status()).toBe(200)
  })

  test('a failing discovery is retried on later requests, never cached, until it works', async ({ request }) => {
    test.setTimeout(120_000)
    const app = HOSTILE_APPS.flaky
    // The health check says so, without secrets.
    const unhealthy = await request.get(`${app.baseUrl}/api/health`)
    expect(unhealthy.status()).toBe(503)
    // Liveness is another question: the process serves, and a restart would not bring the provider back.
    const live = await request.get(`${app.baseUrl}/api/health/live`)
    expect(live.status()).toBe(200)
    expect(await live.json()).toEqual({ status: 'live' })
    expect(live.headers()['cache-control']).toBe('no-store')
    // The issuer exactly as configured, and the URL the probe tried.
    expect(await unhealthy.json()).toEqual({
      status: 'degraded',
      provider: {
        issuer: app.issuer,
        discovery: 'unreachable',
        reason: 'provider_unreachable',
        url: `${app.issuer}/.well-known/openid-configuration`,
      },
      store: { kind: 'memory', status: 'reachable' },
    })
    for (const fault of FAULTS) {
      await setDiscovery(request, fault)
      const before = (await providerCounts(request, 'flaky')).discovery!
      const [attempt, home] = await Promise.all([
        request.get(`${app.baseUrl}/auth/login`, { maxRedirects: 0 }),
        // While the provider fails (or hangs), public pages answer at once.
        new Promise((resolve) => setTimeout(resolve, 200)).then(() =>
          request.get(`${app.baseUrl}/`, { timeout: 3_000 }),
        ),
      ])
      await expectRefused(attempt, FAULT_STATUS[fault])
      expect(home.status()).toBe(200)
      if (fault !== 'down') expect((await providerCounts(request, 'flaky')).discovery).toBe(before + 1)
    }
    await setDiscovery(request, 'ok')
    const health = (options: { timeout?: number } = {}) => request.get(`${app.baseUrl}/api/health`, options)
    await expect.poll(async () => (await health()).status(), { timeout: 15_000, intervals: [500] }).toBe(200)
    expect(await (await health()).json()).toEqual({
      status: 'ok',
      provider: { issuer: app.issuer, discovery: 'reachable' },
      store: { kind: 'memory', status: 'reachable' },
    })
    const { callback } = await login(request, 'flaky')
    expect(callback.status(), await callback.text()).toBe(303)
    expect((await me(request, 'flaky')).status()).toBe(200)

    // The provider goes down after discovery was cached: the health check probes for real and says so within 15 s,
    // answering every time within its probe timeout (2 s), while the signed-in user stays signed in.
    await setDiscovery(request, 'down')
    await expect
      .poll(async () => (await health({ timeout: 3_000 })).status(), { timeout: 15_000, intervals: [500] })
      .toBe(503)
    expect((await bodyOf<HealthBody>(await health())).provider).toEqual({
      issuer: app.issuer,
      discovery: 'unreachable',
      reason: 'provider_unreachable',
      url: `${app.issuer}/.well-known/openid-configuration`,
    })
    expect((await me(request, 'flaky')).status()).toBe(200)
    // It answers, but with an error: told apart from unreachable, with the status and the URL it tried.
    await setDiscovery(request, '500')
    await expect
      .poll(async () => (await bodyOf<HealthBody>(await health())).provider.discovery, {
        timeout: 15_000,
        intervals: [500],
      })
      .toBe('error')
    expect((await bodyOf<HealthBody>(await health())).provider).toEqual({
      issuer: app.issuer,
      discovery: 'error',
      reason: 'bad_provider_response',
      status: 500,
      url: `${app.issuer}/.well-known/openid-configuration`,
    })
    // It hangs: the check still answers within its timeout.
    await setDiscovery(request, 'hang')
    await expect
      .poll(async () => (await bodyOf<HealthBody>(await health({ timeout: 3_000 }))).provider.reason, {
        timeout: 15_000,
        intervals: [500],
      })
      .toBe('provider_timeout')
    await setDiscovery(request, 'ok')
    await expect.poll(async () => (await health()).status(), { timeout: 15_000, intervals: [500] }).toBe(200)
  })
})

/**
 * Authorization request options, step-up and session timeouts, against the
 * misbehaving provider, which can return an old `auth_time` or a weak `acr`.
 */
import { expect, test } from '@playwright/test'
import { sealData } from 'iron-session'
import { HOSTILE_APPS, HOSTILE_CONTROL, HOSTILE_SESSION_SECRET } from './environment.ts'
import { expectRefused, login, me, providerRecord, setDefect, startLogin } from './hostile/client.ts'
import { HOSTILE_USER } from './hostile/id-tokens.ts'
import { bodyOf, type MeBody, openSealedSession, randomSessionId } from './helpers.ts'
import { unsignedJwt } from '../lib/testing/tokens.ts'
import { nowSeconds } from '../lib/clock.ts'

const main = HOSTILE_APPS.main

test.describe('authorization request options', () => {
  test('only the allow-listed options reach the provider', async ({ request }) => {
    const authorize = await startLogin(request, 'main', '/profile', {
      prompt: 'login',
      max_age: '600',
      acr_values: 'urn:hostile:password urn:hostile:mfa',
      ui_locales: 'fr-CA en',
      login_hint: 'mallory@example.net',
      claims: JSON.stringify({ id_token: { email: { essential: true } } }),
      // Not ours to pass on:
      redirect_uri: 'https://evil.example/cb',
      response_type: 'token',
      client_id: 'someone-else',
      scope: 'openid admin',
      foo: 'bar',
    })
    const q = authorize.searchParams
    expect(q.get('prompt')).toBe('login')
    expect(q.get('max_age')).toBe('600')
    expect(q.get('acr_values')).toBe('urn:hostile:password urn:hostile:mfa')
    expect(q.get('ui_locales')).toBe('fr-CA en')
    expect(q.get('login_hint')).toBe('mallory@example.net')
    expect(JSON.parse(q.get('claims')!)).toEqual({ id_token: { email: { essential: true } } })
    expect(q.get('redirect_uri')).toBe(`${main.baseUrl}/auth/callback`)
    expect(q.get('response_type')).toBe('code')
    expect(q.get('client_id')).toBe(main.clientId)
    expect(q.get('scope')).toBe('openid profile email')
    expect(q.has('foo')).toBe(false)
  })

  test('malformed option values are dropped', async ({ request }) => {
    const q = (
      await startLogin(request, 'main', '/', {
        prompt: 'none consent',
        max_age: '-5',
        ui_locales: '<script>',
        claims: '[1,2]',
        login_hint: 'a\nb',
      })
    ).searchParams
    for (const name of ['prompt', 'max_age', 'ui_locales', 'claims', 'login_hint'])
      expect(q.has(name), name).toBe(false)
  })

  test('max_age with a stale auth_time is refused, saying why and what to check', async ({ request }) => {
    const { callback } = await login(request, 'main', 'old-auth-time', '/profile', { max_age: '60' })
    const html = await expectRefused(
      callback,
      403,
      /did not ask you to sign in again: it says you last signed in 60 minutes ago/,
    )
    expect(html).not.toContain('failed validation')
    expect((await me(request, 'main')).status()).toBe(401)
  })

  test('max_age with a fresh auth_time is accepted', async ({ request }) => {
    const { callback } = await login(request, 'main', 'none', '/profile', { max_age: '60' })
    expect(callback.status()).toBe(303)
  })

  test('an acr other than the ones asked for is refused', async ({ request }) => {
    const { callback } = await login(request, 'main', 'acr-weak', '/profile', { acr_values: 'urn:hostile:password' })
    await expectRefused(callback, 403, /not signed in strongly enough/)
    expect((await me(request, 'main')).status()).toBe(401)
  })
})

test.describe('step-up', () => {
  /** The security page's "Sign in again" link, after it explained why. */
  async function stepUpLink(request: import('@playwright/test').APIRequestContext): Promise<URL> {
    const page = await request.get(`${main.baseUrl}/profile/security`, { maxRedirects: 0 })
    expect(page.status()).toBe(200)
    const html = await page.text()
    expect(html).toContain('Security settings need a sign-in from the last five minutes.')
    expect(html).not.toContain('recently enough to see this page')
    const href = /href="(\/auth\/login\?[^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&')
    return new URL(href, main.baseUrl)
  }

  test('an old sign-in is told why, then goes to the provider with prompt=login, max_age and login_hint, and back', async ({
    request,
  }) => {
    expect((await login(request, 'main', 'old-auth-time')).callback.status()).toBe(303)

    const loginUrl = await stepUpLink(request)
    expect(Object.fromEntries(loginUrl.searchParams)).toEqual({
      returnTo: '/profile/security',
      prompt: 'login',
      max_age: '300',
      login_hint: 'mallory@example.net',
    })

    const authorize = new URL((await request.get(loginUrl.href, { maxRedirects: 0 })).headers().location!)
    const state = authorize.searchParams.get('state')!
    await setDefect(request, 'main', state, 'none')
    const callback = await request.get((await request.get(authorize.href, { maxRedirects: 0 })).headers().location!, {
      maxRedirects: 0,
    })
    expect(callback.headers().location).toBe(`${main.baseUrl}/profile/security`)
    expect((await providerRecord(request, 'main', state)).authorize).toMatchObject({ prompt: 'login', max_age: '300' })

    const after = await request.get(`${main.baseUrl}/profile/security`, { maxRedirects: 0 })
    expect(after.status()).toBe(200)
    expect(await after.text()).toContain('recently enough to see this page')
  })

  test('the time of the last sign-in comes from the ID token: a fresh auth_time from userinfo does not count', async ({
    request,
  }) => {
    expect((await login(request, 'main', 'old-auth-time-fresh-userinfo')).callback.status()).toBe(303)
    await stepUpLink(request)
  })
})

test.describe('session timeouts', () => {
  const now = () => nowSeconds()
  const idToken = unsignedJwt({ sub: HOSTILE_USER.sub, name: HOSTILE_USER.name })
  const seal = (fields: Record<string, number>) =>
    sealData(
      {
        v: 1,
        id: randomSessionId(),
        idToken,
        claims: {},
        createdAt: now() - 60,
        expiresAt: now() + 3600,
        lastSeenAt: now(),
        ...fields,
      },
      { password: HOSTILE_SESSION_SECRET, ttl: 7200 },
    )

  test('a session idle longer than SESSION_IDLE_TIMEOUT (default 30 min) is over', async ({ playwright }) => {
    const idle = await playwright.request.newContext({
      extraHTTPHeaders: { cookie: `session=${await seal({ lastSeenAt: now() - 1801 })}` },
    })
    expect((await idle.get(`${main.baseUrl}/api/me`)).status()).toBe(401)
    const active = await playwright.request.newContext({
      extraHTTPHeaders: { cookie: `session=${await seal({ lastSeenAt: now() - 1700 })}` },
    })
    expect((await active.get(`${main.baseUrl}/api/me`)).status()).toBe(200)
    await Promise.all([idle.dispose(), active.dispose()])
  })

  test('a session past SESSION_ABSOLUTE_TIMEOUT is over, however active', async ({ playwright }) => {
    const old = await playwright.request.newContext({
      extraHTTPHeaders: { cookie: `session=${await seal({ expiresAt: now() - 1 })}` },
    })
    expect((await old.get(`${main.baseUrl}/api/me`)).status()).toBe(401)
    await old.dispose()
  })

  test('activity moves the idle clock: middleware rewrites lastSeenAt, at most once a minute', async ({
    playwright,
  }) => {
    const then = now() - 600
    const browser = await playwright.request.newContext({
      extraHTTPHeaders: { cookie: `session=${await seal({ lastSeenAt: then })}` },
    })
    const response = await browser.get(`${main.baseUrl}/api/me`)
    expect(response.status()).toBe(200)
    // One cookie rewritten, and no deletions for chunk cookies the browser never had.
    expect(response.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie')).toHaveLength(1)
    const sealed = response
      .headersArray()
      .find((h) => h.name.toLowerCase() === 'set-cookie' && /^session=[^;]+/.test(h.value))!
      .value.match(/^session=([^;]+)/)![1]!
    const touched = await openSealedSession<{ lastSeenAt: number }>(sealed, HOSTILE_SESSION_SECRET)
    expect(touched.lastSeenAt).toBeGreaterThanOrEqual(now() - 5)

    const fresh = await playwright.request.newContext({ extraHTTPHeaders: { cookie: `session=${sealed}` } })
    const again = await fresh.get(`${main.baseUrl}/api/me`)
    expect(again.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie')).toEqual([])
    await Promise.all([browser.dispose(), fresh.dispose()])
  })

  test('/api/me reports both ends of the session', async ({ request }) => {
    await login(request, 'main')
    const body = await bodyOf<MeBody>(await me(request, 'main'))
    const expires = Date.parse(body.session.expiresAt)
    const idle = Date.parse(body.session.idleExpiresAt)
    expect(expires - Date.now()).toBeGreaterThan(7.9 * 3600_000)
    expect(idle - Date.now()).toBeGreaterThan(29 * 60_000)
    expect(idle - Date.now()).toBeLessThanOrEqual(30 * 60_000)
  })
})

test.describe('calling the API', () => {
  const callApi = (request: import('@playwright/test').APIRequestContext) => request.get(`${main.baseUrl}/api/call-api`)

  test('answers { status, body } from the API, called with the access token', async ({ request }) => {
    const { state } = await login(request, 'main')
    const response = await callApi(request)
    expect(response.status()).toBe(200)
    expect(await response.json()).toEqual({
      status: 200,
      body: { message: 'Hello from the hostile API', sub: HOSTILE_USER.sub },
    })
    expect((await providerRecord(request, 'main', state)).api).toEqual([200])
  })

  test('a 401 from the API triggers one refresh and one retry, and the new tokens are kept', async ({ request }) => {
    const { state } = await login(request, 'main')
    await request.post(`${HOSTILE_CONTROL}/main/api-refuses/${state}`, { data: { all: false } })
    const response = await callApi(request)
    expect(await response.json()).toMatchObject({ status: 200 })
    expect(
      response.headersArray().some((h) => h.name.toLowerCase() === 'set-cookie' && h.value.startsWith('session=')),
    ).toBe(true)
    const record = await providerRecord(request, 'main', state)
    expect(record.refreshes).toBe(1)
    expect(record.api).toEqual([401, 200])
    // The next call uses the refreshed token straight away.
    expect(await (await callApi(request)).json()).toMatchObject({ status: 200 })
    expect((await providerRecord(request, 'main', state)).refreshes).toBe(1)
  })

  test('an API that keeps refusing gets one refresh and one retry, no more', async ({ request }) => {
    const { state } = await login(request, 'main')
    await request.post(`${HOSTILE_CONTROL}/main/api-refuses/${state}`, { data: { all: true } })
    expect(await (await callApi(request)).json()).toMatchObject({ status: 401, body: { error: 'invalid_token' } })
    const record = await providerRecord(request, 'main', state)
    expect(record.refreshes).toBe(1)
    expect(record.api).toEqual([401, 401])
  })
})

test.describe('sessions a browser replaces or a user ends', () => {
  const sessionCookie = async (request: import('@playwright/test').APIRequestContext) =>
    (await request.storageState()).cookies.find((c) => c.name === 'session')!.value
  const sessionId = async (cookie: string) =>
    (await openSealedSession<{ id: string }>(cookie, HOSTILE_SESSION_SECRET)).id
  const holding = (playwright: { request: import('@playwright/test').APIRequest }, cookie: string) =>
    playwright.request.newContext({ extraHTTPHeaders: { cookie: `session=${cookie}` } })
  const endOne = (request: import('@playwright/test').APIRequestContext, id: string, origin: string = main.baseUrl) =>
    request.post(`${main.baseUrl}/auth/logout`, {
      headers: { origin },
      form: { scope: 'one', session: id },
      maxRedirects: 0,
    })

  test('signing in again ends the session the browser held: a copy of the old cookie is signed out', async ({
    request,
    playwright,
  }) => {
    const sub = `replaced-${randomSessionId()}`
    await login(request, 'main', 'none', undefined, {}, sub)
    const old = await sessionCookie(request)
    // A second sign-in in the same browser (a step-up signs in again the same way).
    await login(request, 'main', 'none', undefined, {}, sub)
    expect(await sessionCookie(request)).not.toBe(old)
    expect((await me(request, 'main')).status(), 'the new session').toBe(200)
    const copy = await holding(playwright, old)
    expect((await copy.get(`${main.baseUrl}/api/me`)).status(), 'a copy of the replaced one').toBe(401)
    await copy.dispose()
  })

  test("ends exactly the one session chosen from the list, of the same user; another user's session is not theirs to end", async ({
    playwright,
  }) => {
    const sub = `lost-phone-${randomSessionId()}`
    const [laptop, phone, tablet, stranger] = await Promise.all([1, 2, 3, 4].map(() => playwright.request.newContext()))
    for (const browser of [laptop, phone, tablet]) await login(browser!, 'main', 'none', undefined, {}, sub)
    await login(stranger!, 'main', 'none', undefined, {}, `stranger-${randomSessionId()}`)

    // The list shows the others with a button each, by device and last use.
    const profile = await (await laptop!.get(`${main.baseUrl}/profile`)).text()
    const phoneId = await sessionId(await sessionCookie(phone!))
    expect(profile).toContain(`name="session" value="${phoneId}"`)
    expect(profile).toMatch(/aria-label="Sign out of [^"]+, last seen [^"]+"/)

    const ended = await endOne(laptop!, phoneId)
    expect(ended.status()).toBe(303)
    expect(ended.headers().location).toBe(`${main.baseUrl}/profile?signed_out=one#sessions`)
    expect(
      ended.headersArray().some((h) => h.name.toLowerCase() === 'set-cookie' && h.value.startsWith('session=')),
      'this session goes on',
    ).toBe(false)
    expect((await me(phone!, 'main')).status(), 'the phone').toBe(401)
    expect((await me(laptop!, 'main')).status(), 'this one').toBe(200)
    expect((await me(tablet!, 'main')).status(), 'the others').toBe(200)
    expect(await (await laptop!.get(`${main.baseUrl}/profile?signed_out=one`)).text()).toContain(
      'That session is signed out. This one goes on.',
    )

    // Another user's session id: nothing ends.
    const strangerId = await sessionId(await sessionCookie(stranger!))
    const refused = await endOne(laptop!, strangerId)
    expect(refused.headers().location).toBe(`${main.baseUrl}/profile?signed_out=none#sessions`)
    expect((await me(stranger!, 'main')).status()).toBe(200)
    // From another site: refused, nothing ends.
    expect(
      (await endOne(laptop!, await sessionId(await sessionCookie(tablet!)), 'https://evil.example')).status(),
    ).toBe(403)
    expect((await me(tablet!, 'main')).status()).toBe(200)
    await Promise.all([laptop, phone, tablet, stranger].map((browser) => browser!.dispose()))
  })
})

/**
 * Sessions that end everywhere: signing out, the provider's back-channel
 * logout, sign out everywhere, refresh shared across instances, and a Redis
 * that stops, comes back, or comes back empty.
 *
 * Real parts only: a real Chromium, the production build, oidc-provider, and a
 * real redis-server shared by two app instances (e2e/redis-control.ts can stop
 * and restart it), and a real Redis Cluster shared by two more
 * (e2e/redis-cluster-main.ts). The single-instance tests run against both
 * stores: the in-process default (the `local` app), Redis and the cluster
 * (instance A of each); the two-instance ones against the one Redis and the cluster.
 *
 * One worker, in order: these tests stop Redis under the shared instances.
 */
import type { APIRequestContext, Browser, BrowserContext, Page } from '@playwright/test'
import { LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET } from '../idp/local-client.ts'
import { CLUSTER_PAIR, REDIS_CONTROL, SHARED, TEST_SESSION_SECRET } from './environment.ts'
import { expect, test } from './fixtures.ts'
import { alice, bodyOf, type HealthBody, type MeBody, openSealedSession, signInAtProvider, signOut } from './helpers.ts'

test.describe.configure({ mode: 'default' })

interface Target {
  readonly store: 'in-process' | 'Redis' | 'Redis Cluster'
  /** Where the browser goes, and the app's public origin (APP_BASE_URL). */
  readonly app: string
  readonly issuer: string
}

const TARGETS: readonly Target[] = [
  { store: 'in-process', app: SHARED.inProcess.url, issuer: SHARED.issuer },
  { store: 'Redis', app: SHARED.instances.a.url, issuer: SHARED.issuer },
  { store: 'Redis Cluster', app: CLUSTER_PAIR.instances.a.url, issuer: CLUSTER_PAIR.issuer },
]

/** The one Redis, which the tests below stop and start. */
const REDIS_TARGET = TARGETS[1]!

/** Signs alice in through the provider in a fresh browser context and lands on /profile. */
async function signedInBrowser(browser: Browser, target: Target): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${target.app}/profile`)
  await signInAtProvider(page, alice)
  await expect(page.getByTestId('profile-name')).toHaveText('Alice Adams')
  return { context, page }
}

type Cookies = Awaited<ReturnType<BrowserContext['cookies']>>
type PlaywrightRequest = { request: { newContext: (options: object) => Promise<APIRequestContext> } }

/** A copy of a browser's session cookie(s), as an attacker or another device would hold it. */
async function sessionCookies(context: BrowserContext): Promise<Cookies> {
  const cookies = (await context.cookies()).filter((c) => c.name === 'session' || c.name.startsWith('session.'))
  expect(cookies.length).toBeGreaterThan(0)
  return cookies
}

/** A client holding such a copy; it keeps whatever cookies the app sets, as a browser does. */
function holding(playwright: PlaywrightRequest, cookies: Cookies): Promise<APIRequestContext> {
  return playwright.request.newContext({ storageState: { cookies, origins: [] } })
}

interface Hop {
  readonly url: URL
  readonly status: number
  readonly body: string
  /** The response deleted the session cookie. */
  readonly clears: boolean
}

/**
 * Follows redirects by hand while they stay on the app (either instance: behind
 * the load balancer, APP_BASE_URL is instance A's), so each hop can be checked.
 * A due access token adds a detour through /auth/refresh.
 */
async function hops(client: APIRequestContext, start: string): Promise<Hop[]> {
  const seen: Hop[] = []
  let url = new URL(start)
  for (let i = 0; i < 6; i++) {
    const response = await client.get(url.href, { maxRedirects: 0 })
    const clears = response
      .headersArray()
      .some((h) => h.name.toLowerCase() === 'set-cookie' && /^session=;/.test(h.value))
    seen.push({ url, status: response.status(), body: await response.text(), clears })
    const location = response.headers().location
    if (!location || response.status() < 300 || response.status() >= 400) break
    url = new URL(location, url)
    if (url.hostname !== 'localhost') break
  }
  return seen
}

const describeHops = (list: readonly Hop[]) =>
  list.map((h) => `${h.status} ${h.url.pathname}${h.url.search}`).join(' → ')

/** What a copy of the cookie gets from a private API and a private page: signed out, never a 200, its cookie cleared. */
async function expectSignedOut(playwright: PlaywrightRequest, cookies: Cookies, app: string): Promise<void> {
  for (const path of ['/api/me', '/profile']) {
    const client = await holding(playwright, cookies)
    const list = await hops(client, `${app}${path}`)
    const where = `${path}: ${describeHops(list)}`
    expect(
      list.some((h) => h.url.pathname === path && h.status === 200),
      where,
    ).toBe(false)
    // The API answers 401; a page (or a due token's refresh) sends the browser to sign in, which drops the dead cookie.
    expect(list.at(-1)!.status === 401 || list.some((h) => h.url.pathname === '/auth/login'), where).toBe(true)
    expect(
      list.some((h) => h.clears),
      where,
    ).toBe(true)
    await client.dispose()
  }
}

async function expectSignedIn(playwright: PlaywrightRequest, cookies: Cookies, app: string): Promise<void> {
  const client = await holding(playwright, cookies)
  await expectSignedInVia(client, app)
  await client.dispose()
}

/**
 * The same with a client that keeps the cookies it is given, as one browser
 * does: where a due token is refreshed on one instance, the next request, on
 * either instance, carries the new cookie.
 */
async function expectSignedInVia(client: APIRequestContext, app: string): Promise<void> {
  const list = await hops(client, `${app}/api/me`)
  const last = list.at(-1)!
  expect(last.status, describeHops(list)).toBe(200)
  expect((JSON.parse(last.body) as MeBody).user.sub).toBe(alice.sub)
}

/** Ends the user's session at the provider itself, as signing out there (or in another app of the same SSO) does. */
async function signOutAtProvider(page: Page, issuer: string): Promise<void> {
  await page.goto(`${issuer}/session/end`)
  await page.getByRole('button', { name: 'Yes, sign out of the provider too' }).click()
  await page.waitForURL((url) => url.origin === issuer)
}

for (const target of TARGETS) {
  test.describe(`one instance, ${target.store} store`, () => {
    test('a copy of the cookie kept from before signing out reads as signed out', async ({ browser, playwright }) => {
      const { context, page } = await signedInBrowser(browser, target)
      const copy = await sessionCookies(context)
      await expectSignedIn(playwright, copy, target.app)

      await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL((url) => url.origin === target.issuer && url.pathname.startsWith('/session/end'))
      await expectSignedOut(playwright, copy, target.app)
      await context.close()
    })

    test('GET /auth/logout asks first; a cross-site POST is refused with 403 and changes nothing', async ({
      browser,
      playwright,
    }) => {
      const { context, page } = await signedInBrowser(browser, target)
      const copy = await sessionCookies(context)
      const other = await holding(playwright, copy)
      // A link or an image elsewhere: a page with a button, no sign-out.
      const asked = await other.get(`${target.app}/auth/logout`)
      expect(asked.status()).toBe(200)
      expect(await asked.text()).toContain('Sign out of this app?')
      expect(asked.headers()['content-security-policy']).toContain(`form-action 'self' ${target.issuer}`)
      const forgeries: Array<Record<string, string>> = [
        { origin: 'https://evil.example' },
        { origin: 'null' },
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site', origin: target.app },
      ]
      for (const headers of forgeries) {
        const forged = await other.post(`${target.app}/auth/logout`, {
          headers,
          form: { scope: 'all' },
          maxRedirects: 0,
        })
        expect(forged.status(), JSON.stringify(headers)).toBe(403)
        expect(await forged.text()).toContain('This request did not come from this app')
        expect(forged.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie')).toEqual([])
      }
      await expectSignedIn(playwright, copy, target.app)

      // The button on that page does sign out, through the provider's logout.
      await page.goto(`${target.app}/auth/logout`)
      await page.getByRole('button', { name: 'Sign out', exact: true }).click()
      await page.waitForURL((url) => url.origin === target.issuer && url.pathname.startsWith('/session/end'))
      await expectSignedOut(playwright, copy, target.app)
      await Promise.all([other.dispose(), context.close()])
    })

    test('signing out at the provider ends the session here (back-channel logout)', async ({ browser, playwright }) => {
      const { context, page } = await signedInBrowser(browser, target)
      const copy = await sessionCookies(context)
      await signOutAtProvider(page, target.issuer)
      await expectSignedOut(playwright, copy, target.app)
      await page.goto(`${target.app}/profile`)
      // Signed out here, and at the provider: its login form, not an instant sign-in.
      await page.waitForURL((url) => url.origin === target.issuer && url.pathname.startsWith('/interaction/'))
      await expect(page.getByLabel('Username')).toBeVisible()
      await context.close()
    })

    test('the profile lists the sessions; sign out of the others, then everywhere', async ({ browser, playwright }) => {
      const laptop = await signedInBrowser(browser, target)
      const rows = laptop.page.getByTestId('session-row')
      // Sessions an earlier test left behind may be listed too: count from here.
      const before = await rows.count()
      expect(before).toBeGreaterThanOrEqual(1)
      const phone = await signedInBrowser(browser, target)
      const phoneCopy = await sessionCookies(phone.context)

      await laptop.page.reload()
      await expect(rows).toHaveCount(before + 1)
      const here = rows.filter({ has: laptop.page.getByTestId('this-device') })
      await expect(here).toHaveCount(1)
      await expect(here).toContainText(/Chrome on \w+/)
      await expect(here).toContainText(/signed in just now, last seen just now/)

      await laptop.page.getByRole('button', { name: 'Sign out of other sessions' }).click()
      await expect(laptop.page).toHaveURL(`${target.app}/profile?signed_out=others#sessions`)
      await expect(laptop.page.getByTestId('notice')).toHaveText(
        'Your other sessions are signed out. This one goes on.',
      )
      await expect(rows).toHaveCount(1)
      await expect(laptop.page.getByTestId('this-device')).toBeVisible()
      await expectSignedOut(playwright, phoneCopy, target.app)
      await phone.page.goto(`${target.app}/profile`)
      // The phone's provider session is alive: it signs in again, as a new session.
      await expect(phone.page.getByTestId('profile-name')).toHaveText('Alice Adams')

      await laptop.page.getByRole('button', { name: 'Sign out everywhere' }).click()
      await laptop.page.waitForURL((url) => url.origin === target.issuer && url.pathname.startsWith('/session/end'))
      await expectSignedOut(playwright, await sessionCookies(phone.context), target.app)
      await Promise.all([laptop.context.close(), phone.context.close()])
    })
  })
}

/** Two instances of one app behind one public origin, sharing a Redis (one node, or a cluster). */
const PAIRS = [
  { name: 'Redis', pair: SHARED },
  { name: 'a Redis Cluster', pair: CLUSTER_PAIR },
] as const

for (const { name, pair } of PAIRS) {
  test.describe(`two instances sharing ${name}`, () => {
    const { a, b } = pair.instances
    const target: Target = { store: 'Redis', app: a.url, issuer: pair.issuer }

    test('signing out on one instance signs a copy of the cookie out on the other, at once', async ({
      browser,
      playwright,
    }) => {
      const { context } = await signedInBrowser(browser, target)
      const copy = await sessionCookies(context)
      await expectSignedIn(playwright, copy, b.url)
      // The browser signs out through instance B (behind the load balancer, APP_BASE_URL is the origin).
      const out = await signOut(context.request, b.url, 'this', pair.baseUrl)
      expect(out.status()).toBe(303)
      await expectSignedOut(playwright, copy, b.url)
      await expectSignedOut(playwright, copy, a.url)
      await context.close()
    })

    test('back-channel logout from the provider ends the session on both instances', async ({
      browser,
      playwright,
    }) => {
      const { context, page } = await signedInBrowser(browser, target)
      const copy = await sessionCookies(context)
      await expectSignedIn(playwright, copy, b.url)
      await signOutAtProvider(page, pair.issuer)
      await expectSignedOut(playwright, copy, a.url)
      await expectSignedOut(playwright, copy, b.url)
      await context.close()
    })

    test('a due token refreshed on both instances at once: one refresh grant, both signed in, the grant alive', async ({
      browser,
      playwright,
    }) => {
      const { context } = await signedInBrowser(browser, target)
      const copy = await sessionCookies(context)
      const before = await openSealedSession<{ refreshToken: string; refreshAt: number; accessToken: string }>(
        copy[0]!.value,
        TEST_SESSION_SECRET,
      )
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, before.refreshAt * 1000 - Date.now() + 300)))

      const [onA, onB] = await Promise.all([holding(playwright, copy), holding(playwright, copy)])
      const [fromA, fromB] = await Promise.all([
        onA.get(`${a.url}/auth/refresh?returnTo=/api/me`, { maxRedirects: 0 }),
        onB.get(`${b.url}/auth/refresh?returnTo=/api/me`, { maxRedirects: 0 }),
      ])
      const newCookie = (response: typeof fromA) =>
        response
          .headersArray()
          .find((h) => h.name.toLowerCase() === 'set-cookie' && /^session=[^;]+/.test(h.value))
          ?.value.match(/^session=([^;]+)/)?.[1]
      for (const response of [fromA, fromB]) {
        expect(response.status()).toBe(303)
        expect(new URL(response.headers().location!).pathname).toBe('/api/me')
      }
      const [afterA, afterB] = await Promise.all(
        [newCookie(fromA), newCookie(fromB)].map((c) =>
          openSealedSession<{ refreshToken: string; accessToken: string }>(c!, TEST_SESSION_SECRET),
        ),
      )
      // One grant: both instances hand out the very same new tokens.
      expect(afterA!.accessToken).toBe(afterB!.accessToken)
      expect(afterA!.refreshToken).toBe(afterB!.refreshToken)
      expect(afterA!.refreshToken).not.toBe(before.refreshToken)
      // Had the old refresh token been used twice, oidc-provider would have revoked the whole grant.
      expect(await introspect(onA, pair.issuer, afterA!.refreshToken)).toBe(true)
      expect(await introspect(onA, pair.issuer, before.refreshToken)).toBe(false)
      // Each client now holds the cookie its instance set: both are signed in, on either instance.
      expect((await onA.get(`${b.url}/api/me`)).status()).toBe(200)
      expect((await onB.get(`${a.url}/api/me`)).status()).toBe(200)
      await Promise.all([onA.dispose(), onB.dispose(), context.close()])
    })
  })
}

/** Asks a pair's provider whether a token is still good (RFC 7662). */
async function introspect(client: APIRequestContext, issuer: string, token: string): Promise<boolean> {
  const response = await client.post(`${issuer}/token/introspection`, {
    form: { token },
    headers: { authorization: `Basic ${Buffer.from(`${LOCAL_CLIENT_ID}:${LOCAL_CLIENT_SECRET}`).toString('base64')}` },
  })
  expect(response.status()).toBe(200)
  return (await bodyOf<{ active?: boolean }>(response)).active === true
}

async function redis(client: APIRequestContext, action: 'stop' | 'start' | 'start?empty=true'): Promise<void> {
  expect((await client.post(`${REDIS_CONTROL}/${action}`)).ok()).toBe(true)
}

async function waitForStore(
  client: APIRequestContext,
  app: string,
  status: 'reachable' | 'unreachable',
): Promise<void> {
  await expect
    .poll(async () => (await bodyOf<HealthBody>(await client.get(`${app}/api/health`))).store?.status, {
      timeout: 15_000,
      intervals: [100, 250, 500],
    })
    .toBe(status)
}

test.describe('when Redis stops', () => {
  const { a, b } = SHARED.instances

  test('private pages and APIs answer 503, public pages 200, health degraded, never a 500; back with its data, live sessions live and ended ones ended', async ({
    browser,
    playwright,
    request,
  }) => {
    const live = await signedInBrowser(browser, REDIS_TARGET)
    const ended = await signedInBrowser(browser, REDIS_TARGET)
    const liveCopy = await sessionCookies(live.context)
    const endedCopy = await sessionCookies(ended.context)
    expect((await signOut(ended.context.request, a.url)).status()).toBe(303)

    await redis(request, 'stop')
    try {
      for (const app of [a.url, b.url]) {
        await waitForStore(request, app, 'unreachable')
        for (const copy of [liveCopy, endedCopy]) {
          const client = await holding(playwright, copy)
          // A session that was ended must not come back while nobody can check: 503, never a 200 (nor a 500).
          const api = await hops(client, `${app}/api/me`)
          expect(api.at(-1)!.status, describeHops(api)).toBe(503)
          expect(api.at(-1)!.body).toMatch(/cannot be checked/)
          const page = await hops(client, `${app}/profile`)
          expect(page.at(-1)!.status, describeHops(page)).toBe(503)
          expect(page.at(-1)!.body).toContain('Sessions cannot be checked right now')
          for (const hop of [...api, ...page]) expect(hop.status).not.toBe(200)
          for (const hop of [...api, ...page]) expect(hop.status).not.toBe(500)
          expect((await client.get(`${app}/`)).status()).toBe(200)
          await client.dispose()
        }
        const health = await request.get(`${app}/api/health`)
        expect(health.status()).toBe(503)
        expect(await health.json()).toMatchObject({
          status: 'degraded',
          store: { kind: 'redis', status: 'unreachable' },
        })
      }
      // In the browser: the 503 page, then the home page with the header saying why nobody is shown.
      await live.page.goto(`${a.url}/profile`)
      await expect(live.page.getByRole('heading', { name: 'Sessions cannot be checked right now' })).toBeVisible()
      await live.page.goto(`${a.url}/`)
      await expect(live.page.getByTestId('sessions-unavailable')).toBeVisible()
    } finally {
      await redis(request, 'start')
    }

    const liveBrowser = await holding(playwright, liveCopy)
    for (const app of [a.url, b.url]) {
      await waitForStore(request, app, 'reachable')
      await expectSignedInVia(liveBrowser, app)
      await expectSignedOut(playwright, endedCopy, app)
    }
    await liveBrowser.dispose()
    await live.page.goto(`${a.url}/profile`)
    await expect(live.page.getByTestId('profile-name')).toHaveText('Alice Adams')
    await Promise.all([live.context.close(), ended.context.close()])
  })

  test('Redis restarted with its data: live sessions work again; restarted empty: everyone is signed out, cleanly', async ({
    browser,
    playwright,
    request,
  }) => {
    const live = await signedInBrowser(browser, REDIS_TARGET)
    const copy = await sessionCookies(live.context)

    await redis(request, 'start')
    await waitForStore(request, a.url, 'reachable')
    await waitForStore(request, b.url, 'reachable')
    const browserCopy = await holding(playwright, copy)
    await expectSignedInVia(browserCopy, a.url)
    await expectSignedInVia(browserCopy, b.url)
    await browserCopy.dispose()

    await redis(request, 'start?empty=true')
    await waitForStore(request, a.url, 'reachable')
    await waitForStore(request, b.url, 'reachable')
    // Not an error: a redirect to sign in (and a 401 from the API), the dead cookie dropped.
    await expectSignedOut(playwright, copy, a.url)
    await expectSignedOut(playwright, copy, b.url)
    await live.page.goto(`${a.url}/profile`)
    // The provider still knows the browser: it signs in again, as a new session.
    await expect(live.page.getByTestId('profile-name')).toHaveText('Alice Adams')
    await live.context.close()
  })
})

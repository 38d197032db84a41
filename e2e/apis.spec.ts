/**
 * Calling several APIs (APIS) as the signed-in user: a real provider with
 * resource servers, token exchange and DPoP nonces required; two real demo
 * APIs that verify every token (and proof) and record what they saw; a real
 * browser. See e2e/environment.ts's APIS_ENV for who is configured how.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { expect, test, type APIRequestContext, type APIResponse, type Browser, type Page } from '@playwright/test'
import { unsealData } from 'iron-session'
import { unpackToken } from '../lib/session/codec.ts'
import { LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET } from '../idp/local-client.ts'
import { APIS_ENV, HOSTILE_APPS, SHARED, TEST_SESSION_SECRET } from './environment.ts'
import { expectRefused, login, me, startLogin } from './hostile/client.ts'
import { alice, bob, openSealedSession, signInAtProvider, type ErrorBody } from './helpers.ts'
import { nowSeconds } from '../lib/clock.ts'

// One after another in one worker: the tests count what the provider and the demo APIs were asked.
test.describe.configure({ mode: 'default' })

const { orders, reports, dpop, bearer, issuer } = APIS_ENV

/** What a demo API recorded of one request (idp/demo-resource-server.ts). */
interface Seen {
  readonly method: string
  readonly path: string
  readonly scheme: string | null
  readonly outcome: string
  readonly aud?: string | string[]
  readonly sub?: string
  readonly scope?: string
  readonly tokenJkt?: string
  readonly proofJkt?: string
}

async function seenAt(request: APIRequestContext, api: string, pathPrefix?: string): Promise<Seen[]> {
  const all = (await (await request.get(`${api}/_seen`)).json()) as Seen[]
  return pathPrefix === undefined ? all : all.filter((s) => s.path.startsWith(pathPrefix))
}

/** Requests the provider answered, by method and path (its test counter). */
async function providerCount(request: APIRequestContext, what: string): Promise<number> {
  const counts = (await (await request.get(`${issuer}/_requests`)).json()) as Record<string, number>
  return counts[what] ?? 0
}

async function signedIn(browser: Browser, app: string, user = alice): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await page.goto(`${app}/profile`)
  await signInAtProvider(page, user)
  await expect(page).toHaveURL(`${app}/profile`)
  return page
}

/** A proxied request from the page itself, as its scripts would send it. */
async function fromPage(
  page: Page,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
) {
  return page.evaluate(
    async ({ path, init }) => {
      const response = await fetch(path, {
        method: init.method ?? 'GET',
        body: init.body ?? null,
        headers: init.headers ?? {},
      })
      const headers: Record<string, string> = {}
      response.headers.forEach((value, name) => (headers[name] = value))
      return { status: response.status, headers, text: await response.text().catch(() => '(cut)') }
    },
    { path, init },
  )
}

const unique = () => `t-${randomBytes(5).toString('hex')}`
const csrf = { 'x-csrf': '1' }

test.describe('a token per API', () => {
  test("each API gets its own token, for its own audience; one API's token never reaches another", async ({
    browser,
  }) => {
    const page = await signedIn(browser, bearer.url)
    const mark = unique()
    for (const path of [`/api/proxy/orders/${mark}`, `/api/proxy/reports/${mark}`, `/api/proxy/orders/${mark}/again`]) {
      expect((await fromPage(page, path, { headers: csrf })).status).toBe(200)
    }
    const atOrders = await seenAt(page.request, orders.url, `/v1/${mark}`)
    const atReports = await seenAt(page.request, reports.url, `/${mark}`)
    expect(atOrders).toHaveLength(2)
    expect(atReports).toHaveLength(1)
    for (const seen of atOrders)
      expect(seen).toMatchObject({ outcome: 'ok', aud: orders.url, scope: 'orders:read', scheme: 'Bearer' })
    expect(atReports[0]).toMatchObject({ outcome: 'ok', aud: reports.url, scope: 'reports:read' })
    // Not one token for the wrong audience reached either API, in this whole run.
    for (const api of [orders.url, reports.url])
      expect((await seenAt(page.request, api)).filter((s) => s.outcome === 'wrong-audience')).toEqual([])
    await page.context().close()
  })

  test('the profile shows a row per API; "Call" answers with the API\'s status and body, the token\'s expiry and scopes, never the token', async ({
    browser,
  }) => {
    const page = await signedIn(browser, dpop.url)
    for (const name of ['orders', 'reports']) {
      const row = page.getByTestId(`api-row-${name}`)
      await expect(row.getByRole('heading', { name })).toBeVisible()
      await row.getByRole('button', { name: `Call ${name}` }).click()
      await expect(page.getByTestId(`api-result-${name}`)).toContainText('"status": 200')
    }
    // Whatever the request says, the token's resource and scope are the configuration's.
    const injected = await fromPage(
      page,
      `/api/proxy/reports/x?resource=${encodeURIComponent(orders.url)}&audience=${encodeURIComponent(orders.url)}&scope=orders%3Aread`,
      {
        headers: csrf,
      },
    )
    expect(JSON.parse(injected.text)).toMatchObject({ aud: reports.url, scope: 'reports:read' })
    const answer = await page.request.get(`${dpop.url}/api/call-api?api=reports`)
    expect(answer.status()).toBe(200)
    const body = (await answer.json()) as {
      api: string
      status: number
      body: { aud: string; bound: boolean }
      token: { source: string; expires_at: number; scope: string; dpop: boolean }
    }
    expect(body).toMatchObject({
      api: 'reports',
      status: 200,
      body: { aud: reports.url, bound: true },
      token: { source: 'exchange', scope: 'reports:read', dpop: true },
    })
    expect(body.token.expires_at).toBeGreaterThan(Date.now() / 1000)
    expect(JSON.stringify(body)).not.toMatch(/eyJ[\w-]+\.eyJ/)
    expect((await page.request.get(`${dpop.url}/api/call-api?api=nope`)).status()).toBe(404)
    await page.reload()
    await expect(page.getByTestId('api-scopes-orders')).toContainText('orders:read · DPoP-bound')
    await page.context().close()
  })

  test('a server component calls the APIs with apiFetch: the answers reach the page, the tokens do not', async ({
    browser,
  }) => {
    const page = await signedIn(browser, dpop.url)
    await page.goto(`${dpop.url}/profile/apis`)
    await expect(page.getByTestId('server-call-orders')).toContainText('HTTP 200')
    await expect(page.getByTestId('server-call-orders')).toContainText(`"aud": "${orders.url}"`)
    await expect(page.getByTestId('server-call-reports')).toContainText('HTTP 200')
    expect(await page.content()).not.toMatch(/eyJ[\w-]+\.eyJ/)
    // A second render uses the tokens minted by the first: no new token request.
    const before = await providerCount(page.request, 'POST /token')
    await page.reload()
    await expect(page.getByTestId('server-call-orders')).toContainText('HTTP 200')
    expect(await providerCount(page.request, 'POST /token')).toBe(before)
    await page.context().close()
  })

  test('a server action calls the APIs with apiFetch: a POST with its body; tokens a render could not keep go into the cookie', async ({
    browser,
  }) => {
    const page = await signedIn(browser, dpop.url)
    const apiTokensInCookie = async () => {
      const sealed = (await page.context().cookies(dpop.url))
        .filter((c) => /^session(\.\d)?$/.test(c.name))
        .map((c) => c.value)
        .join('')
      return Object.keys(
        (await openSealedSession<{ apiTokens?: Record<string, unknown> }>(sealed, TEST_SESSION_SECRET)).apiTokens ?? {},
      ).sort()
    }
    await page.goto(`${dpop.url}/profile/apis`)
    await expect(page.getByTestId('server-call-orders')).toContainText('HTTP 200')
    // A render cannot set cookies: the tokens it minted are kept on the server.
    expect(await apiTokensInCookie()).toEqual([])
    await page.getByRole('button', { name: 'Send a POST from a server action' }).click()
    for (const name of ['orders', 'reports']) {
      await expect(page.getByTestId(`action-result-${name}`)).toContainText('"status": 200')
      await expect(page.getByTestId(`action-result-${name}`)).toContainText('"method": "POST"')
      await expect(page.getByTestId(`action-result-${name}`)).toContainText('a server action')
    }
    // A server action can: they are in the session cookie now.
    await expect.poll(apiTokensInCookie).toEqual(['orders', 'reports'])
    await page.context().close()
  })

  test("the sign-in's own token (TOKEN=login) goes to its API; a token minted for another audience goes nowhere, with words naming the policy", async ({
    browser,
  }) => {
    const page = await signedIn(browser, bearer.url)
    const whoami = await page.request.get(`${bearer.url}/api/call-api?api=whoami`)
    expect(whoami.status()).toBe(200)
    expect(((await whoami.json()) as { body: { sub: string } }).body.sub).toBe(alice.sub)

    const misaimed = await page.request.get(`${bearer.url}/api/call-api?api=misaimed`)
    expect(misaimed.status()).toBe(502)
    const refusal = (await misaimed.json()) as ErrorBody
    expect(refusal.error).toBe('token_unavailable')
    expect(refusal.error_description).toContain(`issued a token for "${reports.url}", not for misaimed`)
    expect(refusal.error_description).toContain('policy does not grant this client that API')
    expect(await seenAt(page.request, orders.url, '/misaimed')).toEqual([])
    await page.context().close()
  })

  test('many APIs: the cookie stays within its limit (least recently used tokens go), the session keeps its own tokens, no 431', async ({
    browser,
  }) => {
    const page = await signedIn(browser, bearer.url)
    for (let i = 1; i <= APIS_ENV.manyApis; i++) {
      const answer = await page.request.get(`${bearer.url}/api/call-api?api=many${i}`)
      expect(answer.status(), `many${i}`).toBe(200)
    }
    const cookies = await page.context().cookies(bearer.url)
    const session = cookies.filter((c) => /^session(\.\d)?$/.test(c.name))
    const sealed = session.map((c) => c.value).join('')
    expect(sealed.length).toBeLessThanOrEqual(3 * 3900)
    expect(cookies.reduce((n, c) => n + c.name.length + c.value.length + 2, 0)).toBeLessThan(16 * 1024)
    const stored = await openSealedSession<{
      refreshToken?: string
      idToken: string
      apiTokens?: Record<string, unknown>
    }>(sealed, TEST_SESSION_SECRET)
    expect(stored.refreshToken).toBeTruthy()
    expect(stored.idToken.split('.')).toHaveLength(3)
    const kept = Object.keys(stored.apiTokens ?? {})
    expect(kept.length).toBeLessThan(APIS_ENV.manyApis)
    expect(kept).toContain(`many${APIS_ENV.manyApis}`)
    expect(kept).not.toContain('many1')
    // The pages still load, and the first API, evicted, is minted again when called.
    expect((await page.goto(`${bearer.url}/profile`))!.status()).toBe(200)
    const before = await providerCount(page.request, 'POST /token')
    expect((await page.request.get(`${bearer.url}/api/call-api?api=many1`)).status()).toBe(200)
    expect(await providerCount(page.request, 'POST /token')).toBe(before + 1)
    await page.context().close()
  })
})

test.describe('the BFF proxy', () => {
  test("forwards method, query and body, and answers with the API's status, content type and body only", async ({
    browser,
  }) => {
    const page = await signedIn(browser, bearer.url)
    const mark = unique()
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const body = method === 'GET' ? undefined : JSON.stringify({ method })
      const answer = await fromPage(page, `/api/proxy/orders/${mark}/items?page=2&q=a%20b&plus=a%2Bb`, {
        method,
        ...(body ? { body } : {}),
        headers: {
          ...csrf,
          'content-type': 'application/json',
          authorization: 'Bearer from-the-browser',
          cookie: 'x=y',
        },
      })
      expect(answer.status, method).toBe(200)
      const echoed = JSON.parse(answer.text) as { query: string }
      expect(echoed).toMatchObject({ api: 'orders', method, path: `/v1/${mark}/items`, body: body ?? '' })
      expect(Object.fromEntries(new URLSearchParams(echoed.query))).toEqual({ page: '2', q: 'a b', plus: 'a+b' })
      expect(answer.headers['content-type']).toContain('application/json')
      expect(Object.keys(answer.headers).filter((h) => /authorization|dpop|www-authenticate/.test(h))).toEqual([])
    }
    // The API saw the app's token, never what the browser sent as Authorization.
    for (const seen of await seenAt(page.request, orders.url, `/v1/${mark}`))
      expect(seen).toMatchObject({ outcome: 'ok', scheme: 'Bearer', aud: orders.url })
    await page.context().close()
  })

  test('refuses what is not our own page asking, before the API sees anything', async ({ browser, playwright }) => {
    const page = await signedIn(browser, bearer.url)
    const mark = unique()
    // No X-CSRF header (as a plain form post or link would be).
    expect((await fromPage(page, `/api/proxy/orders/${mark}`)).status).toBe(403)
    expect(
      (await fromPage(page, `/api/proxy/orders/${mark}`, { method: 'POST', headers: { 'x-csrf': 'yes' } })).status,
    ).toBe(403)
    // Another site's page, with the header and the user's cookies.
    const cookies = (await page.context().cookies(bearer.url)).map((c) => `${c.name}=${c.value}`).join('; ')
    const other = await playwright.request.newContext()
    const crossSite = await other.post(`${bearer.url}/api/proxy/orders/${mark}`, {
      headers: { cookie: cookies, 'x-csrf': '1', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    })
    expect(crossSite.status()).toBe(403)
    // No session: 401.
    expect((await other.get(`${bearer.url}/api/proxy/orders/${mark}`, { headers: csrf })).status()).toBe(401)
    expect(await seenAt(page.request, orders.url, `/v1/${mark}`)).toEqual([])
    // An API nobody configured.
    expect((await fromPage(page, '/api/proxy/payroll/x', { headers: csrf })).status).toBe(404)
    // Paths that would leave the API's URL: refused (400; 404 where the URL parser resolved the dots first and named no API).
    for (const path of [
      `${mark}/..%2f..%2fadmin`,
      `${mark}/%2e%2e/%2e%2e/admin`,
      `${mark}%2fadmin`,
      `${mark}/%5c..%5cadmin`,
      `${mark}/.%2e/.%2e/admin`,
    ]) {
      const refused = await other.get(`${bearer.url}/api/proxy/orders/${path}`, {
        headers: { ...csrf, cookie: cookies },
      })
      expect([400, 404], path).toContain(refused.status())
    }
    expect(await seenAt(page.request, orders.url, '/admin')).toEqual([])
    expect(await seenAt(page.request, orders.url, `/v1/${mark}`)).toEqual([])
    await Promise.all([other.dispose(), page.context().close()])
  })

  test('a 401 from the API: one new token, one retry, never a loop; redirects are not followed; a runaway answer is cut', async ({
    browser,
  }) => {
    const page = await signedIn(browser, bearer.url)
    const mark = unique()
    const tokenRequests = await providerCount(page.request, 'POST /token')
    const refused = await fromPage(page, `/api/proxy/orders/${mark}/always-401`, { headers: csrf })
    expect(refused.status).toBe(401)
    const attempts = await seenAt(page.request, orders.url, `/v1/${mark}/always-401`)
    expect(attempts).toHaveLength(2)
    // The retry carried a new token: minted once for the first call (none cached yet) and once after the 401.
    expect(await providerCount(page.request, 'POST /token')).toBe(tokenRequests + 2)
    // The session goes on.
    expect((await fromPage(page, `/api/proxy/orders/${mark}/fine`, { headers: csrf })).status).toBe(200)

    const redirected = await fromPage(page, `/api/proxy/orders/${mark}/redirect`, { headers: csrf })
    expect(redirected.status).toBe(502)
    expect(JSON.parse(redirected.text)).toMatchObject({ error: 'api_redirected' })

    const big = await fromPage(page, `/api/proxy/orders/${mark}/big`, { headers: csrf })
    expect(big.text === '(cut)' || big.text.length <= 4 * 1024 * 1024).toBe(true)
    await page.context().close()
  })
})

test.describe('DPoP', () => {
  test("20 concurrent calls by two users, with nonces rotating: every proof by the caller's own key, for its own token", async ({
    browser,
  }) => {
    const [alicePage, bobPage] = await Promise.all([
      signedIn(browser, dpop.url, alice),
      signedIn(browser, dpop.url, bob),
    ])
    const mark = unique()
    const calls = (page: Page, who: string) =>
      Array.from({ length: 10 }, (_, i) => fromPage(page, `/api/proxy/orders/${mark}/${who}/${i}`, { headers: csrf }))
    const answers = await Promise.all([...calls(alicePage, 'alice'), ...calls(bobPage, 'bob')])
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200))

    const seen = (await seenAt(alicePage.request, orders.url, `/v1/${mark}/`)).filter((s) => s.outcome === 'ok')
    expect(seen).toHaveLength(20)
    for (const s of seen) {
      expect(s.scheme).toBe('DPoP')
      expect(s.proofJkt).toBe(s.tokenJkt)
      expect(s.sub).toBe(s.path.includes('/alice/') ? alice.sub : bob.sub)
    }
    const keysOf = (who: string) => new Set(seen.filter((s) => s.path.includes(`/${who}/`)).map((s) => s.tokenJkt))
    expect(keysOf('alice').size).toBe(1)
    expect(keysOf('bob').size).toBe(1)
    expect([...keysOf('alice')][0]).not.toBe([...keysOf('bob')][0])
    // Nonces did rotate under the calls: some proofs were refused for one, and retried once.
    const all = await seenAt(alicePage.request, orders.url, `/v1/${mark}/`)
    expect(all.filter((s) => !['ok', 'nonce'].includes(s.outcome))).toEqual([])
    await Promise.all([alicePage.context().close(), bobPage.context().close()])
  })

  test("the code is bound to the login's key: redeemed with another key, the provider refuses it", async ({
    playwright,
    request,
  }) => {
    // The login driven over HTTP, redirect by redirect, so the code stops before the app redeems it.
    const browserless = await playwright.request.newContext()
    const follow = async (url: string, form?: Record<string, string>) => {
      const response = form
        ? await browserless.post(url, { form, maxRedirects: 0 })
        : await browserless.get(url, { maxRedirects: 0 })
      const location = response.headers().location
      return location ? new URL(location, url).href : undefined
    }
    let next = await follow(`${dpop.url}/auth/login`)
    expect(new URL(next!).searchParams.get('dpop_jkt')).toMatch(/^[\w-]{43}$/)
    const visited: string[] = []
    let callback: URL | undefined
    for (let hop = 0; hop < 12 && next && !callback; hop++) {
      const url = new URL(next)
      visited.push(url.pathname)
      if (url.origin === dpop.url && url.pathname === '/auth/callback') callback = url
      else if (/^\/interaction\/[^/]+$/.test(url.pathname)) {
        const html = await (await browserless.get(url.href)).text()
        next = html.includes('name="password"')
          ? await follow(`${url.href}/login`, { username: alice.username, password: alice.password })
          : await follow(`${url.href}/confirm`, {})
      } else next = await follow(url.href)
    }
    expect(callback, visited.join(' → ')).toBeDefined()
    // The login's own PKCE verifier, from its transaction cookie: only the key differs from the app's redemption.
    const transaction = (await browserless.storageState()).cookies.find((c) => c.name.startsWith('txn.'))!
    const { codeVerifier } = await unsealData<{ codeVerifier: string }>(transaction.value, {
      password: TEST_SESSION_SECRET,
    })
    const { generateKeyPair, exportJWK, SignJWT } = await import('jose')
    const other = await generateKeyPair('ES256', { extractable: true })
    const proof = await new SignJWT({
      htm: 'POST',
      htu: `${issuer}/token`,
      jti: unique(),
      iat: nowSeconds(),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(other.publicKey) })
      .sign(other.privateKey)
    const redeem = (dpopProof: string) =>
      request.post(`${issuer}/token`, {
        form: {
          grant_type: 'authorization_code',
          code: callback!.searchParams.get('code')!,
          redirect_uri: `${dpop.url}/auth/callback`,
          code_verifier: codeVerifier,
        },
        headers: {
          authorization: `Basic ${Buffer.from('nextjs-oidc-login:local-provider-secret-for-development-only').toString('base64')}`,
          dpop: dpopProof,
        },
      })
    let answer = await redeem(proof)
    // The provider may first ask for its nonce; with it, the key is still not the login's.
    if (answer.status() === 400 && ((await answer.json()) as ErrorBody).error === 'use_dpop_nonce') {
      const nonce = answer.headers()['dpop-nonce']!
      const withNonce = await new SignJWT({
        htm: 'POST',
        htu: `${issuer}/token`,
        jti: unique(),
        iat: nowSeconds(),
        nonce,
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(other.publicKey) })
        .sign(other.privateKey)
      answer = await redeem(withNonce)
    }
    expect(answer.status()).toBe(400)
    expect(((await answer.json()) as ErrorBody).error).toBe('invalid_grant')
    // Why, in the provider's own words (its answer does not say): the key, not the code or the verifier.
    const reasons = (await (await request.get(`${issuer}/_grant-errors`)).json()) as string[]
    expect(reasons.at(-1)).toBe('DPoP proof key thumbprint does not match dpop_jkt')
    await browserless.dispose()
  })

  test("sign-out revokes the session's and every API's token, and the key leaves with the cookie", async ({
    browser,
  }) => {
    const page = await signedIn(browser, dpop.url)
    for (const name of ['orders', 'reports'])
      expect((await page.request.get(`${dpop.url}/api/call-api?api=${name}`)).status()).toBe(200)
    const sealed = (await page.context().cookies(dpop.url))
      .filter((c) => /^session(\.\d)?$/.test(c.name))
      .map((c) => c.value)
      .join('')
    const stored = await openSealedSession<{ dpopKey?: { d: string }; apiTokens?: Record<string, unknown[]> }>(
      sealed,
      TEST_SESSION_SECRET,
    )
    expect(stored.dpopKey?.d).toBeTruthy()
    const apiTokens = Object.values(stored.apiTokens ?? {}).map((wire) => unpackToken(wire[1]))
    expect(apiTokens).toHaveLength(2)

    const revocations = await providerCount(page.request, 'POST /token/revocation')
    const signOut = await page.request.post(`${dpop.url}/auth/logout`, {
      headers: { origin: dpop.url },
      maxRedirects: 0,
    })
    expect(signOut.status()).toBe(303)
    // The refresh token, the sign-in's access token, and one for each API.
    expect(await providerCount(page.request, 'POST /token/revocation')).toBe(revocations + 4)
    expect((await page.context().cookies(dpop.url)).filter((c) => /^session/.test(c.name) && c.value)).toEqual([])
    expect((await page.request.get(`${dpop.url}/api/proxy/orders/x`, { headers: csrf })).status()).toBe(401)
    await page.context().close()
  })
})

test.describe('DPoP, no downgrade', () => {
  test('a provider that answers with a Bearer token while OIDC_DPOP is on: a 502 page naming OIDC_DPOP, and no session', async ({
    request,
  }) => {
    const authorize = await startLogin(request, 'downgrade')
    expect(authorize.searchParams.get('dpop_jkt')).toMatch(/^[\w-]{43}$/)
    const { callback } = await login(request, 'downgrade')
    await expectRefused(callback, 502, /OIDC_DPOP=true[\s\S]*Bearer/)
    expect((await me(request, 'downgrade')).status()).toBe(401)
  })

  test('a provider whose discovery does not list ES256 for DPoP stops the start, saying so', async () => {
    const app = HOSTILE_APPS.main
    const child = spawn(process.execPath, ['.next/standalone/server.js'], {
      env: {
        ...process.env,
        HOSTNAME: '127.0.0.1',
        PORT: '3153',
        APP_BASE_URL: 'http://localhost:3153',
        SESSION_SECRET: TEST_SESSION_SECRET,
        SESSION_STORE_PATH: ':memory:',
        OIDC_ISSUER: app.issuer,
        OIDC_CLIENT_ID: app.clientId,
        OIDC_CLIENT_SECRET: app.clientSecret,
        OIDC_DPOP: 'true',
        REDIS_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const code = await Promise.race([
      new Promise<number | null>((resolve) => child.once('exit', resolve)),
      new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 20_000)),
    ])
    if (code === 'running') child.kill('SIGTERM')
    expect(code).toBe(1)
    expect(output).toContain('OIDC_DPOP=true')
    expect(output).toContain('dpop_signing_alg_values_supported')
  })
})

test.describe('two instances sharing Redis', () => {
  /** Asks the shared provider whether a token is still good (RFC 7662). */
  async function active(request: APIRequestContext, token: string): Promise<boolean> {
    const response = await request.post(`${SHARED.issuer}/token/introspection`, {
      form: { token },
      headers: {
        authorization: `Basic ${Buffer.from(`${LOCAL_CLIENT_ID}:${LOCAL_CLIENT_SECRET}`).toString('base64')}`,
      },
    })
    return ((await response.json()) as { active?: boolean }).active === true
  }

  /** The refresh token a response's session cookie holds. */
  async function refreshTokenSetBy(response: APIResponse): Promise<string> {
    const sealed = response
      .headersArray()
      .find((h) => h.name.toLowerCase() === 'set-cookie' && /^session=[^;]+/.test(h.value))
      ?.value.match(/^session=([^;]+)/)?.[1]
    return (await openSealedSession<{ refreshToken: string }>(sealed!, TEST_SESSION_SECRET)).refreshToken
  }

  test('one instance mints orders while the other mints reports from the same rotating refresh token: each token spent once, the session lives', async ({
    browser,
    playwright,
  }) => {
    const { a, b } = SHARED.instances
    const page = await signedIn(browser, a.url)
    const cookies = (await page.context().cookies(a.url)).filter((c) => /^session(\.\d)?$/.test(c.name))
    const first = (
      await openSealedSession<{ refreshToken: string }>(cookies.map((c) => c.value).join(''), TEST_SESSION_SECRET)
    ).refreshToken
    const [onA, onB] = await Promise.all(
      [0, 1].map(() => playwright.request.newContext({ storageState: { cookies, origins: [] } })),
    )

    const [orders, reports] = await Promise.all([
      onA!.get(`${a.url}/api/call-api?api=orders`),
      onB!.get(`${b.url}/api/call-api?api=reports`),
    ])
    expect(orders.status(), await orders.text()).toBe(200)
    expect(reports.status(), await reports.text()).toBe(200)
    const [fromA, fromB] = await Promise.all([refreshTokenSetBy(orders), refreshTokenSetBy(reports)])
    // Two spends, one after the other: the first token, then the one it rotated to. Never one token twice
    // (oidc-provider would have revoked the whole grant, and both tokens with it).
    expect(fromA).not.toBe(fromB)
    expect(await active(onA!, first)).toBe(false)
    const [activeA, activeB] = [await active(onA!, fromA), await active(onA!, fromB)]
    expect([activeA, activeB].filter(Boolean)).toHaveLength(1)

    // The client left holding the older cookie still goes on, once the answers are no longer shared:
    // its next spend ("Refresh now") starts from the latest refresh token, noted in Redis, not the used one it holds.
    const stale = activeA ? onB! : onA!
    await new Promise((resolve) => setTimeout(resolve, 5_500))
    const later = await stale.post(`${b.url}/auth/refresh?returnTo=/api/me`, {
      headers: { origin: SHARED.baseUrl },
      maxRedirects: 0,
    })
    expect(later.status()).toBe(303)
    expect(new URL(later.headers().location!).pathname).toBe('/api/me')
    expect(await active(onA!, await refreshTokenSetBy(later))).toBe(true)
    expect((await stale.get(`${a.url}/api/me`)).status()).toBe(200)
    await Promise.all([onA!.dispose(), onB!.dispose(), page.context().close()])
  })
})

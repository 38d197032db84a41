/**
 * Hostile requests: open redirects, forged and broken cookies, secrets that
 * rotate or are wrong, and secrets that must never leak. Against the production
 * build over HTTP, with the misbehaving provider signing the user in.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type APIRequestContext } from '@playwright/test'
import { sealData, unsealData } from 'iron-session'
import { LOCAL_CLIENT_SECRET } from '../idp/local-client.ts'
import {
  HOSTILE_APPS,
  HOSTILE_CONTROL,
  HOSTILE_OLD_SESSION_SECRET,
  HOSTILE_SESSION_SECRET,
  LOG_DIR,
  TEST_SESSION_SECRET,
} from './environment.ts'
import { expectRefused, login, me, setDefect, startLogin } from './hostile/client.ts'
import { HOSTILE_USER } from './hostile/id-tokens.ts'
import { bodyOf, type MeBody, openSealedSession, randomSessionId } from './helpers.ts'
import { startServer } from './spawned-app.ts'
import { compress } from '../lib/session/codec.ts'
import { TOKEN_FIELDS } from '../lib/session/sealed.ts'
import { unsignedJwt } from '../lib/testing/tokens.ts'
import { nowSeconds } from '../lib/clock.ts'

const main = HOSTILE_APPS.main
const FOREIGN_SECRET = 'a-secret-this-app-has-never-held-0123456789'
const ALL_SECRETS = [
  TEST_SESSION_SECRET,
  HOSTILE_SESSION_SECRET,
  HOSTILE_OLD_SESSION_SECRET,
  LOCAL_CLIENT_SECRET,
  ...Object.values(HOSTILE_APPS).map((app) => app.clientSecret),
]

/** A session of the shape the app stores, sealed the way the app seals it (its ID token unsigned: only the seal protects it). */
function sealSession(secret: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const t = nowSeconds()
  const idToken = unsignedJwt({ sub: HOSTILE_USER.sub, name: 'Forged Or Rotated' })
  const session = {
    v: 1,
    id: randomSessionId(),
    idToken,
    claims: {},
    createdAt: t,
    expiresAt: t + 3600,
    lastSeenAt: t,
    ...overrides,
  }
  return sealData({ z: compress(session, TOKEN_FIELDS) }, { password: secret, ttl: 3600 })
}

function flipMiddle(value: string): string {
  const i = Math.floor(value.length / 2)
  return value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1)
}

/** The session cookie a real login leaves in this context. */
async function realSessionCookie(request: APIRequestContext): Promise<string> {
  expect((await login(request, 'main')).callback.status()).toBe(303)
  return (await request.storageState()).cookies.find((c) => c.name === 'session')!.value
}

test.describe('returnTo', () => {
  const offsite = [
    'https://evil.example/profile',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\r\n/evil.example',
    '/.//evil.example',
    'https:evil.example',
    'http://localhost:3101@evil.example/',
    '//localhost:3101@evil.example',
    `${main.baseUrl}.evil.example/`,
    'javascript:alert(document.domain)',
    '%2F%2Fevil.example',
    '%252F%252Fevil.example',
    '/%5Cevil.example',
    '/%09/evil.example',
  ]
  for (const returnTo of offsite) {
    test(`returnTo=${JSON.stringify(returnTo)} ends on our own origin`, async ({ request }) => {
      const { callback } = await login(request, 'main', 'none', returnTo)
      expect(callback.status()).toBe(303)
      const location = callback.headers().location!
      // Absolute, built on APP_BASE_URL: nothing a browser could resolve elsewhere.
      expect(location.startsWith(`${main.baseUrl}/`)).toBe(true)
      expect(new URL(location).origin).toBe(main.baseUrl)
    })
  }

  test('a same-origin path with its query survives the login', async ({ request }) => {
    const { callback } = await login(request, 'main', 'none', '/profile?tab=claims&x=1')
    expect(callback.headers().location).toBe(`${main.baseUrl}/profile?tab=claims&x=1`)
  })
})

test.describe('broken session cookies mean signed out', () => {
  const variants: [string, (real: string) => Promise<string> | string][] = [
    ['tampered', (real) => flipMiddle(real)],
    ['truncated', (real) => real.slice(0, Math.floor(real.length / 2))],
    ['oversized', (real) => real + 'A'.repeat(6000)],
    ['garbage', () => 'not-a-seal-at-all'],
    ['sealed with a foreign secret', () => sealSession(FOREIGN_SECRET)],
    [
      'expired',
      () => sealSession(HOSTILE_SESSION_SECRET, { createdAt: nowSeconds() - 9 * 3600, expiresAt: nowSeconds() - 60 }),
    ],
    [
      'of another shape',
      () => sealData({ user: 'admin', admin: true }, { password: HOSTILE_SESSION_SECRET, ttl: 3600 }),
    ],
  ]
  for (const [name, make] of variants) {
    test(`a session cookie ${name}`, async ({ request, playwright }) => {
      const cookie = `session=${await make(await realSessionCookie(request))}`
      const browser = await playwright.request.newContext({ extraHTTPHeaders: { cookie } })

      const profile = await browser.get(`${main.baseUrl}/profile`, { maxRedirects: 0 })
      expect(profile.status()).toBe(307)
      expect(profile.headers().location).toBe('/auth/login?returnTo=%2Fprofile')

      const api = await browser.get(`${main.baseUrl}/api/me`)
      expect(api.status()).toBe(401)
      expect(await api.json()).toMatchObject({ error: 'unauthorized' })

      const home = await browser.get(`${main.baseUrl}/`)
      expect(home.status()).toBe(200)
      expect(await home.text()).toContain('Sign in')
      await browser.dispose()
    })
  }
})

test.describe('broken or foreign transaction cookies are refused', () => {
  test('every variant gets a 400 page and no session', async ({ request, playwright }) => {
    const authorize = await startLogin(request, 'main')
    const state = authorize.searchParams.get('state')!
    await setDefect(request, 'main', state, 'none')
    const callbackUrl = (await request.get(authorize.href, { maxRedirects: 0 })).headers().location!
    const real = (await request.storageState()).cookies.find((c) => c.name === `txn.${state}`)!.value

    const other = await startLogin(request, 'main')
    const otherState = other.searchParams.get('state')!
    const othersCookie = (await request.storageState()).cookies.find((c) => c.name === `txn.${otherState}`)!.value
    const transaction = { state, nonce: 'n', codeVerifier: 'v'.repeat(43), returnTo: '/', createdAt: nowSeconds() }

    const variants: [string, string | undefined][] = [
      ['no transaction cookie', undefined],
      ['tampered', flipMiddle(real)],
      ['truncated', real.slice(0, 40)],
      ['oversized', real + 'A'.repeat(6000)],
      ['another login’s, under this state’s name', othersCookie],
      ['sealed with a foreign secret', await sealData(transaction, { password: FOREIGN_SECRET, ttl: 600 })],
      [
        'expired',
        await sealData(
          { ...transaction, createdAt: nowSeconds() - 11 * 60 },
          { password: HOSTILE_SESSION_SECRET, ttl: 3600 },
        ),
      ],
    ]
    for (const [name, value] of variants) {
      const browser = await playwright.request.newContext(
        value ? { extraHTTPHeaders: { cookie: `txn.${state}=${value}` } } : {},
      )
      await test.step(name, async () => {
        await expectRefused(await browser.get(callbackUrl, { maxRedirects: 0 }), 400, /not started in this browser/)
        expect((await me(browser, 'main')).status()).toBe(401)
      })
      await browser.dispose()
    }
    // The genuine cookie still completes the login: the refusals above were about the cookies.
    expect((await request.get(callbackUrl, { maxRedirects: 0 })).status()).toBe(303)
  })
})

test.describe('a pile of forged transaction cookies', () => {
  test('a login start carrying 300 of them answers as any other, deleting only a handful per response', async ({
    playwright,
  }) => {
    // 13 KB of cookies named like transactions, as a crafted request (no browser holds more than three of ours).
    const forged = Array.from(
      { length: 300 },
      (_, i) => `txn.${String(i).padStart(16, 'x')}=Fe26.2*1*s*i*e**h*d~2`,
    ).join('; ')
    const browser = await playwright.request.newContext({ extraHTTPHeaders: { cookie: forged } })
    const response = await browser.get(`${main.baseUrl}/auth/login?returnTo=/profile`, { maxRedirects: 0 })
    expect(response.status()).toBe(303)
    const setCookies = response.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie')
    // The new login's own cookie, and at most six deletions.
    expect(setCookies.filter((h) => /^txn\.[^=]+=[^;]/.test(h.value))).toHaveLength(1)
    expect(setCookies.length).toBeLessThanOrEqual(7)
    await browser.dispose()
  })

  test('a browser with a crowded cookie jar (60 cookies of other apps on the host) signs in, calls the API and signs out as any other', async ({
    playwright,
  }) => {
    const others = Array.from({ length: 60 }, (_, i) => ({
      name: `_other${i}`,
      value: `v${i}`,
      domain: 'localhost',
      path: '/',
      expires: -1,
      httpOnly: false,
      secure: false,
      sameSite: 'Lax' as const,
    }))
    const browser = await playwright.request.newContext({ storageState: { cookies: others, origins: [] } })
    const { callback } = await login(browser, 'main')
    expect(callback.status(), await callback.text()).toBe(303)
    expect((await me(browser, 'main')).status()).toBe(200)
    expect((await browser.get(`${main.baseUrl}/api/call-api`)).status()).toBe(200)
    expect(
      (
        await browser.post(`${main.baseUrl}/auth/logout`, { headers: { origin: main.baseUrl }, maxRedirects: 0 })
      ).status(),
    ).toBe(303)
    expect((await me(browser, 'main')).status()).toBe(401)
    // The other apps' cookies are theirs: never deleted.
    expect((await browser.storageState()).cookies.filter((c) => c.name.startsWith('_other'))).toHaveLength(60)
    await browser.dispose()
  })
})

test.describe('session secret rotation', () => {
  test('a cookie sealed with the older secret still opens, and comes back sealed with the newest', async ({
    playwright,
  }) => {
    const old = await sealSession(HOSTILE_OLD_SESSION_SECRET)
    expect(await unsealData(old, { password: HOSTILE_SESSION_SECRET })).toEqual({})

    const browser = await playwright.request.newContext({ extraHTTPHeaders: { cookie: `session=${old}` } })
    const response = await browser.get(`${main.baseUrl}/api/me`)
    expect(response.status()).toBe(200)
    expect((await bodyOf<MeBody>(response)).user.name).toBe('Forged Or Rotated')
    const resealed = response
      .headersArray()
      .find((h) => h.name.toLowerCase() === 'set-cookie' && h.value.startsWith('session='))
      ?.value.match(/^session=([^;]+)/)?.[1]
    expect(resealed).toBeDefined()
    const reopened = await openSealedSession<{ idToken: string }>(resealed!, HOSTILE_SESSION_SECRET)
    expect(reopened.idToken).toBe(
      (await openSealedSession<{ idToken: string }>(old, HOSTILE_OLD_SESSION_SECRET)).idToken,
    )
    await browser.dispose()
  })

  test('a cookie sealed with the newest secret is not rewritten', async ({ playwright }) => {
    const browser = await playwright.request.newContext({
      extraHTTPHeaders: { cookie: `session=${await sealSession(HOSTILE_SESSION_SECRET)}` },
    })
    const response = await browser.get(`${main.baseUrl}/api/me`)
    expect(response.status()).toBe(200)
    expect(response.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie')).toEqual([])
    await browser.dispose()
  })

  for (const [name, env, message, port] of [
    [
      'a short secret',
      { SESSION_SECRET: 'too-short' },
      /SESSION_SECRET is 9 characters long; it must be at least 32/,
      3109,
    ],
    ['a missing secret', { SESSION_SECRET: '' }, /SESSION_SECRET is not set.*openssl rand -base64 32/, 3110],
    [
      'one of several secrets too short',
      { SESSION_SECRET: `${HOSTILE_SESSION_SECRET},short` },
      /second secret in SESSION_SECRET is 5 characters long/,
      3111,
    ],
    [
      'a REDIS_URL that is not one',
      { SESSION_SECRET: HOSTILE_SESSION_SECRET, REDIS_URL: 'https://default:hunter2@redis.example.com' },
      /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL such as redis:\/\/localhost:6379.*got "https:\/\/default:\*\*\*@redis.example.com\/"/,
      3112,
    ],
    [
      'plain redis:// to another host',
      // .invalid never resolves (RFC 2606): nothing is sent anywhere, the app stops before connecting.
      { SESSION_SECRET: HOSTILE_SESSION_SECRET, REDIS_URL: 'redis://default:hunter2@cache.invalid:6379' },
      /REDIS_URL "redis:\/\/default:\*\*\*@cache.invalid:6379" is plain redis:\/\/ to another host.*rediss:\/\/.*REDIS_ALLOW_PLAINTEXT=true/,
      3114,
    ],
  ] as const) {
    test(`${name} stops the app at start with a message that says what to do`, async () => {
      const app = startServer(port, env)
      const timer = setTimeout(() => void app.stop(), 20_000)
      const code = await app.exited
      clearTimeout(timer)
      const output = app.output()
      expect(code).toBe(1)
      expect(output).toMatch(message)
      expect(output).not.toContain('hunter2')
      expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/)
    })
  }
})

test('on Vercel without REDIS_URL, the server warns at start that instances share no session store', async () => {
  const app = startServer(3113, { VERCEL: '1' })
  try {
    await expect.poll(app.output, { timeout: 15_000 }).toMatch(/on Vercel.*Set REDIS_URL/)
    expect(app.output()).toContain('[store] sessions are tracked in this process')
  } finally {
    await app.stop()
  }
})

test('with LOG_FORMAT=json every line of ours is one JSON object: a forged callback logs its kind and the request id, no code or state', async () => {
  const port = 3115
  const app = startServer(port, { SESSION_STORE_PATH: ':memory:', LOG_FORMAT: 'json' })
  try {
    const base = `http://127.0.0.1:${port}`
    await expect
      .poll(async () => (await fetch(`${base}/api/health/live`).catch(() => undefined))?.status, { timeout: 15_000 })
      .toBe(200)
    const forged = await fetch(`${base}/auth/callback?code=forged-code-value&state=forged-state-value`, {
      headers: { 'x-request-id': 'e2e-json-42' },
    })
    expect(forged.status).toBe(400)
    await expect.poll(app.output, { timeout: 10_000 }).toContain('"event":"auth.login_failed"')
    await expect.poll(app.output, { timeout: 10_000 }).toContain('"event":"auth.provider_ready"')
    // Next prints its own banner as text; every line of ours is a JSON object.
    const output = app.output()
    const records = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    for (const record of records) expect(Object.keys(record).slice(0, 4)).toEqual(['time', 'level', 'event', 'message'])
    expect(output.split('\n').filter((line) => line.startsWith('['))).toEqual([])
    const failure = records.find((r) => r.event === 'auth.login_failed')
    expect(failure).toMatchObject({ level: 'warn', kind: 'invalid_request', request_id: 'e2e-json-42' })
    expect(records.find((r) => r.event === 'auth.provider_ready')).toMatchObject({ level: 'info', provider: 'default' })
    expect(records.find((r) => r.event === 'store.ready')).toMatchObject({ level: 'info' })
    expect(output).not.toContain('forged-code-value')
    expect(output).not.toContain('forged-state-value')
  } finally {
    await app.stop()
  }
})

test.describe('behind a proxy', () => {
  test('a lying Host or X-Forwarded-Host never shapes a URL the app builds', async ({ request }) => {
    const lies = {
      host: 'evil.example',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
      forwarded: 'host=evil.example',
    }
    // A login on another host first moves to APP_BASE_URL's: the same path and query there, never the lying host.
    const moved = await request.get(`${main.baseUrl}/auth/login?returnTo=/profile`, { headers: lies, maxRedirects: 0 })
    expect(moved.status()).toBe(303)
    expect(moved.headers().location).toBe(`${main.baseUrl}/auth/login?returnTo=%2Fprofile&moved=1`)
    // Still another host once moved (a proxy that rewrites Host): the login goes on, it does not loop.
    const started = await request.get(moved.headers().location!, { headers: lies, maxRedirects: 0 })
    const authorize = new URL(started.headers().location!)
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${main.baseUrl}/auth/callback`)

    const profile = await request.get(`${main.baseUrl}/profile`, { headers: lies, maxRedirects: 0 })
    expect(profile.headers().location).not.toContain('evil.example')

    await login(request, 'main')
    const logout = await request.post(`${main.baseUrl}/auth/logout`, {
      headers: { ...lies, origin: main.baseUrl },
      maxRedirects: 0,
    })
    expect(new URL(logout.headers().location!).searchParams.get('post_logout_redirect_uri')).toBe(`${main.baseUrl}/`)
  })
})

test.describe('headers and leaks', () => {
  const LOCKED_DOWN = [
    'default-src',
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ]

  function expectOtherSecurityHeaders(headers: Record<string, string>, name: string): void {
    expect(headers['x-content-type-options'], name).toBe('nosniff')
    expect(headers['referrer-policy'], name).toBe('strict-origin-when-cross-origin')
    expect(headers['x-frame-options'], name).toBe('DENY')
    expect(headers['x-powered-by'], name).toBeUndefined()
  }

  test('every page a signed-in user sees carries a strict nonce Content-Security-Policy, fresh each time', async ({
    request,
  }) => {
    await login(request, 'main')
    const responses = {
      home: await request.get(`${main.baseUrl}/`),
      profile: await request.get(`${main.baseUrl}/profile`),
      api: await request.get(`${main.baseUrl}/api/me`),
      notFound: await request.get(`${main.baseUrl}/no-such-page`),
    }
    expect(responses.profile.status()).toBe(200)
    const nonces = new Set<string>()
    for (const [name, response] of Object.entries(responses)) {
      const headers = response.headers()
      const csp = headers['content-security-policy'] ?? ''
      expect(csp, name).toMatch(/script-src 'self' 'nonce-([A-Za-z0-9+/=]{20,})' 'strict-dynamic'/)
      expect(csp, name).not.toContain('unsafe-inline')
      expect(csp, name).not.toContain('unsafe-eval')
      for (const directive of LOCKED_DOWN) expect(csp, name).toContain(directive)
      nonces.add(csp.match(/'nonce-([^']+)'/)![1]!)
      expectOtherSecurityHeaders(headers, name)
    }
    // A fresh nonce for every response.
    expect(nonces.size).toBe(Object.keys(responses).length)
  })

  test('public pages for a visitor without a session: no middleware, a static policy that still locks everything but inline scripts down', async ({
    playwright,
  }) => {
    const anonymous = await playwright.request.newContext()
    const responses = {
      home: await anonymous.get(`${main.baseUrl}/`),
      notFound: await anonymous.get(`${main.baseUrl}/no-such-page`),
      health: await anonymous.get(`${main.baseUrl}/api/health`),
    }
    for (const [name, response] of Object.entries(responses)) {
      const headers = response.headers()
      const csp = headers['content-security-policy'] ?? ''
      expect(csp, name).toContain("script-src 'self' 'unsafe-inline'")
      expect(csp, name).toContain("style-src 'self';")
      expect(csp, name).not.toContain('nonce-')
      expect(csp, name).not.toContain('unsafe-eval')
      for (const directive of LOCKED_DOWN) expect(csp, name).toContain(directive)
      expectOtherSecurityHeaders(headers, name)
    }
    await anonymous.dispose()
  })

  test('every HTML response carries a policy: 404s where middleware does not run too, signed in or not', async ({
    request,
    playwright,
  }) => {
    await login(request, 'main')
    const anonymous = await playwright.request.newContext()
    const paths = ['/auth/nope', '/nope.txt', '/bench/bare', '/no-such-page', '/auth/logout', '/_next/nothing-here']
    for (const [who, context] of [
      ['signed in', request],
      ['anonymous', anonymous],
    ] as const) {
      // An unknown API address is a JSON 404, not a page.
      const api = await context.get(`${main.baseUrl}/api/nope`)
      expect(api.status()).toBe(404)
      expect(await api.json()).toEqual({ error: 'not_found' })
      for (const path of paths) {
        const response = await context.get(`${main.baseUrl}${path}`, { maxRedirects: 0 })
        const name = `${who} ${path} (${response.status()})`
        expect(response.headers()['content-type'], name).toContain('text/html')
        const csp = response.headers()['content-security-policy'] ?? ''
        for (const directive of LOCKED_DOWN) expect(csp, name).toContain(directive)
        expect(csp, name).not.toContain('unsafe-eval')
        // Only a page with middleware's nonce policy may show who is signed in.
        if (!csp.includes("'nonce-")) expect(await response.text(), name).not.toContain(HOSTILE_USER.name)
      }
      // The icon is an icon, not a page that renders the signed-in header.
      const icon = await context.get(`${main.baseUrl}/favicon.ico`)
      expect(icon.status()).toBe(200)
      expect(icon.headers()['content-type']).toBe('image/x-icon')
    }
    const notFound = await request.get(`${main.baseUrl}/no-such-page`)
    expect(await notFound.text()).toContain('<title>Page not found')
    await anonymous.dispose()
  })

  test('HSTS on every response that came over https, behind one proxy or a chain of them; never over plain http', async ({
    request,
  }) => {
    for (const path of ['/', '/profile', '/api/health', '/favicon.ico']) {
      for (const forwarded of ['https', 'https, http', 'https,https']) {
        const secure = await request.get(`${main.baseUrl}${path}`, {
          headers: { 'x-forwarded-proto': forwarded },
          maxRedirects: 0,
        })
        expect(secure.headers()['strict-transport-security'], `${path} ${forwarded}`).toBe(
          'max-age=63072000; includeSubDomains',
        )
      }
      // The client's own hop was plain http; and no header at all, with APP_BASE_URL on http as here.
      const downgraded = await request.get(`${main.baseUrl}${path}`, {
        headers: { 'x-forwarded-proto': 'http, https' },
        maxRedirects: 0,
      })
      expect(downgraded.headers()['strict-transport-security'], path).toBeUndefined()
      const plain = await request.get(`${main.baseUrl}${path}`, { maxRedirects: 0 })
      expect(plain.headers()['strict-transport-security'], path).toBeUndefined()
    }
  })

  test('the login error page brings its own policy: no script at all, its one style by nonce', async ({ request }) => {
    const error = await request.get(`${main.baseUrl}/auth/callback?code=x&state=y`)
    expect(error.status()).toBe(400)
    const csp = error.headers()['content-security-policy'] ?? ''
    expect(csp).toMatch(/^default-src 'none'; style-src 'nonce-[A-Za-z0-9+/=]{20,}'/)
    for (const directive of LOCKED_DOWN) expect(csp).toContain(directive)
    const nonce = csp.match(/'nonce-([^']+)'/)![1]
    expect(await error.text()).toContain(`<style nonce="${nonce}">`)
    expectOtherSecurityHeaders(error.headers(), 'error')
  })

  test('the benchmark twins of /profile are not in a normal build: a 404', async ({ request }) => {
    await login(request, 'main')
    for (const path of ['/bench/profile', '/bench/bare', '/bench/bare.html']) {
      const response = await request.get(`${main.baseUrl}${path}`)
      expect(response.status(), path).toBe(404)
      expect(await response.text(), path).not.toContain('data-testid="claims"')
    }
  })

  test('no token, code or secret in the URLs we build or in the log', async ({ request }) => {
    // A good login, and failures that log: a refused token and a provider fault.
    const authorize = await startLogin(request, 'main', '/profile')
    const good = await login(request, 'main', 'none', '/profile')
    await login(request, 'main', 'bad-signature')
    await login(request, 'main', 'token-500')

    const issued = await bodyOf<string[]>(await request.get(`${HOSTILE_CONTROL}/main/issued`))
    expect(issued.length).toBeGreaterThan(3)
    const forbidden = [...issued, ...ALL_SECRETS]

    const built = [authorize.href, good.callback.headers().location!]
    for (const url of built) for (const secret of forbidden) expect(url).not.toContain(secret)
    expect(good.callback.headers().location).toBe(`${main.baseUrl}/profile`)

    const log = readFileSync(join(LOG_DIR, 'hostile-main.log'), 'utf8')
    expect(log).toContain('[auth] login failed')
    for (const secret of forbidden) expect(log.includes(secret), `log contains ${secret.slice(0, 12)}…`).toBe(false)
  })

  test('the standalone server ships no image optimizer: no sharp, no libvips', () => {
    const modules = readdirSync('.next/standalone/node_modules')
    expect(modules).toContain('next')
    expect(modules).not.toContain('sharp')
    expect(modules).not.toContain('@img')
  })

  test('no secret reaches the browser: the client bundles, built with every test secret in the environment', () => {
    const files: string[] = []
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry)
        if (statSync(path).isDirectory()) walk(path)
        else files.push(path)
      }
    }
    walk('.next/static')
    expect(files.filter((f) => f.endsWith('.js')).length).toBeGreaterThan(5)
    for (const file of files) {
      const content = readFileSync(file, 'utf8')
      for (const secret of ALL_SECRETS) expect(content.includes(secret), `${file} contains a secret`).toBe(false)
      expect(content).not.toMatch(/OIDC_CLIENT_SECRET|SESSION_SECRET/)
    }
  })
})

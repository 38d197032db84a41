/**
 * The private routes and cookie names of lib/routes.ts, as the three places
 * that act on them see them, checked together with Next's own test helpers:
 * - middleware.ts's matcher (literals, as Next requires): the private routes
 *   always; public pages only for a visitor holding a session cookie (for the
 *   CSP nonce); never static assets or /auth/ and public API handlers (they would pay for it for nothing);
 * - next.config.ts's header rules: the static policy exactly where middleware
 *   does not send its own;
 * - isPrivate, which middleware guards with.
 */
import { unstable_doesMiddlewareMatch, unstable_getResponseFromNextConfig } from 'next/experimental/testing/server'
import { describe, expect, it } from 'vitest'
import { config } from '../middleware'
import nextConfig from '../next.config'
import { existsSync } from 'node:fs'
import { SESSION_COOKIE_NAMES } from './cookies/policy'
import { anonymousTwin, AUTH_ROUTES, isPrivate, loginPath, PRERENDERED_PAGES, PRIVATE_ROUTES } from './routes'

const runs = (url: string, cookies?: Record<string, string>) =>
  unstable_doesMiddlewareMatch({ config, url: `http://localhost${url}`, ...(cookies ? { cookies } : {}) })

/** The Content-Security-Policy next.config.ts's header rules give `url`, if any. */
async function staticPolicy(url: string, cookies?: Record<string, string>): Promise<string | null> {
  const response = await unstable_getResponseFromNextConfig({
    url: `http://localhost${url}`,
    nextConfig,
    ...(cookies ? { cookies } : {}),
  })
  return response.headers.get('content-security-policy')
}

const STATIC = [
  '/_next/static/chunks/main-abc123.js',
  '/_next/static/css/app.css',
  '/_next/image?url=%2Fx.png&w=64&q=75',
  '/favicon.ico',
  '/icon.svg',
  '/robots.txt',
]
const PUBLIC_HANDLERS = [
  '/auth/login/partner',
  '/auth/callback?code=x&state=y',
  '/auth/callback/partner',
  '/auth/logout',
  '/auth/refresh',
  '/api/health',
]
/** Addresses a browser may open: pages, every private route and below it, and where the 404 page answers. */
const ADDRESSES = [
  '/',
  '/?signed_out=local',
  '/no-such-page',
  '/profiles',
  ...PRIVATE_ROUTES,
  ...PRIVATE_ROUTES.map((route) => `${route}/deeper`),
  '/profile/security',
  '/nope.txt',
  '/icon.svg',
  '/bench/profile',
  '/bench/bare.html',
  '/sign-in',
  '/sign-in?returnTo=%2F',
]
const COOKIE_STATES: (Record<string, string> | undefined)[] = [
  undefined,
  ...SESSION_COOKIE_NAMES.map((name) => ({ [name]: 'x' })),
]

describe('the private routes', () => {
  it('are each route and everything below it, nothing that merely starts alike', () => {
    for (const route of PRIVATE_ROUTES) {
      expect(isPrivate(route), route).toBe(true)
      expect(isPrivate(`${route}/deeper`), route).toBe(true)
      expect(isPrivate(`${route}s`), route).toBe(false)
    }
    expect(isPrivate('/')).toBe(false)
    expect(isPrivate('/api/health')).toBe(false)
  })
})

describe('the middleware matcher', () => {
  it('runs on every private route and below it, with or without a cookie', () => {
    for (const route of PRIVATE_ROUTES) {
      expect(runs(route), route).toBe(true)
      expect(runs(`${route}/deeper`), route).toBe(true)
    }
    expect(runs('/profile/security')).toBe(true)
  })

  it('does not run on public pages for a visitor without a session', () => {
    for (const url of ['/', '/?signed_out=local', '/no-such-page', '/profiles', '/api/merge'])
      expect(runs(url), url).toBe(false)
  })

  it('runs on public pages for a visitor holding any form of the session cookie (the nonce only)', () => {
    for (const name of SESSION_COOKIE_NAMES) {
      expect(runs('/', { [name]: 'x' }), name).toBe(true)
      expect(runs('/no-such-page', { [name]: 'x' }), name).toBe(true)
    }
    expect(runs('/', { sessions: 'x', 'session.1': 'x' })).toBe(false)
    // The benchmark's twin of /profile, like any public page.
    expect(runs('/bench/profile', { session: 'x' })).toBe(true)
    expect(runs('/bench/profile')).toBe(false)
  })

  it('runs on /auth/ and /api/health only for a crowded Cookie header (to cut it down), never on assets or pages for that', () => {
    const jar = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}`, '1']))
    const [crowded, usual] = [jar(40), jar(10)]
    for (const url of [
      '/auth/login/partner',
      '/auth/callback?code=x&state=y',
      '/auth/logout',
      '/api/health',
      '/api/health/live',
    ]) {
      expect(runs(url, crowded), url).toBe(true)
      expect(runs(url, usual), url).toBe(false)
    }
    for (const url of [...STATIC, '/', '/no-such-page', '/api/merge']) expect(runs(url, crowded), url).toBe(false)
  })

  it('runs on /auth/login, which serves the sign-in page where several providers are configured, and on nothing below it', () => {
    expect(runs('/auth/login')).toBe(true)
    expect(runs('/auth/login?returnTo=%2Fprofile&login_hint=a%40example.com')).toBe(true)
    expect(runs('/auth/login/partner')).toBe(false)
    expect(runs('/auth/loginx')).toBe(false)
  })

  it('never runs on static assets, public handlers or the bare benchmark twin, even with a session', () => {
    for (const url of [...STATIC, ...PUBLIC_HANDLERS, '/bench/bare.html']) {
      expect(runs(url), url).toBe(false)
      for (const name of SESSION_COOKIE_NAMES) expect(runs(url, { [name]: 'x' }), `${url} ${name}`).toBe(false)
    }
  })
})

describe("next.config.ts's header rules", () => {
  it("give every address a browser opens exactly one policy: middleware's where it runs, the static one everywhere else", async () => {
    for (const url of ADDRESSES) {
      for (const cookies of COOKIE_STATES) {
        const where = `${url} ${cookies ? Object.keys(cookies)[0] : 'no cookie'}`
        const fromConfig = await staticPolicy(url, cookies)
        expect(runs(url, cookies) !== (fromConfig !== null), where).toBe(true)
        if (fromConfig !== null) expect(fromConfig, where).toMatch(/^default-src 'self'/)
      }
    }
  })

  it('leave /auth/ alone: its pages bring their own policy', async () => {
    for (const route of Object.values(AUTH_ROUTES)) {
      for (const cookies of COOKIE_STATES) expect(await staticPolicy(route, cookies), route).toBeNull()
    }
  })
})

/** Where next.config.ts's rewrites send `url`, if anywhere, and the response headers its rules add. */
async function configured(
  url: string,
  cookies?: Record<string, string>,
): Promise<{ rewrite: string | null; headers: Headers }> {
  const response = await unstable_getResponseFromNextConfig({
    url: `http://localhost${url}`,
    nextConfig,
    ...(cookies ? { cookies } : {}),
  })
  const rewrite = response.headers.get('x-middleware-rewrite')
  return { rewrite: rewrite === null ? null : new URL(rewrite).pathname, headers: response.headers }
}

describe("next.config.ts's rewrites", () => {
  it("serve a prerendered page's twin to a visitor without a session, at the page's own address", async () => {
    expect(PRERENDERED_PAGES).toContain('/')
    for (const page of PRERENDERED_PAGES) {
      expect((await configured(page)).rewrite, page).toBe(anonymousTwin(page))
      // A query the page does not answer (a client navigation's `_rsc`, a campaign tag) changes nothing.
      expect((await configured(`${page}?utm_source=x&_rsc=1`)).rewrite, page).toBe(anonymousTwin(page))
      expect(existsSync(`app${anonymousTwin(page)}/page.tsx`), `app${anonymousTwin(page)}/page.tsx`).toBe(true)
    }
  })

  it('render the page per request for any session cookie, and for the notices after signing out', async () => {
    for (const page of PRERENDERED_PAGES) {
      for (const name of SESSION_COOKIE_NAMES)
        expect((await configured(page, { [name]: 'x' })).rewrite, `${page} ${name}`).toBeNull()
      for (const query of ['signed_out=local', 'state=abc'])
        expect((await configured(`${page}?${query}`)).rewrite, `${page}?${query}`).toBeNull()
    }
    // Cookies that are not the session's (the login's transaction, the logout state, anyone's analytics) change nothing.
    expect((await configured('/', { 'txn.abc': 'x', 'logout-state': 'x', sessions: 'x' })).rewrite).toBe('/anonymous')
  })

  it('leave every other address alone', async () => {
    for (const url of [
      '/profile',
      '/profile/apis',
      '/sign-in',
      '/no-such-page',
      '/anonymous',
      '/api/health',
      '/auth/login',
      '/icon.svg',
    ]) {
      expect((await configured(url)).rewrite, url).toBeNull()
    }
  })

  it('tell shared caches to keep neither variant of a prerendered page (its address serves both)', async () => {
    for (const page of PRERENDERED_PAGES) {
      for (const cookies of COOKIE_STATES) {
        const { headers } = await configured(page, cookies)
        expect(headers.get('cdn-cache-control'), page).toBe('no-store')
        expect(headers.get('surrogate-control'), page).toBe('no-store')
      }
    }
    expect((await configured('/profile')).headers.get('cdn-cache-control')).toBeNull()
  })
})

describe('the login URL', () => {
  it('carries where to come back to and the options, encoded', () => {
    expect(loginPath()).toBe('/auth/login')
    expect(loginPath('/profile')).toBe('/auth/login?returnTo=%2Fprofile')
    expect(loginPath('/profile/security', { prompt: 'login', max_age: '300' })).toBe(
      '/auth/login?returnTo=%2Fprofile%2Fsecurity&prompt=login&max_age=300',
    )
  })
})

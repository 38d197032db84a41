/**
 * Where middleware runs (issue 6): the private routes always; public pages only
 * for a visitor holding a session cookie (for the CSP nonce); never static
 * assets, /auth/ or public API handlers, or the benchmark's twin.
 * Checked with Next's own matcher, on the literal config Next reads.
 */
import { unstable_doesMiddlewareMatch } from 'next/experimental/testing/server'
import { describe, expect, it } from 'vitest'
import { config, PRIVATE_ROUTES } from '../middleware'
import { SESSION_COOKIE_NAMES } from '../next.config'

const runs = (url: string, cookies?: Record<string, string>) =>
  unstable_doesMiddlewareMatch({ config, url: `http://localhost${url}`, ...(cookies ? { cookies } : {}) })

const STATIC = ['/_next/static/chunks/main-abc123.js', '/_next/static/css/app.css', '/_next/image?url=%2Fx.png&w=64&q=75', '/favicon.ico', '/icon.svg', '/robots.txt']
const PUBLIC_HANDLERS = ['/auth/login', '/auth/callback?code=x&state=y', '/auth/logout', '/auth/refresh', '/api/health']

describe('the middleware matcher', () => {
  it('runs on every private route and below it, with or without a cookie', () => {
    for (const route of PRIVATE_ROUTES) {
      expect(runs(route), route).toBe(true)
      expect(runs(`${route}/deeper`), route).toBe(true)
    }
    expect(runs('/profile/security')).toBe(true)
  })

  it('does not run on public pages for a visitor without a session', () => {
    for (const url of ['/', '/?signed_out=local', '/no-such-page', '/profiles', '/api/merge']) expect(runs(url), url).toBe(false)
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

  it('never runs on static assets, public handlers or the bare benchmark twin, even with a session', () => {
    for (const url of [...STATIC, ...PUBLIC_HANDLERS, '/bench/bare']) {
      expect(runs(url), url).toBe(false)
      for (const name of SESSION_COOKIE_NAMES) expect(runs(url, { [name]: 'x' }), `${url} ${name}`).toBe(false)
    }
  })
})

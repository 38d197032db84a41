/**
 * The idle timeout slides with activity, for every timeout the app accepts,
 * through the real middleware and, when the idle clock is due, its detour
 * through the real /auth/refresh handler: each request carries the cookie the
 * previous one set, as a browser does. Only the clock is moved (Date), nothing else.
 */
import { NextRequest } from 'next/server'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { loadApp } from '../testing/app-env'
import { testSession } from '../testing/session'
import { unsignedJwt } from '../testing/tokens'

const BASE = 'http://localhost:3000'
// The shortest idle timeout the app accepts (lib/config/), read once by the middleware's config.
const {
  getConfig,
  getSessionStore: store,
  sessionRef,
  sealSession,
} = await loadApp('idle', { APP_BASE_URL: BASE, SESSION_IDLE_TIMEOUT: '60' })
const { middleware } = await import('../../middleware')
const { GET: refreshRoute } = await import('../../app/auth/refresh/route')
afterAll(() => {
  vi.useRealTimers()
  vi.unstubAllEnvs()
})

const ID_TOKEN = unsignedJwt({ sub: 'user-1', name: 'Alice Adams' })

/** Every session cookie a response sets (deletions have an empty value). */
const sessionCookiesSet = (response: Response) =>
  response.headers.getSetCookie().filter((header) => /^session(\.\d)?=/.test(header))

/**
 * One visit to a private page, as the browser makes it: through middleware,
 * and through /auth/refresh and back when middleware sends it there. The
 * cookie it comes back with (or the same one), and every session cookie set on the way.
 */
async function visit(cookie: string): Promise<{ signedIn: boolean; cookie: string; set: string[] }> {
  const request = (url: string | URL) => new NextRequest(url, { headers: { cookie: `session=${cookie}` } })
  const response = await middleware(request(`${BASE}/profile`))
  const set = sessionCookiesSet(response)
  const location = response.headers.get('location')
  if (location === null) return { signedIn: true, cookie, set }
  if (new URL(location).pathname !== '/auth/refresh') return { signedIn: false, cookie, set }
  const detour = await refreshRoute(request(location))
  const back = new URL(detour.headers.get('location')!)
  return {
    signedIn: back.pathname === '/profile',
    cookie: detour.cookies.get('session')?.value || cookie,
    set: [...set, ...sessionCookiesSet(detour)],
  }
}

/** The clock stopped at `hour` o'clock on a fixed day (only Date moves), and a session signed in then. */
function signedInAt(hour: number) {
  vi.useFakeTimers({ toFake: ['Date'] })
  const start = Date.UTC(2026, 0, 1, hour, 0, 0)
  vi.setSystemTime(start)
  const config = getConfig().session
  return {
    start,
    config,
    session: testSession({ idToken: ID_TOKEN, now: start / 1000, lifetime: config.absoluteTimeout }),
  }
}

describe('idle timeout', () => {
  it('with SESSION_IDLE_TIMEOUT=60, activity every 20 s keeps the session for two minutes; 61 s idle ends it', async () => {
    const { start, config, session } = signedInAt(12)
    expect(config.idleTimeout).toBe(60)
    let cookie = await sealSession(session, config)
    for (let t = 20; t <= 120; t += 20) {
      vi.setSystemTime(start + t * 1000)
      const result = await visit(cookie)
      expect(result.signedIn, `signed out at ${t} s, active every 20 s`).toBe(true)
      cookie = result.cookie
    }
    vi.setSystemTime(start + (120 + 61) * 1000)
    expect((await visit(cookie)).signedIn, 'still signed in after 61 s idle').toBe(false)
  })

  it('moves the idle clock at most once per interval: a request right after another writes no cookie', async () => {
    const { start, config, session } = signedInAt(13)
    const cookie = await sealSession(session, config)
    vi.setSystemTime(start + 1000)
    const response = await middleware(new NextRequest(`${BASE}/profile`, { headers: { cookie: `session=${cookie}` } }))
    expect(response.cookies.get('session')).toBeUndefined()
  })

  it('never gives a fresh cookie to a session that ended: the idle clock of an ended session does not move, its cookie is cleared', async () => {
    const { start, config, session } = signedInAt(14)
    const cookie = await sealSession(session, config)
    await store().begin(sessionRef(session), 'Firefox on Linux')
    // Signed out elsewhere (another tab, "sign out everywhere", the provider); this copy of the cookie comes back 30 s later.
    await store().end(sessionRef(session))
    vi.setSystemTime(start + 30_000)
    const result = await visit(cookie)
    expect(result.signedIn).toBe(false)
    expect(result.set.length, 'the dead cookie is cleared').toBeGreaterThan(0)
    for (const header of result.set) expect(header, 'no Set-Cookie carries a session').toMatch(/^session(\.\d)?=;/)
  })
})

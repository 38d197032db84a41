/**
 * How big the session is on the wire: the part of the Cookie header a browser
 * sends for it with every request to the app.
 */
import type { CookieJar } from './cookie-jar.ts'

export interface SessionSize {
  /** Session cookies: `session`, or the chunks `session.0`… */
  readonly count: number
  /** Their `name=value` pairs joined by `; `, in bytes. */
  readonly sessionBytes: number
  /** The largest single `name=value`, in bytes (a browser's limit is per cookie). */
  readonly largestCookieBytes: number
  /** The whole Cookie header for GET /profile, in bytes: what Node's header limit sees. */
  readonly headerBytes: number
  /** The session's Cookie header, for the load generator. */
  readonly cookieHeader: string
}

const SESSION_COOKIE = /^session(\.\d+)?$/

export function sessionSize(jar: CookieJar, baseUrl: string): SessionSize {
  const profile = new URL('/profile', baseUrl)
  const pairs = jar
    .matching(profile)
    .filter(([name]) => SESSION_COOKIE.test(name))
    .map(([name, cookie]) => `${name}=${cookie.value}`)
  if (pairs.length === 0) throw new Error('The login left no session cookie in the jar.')
  const cookieHeader = pairs.join('; ')
  return {
    count: pairs.length,
    sessionBytes: Buffer.byteLength(cookieHeader),
    largestCookieBytes: Math.max(...pairs.map((p) => Buffer.byteLength(p))),
    headerBytes: Buffer.byteLength(jar.header(profile) ?? ''),
    cookieHeader,
  }
}

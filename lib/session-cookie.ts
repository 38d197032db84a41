/**
 * The session's cookies. A session usually fits one cookie (`session`); with
 * provider tokens of several kilobytes (Oracle IDCS, Keycloak with roles) it is
 * split into `session.0`, `session.1`, `session.2`. Writing one form always
 * deletes the other, so no stale chunk outlives a sign-out or a smaller session.
 *
 * Edge-safe: middleware reads and writes through this too.
 */
import type { SessionConfig } from './config'
import { MAX_SEALED_SESSION, sessionCookieOptions } from './session'

/** Value bytes per cookie: 4096 minus the name and the attributes a browser counts. */
export const CHUNK_SIZE = 3900
export const MAX_CHUNKS = Math.ceil(MAX_SEALED_SESSION / CHUNK_SIZE)

export interface CookieReader {
  get(name: string): { value: string } | undefined
}

export interface CookieWriter {
  set(name: string, value: string, options: ReturnType<typeof sessionCookieOptions>): unknown
}

export function chunkName(config: SessionConfig, index: number): string {
  return `${config.sessionCookieName}.${index}`
}

/** The sealed session from the request's cookies: the single cookie, or the chunks joined. */
export function readSessionCookie(cookies: CookieReader, config: SessionConfig): string | undefined {
  const whole = cookies.get(config.sessionCookieName)?.value
  if (whole) return whole
  const parts: string[] = []
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const part = cookies.get(chunkName(config, i))?.value
    if (!part) break
    parts.push(part)
  }
  return parts.length > 0 ? parts.join('') : undefined
}

/** True when the request carries any session cookie, whole or chunked. */
export function hasSessionCookie(cookies: CookieReader, config: SessionConfig): boolean {
  return readSessionCookie(cookies, config) !== undefined
}

/**
 * Writes a sealed session, in one cookie when it fits, deleting whatever the
 * other form left. Given the request's cookies (`present`), only the names the
 * browser actually holds are deleted: middleware rewrites the cookie every
 * minute of activity, and needs no deletions for chunks that were never there.
 */
export function writeSessionCookie(
  cookies: CookieWriter,
  sealed: string,
  config: SessionConfig,
  maxAge: number,
  present?: CookieReader,
): void {
  const options = sessionCookieOptions(config, maxAge)
  const gone = sessionCookieOptions(config, 0)
  const remove = (name: string) => {
    if (!present || present.get(name)) cookies.set(name, '', gone)
  }
  if (sealed.length <= CHUNK_SIZE) {
    cookies.set(config.sessionCookieName, sealed, options)
    for (let i = 0; i < MAX_CHUNKS; i++) remove(chunkName(config, i))
    return
  }
  remove(config.sessionCookieName)
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const part = sealed.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE)
    if (part) cookies.set(chunkName(config, i), part, options)
    else remove(chunkName(config, i))
  }
}

/** Deletes the session in every form it may have been stored in. */
export function clearSessionCookie(cookies: CookieWriter, config: SessionConfig): void {
  const gone = sessionCookieOptions(config, 0)
  cookies.set(config.sessionCookieName, '', gone)
  for (let i = 0; i < MAX_CHUNKS; i++) cookies.set(chunkName(config, i), '', gone)
}

/**
 * The session's cookies (named and written as lib/cookies/policy.ts says). A
 * session usually fits one cookie (`session`); with
 * provider tokens of several kilobytes (Oracle IDCS, Keycloak with roles) it is
 * split into `session.0`, `session.1`, `session.2`. Writing one form always
 * deletes the other, so no stale chunk outlives a sign-out or a smaller session.
 *
 * Edge-safe: middleware reads and writes through this too.
 */
import type { SessionConfig } from '../config'
import { cookieName, cookieOptions, type CookieReader, type CookieWriter } from '../cookies/policy'
import { MAX_SEALED_SESSION, sealSession } from './sealed'
import { type Session } from './session'
import { nowSeconds } from '../clock'

/** Value bytes per cookie: 4096 minus the name and the attributes a browser counts. */
export const CHUNK_SIZE = 3900
export const MAX_CHUNKS = Math.ceil(MAX_SEALED_SESSION / CHUNK_SIZE)

function chunkName(config: SessionConfig, index: number): string {
  return `${cookieName('session', config)}.${index}`
}

/** The sealed session from the request's cookies: the single cookie, or the chunks joined. */
export function readSessionCookie(cookies: CookieReader, config: SessionConfig): string | undefined {
  const whole = cookies.get(cookieName('session', config))?.value
  if (whole) return whole
  const parts: string[] = []
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const part = cookies.get(chunkName(config, i))?.value
    if (!part) break
    parts.push(part)
  }
  return parts.length > 0 ? parts.join('') : undefined
}

/**
 * Writes a sealed session (lib/session/sealed.ts), kept until the session's
 * absolute end, in one cookie when it fits, deleting whatever the other form left. Given the request's cookies (`present`), only the names the
 * browser actually holds are deleted: middleware rewrites the cookie every
 * minute of activity, and needs no deletions for chunks that were never there.
 */
export function writeSessionCookie(
  cookies: CookieWriter,
  sealed: string,
  expiresAt: number,
  config: SessionConfig,
  present?: CookieReader,
): void {
  const options = cookieOptions('session', config, expiresAt - nowSeconds())
  const gone = cookieOptions('session', config, 0)
  const remove = (name: string) => {
    if (!present || present.get(name)) cookies.set(name, '', gone)
  }
  if (sealed.length <= CHUNK_SIZE) {
    cookies.set(cookieName('session', config), sealed, options)
    for (let i = 0; i < MAX_CHUNKS; i++) remove(chunkName(config, i))
    return
  }
  remove(cookieName('session', config))
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const part = sealed.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE)
    if (part) cookies.set(chunkName(config, i), part, options)
    else remove(chunkName(config, i))
  }
}

/** Seals `session` and writes it, as writeSessionCookie does. */
export async function saveSessionCookie(
  cookies: CookieWriter,
  session: Session,
  config: SessionConfig,
  present?: CookieReader,
): Promise<void> {
  writeSessionCookie(cookies, await sealSession(session, config), session.expiresAt, config, present)
}

/** Deletes the session in every form it may have been stored in. */
export function clearSessionCookie(cookies: CookieWriter, config: SessionConfig): void {
  const gone = cookieOptions('session', config, 0)
  cookies.set(cookieName('session', config), '', gone)
  for (let i = 0; i < MAX_CHUNKS; i++) cookies.set(chunkName(config, i), '', gone)
}

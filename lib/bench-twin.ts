/**
 * The benchmark's twins of /profile (`npm run bench`): the same page, rendered
 * without the session check, so the benchmark can tell what the check costs.
 * - /bench/profile passes through middleware as any page a signed-in user sees
 *   does (for its CSP nonce), but middleware opens no cookie for it;
 * - /bench/bare runs no middleware at all: a bare page that reads a cookie.
 *
 * They answer only when the server runs with BENCH_TWIN=1 (the benchmark sets
 * it; nothing else should). They read the session cookie the way a bare page
 * reads a cookie: the session behind a cookie value is unsealed once and
 * remembered, so later requests cost a cookie read and a lookup, not the check.
 * They only ever show a visitor what their own cookie holds.
 */
import 'server-only'
import { cookies } from 'next/headers'
import { cache } from 'react'
import { getSessionConfig } from './config'
import { unsealSession, type Session } from './session'
import { readSessionCookie } from './session-cookie'

/** A handful of benchmark sessions at most; the map never grows past this. */
const REMEMBERED = 16
const remembered = new Map<string, Session>()

export function twinEnabled(): boolean {
  return process.env.BENCH_TWIN === '1'
}

export const twinSession = cache(async (): Promise<Session | null> => {
  if (!twinEnabled()) return null
  const config = getSessionConfig()
  const sealed = readSessionCookie(await cookies(), config)
  if (!sealed) return null
  const known = remembered.get(sealed)
  if (known) return known
  const session = await unsealSession(sealed, config)
  if (!session) return null
  if (remembered.size >= REMEMBERED) remembered.clear()
  remembered.set(sealed, session)
  return session
})

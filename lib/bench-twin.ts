/**
 * The benchmark's twin of /profile (`npm run bench`): the same page, rendered
 * without the session check, so the benchmark can tell what the check costs.
 *
 * It answers only when the server runs with BENCH_TWIN=1 (the benchmark sets
 * it; nothing else should). It lies outside the middleware matcher, so no
 * middleware runs, and it reads the session cookie the way a bare page reads a
 * cookie: the session behind a cookie value is unsealed once and remembered,
 * so later requests cost a cookie read and a lookup, not the check.
 * It only ever shows a visitor what their own cookie holds.
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

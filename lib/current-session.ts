/**
 * The signed-in user's session, for server components and route handlers.
 *
 * Middleware already turned away requests without a session, but pages and
 * handlers check again: middleware can be misconfigured or bypassed
 * (CVE-2025-29927), and the check costs one unseal.
 */
import 'server-only'
import { cache } from 'react'
import { cookies } from 'next/headers'
import { getSessionConfig } from './config'
import { unsealSession, type Session } from './session'
import { readSessionCookie } from './session-cookie'

/** Unsealed once per request, however many components ask. */
export const getSession = cache(async (): Promise<Session | null> => {
  // cookies() first: it is what marks the page as rendered per request, not at build time.
  const store = await cookies()
  const config = getSessionConfig()
  return unsealSession(readSessionCookie(store, config), config)
})

/**
 * The benchmark's twins of /profile (`npm run bench`, a build with
 * BENCH_BUILD=1; see next.config.ts): the same page, rendered without the
 * session store's check, so the benchmark can tell what the check costs.
 * - /bench/profile passes through middleware as any page a signed-in user sees
 *   does (for its CSP nonce), but middleware opens no cookie for it;
 * - /bench/bare.html runs no middleware at all: an asset-like path, outside the
 *   matcher like every static file, where a bare page reads a cookie.
 * The cookie is opened as everywhere else (openSession: remembered, and its
 * timeouts checked on every request), so later requests cost a lookup. They
 * only ever show a visitor what their own cookie holds.
 */
import 'server-only'
import { cookies } from 'next/headers'
import { cache } from 'react'
import { getConfig } from '@/lib/config'
import { readSessionCookie } from '@/lib/session/cookies'
import { openSession } from '@/lib/session/sealed'
import type { Session } from '@/lib/session/session'

export const twinSession = cache(async (): Promise<Session | null> => {
  // cookies() first: it is what marks the page as rendered per request, not at build time.
  const jar = await cookies()
  const config = getConfig().session
  return (await openSession(readSessionCookie(jar, config), config))?.session ?? null
})

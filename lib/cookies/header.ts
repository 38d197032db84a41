/**
 * A Cookie header cut down to the app's own cookies, before a route handler
 * sees it. Next.js copies every request cookie into the route handler's
 * mutable cookie store one at a time, and each copy rewrites all the cookies
 * before it: the cost grows with the square of their number. 300 cookies
 * (13 KB) made any route handler 10 times slower, 1,000 tiny ones (8 KB)
 * cost 260 ms a request; Node's 16 KB header limit is the only bound. A
 * browser of ours sends a handful (the session, at most three login
 * transactions, the logout state), so a request with many more is a site's
 * crowded cookie jar or a crafted one: our handlers read nothing of the rest.
 *
 * Plain string work on the raw header (values are passed on byte for byte):
 * middleware runs it, on either runtime.
 */
import { isPlausibleSeal } from '../seal'
import {
  COOKIES,
  cookieName,
  isWellFormedState,
  MAX_DELETIONS_PER_RESPONSE,
  MAX_PENDING_TRANSACTIONS,
  type CookieSite,
} from './policy'

/** More cookies than this and the header is cut down; fewer cost next to nothing, and pass as they are. */
export const MAX_COOKIES_AS_SENT = 32

/** Counts separators without splitting: every private request asks, and nearly all carry a cookie or two. */
function hasMoreCookiesThan(header: string, count: number): boolean {
  let separators = 0
  for (let at = header.indexOf(';'); at !== -1; at = header.indexOf(';', at + 1)) if (++separators >= count) return true
  return false
}

/** `session`, `__Host-session`, and their chunks `.0`, `.1`… */
function isSessionCookie(name: string): boolean {
  return [COOKIES.session.name.http, COOKIES.session.name.https].some(
    (base) => name === base || (name.startsWith(`${base}.`) && /^\d$/.test(name.slice(base.length + 1))),
  )
}

/**
 * The Cookie header to pass on, or undefined to pass it as it is. Kept: the
 * session and logout-state cookies, the newest transaction cookies that could
 * be ours, and a few others named like transactions (the handler deletes
 * those, MAX_DELETIONS_PER_RESPONSE at a time).
 */
export function ownCookieHeader(header: string | null, site: CookieSite): string | undefined {
  if (!header || !hasMoreCookiesThan(header, MAX_COOKIES_AS_SENT)) return undefined
  const pairs = header.split(';')
  const prefix = cookieName('transaction', site)
  const kept: string[] = []
  const plausible: string[] = []
  const implausible: string[] = []
  for (const raw of pairs) {
    const pair = raw.trim()
    const eq = pair.indexOf('=')
    if (eq <= 0) continue
    const name = pair.slice(0, eq)
    if (name.startsWith(prefix)) {
      const looksOurs = isWellFormedState(name.slice(prefix.length)) && isPlausibleSeal(pair.slice(eq + 1))
      ;(looksOurs ? plausible : implausible).push(pair)
    } else if (
      isSessionCookie(name) ||
      name === COOKIES.logoutState.name.http ||
      name === COOKIES.logoutState.name.https
    ) {
      kept.push(pair)
    }
  }
  // Browsers send older cookies first (RFC 6265 §5.4): the newest plausible ones are last.
  return [
    ...kept,
    ...implausible.slice(0, MAX_DELETIONS_PER_RESPONSE),
    ...plausible.slice(-MAX_PENDING_TRANSACTIONS),
  ].join('; ')
}

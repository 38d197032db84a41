/**
 * Is this state-changing request from one of our own pages? SameSite=Lax keeps
 * the session cookie off cross-site POSTs in today's browsers, but not in every
 * browser, not for a sibling subdomain (same site, other origin), and not for
 * the two minutes Chrome grants a fresh cookie ("Lax+POST"). So the browser's
 * own word is checked too (OWASP CSRF cheat sheet, "Fetch Metadata" and
 * "Verifying Origin"):
 * - `Sec-Fetch-Site`, where sent (every current browser), must be `same-origin`;
 * - `Origin`, where sent (every browser, for a POST), must be APP_BASE_URL's.
 * A request with neither did not come from a browser page, so it cannot be a
 * cross-site forgery riding a user's cookies: it is let through.
 *
 * Edge-safe: plain Headers.
 */
export function isSameOriginRequest(headers: Headers, appBaseUrl: URL): boolean {
  const site = headers.get('sec-fetch-site')
  if (site !== null && site !== 'same-origin') return false
  const origin = headers.get('origin')
  // `Origin: null` comes from sandboxed frames, data: URLs and some redirects: never ours.
  if (origin !== null && origin !== appBaseUrl.origin) return false
  return true
}

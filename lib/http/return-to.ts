/**
 * Where to send the user after login: only ever a path on our own origin.
 *
 * Open redirects through `returnTo` are a recurring bug in auth libraries
 * (auth0/nextjs-auth0#1897: `//evil`, `/\evil`, tabs that Chrome strips in
 * `/%09/evil`). Rather than pattern-match every spelling, we let the WHATWG URL
 * parser (the same algorithm the browser runs) resolve the value against our
 * origin, and keep it only if the origin did not change.
 */

const DEFAULT_RETURN_TO = '/'
const MAX_RETURN_TO_LENGTH = 2048

/** Paths we never return to: coming back to /auth/logout right after login would sign the user out. */
function isAuthRoute(pathname: string): boolean {
  return pathname === '/auth' || pathname.startsWith('/auth/')
}

/**
 * Returns a same-origin path (with query), or `/` when the input is missing or
 * points anywhere else. The result always starts with a single `/`.
 */
export function safeReturnTo(raw: string | null | undefined, appBaseUrl: URL): string {
  if (!raw || raw.length > MAX_RETURN_TO_LENGTH) return DEFAULT_RETURN_TO
  // Only a path is acceptable input. Control characters and backslashes have no
  // business in one, and browsers "repair" them into host separators.
  if (!raw.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(raw)) return DEFAULT_RETURN_TO

  let resolved: URL
  try {
    resolved = new URL(raw, appBaseUrl)
  } catch {
    return DEFAULT_RETURN_TO
  }
  if (resolved.origin !== appBaseUrl.origin) return DEFAULT_RETURN_TO
  if (isAuthRoute(resolved.pathname)) return DEFAULT_RETURN_TO

  const path = `${resolved.pathname}${resolved.search}`
  // `//x` can survive as a path (e.g. `/.//x` normalises to `//x`); as a Location it would be protocol-relative.
  return path.startsWith('//') ? DEFAULT_RETURN_TO : path
}

/** The absolute URL to redirect to, always built on APP_BASE_URL. */
export function returnToUrl(path: string, appBaseUrl: URL): URL {
  return new URL(safeReturnTo(path, appBaseUrl), appBaseUrl)
}

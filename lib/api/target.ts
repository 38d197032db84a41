/**
 * Where a call to an API may go: only under its configured URL (API_<NAME>_URL),
 * the one prefix its token is sent to. A path from a page or from the proxy's
 * request is joined to it only when the result stays under it: no `..` or `.`
 * segment, no encoded slash or backslash, no second origin. Web APIs only.
 */
import type { ApiConfig } from '../config'

/** `url` is the API's URL itself or below it: same origin, and a path under its path as a whole segment. */
export function isUnderApi(url: URL, api: Pick<ApiConfig, 'url'>): boolean {
  if (url.origin !== api.url.origin || url.username || url.password) return false
  const base = api.url.pathname.replace(/\/+$/, '')
  return url.pathname === base || url.pathname === `${base}/` || url.pathname.startsWith(`${base}/`)
}

/**
 * Segments that would change where the path leads once a server decodes
 * them: dot segments (plain or percent-encoded), encoded slashes and
 * backslashes, and control characters.
 */
function isSafeSegment(segment: string): boolean {
  if (/%2f|%5c|%00/i.test(segment) || /[\\\u0000-\u001f\u007f]/.test(segment)) return false
  let decoded: string
  try {
    decoded = decodeURIComponent(segment)
  } catch {
    return false
  }
  return decoded !== '.' && decoded !== '..'
}

/**
 * The URL for `path` (and `search`, a query string with or without its `?`)
 * under the API's URL, or undefined when it would leave it. `path` is as the
 * request carried it: still percent-encoded, `/`-separated.
 */
export function apiTarget(api: Pick<ApiConfig, 'url'>, path: string, search = ''): URL | undefined {
  const relative = path.startsWith('/') ? path.slice(1) : path
  const segments = relative.split('/')
  // An empty segment (`a//b`) is refused; only a trailing slash may leave one.
  if (
    relative !== '' &&
    !segments.every((segment, i) => (segment === '' ? i === segments.length - 1 : isSafeSegment(segment)))
  )
    return undefined
  if (/[?#]/.test(relative)) return undefined
  const base = api.url.pathname.replace(/\/+$/, '')
  const target = new URL(api.url.origin)
  target.pathname = relative === '' ? api.url.pathname : `${base}/${relative}`
  if (search) target.search = search.startsWith('?') ? search : `?${search}`
  return isUnderApi(target, api) ? target : undefined
}

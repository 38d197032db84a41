/**
 * A browser's cookie store, as much of it as the login needs: one jar per
 * origin, names with values and paths. Expired or emptied cookies are removed.
 * Domain, Secure and SameSite are ignored: everything here is one loopback host over http.
 */
interface StoredCookie {
  readonly value: string
  readonly path: string
}

export class CookieJar {
  private readonly origins = new Map<string, Map<string, StoredCookie>>()

  /** Takes every Set-Cookie of a response to a request for `url`. */
  store(url: URL, response: Response): void {
    for (const header of response.headers.getSetCookie()) this.storeOne(url, header)
  }

  /** The Cookie header a browser would send with a request for `url`, or undefined for none. */
  header(url: URL): string | undefined {
    const pairs = this.matching(url).map(([name, cookie]) => `${name}=${cookie.value}`)
    return pairs.length > 0 ? pairs.join('; ') : undefined
  }

  /** Name and value of every cookie a request for `url` would carry. */
  matching(url: URL): Array<[string, StoredCookie]> {
    const jar = this.origins.get(url.origin)
    if (!jar) return []
    return [...jar].filter(([, cookie]) => pathMatches(url.pathname, cookie.path))
  }

  private storeOne(url: URL, header: string): void {
    const [pair = '', ...attributes] = header.split(';')
    const eq = pair.indexOf('=')
    if (eq <= 0) return
    const name = pair.slice(0, eq).trim()
    const value = pair.slice(eq + 1).trim()
    const attrs = parseAttributes(attributes)
    let jar = this.origins.get(url.origin)
    if (!jar) this.origins.set(url.origin, (jar = new Map<string, StoredCookie>()))
    if (value === '' || isExpired(attrs)) {
      jar.delete(name)
      return
    }
    jar.set(name, { value, path: attrs.get('path') ?? defaultPath(url) })
  }
}

function parseAttributes(attributes: readonly string[]): Map<string, string> {
  const result = new Map<string, string>()
  for (const attribute of attributes) {
    const eq = attribute.indexOf('=')
    const key = (eq < 0 ? attribute : attribute.slice(0, eq)).trim().toLowerCase()
    result.set(key, eq < 0 ? '' : attribute.slice(eq + 1).trim())
  }
  return result
}

/** A deletion is sent as Max-Age=0 or an Expires in the past. */
function isExpired(attrs: Map<string, string>): boolean {
  const maxAge = attrs.get('max-age')
  if (maxAge !== undefined) return Number(maxAge) <= 0
  const expires = attrs.get('expires')
  return expires !== undefined && Date.parse(expires) <= Date.now()
}

/** RFC 6265 §5.1.4: the request path up to its last slash. */
function defaultPath(url: URL): string {
  const last = url.pathname.lastIndexOf('/')
  return last <= 0 ? '/' : url.pathname.slice(0, last)
}

/** RFC 6265 §5.1.4 path-match: `/auth` matches `/auth` and `/auth/callback`, not `/authx`. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true
  if (!requestPath.startsWith(cookiePath)) return false
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'
}

/**
 * HTTP Strict Transport Security (RFC 6797): once a browser has seen it over
 * https, it never tries this host over plain http again. Decided by the app's
 * public origin: APP_BASE_URL on https means the app is served over https,
 * whatever the proxies in front say (or do not say) in X-Forwarded-Proto.
 * Over plain http it is never sent (§7.2; browsers ignore it there anyway),
 * so http://localhost development is never pinned to https.
 *
 * Plain string work: middleware, next.config.ts and route handlers share it.
 */

/** Two years, subdomains too: the value preload lists expect. */
export const HSTS_VALUE = 'max-age=63072000; includeSubDomains'

/** X-Forwarded-Proto whose first hop (the client's) is https, as next.config's `has` matches it: `https`, `https, http`… */
export const FORWARDED_HTTPS = '\\s*https\\s*(?:,.*)?'

/** Adds the header to `headers` when the app's public origin is https. */
export function addStrictTransport(headers: Headers, appBaseUrl: URL): void {
  if (appBaseUrl.protocol === 'https:') headers.set('strict-transport-security', HSTS_VALUE)
}

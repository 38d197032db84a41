/**
 * The Content-Security-Policy of every page: scripts and styles only from our
 * origin or carrying this request's nonce, which Next.js puts on its own
 * scripts when it finds the nonce in the request's CSP header.
 *
 * Edge-safe: middleware builds it for each request.
 */

/** 128 random bits, base64: a fresh nonce per response. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return btoa(String.fromCharCode(...bytes))
}

export function contentSecurityPolicy(nonce: string, options: { appBaseUrl: URL; development: boolean }): string {
  // The embedded provider serves avatars over http on loopback; real providers' pictures are https.
  const localImages = options.appBaseUrl.protocol === 'http:' ? ' http://127.0.0.1:* http://localhost:*' : ''
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic' lets the nonce'd bootstrap load Next's chunks. Next's development runtime
    // (HMR, Fast Refresh, the overlay) evaluates code and injects scripts and styles without the
    // nonce, and reloads the page in a loop under this policy: `next dev` gets a relaxed one.
    options.development ? "script-src 'self' 'unsafe-inline' 'unsafe-eval'" : `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    options.development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    `img-src 'self' data: https:${localImages}`,
    "font-src 'self'",
    `connect-src 'self'${options.development ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ]
  if (options.appBaseUrl.protocol === 'https:') directives.push('upgrade-insecure-requests')
  return directives.join('; ')
}

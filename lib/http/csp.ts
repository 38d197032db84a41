/**
 * Content-Security-Policies.
 *
 * - `contentSecurityPolicy`: pages a signed-in user sees (private routes, and
 *   public pages for a visitor holding a session cookie). Scripts and styles only
 *   from our origin or carrying this request's nonce, which Next.js puts on its
 *   own scripts when it finds the nonce in the request's CSP header. Middleware
 *   builds it per request.
 * - `anonymousContentSecurityPolicy`: public pages for a visitor without a
 *   session. Those do not run middleware (its matcher leaves them out, to spare them its cost),
 *   so there is no nonce: Next's inline bootstrap scripts need 'unsafe-inline'.
 *   Such a page holds nothing of anyone's, and a script there finds no session to use.
 *   Static, so next.config.ts sends it.
 * - `errorPageContentSecurityPolicy`: the login error page, plain HTML with one
 *   inline style and no script.
 *
 * Edge-safe.
 */

/** 128 random bits, base64: a fresh nonce per response. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return btoa(String.fromCharCode(...bytes))
}

export function contentSecurityPolicy(
  nonce: string,
  options: { appBaseUrl: URL; development: boolean; providerOrigins?: readonly string[] | undefined },
): string {
  // The embedded provider serves avatars over http on loopback; real providers' pictures are https.
  const localImages = options.appBaseUrl.protocol === 'http:' ? ' http://127.0.0.1:* http://localhost:*' : ''
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic' lets the nonce'd bootstrap load Next's chunks. Next's development runtime
    // (HMR, Fast Refresh, the overlay) evaluates code and injects scripts and styles without the
    // nonce, and reloads the page in a loop under this policy: `next dev` gets a relaxed one.
    options.development
      ? "script-src 'self' 'unsafe-inline' 'unsafe-eval'"
      : `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    options.development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    `img-src 'self' data: https:${localImages}`,
    "font-src 'self'",
    `connect-src 'self'${options.development ? ' ws: wss:' : ''}`,
    ...lockedDown(options.providerOrigins),
  ]
  if (options.appBaseUrl.protocol === 'https:') directives.push('upgrade-insecure-requests')
  return directives.join('; ')
}

/**
 * Shared by the policies: nothing framed, no plugins, no <base>, forms only to
 * us, and on to the provider where a form of ours is answered with a redirect
 * there (signing out ends at its end-session endpoint; browsers apply
 * `form-action` to a form's redirects too).
 */
function lockedDown(providerOrigins: readonly string[] = []): string[] {
  return [
    "object-src 'none'",
    "base-uri 'none'",
    ["form-action 'self'", ...providerOrigins].join(' '),
    "frame-ancestors 'none'",
  ]
}

export function anonymousContentSecurityPolicy(options: { development: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${options.development ? " 'unsafe-eval'" : ''}`,
    `style-src 'self'${options.development ? " 'unsafe-inline'" : ''}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${options.development ? ' ws: wss:' : ''}`,
    ...lockedDown(),
  ].join('; ')
}

/** Our small HTML pages (login errors, sign-out, unavailable): no script, one style by nonce, forms as above. */
export function errorPageContentSecurityPolicy(nonce: string, providerOrigins?: readonly string[]): string {
  return ["default-src 'none'", `style-src 'nonce-${nonce}'`, ...lockedDown(providerOrigins)].join('; ')
}

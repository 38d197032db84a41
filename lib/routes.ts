/**
 * The app's addresses, in one place: which routes are private, what the auth
 * routes are called, which public pages are prerendered, and how a login URL
 * is spelled (the cookies' names: lib/cookies/policy.ts). Middleware, its matcher check
 * (lib/routes.test.ts) and next.config.ts's header rules all read them here.
 *
 * Plain data and string building: safe in middleware, next.config.ts and the browser alike.
 */

/** The private routes: the one list to extend. A path is private when it is one of these or below one. */
export const PRIVATE_ROUTES = ['/profile', '/api/me', '/api/call-api', '/api/proxy'] as const

/** The auth route handlers (app/auth/). Register `callback` and `/` (after sign-out) at the provider. */
export const AUTH_ROUTES = {
  login: '/auth/login',
  callback: '/auth/callback',
  logout: '/auth/logout',
  refresh: '/auth/refresh',
  unavailable: '/auth/unavailable',
  backchannelLogout: '/auth/backchannel-logout',
} as const

/**
 * A provider's own address under one of the auth routes: the route itself for
 * `default` (its redirect and back-channel URIs stay what they were), `<route>/<id>` for the others.
 */
export function providerRoute(route: string, providerId: string): string {
  return providerId === 'default' ? route : `${route}/${providerId}`
}

/**
 * The request header in which middleware tells a private page its own path
 * and query (it sets it on every guarded request, so a browser cannot): where
 * a detour that page takes (lib/api/fetch.ts) comes back to.
 */
export const RETURN_TO_HEADER = 'x-oidc-return-to'

/** The sign-in page, where /auth/login offers a choice of providers (middleware serves it at /auth/login). */
export const SIGN_IN_PAGE = '/sign-in'

export function isPrivate(pathname: string): boolean {
  return PRIVATE_ROUTES.some((route) => pathname === route || pathname.startsWith(`${route}/`))
}

/**
 * Public pages prerendered for visitors without a session. Each has a twin
 * under app/anonymous/ that reads nothing of the request, so Next builds it
 * once, ahead; next.config.ts's rewrites serve that twin at the page's own
 * address to a visitor who holds no session cookie and brings none of
 * PUBLIC_PAGE_QUERY. Everyone else gets the page rendered per request, with
 * the session's user in the header. Add a public page here, and its twin, to prerender it too.
 */
export const PRERENDERED_PAGES = ['/'] as const

/** Where a prerendered page's twin lives: `/anonymous`, `/anonymous/pricing`. */
export function anonymousTwin(page: string): string {
  return page === '/' ? '/anonymous' : `/anonymous${page}`
}

/** The query parameters a public page answers (the notices after signing out): with either, it is rendered per request. */
export const PUBLIC_PAGE_QUERY = ['signed_out', 'state'] as const

/**
 * The path and query that start a login and come back to `returnTo`, with any
 * allow-listed options (lib/oidc/auth-params.ts): for links, redirects from
 * pages, and the error page's "try again".
 */
export function loginPath(
  returnTo?: string,
  options: Readonly<Record<string, string>> = {},
  providerId?: string,
): string {
  const query = new URLSearchParams({ ...(returnTo !== undefined ? { returnTo } : {}), ...options }).toString()
  // At one provider (`/auth/login/<id>`, even `default`'s): a step-up, or a retry, goes back where the session began.
  const path = providerId === undefined ? AUTH_ROUTES.login : `${AUTH_ROUTES.login}/${providerId}`
  return query ? `${path}?${query}` : path
}

/** The same, absolute on APP_BASE_URL: for redirects from middleware and route handlers. */
export function loginUrl(appBaseUrl: URL, returnTo?: string, options?: Readonly<Record<string, string>>): URL {
  return new URL(loginPath(returnTo, options), appBaseUrl)
}

/**
 * Routes middleware always runs on, as on the private ones: their policy is
 * middleware's. The sign-in page is also served at /auth/login (a rewrite), and
 * next.config's rules match the rewritten path: a static policy there would
 * replace middleware's, whose form-action lets the e-mail form go on to the providers.
 */
const MIDDLEWARE_ROUTES = [...PRIVATE_ROUTES, SIGN_IN_PAGE]

/** `(?:/|$)` after each such route: the route itself or anything below it, nothing that merely starts alike. */
const privateAlternatives = MIDDLEWARE_ROUTES.map((route) => `${route.slice(1)}(?:/|$)`).join('|')

/**
 * next.config.ts's header sources, built from the lists above (path-to-regexp
 * syntax: one named group with a regular expression):
 * - every path but the private routes and the sign-in page, which always run middleware, and /auth/,
 *   whose pages bring their own policy;
 * - the paths a session cookie does not bring middleware to (see middleware.ts's
 *   matcher): asset-like paths, ending in an extension, and everything under /_next/
 *   (its 404 is an HTML page too).
 */
export const HEADER_SOURCES = {
  notPrivateNorAuth: `/((?!${privateAlternatives}|auth/).*)`,
  outsideMiddleware: '/((?!api/|auth/)(?:_next/.*|.*\\.\\w+$))',
} as const

/**
 * Runs before the private routes, and before public pages for visitors who hold
 * a session cookie (see `config` below; nowhere else):
 * - gives each response a Content-Security-Policy with a fresh nonce, and HSTS
 *   where APP_BASE_URL is https (lib/http/hsts.ts);
 * - guards the private routes by opening the session cookie, enforcing the
 *   absolute and idle timeouts, and sending due access tokens to be refreshed
 *   (and a due idle clock to be moved) by /auth/refresh. It writes no session cookie.
 *
 * Runs on the Node.js runtime (`runtime: 'nodejs'` below): on a Node server the
 * Edge runtime's sandbox cost the private page a tenth to a fifth of its
 * requests/s (README, Benchmark: BENCH_COMPARE_RUNTIMES=1). The code uses Web APIs only, makes no network
 * call and holds nothing of the OIDC client, so the Edge runtime still runs it:
 * deleting that one line switches back. (Next 16 prints a notice that the file
 * is now called `proxy.ts`, which is Node-only; `middleware.ts` keeps the choice open.)
 * A missing, expired, tampered or foreign cookie all mean "signed out": a
 * redirect to the login, or a 401 JSON under /api/. Pages and handlers check the session again.
 */
import { NextResponse, type NextRequest } from 'next/server'
import {
  ConfigError,
  getConfig,
  offersChoice,
  providerForEmail,
  type ProvidersConfig,
  type SessionConfig,
} from './lib/config'
import { unauthorizedJson } from './lib/http/api-errors'
import { ownCookieHeader } from './lib/cookies/header'
import { contentSecurityPolicy, createNonce } from './lib/http/csp'
import { addStrictTransport } from './lib/http/hsts'
import { AUTH_ROUTES, isPrivate, loginUrl, RETURN_TO_HEADER, SIGN_IN_PAGE } from './lib/routes'
import { clearSessionCookie, readSessionCookie } from './lib/session/cookies'
import { openSession } from './lib/session/sealed'
import { needsRefresh, touchDue } from './lib/session/session'
import { nowSeconds } from './lib/clock'

/** Where this request was going, to come back to after a detour. */
function pathAndQuery(request: NextRequest): string {
  return `${request.nextUrl.pathname}${request.nextUrl.search}`
}

/**
 * Signed in: go on, after a detour through /auth/refresh when the access token
 * is due (refreshing is a network call, which does not belong here) or when
 * the idle clock should move on (or an older secret opened the cookie). The
 * cookie is never resealed here: middleware cannot ask the session store, and
 * a session ended elsewhere must never get a fresh cookie. /auth/refresh asks
 * the store first; the private APIs move the clock themselves
 * (lib/http/api-session.ts), so only page navigations take the detour.
 * Signed out: the login, or a 401 under /api/.
 */
async function guard(request: NextRequest, config: SessionConfig, requestHeaders: Headers): Promise<NextResponse> {
  const sealed = readSessionCookie(request.cookies, config)
  const opened = await openSession(sealed, config)
  if (opened) {
    const { session, stale } = opened
    const now = nowSeconds()
    const navigation = request.method === 'GET' || request.method === 'HEAD'
    const refreshDue = needsRefresh(session, now)
    const resealDue = stale || touchDue(session, config, now)
    // At most once per touchInterval (a quarter of the idle timeout, at most a minute): one redirect, then none.
    if (navigation && (refreshDue || (resealDue && !request.nextUrl.pathname.startsWith('/api/')))) {
      const refresh = new URL(AUTH_ROUTES.refresh, config.appBaseUrl)
      refresh.searchParams.set('returnTo', pathAndQuery(request))
      return NextResponse.redirect(refresh)
    }
    requestHeaders.set(RETURN_TO_HEADER, pathAndQuery(request))
    return NextResponse.next({ request: { headers: requestHeaders } })
  }
  const response = request.nextUrl.pathname.startsWith('/api/')
    ? unauthorizedJson()
    : NextResponse.redirect(loginUrl(config.appBaseUrl, pathAndQuery(request)))
  // A cookie that does not open is dead weight on every request: drop it.
  if (sealed !== undefined) clearSessionCookie(response.cookies, config)
  return response
}

/**
 * /auth/login with several providers and no `login_hint` that one of them
 * claims: the sign-in page, served at /auth/login itself (a rewrite), so it
 * renders with the app's layout and this request's nonce. Anything else goes
 * on to the route handler (one provider: the login starts; a claimed domain: on to that provider).
 */
function showsSignInPage(request: NextRequest, providers: ProvidersConfig): boolean {
  if (request.nextUrl.pathname !== AUTH_ROUTES.login || !offersChoice(providers)) return false
  const hint = request.nextUrl.searchParams.get('login_hint')
  return !hint || providerForEmail(providers, hint) === undefined
}

export async function middleware(request: NextRequest) {
  let config: SessionConfig
  let providers: ProvidersConfig
  try {
    ;({ session: config, providers } = getConfig())
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    return new NextResponse('This app is not configured yet; the server log says what to fix.', { status: 503 })
  }

  const requestHeaders = new Headers(request.headers)
  const area = routeArea(request, providers)
  // Our route handlers and private routes read only our cookies: a crowded Cookie header is cut to those (lib/cookies/header.ts).
  const ownCookies = area !== 'page' ? ownCookieHeader(request.headers.get('cookie'), config) : undefined
  if (ownCookies !== undefined) requestHeaders.set('cookie', ownCookies)
  // /auth/ and the public APIs bring their own headers; middleware is here for the Cookie header only.
  if (area === 'handler') return NextResponse.next({ request: { headers: requestHeaders } })

  const nonce = createNonce()
  const csp = contentSecurityPolicy(nonce, {
    appBaseUrl: config.appBaseUrl,
    development: process.env.NODE_ENV === 'development',
    providerOrigins: config.providerOrigins,
  })
  // Next.js reads the nonce from the request's CSP header and puts it on the scripts it renders.
  requestHeaders.set('content-security-policy', csp)

  const response =
    area === 'private'
      ? await guard(request, config, requestHeaders)
      : area === 'sign-in'
        ? NextResponse.rewrite(new URL(`${SIGN_IN_PAGE}${request.nextUrl.search}`, request.url), {
            request: { headers: requestHeaders },
          })
        : NextResponse.next({ request: { headers: requestHeaders } })
  // The sign-in page carries per-request choices (returnTo, login_hint): never cached.
  if (area === 'sign-in') response.headers.set('cache-control', 'no-store')
  response.headers.set('content-security-policy', csp)
  addStrictTransport(response.headers, config.appBaseUrl)
  return response
}

/**
 * What middleware is here for: `private`, the guard (and the nonce); `page`, a public page
 * for a visitor with a session cookie (the nonce only); `sign-in`, the sign-in page at
 * /auth/login (a rewrite, and the nonce); `handler`, /auth/ and the public APIs with a
 * crowded Cookie header (cutting it only).
 */
function routeArea(request: NextRequest, providers: ProvidersConfig): 'private' | 'page' | 'sign-in' | 'handler' {
  const { pathname } = request.nextUrl
  if (isPrivate(pathname)) return 'private'
  if (showsSignInPage(request, providers)) return 'sign-in'
  return pathname.startsWith('/auth/') || pathname.startsWith('/api/') ? 'handler' : 'page'
}

/**
 * Where middleware runs, and nowhere else, so that what needs no guard pays nothing for it: static assets, /auth/ and
 * /api/ handlers other than the private ones, and public pages for visitors
 * without a session never pay for it. It runs on
 * - the private routes (lib/routes.ts's PRIVATE_ROUTES): the guard;
 * - public pages for a visitor holding a session cookie (lib/routes.ts's
 *   SESSION_COOKIE_NAMES): only the nonce, so a page that shows the user keeps
 *   the strict policy. No cookie is opened there;
 * - /auth/login and /sign-in: the sign-in page, where several providers are
 *   configured (the nonce, and form-action on to every provider);
 * - /auth/ and /api/health for a request carrying more than
 *   MAX_COOKIES_AS_SENT cookies (lib/cookies/header.ts): only to cut its
 *   Cookie header down to ours, which a route handler's cost grows with the square of.
 * Next needs these as literals; lib/routes.test.ts checks them against
 * lib/routes.ts, together with next.config.ts's header rules.
 */
export const config = {
  runtime: 'nodejs',
  matcher: [
    '/profile/:path*',
    '/api/me/:path*',
    '/api/call-api/:path*',
    '/api/proxy/:path*',
    // The sign-in page: its policy (a nonce, and form-action to the providers) is always middleware's.
    '/sign-in/:path*',
    { source: '/((?!api/|auth/|_next/|favicon\\.ico|.*\\.\\w+$).*)', has: [{ type: 'cookie', key: 'session' }] },
    { source: '/((?!api/|auth/|_next/|favicon\\.ico|.*\\.\\w+$).*)', has: [{ type: 'cookie', key: 'session.0' }] },
    { source: '/((?!api/|auth/|_next/|favicon\\.ico|.*\\.\\w+$).*)', has: [{ type: 'cookie', key: '__Host-session' }] },
    {
      source: '/((?!api/|auth/|_next/|favicon\\.ico|.*\\.\\w+$).*)',
      has: [{ type: 'cookie', key: '__Host-session.0' }],
    },
    // The sign-in page where several providers are configured (showsSignInPage); with one, straight on to the handler.
    '/auth/login',
    // More than 32 cookies (MAX_COOKIES_AS_SENT): 32 semicolons at least.
    { source: '/auth/:path*', has: [{ type: 'header', key: 'cookie', value: '(?:[^;]*;){32}.*' }] },
    { source: '/api/health/:path*', has: [{ type: 'header', key: 'cookie', value: '(?:[^;]*;){32}.*' }] },
  ],
}

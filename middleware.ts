/**
 * Runs before the private routes, and before public pages for visitors who hold
 * a session cookie (see `config` below; nowhere else):
 * - gives each response a Content-Security-Policy with a fresh nonce;
 * - guards the private routes by opening the session cookie, enforcing the
 *   absolute and idle timeouts, and sending due access tokens to be refreshed.
 *
 * Runs on the Edge runtime (the default for `middleware.ts`; Next 16 prints a
 * notice that the file is now called `proxy.ts`, which is Node-only): Web APIs
 * only, no network call, nothing of the OIDC client. A missing, expired,
 * tampered or foreign cookie all mean "signed out": a redirect to the login,
 * or a 401 JSON under /api/. Pages and handlers check the session again.
 */
import { NextResponse, type NextRequest } from 'next/server'
import { ConfigError, getSessionConfig, type SessionConfig } from './lib/config'
import { contentSecurityPolicy, createNonce } from './lib/csp'
import { needsRefresh, nowSeconds, openSession, sealSession, touchDue } from './lib/session'
import { clearSessionCookie, hasSessionCookie, readSessionCookie, writeSessionCookie } from './lib/session-cookie'
import { unauthorizedJson } from './lib/unauthorized'

/** The private routes: the one list to extend. A path is private when it is one of these or below one. */
export const PRIVATE_ROUTES = ['/profile', '/api/me', '/api/call-api']

function isPrivate(pathname: string): boolean {
  return PRIVATE_ROUTES.some((route) => pathname === route || pathname.startsWith(`${route}/`))
}

function redirectToLogin(request: NextRequest, appBaseUrl: URL): NextResponse {
  const login = new URL('/auth/login', appBaseUrl)
  login.searchParams.set('returnTo', `${request.nextUrl.pathname}${request.nextUrl.search}`)
  return NextResponse.redirect(login)
}

/**
 * Signed in: go on, after a detour through /auth/refresh when the access token
 * is due (refreshing is a network call, which does not belong here), and with
 * the idle clock moved on (and the cookie resealed if an older secret opened it).
 * Signed out: the login, or a 401 under /api/.
 */
async function guard(request: NextRequest, config: SessionConfig, requestHeaders: Headers): Promise<NextResponse> {
  const opened = await openSession(readSessionCookie(request.cookies, config), config)
  if (opened) {
    const { session, stale } = opened
    const now = nowSeconds()
    if (needsRefresh(session, now) && (request.method === 'GET' || request.method === 'HEAD')) {
      const refresh = new URL('/auth/refresh', config.appBaseUrl)
      refresh.searchParams.set('returnTo', `${request.nextUrl.pathname}${request.nextUrl.search}`)
      return NextResponse.redirect(refresh)
    }
    const response = NextResponse.next({ request: { headers: requestHeaders } })
    // Not on every request (a seal each time): at most once per touchInterval, often enough to slide.
    if (stale || touchDue(session, config, now)) {
      const touched = { ...session, lastSeenAt: now }
      writeSessionCookie(response.cookies, await sealSession(touched, config), config, touched.expiresAt - now, request.cookies)
    }
    return response
  }
  const response = request.nextUrl.pathname.startsWith('/api/') ? unauthorizedJson() : redirectToLogin(request, config.appBaseUrl)
  // A cookie that does not open is dead weight on every request: drop it.
  if (hasSessionCookie(request.cookies, config)) clearSessionCookie(response.cookies, config)
  return response
}

export async function middleware(request: NextRequest) {
  let config: SessionConfig
  try {
    config = getSessionConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    return new NextResponse('This app is not configured yet; the server log says what to fix.', { status: 503 })
  }

  const nonce = createNonce()
  const csp = contentSecurityPolicy(nonce, {
    appBaseUrl: config.appBaseUrl,
    development: process.env.NODE_ENV === 'development',
    providerOrigins: config.providerOrigins,
  })
  // Next.js reads the nonce from the request's CSP header and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers)
  requestHeaders.set('content-security-policy', csp)

  const response = isPrivate(request.nextUrl.pathname)
    ? await guard(request, config, requestHeaders)
    : NextResponse.next({ request: { headers: requestHeaders } })
  response.headers.set('content-security-policy', csp)
  return response
}

/**
 * Where middleware runs, and nowhere else (issue 6): static assets, /auth/ and
 * /api/ handlers other than the private ones, public pages for visitors
 * without a session, and the benchmark's bare twin never pay for it. It runs on
 * - the private routes (PRIVATE_ROUTES): the guard;
 * - public pages for a visitor holding a session cookie: only the nonce, so a
 *   page that shows the user keeps the strict policy. No cookie is opened there.
 * Next needs these as literals; lib/middleware-matcher.test.ts checks them
 * against PRIVATE_ROUTES and the cookie names.
 */
export const config = {
  matcher: [
    '/profile/:path*',
    '/api/me/:path*',
    '/api/call-api/:path*',
    { source: '/((?!api/|auth/|bench/bare|_next/|favicon\\.ico|.*\\.\\w+$).*)', has: [{ type: 'cookie', key: 'session' }] },
    { source: '/((?!api/|auth/|bench/bare|_next/|favicon\\.ico|.*\\.\\w+$).*)', has: [{ type: 'cookie', key: 'session.0' }] },
    { source: '/((?!api/|auth/|bench/bare|_next/|favicon\\.ico|.*\\.\\w+$).*)', has: [{ type: 'cookie', key: '__Host-session' }] },
    { source: '/((?!api/|auth/|bench/bare|_next/|favicon\\.ico|.*\\.\\w+$).*)', has: [{ type: 'cookie', key: '__Host-session.0' }] },
  ],
}

/**
 * Runs before every page and route (not before static assets):
 * - gives each response a Content-Security-Policy with a fresh nonce;
 * - guards the private routes by opening the session cookie.
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
import { nowSeconds, openSession, sealSession, sessionCookieOptions } from './lib/session'
import { unauthorizedJson } from './lib/unauthorized'

/** The private routes: the one list to extend. A path is private when it is one of these or below one. */
const PRIVATE_ROUTES = ['/profile', '/api/me']

function isPrivate(pathname: string): boolean {
  return PRIVATE_ROUTES.some((route) => pathname === route || pathname.startsWith(`${route}/`))
}

function redirectToLogin(request: NextRequest, appBaseUrl: URL): NextResponse {
  const login = new URL('/auth/login', appBaseUrl)
  login.searchParams.set('returnTo', `${request.nextUrl.pathname}${request.nextUrl.search}`)
  return NextResponse.redirect(login)
}

/** Signed in: go on (resealing a cookie an older secret opened). Signed out: the login, or a 401. */
async function guard(request: NextRequest, config: SessionConfig, requestHeaders: Headers): Promise<NextResponse> {
  const cookie = request.cookies.get(config.sessionCookieName)
  const opened = await openSession(cookie?.value, config)
  if (opened) {
    const response = NextResponse.next({ request: { headers: requestHeaders } })
    if (opened.stale) {
      const { session } = opened
      const sealed = await sealSession(session, config)
      response.cookies.set(config.sessionCookieName, sealed, sessionCookieOptions(config, session.expiresAt - nowSeconds()))
    }
    return response
  }
  const response = request.nextUrl.pathname.startsWith('/api/') ? unauthorizedJson() : redirectToLogin(request, config.appBaseUrl)
  // A cookie that does not open is dead weight on every request: drop it.
  if (cookie) response.cookies.set(config.sessionCookieName, '', sessionCookieOptions(config, 0))
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
  const csp = contentSecurityPolicy(nonce, { appBaseUrl: config.appBaseUrl, development: process.env.NODE_ENV === 'development' })
  // Next.js reads the nonce from the request's CSP header and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers)
  requestHeaders.set('content-security-policy', csp)
  requestHeaders.set('x-nonce', nonce)

  const response = isPrivate(request.nextUrl.pathname)
    ? await guard(request, config, requestHeaders)
    : NextResponse.next({ request: { headers: requestHeaders } })
  response.headers.set('content-security-policy', csp)
  return response
}

export const config = {
  // Everything but build assets and files served as they are: those need neither a nonce nor a session.
  matcher: ['/((?!_next/static|_next/image|favicon\\.ico|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|txt|xml|webmanifest)$).*)'],
}

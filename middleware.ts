/**
 * Guards the private routes before they render, by opening the session cookie.
 *
 * Runs on the Edge runtime (the default for `middleware.ts`; Next 16 prints a
 * notice that the file is now called `proxy.ts`, which is Node-only): Web APIs
 * only, no network call, nothing of the OIDC client. A missing, expired,
 * tampered or foreign cookie all mean "signed out": a redirect to the login,
 * or a 401 JSON under /api/. Pages and handlers check the session again.
 */
import { NextResponse, type NextRequest } from 'next/server'
import { ConfigError, getSessionConfig } from './lib/config'
import { nowSeconds, openSession, sealSession, sessionCookieOptions } from './lib/session'
import { unauthorizedJson } from './lib/unauthorized'

function redirectToLogin(request: NextRequest, appBaseUrl: URL): NextResponse {
  const login = new URL('/auth/login', appBaseUrl)
  login.searchParams.set('returnTo', `${request.nextUrl.pathname}${request.nextUrl.search}`)
  return NextResponse.redirect(login)
}

export async function middleware(request: NextRequest) {
  let config
  try {
    config = getSessionConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    return new NextResponse('This app is not configured yet; the server log says what to fix.', { status: 503 })
  }

  const cookie = request.cookies.get(config.sessionCookieName)
  const opened = await openSession(cookie?.value, config)
  if (opened) {
    const response = NextResponse.next()
    // Opened by an older secret after a rotation: seal it again with the newest.
    if (opened.stale) {
      const { session } = opened
      response.cookies.set(config.sessionCookieName, await sealSession(session, config), sessionCookieOptions(config, session.expiresAt - nowSeconds()))
    }
    return response
  }

  const response = request.nextUrl.pathname.startsWith('/api/') ? unauthorizedJson() : redirectToLogin(request, config.appBaseUrl)
  // A cookie that does not open is dead weight on every request: drop it.
  if (cookie) response.cookies.set(config.sessionCookieName, '', sessionCookieOptions(config, 0))
  return response
}

/**
 * The private routes: the one list to extend. Everything else (public pages,
 * static assets, the auth routes) never runs this middleware.
 */
export const config = {
  matcher: ['/profile/:path*', '/api/me'],
}

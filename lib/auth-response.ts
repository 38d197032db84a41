/**
 * Responses shared by the auth route handlers: redirects built on APP_BASE_URL,
 * and the error page for a login that failed.
 */
import 'server-only'
import { NextResponse } from 'next/server'
import { ConfigError, type SessionConfig } from './config'
import { createNonce, errorPageContentSecurityPolicy } from './csp'
import { errorPageHtml } from './error-page'
import { describeForLog, LoginError } from './login-error'
import { nowSeconds, sealSession, SessionTooLargeError, type Session } from './session'
import { writeSessionCookie } from './session-cookie'

/** A 303 to an absolute URL, never cached: auth responses carry per-user cookies. */
export function redirectTo(url: URL): NextResponse {
  const response = NextResponse.redirect(url, 303)
  response.headers.set('cache-control', 'no-store')
  return response
}

/** Seals the session into the response's cookies, for as long as its absolute lifetime lasts. */
export async function storeSession(response: NextResponse, session: Session, config: SessionConfig): Promise<NextResponse> {
  writeSessionCookie(response.cookies, await sealSession(session, config), config, session.expiresAt - nowSeconds())
  return response
}

function asLoginError(error: unknown): LoginError {
  if (error instanceof LoginError) return error
  if (error instanceof ConfigError) {
    return new LoginError('misconfigured', 'This app is missing part of its configuration. The server log says what to fix.', {
      cause: error,
    })
  }
  if (error instanceof SessionTooLargeError) {
    return new LoginError(
      'bad_provider_response',
      'The provider issued more data than fits in a session cookie, so the session could not be stored.',
      { cause: error },
    )
  }
  return new LoginError('bad_provider_response', 'Something unexpected went wrong while signing you in.', { cause: error })
}

/**
 * The error page for a failed login, with a link that starts over and returns
 * to where the user was going. Logged as one line, without tokens or codes.
 */
export function loginFailure(error: unknown, appBaseUrl: URL, returnTo = '/'): NextResponse {
  const loginError = asLoginError(error)
  const log = loginError.status >= 500 ? console.error : console.warn
  log(`[auth] ${describeForLog(loginError)}`)
  if (loginError.cause instanceof ConfigError) console.error(loginError.cause.message)

  const retry = new URL('/auth/login', appBaseUrl)
  retry.searchParams.set('returnTo', returnTo)
  // /auth/ runs no middleware, so the page brings its own nonce and policy.
  const nonce = createNonce()
  return new NextResponse(errorPageHtml(loginError, `${retry.pathname}${retry.search}`, nonce), {
    status: loginError.status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': errorPageContentSecurityPolicy(nonce),
    },
  })
}

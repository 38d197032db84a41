/**
 * The HTML and redirect responses of the auth route handlers: redirects built
 * on APP_BASE_URL, our small pages with their own policy, and the error page
 * for a login that failed.
 */
import 'server-only'
import { NextResponse } from 'next/server'
import { ConfigError, getConfig } from '../config'
import { describeForLog, LoginError } from '../oidc/errors'
import { loginPath } from '../routes'
import { SessionTooLargeError } from '../session/sealed'
import { isStoreUnavailable } from '../session/store/store'
import { createNonce, errorPageContentSecurityPolicy } from './csp'
import { pageHtml, type PageContent } from './html'
import { errorPageHtml, loginErrorStatus } from './login-error-page'
import { addStrictTransport } from './hsts'
import { log } from '../log/log'
import { count } from '../telemetry/metrics'

/** What every response of the auth routes carries beside its own headers: HSTS where APP_BASE_URL is https. */
function secured(response: NextResponse): NextResponse {
  let appBaseUrl: URL
  try {
    appBaseUrl = getConfig().session.appBaseUrl
  } catch (error) {
    // A configuration that does not parse has no origin to vouch for: its error page goes out without.
    if (error instanceof ConfigError) return response
    throw error
  }
  addStrictTransport(response.headers, appBaseUrl)
  return response
}

/** A 303 to an absolute URL, never cached: auth responses carry per-user cookies. */
export function redirectTo(url: URL): NextResponse {
  const response = NextResponse.redirect(url, 303)
  response.headers.set('cache-control', 'no-store')
  return secured(response)
}

function asLoginError(error: unknown): LoginError {
  if (error instanceof LoginError) return error
  if (error instanceof ConfigError) {
    return new LoginError(
      'misconfigured',
      'This app is missing part of its configuration. The server log says what to fix.',
      {
        cause: error,
      },
    )
  }
  if (isStoreUnavailable(error)) {
    return new LoginError(
      'store_unavailable',
      'You signed in at the provider, but this app cannot record sessions right now. Please try again in a moment.',
      {
        cause: error,
      },
    )
  }
  if (error instanceof SessionTooLargeError) {
    return new LoginError(
      'bad_provider_response',
      'The provider issued more data than fits in a session cookie, so the session could not be stored.',
      {
        cause: error,
      },
    )
  }
  return new LoginError('bad_provider_response', 'Something unexpected went wrong while signing you in.', {
    cause: error,
  })
}

/** An HTML page written with the nonce of its own policy: /auth/ runs no middleware, so it brings both. */
function htmlResponse(
  html: (nonce: string) => string,
  status: number,
  providerOrigins?: readonly string[],
): NextResponse {
  const nonce = createNonce()
  const response = new NextResponse(html(nonce), {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': errorPageContentSecurityPolicy(nonce, providerOrigins),
    },
  })
  return secured(response)
}

/** One of our small HTML pages (lib/http/html.ts); `providerOrigins` where a form on it ends at the provider. */
export function htmlPage(content: PageContent, status: number, providerOrigins?: readonly string[]): NextResponse {
  return htmlResponse((nonce) => pageHtml(content, nonce), status, providerOrigins)
}

/**
 * 503 where the session store cannot be reached: nobody can tell whether this
 * session was ended, so it is neither honoured nor dropped. The page offers to
 * try again; `Retry-After` says when.
 */
export function sessionsUnavailable(returnTo: string): NextResponse {
  const response = htmlPage(
    {
      kicker: 'Temporarily unavailable · 503',
      title: 'Sessions cannot be checked right now',
      paragraphs: [
        {
          text: 'This app cannot reach its session store at the moment, so it cannot tell whether you are still signed in.',
          id: 'unavailable-detail',
        },
        { text: 'Nothing is lost: try again in a few seconds. Public pages keep working meanwhile.' },
      ],
      actions: [
        { kind: 'link', href: returnTo, label: 'Try again', primary: true },
        { kind: 'link', href: '/', label: 'Go to the home page' },
      ],
      data: ['error-kind', 'store_unavailable'],
    },
    503,
  )
  response.headers.set('retry-after', '5')
  return response
}

/** 404 under /auth/: our own page with its own strict policy (see app/auth/[...rest]/route.ts), e.g. a provider id no one configured. */
export function notFoundPage(): NextResponse {
  return htmlPage(
    {
      kicker: 'Not found · 404',
      title: 'Page not found',
      paragraphs: [{ text: 'There is nothing at this address.' }],
      actions: [{ kind: 'link', href: '/', label: 'Go to the home page', primary: true }],
    },
    404,
  )
}

/** 403 for a state-changing request that did not come from our own pages (lib/http/same-origin.ts). */
export function crossSiteRefused(): NextResponse {
  return htmlPage(
    {
      kicker: 'Refused · 403',
      title: 'This request did not come from this app',
      paragraphs: [
        { text: 'Another site tried to act on your session here. Nothing was changed.', id: 'refused-detail' },
      ],
      actions: [{ kind: 'link', href: '/', label: 'Go to the home page', primary: true }],
      data: ['error-kind', 'cross_site'],
    },
    403,
  )
}

/**
 * The error page for a failed login, with a link that starts over and returns
 * to where the user was going. Logged as one line, without tokens or codes.
 */
export function loginFailure(error: unknown, returnTo = '/', providerId?: string): NextResponse {
  const loginError = asLoginError(error)
  const write = loginErrorStatus(loginError) >= 500 ? log.error : log.warn
  write('auth.login_failed', describeForLog(loginError), { provider: providerId, kind: loginError.kind })
  count.signInFailure(loginError.kind, providerId)
  if (loginError.cause instanceof ConfigError) log.error('config.invalid', loginError.cause.message)

  const retry = loginPath(returnTo, {}, providerId)
  return htmlResponse((nonce) => errorPageHtml(loginError, retry, nonce), loginErrorStatus(loginError))
}

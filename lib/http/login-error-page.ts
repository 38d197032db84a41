/**
 * A failed login, as the browser sees it: the HTTP status and the title each
 * kind of failure deserves (the kinds: lib/oidc/errors.ts; which failure is
 * which: lib/oidc/failures.ts), and the page it ends on.
 */
import type { LoginError, LoginErrorKind } from '../oidc/errors'
import { escapeHtml, pageHtml } from './html'

/** Forged or stale requests are the client's (4xx); a provider that fails or answers wrongly is a bad gateway (5xx). */
const STATUS: Record<LoginErrorKind, number> = {
  invalid_request: 400,
  provider_denied: 400,
  invalid_grant: 400,
  bad_provider_response: 502,
  misconfigured: 502,
  insufficient_authentication: 403,
  provider_unreachable: 503,
  provider_timeout: 504,
  store_unavailable: 503,
}

const TITLE: Record<LoginErrorKind, string> = {
  invalid_request: 'This sign-in link is not valid',
  provider_denied: 'The identity provider did not sign you in',
  invalid_grant: 'This sign-in was already used or has expired',
  bad_provider_response: 'The identity provider sent an answer we cannot trust',
  misconfigured: 'Sign-in is not set up correctly',
  insufficient_authentication: 'You were not signed in strongly enough',
  provider_unreachable: 'The identity provider is not reachable',
  provider_timeout: 'The identity provider did not answer in time',
  store_unavailable: 'Sessions cannot be recorded right now',
}

/** The HTTP status a failed login answers with. */
export function loginErrorStatus(error: LoginError): number {
  return STATUS[error.kind]
}

/** The failed login page's title. */
export function loginErrorTitle(error: LoginError): string {
  return TITLE[error.kind]
}

/** The page a failed login ends on. */
export function errorPageHtml(error: LoginError, retryHref: string, nonce: string): string {
  const provider = error.providerError
    ? `<dl>
        <dt>Provider error</dt><dd id="provider-error">${escapeHtml(error.providerError.error)}</dd>
        ${error.providerError.description ? `<dt>Description</dt><dd id="provider-error-description">${escapeHtml(error.providerError.description)}</dd>` : ''}
      </dl>`
    : ''
  return pageHtml(
    {
      kicker: `Sign-in failed · ${loginErrorStatus(error)}`,
      title: loginErrorTitle(error),
      paragraphs: [{ text: error.detail, id: 'error-detail' }],
      extraHtml: provider,
      actions: [
        { kind: 'link', href: retryHref, label: 'Try signing in again', primary: true },
        { kind: 'link', href: '/', label: 'Go to the home page' },
      ],
      data: ['error-kind', error.kind],
    },
    nonce,
  )
}

/**
 * Why a login failed, in words a person can act on, sorted into kinds (the HTTP
 * status and page title each kind deserves: lib/http/login-error-page.ts;
 * which failure is which kind: ./failures.ts).
 */
import { quoted } from '../log/text'

export type LoginErrorKind =
  /** The request to our callback is wrong: forged, replayed, stale, from another login. */
  | 'invalid_request'
  /** The provider answered the authorization request with `error=…`. */
  | 'provider_denied'
  /** The provider refused to exchange the code (used twice, expired). */
  | 'invalid_grant'
  /** The provider answered, but not with something we can trust or use. */
  | 'bad_provider_response'
  /** The provider disagrees with our configuration (issuer, client credentials). */
  | 'misconfigured'
  /** The provider did not authenticate the user the way we asked (acr_values). */
  | 'insufficient_authentication'
  /** The provider could not be reached. */
  | 'provider_unreachable'
  /** The provider did not answer in time. */
  | 'provider_timeout'
  /** The sign-in worked, but the session store could not record the session. */
  | 'store_unavailable'

export class LoginError extends Error {
  readonly kind: LoginErrorKind
  /** Plain words for the person; may quote the provider, so it is always HTML-escaped on output. */
  readonly detail: string
  /** The provider's own `error` / `error_description`, shown only for a login this browser started. */
  readonly providerError?: { error: string; description?: string | undefined } | undefined

  constructor(
    kind: LoginErrorKind,
    detail: string,
    options?: { cause?: unknown; providerError?: { error: string; description?: string | undefined } },
  ) {
    super(`${kind}: ${detail}`, { cause: options?.cause })
    this.name = 'LoginError'
    this.kind = kind
    this.detail = detail
    this.providerError = options?.providerError
  }
}

/** One log line, without tokens or codes: the kind, our words, and the library's reason. */
export function describeForLog(error: LoginError): string {
  // Class names are minified in a production build; oauth4webapi's error codes are not.
  const code = error.cause instanceof Error ? (error.cause as { code?: unknown }).code : undefined
  const cause =
    error.cause instanceof Error
      ? ` (${typeof code === 'string' ? code : error.cause.name}: ${quoted(error.cause.message, 300)})`
      : ''
  const provider = error.providerError ? ` [provider error=${quoted(error.providerError.error)}]` : ''
  return `login failed: ${error.kind}: ${error.detail}${provider}${cause}`
}

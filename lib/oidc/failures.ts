/**
 * Sorting the OIDC client's failures into LoginErrors. The client reports them
 * through several error classes; we sort them by *which step* failed, because
 * the same oauth4webapi error code means "an attacker sent a forged callback"
 * (400) in one step and "the provider sent us garbage" (502) in another.
 */
import * as oauth from 'oauth4webapi'
import type { ClientAuthMethod, OidcConfig } from '../config'
import { quoted } from '../log/text'
import { LoginError } from './errors'

/** The protocol steps that talk to the provider, named as the user would understand them. */
export type ProviderStep = 'discovery' | 'par' | 'token' | 'signature' | 'userinfo'

const STEP_NAME: Record<ProviderStep, string> = {
  discovery: 'its discovery document',
  par: 'its pushed authorization request endpoint',
  token: 'its token endpoint',
  signature: 'its signing keys',
  userinfo: 'its userinfo endpoint',
}

/** An aborted or timed-out fetch (AbortSignal.timeout rejects with TimeoutError, a plain abort with AbortError). */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
}

/** What Node's TLS says when a certificate chains to nothing it trusts. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
])

/** fetch() rejects with a TypeError when the connection itself fails (refused, reset, DNS, TLS). */
function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && !(error as { code?: unknown }).code
}

/** How this client authenticates, for words that name the settings that apply to it. */
export interface ClientAuthContext {
  readonly method: ClientAuthMethod
  readonly assertionAudience: 'issuer' | 'token_endpoint'
  /** The kid our assertions carry (private_key_jwt), as the start-up log prints it. */
  readonly keyId?: string | undefined
  /** The names of this provider's variables (OIDC_… or OIDC_<ID>_…). */
  readonly variable?: OidcConfig['variable']
}

/** Which settings to check when the provider refuses our client authentication: those of the method in use. */
function credentialSettings(client: ClientAuthContext | undefined): string {
  const v = client?.variable ?? ((setting: string) => `OIDC_${setting}`)
  switch (client?.method) {
    case 'private_key_jwt': {
      const kid = client.keyId ? `kid "${client.keyId}"` : 'kid'
      return (
        `Check that the provider holds the public half of ${v('CLIENT_PRIVATE_KEY')} under the ${kid} (as the start-up log prints it) ` +
        `for the client ${v('CLIENT_ID')}, and ${v('CLIENT_ASSERTION_AUDIENCE')} (now "${client.assertionAudience}"; ` +
        'some providers accept only "token_endpoint" as the assertion\'s audience).'
      )
    }
    case 'none':
      return `Check ${v('CLIENT_ID')}, and that the provider lets this client authenticate with no secret (${v('CLIENT_AUTH_METHOD')}=none).`
    default:
      return `Check ${v('CLIENT_ID')}, ${v('CLIENT_SECRET')} and ${v('CLIENT_AUTH_METHOD')}.`
  }
}

function rejectedCredentials(code: string, cause: unknown, client: ClientAuthContext | undefined): LoginError {
  return new LoginError(
    'misconfigured',
    `The provider rejected this app's client credentials (${code}). ${credentialSettings(client)}`,
    { cause },
  )
}

/**
 * A login that asked for a recent sign-in (max_age) got an ID token whose
 * `auth_time` is older: the provider reused its session instead of asking
 * again (OIDC Core §3.1.2.1 max_age, §3.1.3.7 (13)).
 */
function staleAuthentication(authTime: unknown, now: unknown): LoginError {
  const minutes =
    typeof authTime === 'number' && typeof now === 'number' ? Math.max(1, Math.round((now - authTime) / 60)) : undefined
  return new LoginError(
    'insufficient_authentication',
    `This page needs a recent sign-in, but the provider did not ask you to sign in again: it says you last signed in ` +
      `${minutes ? `${minutes} minutes ago` : 'too long ago'}. Please sign in again. If this repeats, the provider ignores ` +
      'prompt=login and max_age for this app: check its re-authentication (max age) settings for this client.',
  )
}

/** Turns whatever a provider-facing step threw into a LoginError. */
export function providerFailure(step: ProviderStep, error: unknown, client?: ClientAuthContext): LoginError {
  if (error instanceof LoginError) return error
  const where = STEP_NAME[step]
  if (isTimeout(error)) {
    return new LoginError(
      'provider_timeout',
      `The provider did not answer in time (${where}). Please try again in a moment.`,
      {
        cause: error,
      },
    )
  }
  if (isNetworkFailure(error)) {
    const code = ((error as Error).cause as { code?: unknown } | undefined)?.code
    if (typeof code === 'string' && UNTRUSTED_CERTIFICATE.has(code)) {
      return new LoginError(
        'misconfigured',
        `The provider's TLS certificate is not trusted (${code}, ${where}). If it is issued by a private certificate authority, ` +
          'start the server with NODE_EXTRA_CA_CERTS=/path/to/ca.pem.',
        { cause: error },
      )
    }
    return new LoginError(
      'provider_unreachable',
      `We could not connect to the provider (${where}). Please try again in a moment.`,
      {
        cause: error,
      },
    )
  }
  if (error instanceof oauth.ResponseBodyError) {
    if (error.status >= 500) {
      return new LoginError(
        'bad_provider_response',
        `The provider reported an internal error (${where}, HTTP ${error.status}).`,
        {
          cause: error,
        },
      )
    }
    if (error.error === 'invalid_grant') {
      return new LoginError(
        'invalid_grant',
        'The provider refused this sign-in code: it was already used or has expired. Please sign in again.',
        {
          cause: error,
        },
      )
    }
    if (error.error === 'invalid_client' || error.error === 'unauthorized_client')
      return rejectedCredentials(error.error, error, client)
    return new LoginError(
      'bad_provider_response',
      `The provider refused the request to ${where} (${quoted(error.error)}).`,
      {
        cause: error,
        providerError: { error: error.error, description: error.error_description },
      },
    )
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    // At the token endpoint a 401 means our client authentication failed (RFC 6749 §5.2).
    if (step === 'token' && error.status === 401) return rejectedCredentials('invalid_client', error, client)
    return new LoginError(
      'bad_provider_response',
      `The provider refused the request to ${where} (HTTP ${error.status}).`,
      {
        cause: error,
      },
    )
  }
  if (error instanceof oauth.OperationProcessingError && error.code === oauth.JWT_TIMESTAMP_CHECK) {
    const cause = error.cause as { claim?: unknown; claims?: { auth_time?: unknown }; now?: unknown } | undefined
    if (cause?.claim === 'auth_time') return staleAuthentication(cause.claims?.auth_time, cause.now)
  }
  // A bare 401 or 403 (no JSON error body) from the token or PAR endpoint still refuses our client authentication (RFC 6749 §5.2).
  if (
    error instanceof oauth.OperationProcessingError &&
    error.cause instanceof Response &&
    (step === 'token' || step === 'par')
  ) {
    const { status } = error.cause
    if (status === 401 || status === 403) return rejectedCredentials(`HTTP ${status} from ${where}`, error, client)
  }
  if (error instanceof oauth.OperationProcessingError && error.code === oauth.RESPONSE_IS_NOT_CONFORM) {
    const status = (error.cause as Response | undefined)?.status
    if (step === 'signature' && (status === 401 || status === 403)) {
      return new LoginError(
        'misconfigured',
        `The provider refused to hand out its signing keys (HTTP ${status}), so its tokens cannot be verified. ` +
          'Oracle IDCS / OCI Identity Domains only serve them to signed-in users unless the signing certificate is opened to clients: ' +
          'tick "Configure client access" in the domain\'s settings (or in the application\'s client configuration).',
        { cause: error },
      )
    }
    return new LoginError(
      'bad_provider_response',
      `The provider answered with an unexpected status (${where}${status ? `, HTTP ${status}` : ''}).`,
      {
        cause: error,
      },
    )
  }
  return new LoginError('bad_provider_response', `The provider's answer failed validation (${where}).`, {
    cause: error,
  })
}

/** Turns a failure to validate the authorization response (our callback's query) into a LoginError. */
export function callbackFailure(error: unknown): LoginError {
  if (error instanceof oauth.AuthorizationResponseError) {
    return new LoginError(
      'provider_denied',
      'The identity provider answered with an error instead of signing you in.',
      {
        cause: error,
        providerError: { error: error.error, description: error.error_description },
      },
    )
  }
  return new LoginError(
    'invalid_request',
    'The response from the identity provider did not match a sign-in started here. Please sign in again.',
    {
      cause: error,
    },
  )
}

/**
 * The refresh token grant (RFC 6749 §6), with a new ID token validated like
 * the first (OIDC Core §12.2): for the session's own access token, and, with
 * a `resource` or `audience` and a scope (RFC 8707 §2.2), for one API's
 * (./api-token.ts). With DPoP, each carries a proof by the session's key.
 */
import 'server-only'
import * as oauth from 'oauth4webapi'
import type { DpopKey } from './token-set'
import { dpopHandle, requireBoundToken, withNonceRetry } from './dpop'
import { providerFailure } from './failures'
import { checkIssuedAt, checkSameSubject, issuerForTokenResponse, verifyIdTokenSignature } from './id-token'
import { step, type DiscoveredProvider } from './provider'
import { tokenSetFrom, type TokenSet } from './token-set'

/** The refresh token was refused (revoked, expired, reused): the session cannot go on. */
export class RefreshRejectedError extends Error {
  constructor(cause: unknown) {
    super('The provider refused the refresh token.', { cause })
    this.name = 'RefreshRejectedError'
  }
}

/**
 * Did the provider refuse the refresh token for good? Only `invalid_grant`
 * says so (RFC 6749 §5.2: the grant is invalid, expired, revoked or was
 * issued to another client). Every other answer (429, 5xx, invalid_request
 * from a misconfigured proxy, invalid_client, a bare 400 with no body) says
 * nothing about the user's grant: ending sessions on it would sign everybody
 * out on one bad deploy. Those are failures to retry, logged with the provider's words.
 */
function isRefusal(error: unknown): boolean {
  return error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant'
}

/** The session's tokens, and its DPoP key where it has one. */
export type RefreshableTokens = TokenSet & { readonly dpopKey?: DpopKey | undefined }

export interface RefreshGrant {
  /** The provider's answer, validated. */
  readonly response: oauth.TokenEndpointResponse
  /** The session's ID token afterwards: the new one when the answer carried one (validated), else the one it had. */
  readonly idToken: string
}

/**
 * Spends the refresh token of `current`, with `parameters` besides (an API's
 * resource and scope). `bound`: a proof goes with it, so the answer is bound
 * to the session's key (the caller checks it was: the refresh token may have
 * rotated either way, and must be kept). Throws
 * RefreshRejectedError when the provider refuses it for good, LoginError when
 * it cannot be reached or answers badly (worth retrying later).
 */
export async function refreshGrant(
  provider: DiscoveredProvider,
  current: RefreshableTokens,
  parameters: Record<string, string> = {},
  bound = provider.config.dpop,
): Promise<RefreshGrant> {
  if (!current.refreshToken) throw new RefreshRejectedError(new Error('no refresh token'))
  const { as, client, clientAuth, http } = provider
  const DPoP = bound && current.dpopKey ? await dpopHandle(client, current.dpopKey) : undefined
  let response: Response
  let tokens: oauth.TokenEndpointResponse
  try {
    ;({ response, tokens } = await withNonceRetry(async () => {
      const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, current.refreshToken!, {
        ...http,
        additionalParameters: parameters,
        ...(DPoP ? { DPoP } : {}),
      })
      return {
        response,
        tokens: await oauth.processRefreshTokenResponse(await issuerForTokenResponse(as, response), client, response),
      }
    }))
  } catch (error) {
    if (isRefusal(error)) throw new RefreshRejectedError(error)
    throw providerFailure('token', error, provider.authContext)
  }
  let idToken = current.idToken
  const claims = oauth.getValidatedIdTokenClaims(tokens)
  if (claims && tokens.id_token) {
    checkIssuedAt(claims)
    checkSameSubject(claims, current.idToken)
    await step('signature', () => verifyIdTokenSignature(provider, response))
    idToken = tokens.id_token
  }
  return { response: tokens, idToken }
}

/** Refreshes the session's own tokens (see refreshGrant for what it throws). */
export async function refreshTokens(provider: DiscoveredProvider, current: RefreshableTokens): Promise<TokenSet> {
  const { response, idToken } = await refreshGrant(provider, current)
  if (provider.config.dpop) requireBoundToken(response, provider.config)
  return tokenSetFrom(response, idToken, current.claims, current)
}

/**
 * The refresh token grant (RFC 6749 §6), with a new ID token validated like
 * the first (OIDC Core §12.2).
 */
import 'server-only'
import * as oauth from 'oauth4webapi'
import { providerFailure } from './errors'
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

/** The HTTP status of the provider's answer behind an oauth4webapi error, if it answered at all. */
function answeredStatus(error: unknown): number | undefined {
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.WWWAuthenticateChallengeError) return error.status
  if (error instanceof oauth.OperationProcessingError && error.cause instanceof Response) return error.cause.status
  return undefined
}

/**
 * Did the provider refuse the refresh token for good? Every 4xx but 429 is a
 * refusal (RFC 6749 §5.2: invalid_grant, invalid_client, unauthorized_client…),
 * whatever its body: some providers answer a revoked token with a bare 400 and
 * no JSON. Only network errors, timeouts, 429 and 5xx are worth retrying.
 */
function isRefusal(error: unknown): boolean {
  const status = answeredStatus(error)
  return status !== undefined && status >= 400 && status < 500 && status !== 429
}

/**
 * Uses the refresh token of `current`. Throws RefreshRejectedError when the
 * provider refuses it for good, LoginError when it cannot be reached or answers
 * badly (worth retrying later).
 */
export async function refreshTokens(provider: DiscoveredProvider, current: TokenSet): Promise<TokenSet> {
  if (!current.refreshToken) throw new RefreshRejectedError(new Error('no refresh token'))
  const { as, client, clientAuth, http } = provider
  let response: Response
  let tokens: oauth.TokenEndpointResponse
  try {
    response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, current.refreshToken, http)
    tokens = await oauth.processRefreshTokenResponse(await issuerForTokenResponse(as, response), client, response)
  } catch (error) {
    if (isRefusal(error)) throw new RefreshRejectedError(error)
    throw providerFailure('token', error)
  }
  let idToken = current.idToken
  const claims = oauth.getValidatedIdTokenClaims(tokens)
  if (claims && tokens.id_token) {
    checkIssuedAt(claims)
    checkSameSubject(claims, current.idToken)
    await step('signature', () => verifyIdTokenSignature(provider, response))
    idToken = tokens.id_token
  }
  return tokenSetFrom(tokens, idToken, current.claims, current)
}

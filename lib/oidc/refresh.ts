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
  return tokenSetFrom(tokens, idToken, current.claims, current)
}

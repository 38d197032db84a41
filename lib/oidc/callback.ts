/**
 * The authorization response and the code exchange (OIDC Core §3.1.2.5-§3.1.3.7,
 * §5.3): from the provider's redirect back to us, to fully validated tokens.
 */
import 'server-only'
import * as oauth from 'oauth4webapi'
import type { Claim } from '../jwt'
import type { LoginChallenge } from './authorization'
import { callbackFailure } from './failures'
import { checkAcr, checkIssuedAt, issuerForTokenResponse, verifyIdTokenSignature } from './id-token'
import { dpopHandle, requireBoundToken, withNonceRetry } from './dpop'
import { checkBinding, type ProviderBinding } from './mix-up'
import { step, type DiscoveredProvider } from './provider'
import { tokenSetFrom, type TokenSet } from './token-set'

/** Userinfo claims the ID token does not already carry with the same value: only those are stored. */
function extraClaims(
  idTokenClaims: oauth.IDToken,
  userinfo: oauth.UserInfoResponse | undefined,
): Record<string, Claim> {
  const extra: Record<string, Claim> = {}
  for (const [name, value] of Object.entries(userinfo ?? {})) {
    if (value !== undefined && JSON.stringify(idTokenClaims[name]) !== JSON.stringify(value))
      extra[name] = value as Claim
  }
  return extra
}

/**
 * Completes a login from the provider's redirect back to us. Throws LoginError
 * for every failure; resolves only with fully validated tokens.
 */
export async function completeLogin(
  provider: DiscoveredProvider,
  callbackParams: URLSearchParams,
  challenge: LoginChallenge & ProviderBinding,
): Promise<TokenSet> {
  const { as, client, clientAuth, http, config } = provider
  const { maxAge, acrValues } = challenge.options

  // 0. This login was started for this very provider (RFC 9700 §4.4, mix-up): nothing is sent anywhere otherwise.
  checkBinding(provider, challenge)

  // 1. The authorization response (RFC 6749 §4.1.2): our state, the provider's
  //    `iss` where it advertises RFC 9207, or the provider's error.
  let params: URLSearchParams
  try {
    params = oauth.validateAuthResponse(as, client, callbackParams, challenge.state)
  } catch (error) {
    throw callbackFailure(error)
  }

  // 2. The code exchange, with the PKCE verifier only this browser's transaction holds,
  // 3. and the ID token's claims (OIDC Core §3.1.3.7): iss, aud, azp, exp, iat, nonce, sub,
  //    and auth_time when we asked for max_age. With DPoP, a proof by the key the
  //    code was bound to (RFC 9449 §5, §10), retried once for a fresh nonce.
  const DPoP = challenge.dpopKey ? await dpopHandle(client, challenge.dpopKey) : undefined
  const { tokenResponse, tokens } = await step(
    'token',
    () =>
      withNonceRetry(async () => {
        const tokenResponse = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          clientAuth,
          params,
          config.redirectUri,
          challenge.codeVerifier,
          {
            ...http,
            ...(DPoP ? { DPoP } : {}),
          },
        )
        const asForToken = await issuerForTokenResponse(as, tokenResponse)
        const tokens = await oauth.processAuthorizationCodeResponse(asForToken, client, tokenResponse, {
          expectedNonce: challenge.nonce,
          requireIdToken: true,
          ...(maxAge !== undefined ? { maxAge } : {}),
        })
        return { tokenResponse, tokens }
      }),
    provider.authContext,
  )
  // No downgrade: with DPoP on, a Bearer token is refused, not used.
  if (DPoP) requireBoundToken(tokens, config)
  const idTokenClaims = oauth.getValidatedIdTokenClaims(tokens)!
  checkIssuedAt(idTokenClaims)
  checkAcr(idTokenClaims, acrValues)
  // 4. …and its signature, against the provider's published keys.
  await step('signature', () => verifyIdTokenSignature(provider, tokenResponse))

  // 5. Userinfo, whose `sub` must be the ID token's (OIDC Core §5.3.2).
  let userinfo: oauth.UserInfoResponse | undefined
  if (as.userinfo_endpoint) {
    userinfo = await step('userinfo', async () => {
      return withNonceRetry(async () => {
        const response = await oauth.userInfoRequest(as, client, tokens.access_token, {
          ...http,
          ...(DPoP ? { DPoP } : {}),
        })
        return oauth.processUserInfoResponse(as, client, idTokenClaims.sub, response)
      })
    })
  }
  return tokenSetFrom(tokens, tokens.id_token!, extraClaims(idTokenClaims, userinfo))
}

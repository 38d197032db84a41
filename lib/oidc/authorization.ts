/**
 * The authorization request (OIDC Core §3.1.2.1): the URL that sends the
 * browser to the provider to sign in.
 */
import 'server-only'
import * as oauth from 'oauth4webapi'
import { authorizationParameters, type AuthorizationOptions } from './auth-params'
import { clientPrivateKey } from './client-key'
import { dpopHandle, dpopThumbprint, withNonceRetry } from './dpop'
import type { DpopKey } from './token-set'
import { step, type DiscoveredProvider } from './provider'

/** What one login sends and must later check: kept by the caller until the callback (lib/auth/transaction-store.ts). */
export interface LoginChallenge {
  readonly state: string
  readonly nonce: string
  readonly codeVerifier: string
  /** The options sent with the authorization request; `maxAge` and `acrValues` are checked at the callback. */
  readonly options: AuthorizationOptions
  /** With DPoP: the key the session will hold; the code is bound to it (`dpop_jkt`), so only this login can redeem it. */
  readonly dpopKey?: DpopKey
}

/** Fresh state, nonce and PKCE verifier (oauth4webapi's: 32 random bytes each), and the session's DPoP key where one is used. */
export function newLoginChallenge(options: AuthorizationOptions, dpopKey?: DpopKey): LoginChallenge {
  return {
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    codeVerifier: oauth.generateRandomCodeVerifier(),
    options,
    ...(dpopKey ? { dpopKey } : {}),
  }
}

/**
 * The URL that starts a login: authorization code flow with PKCE S256, state
 * and nonce, plus the allowed options. With OIDC_USE_REQUEST_OBJECT the
 * parameters travel in a request object signed with the client's key
 * (RFC 9101); with OIDC_USE_PAR, or when discovery requires it, they are pushed
 * to the provider first and the browser carries only a request_uri (RFC 9126).
 */
/**
 * The APIs this login asks access to up front (RFC 8707 §2.1): their resource
 * indicators and scopes, so the grant covers them and the refresh token can
 * later mint a token for each.
 */
export interface LoginTargets {
  readonly resources: readonly string[]
  readonly scopes: readonly string[]
}

export async function authorizationUrl(
  provider: DiscoveredProvider,
  challenge: LoginChallenge,
  targets: LoginTargets = { resources: [], scopes: [] },
): Promise<URL> {
  const { as, client, clientAuth, config, http } = provider
  const scope = [...new Set([...config.scope.split(' '), ...targets.scopes])].join(' ')
  const params = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    response_type: 'code',
    scope,
    state: challenge.state,
    nonce: challenge.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(challenge.codeVerifier),
    code_challenge_method: 'S256',
  })
  // The provider's fixed parameters (OIDC_<ID>_AUTH_PARAMS: domain_hint, kc_idp_hint…), then this login's options, which win: a step-up's prompt=login must.
  for (const [name, value] of config.authParams) params.set(name, value)
  for (const [name, value] of authorizationParameters(challenge.options)) params.set(name, value)
  for (const resource of targets.resources) params.append('resource', resource)
  // RFC 9449 §10: the code is bound to the session's key; redeemed with any other, the provider refuses it.
  if (challenge.dpopKey) params.set('dpop_jkt', await dpopThumbprint(challenge.dpopKey))

  let request = params
  if (config.useRequestObject) {
    const signed = await oauth.issueRequestObject(as, client, params, await clientPrivateKey(config.privateKey!))
    // OIDC Core §6.1: client_id, response_type and scope also go outside the request object.
    request = new URLSearchParams({ client_id: config.clientId, response_type: 'code', scope, request: signed })
  }

  const url = new URL(as.authorization_endpoint!)
  if (config.usePar || as.require_pushed_authorization_requests) {
    const pushed = await step(
      'par',
      async () => {
        const DPoP = challenge.dpopKey ? await dpopHandle(client, challenge.dpopKey) : undefined
        return withNonceRetry(async () => {
          const response = await oauth.pushedAuthorizationRequest(as, client, clientAuth, request, {
            ...http,
            ...(DPoP ? { DPoP } : {}),
          })
          return oauth.processPushedAuthorizationResponse(as, client, response)
        })
      },
      provider.authContext,
    )
    url.searchParams.set('client_id', config.clientId)
    url.searchParams.set('request_uri', pushed.request_uri)
    return url
  }
  // Ours replace any the endpoint's URL carries; a repeated one (`resource`, RFC 8707) stays repeated.
  for (const name of new Set(request.keys())) url.searchParams.delete(name)
  for (const [name, value] of request) url.searchParams.append(name, value)
  return url
}

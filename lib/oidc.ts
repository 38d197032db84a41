/**
 * The OpenID Connect client: discovery, the authorization request, the code
 * exchange with every ID token check, userinfo, refresh, revocation, and
 * RP-initiated logout.
 *
 * Built on oauth4webapi, which does one protocol step per function and leaves
 * the choices to us. The choices made here:
 * - discovery and the key set are fetched once per process and reused; a failed
 *   discovery is forgotten so the next request tries again;
 * - every outbound request has a timeout;
 * - the ID token's signature is verified even though it came straight from the
 *   token endpoint over TLS (oauth4webapi skips that unless asked);
 * - the key set is kept until a token names a key it lacks, then refetched once
 *   (key rotation), or until it is 12 hours old (lib/key-set.ts).
 *
 * Node runtime only: route handlers and instrumentation import this, middleware never does.
 */
import 'server-only'
import * as oauth from 'oauth4webapi'
import { getConfig, type OidcConfig } from './config'
import { callbackFailure, LoginError, providerFailure, type ProviderStep } from './login-error'
import { authorizationParameters } from './auth-params'
import { clientPrivateKey } from './client-key'
import { KeySetCache } from './key-set'
import { decodeIdToken, refreshTime, type Claim, type Session } from './session'
import { fitsTemplate, isTenantTemplate, issuerForTenant } from './tenant-issuer'
import type { LoginTransaction } from './transaction'

/** Long enough for a slow provider, short enough that a hung one frees the request. */
export const OUTBOUND_TIMEOUT_MS = 10_000
/** Seconds of clock difference tolerated on `exp`, `iat` and `nbf` (OIDC Core §3.1.3.7). */
export const CLOCK_TOLERANCE = 30

export interface Provider {
  readonly config: OidcConfig
  readonly as: oauth.AuthorizationServer
  readonly keys: KeySetCache
  readonly client: oauth.Client
  readonly clientAuth: oauth.ClientAuth
  readonly http: HttpOptions
}

/** The transport options every outbound call gets; valid for each oauth4webapi request function. */
interface HttpOptions {
  readonly signal: () => AbortSignal
  readonly [oauth.allowInsecureRequests]?: boolean
}

let provider: Promise<Provider> | undefined

/**
 * Next bundles instrumentation.ts apart from the route handlers, each with its
 * own copy of this module (and of oauth4webapi): a module-level cache alone made
 * the start-up discovery warm a cache no login reads (the benchmark caught
 * discovery fetched twice). The discovered metadata, plain JSON, is shared on
 * globalThis; the rest (options keyed by each oauth4webapi copy's own symbols,
 * error classes) stays per copy.
 */
const DISCOVERED = Symbol.for('nextjs-oidc-login.discovered')
const shared = globalThis as { [DISCOVERED]?: oauth.AuthorizationServer }

function httpOptions(config: OidcConfig): HttpOptions {
  return {
    signal: () => AbortSignal.timeout(OUTBOUND_TIMEOUT_MS),
    // Plain http is allowed only where config validation allowed it: loopback or an explicit opt-in.
    ...(config.allowHttp ? { [oauth.allowInsecureRequests]: true } : {}),
  }
}

/** How this client authenticates at the token, PAR and revocation endpoints of `as`. */
export async function clientAuthentication(config: OidcConfig, as: oauth.AuthorizationServer): Promise<oauth.ClientAuth> {
  const { credentials } = config
  switch (credentials.method) {
    case 'client_secret_basic':
      return oauth.ClientSecretBasic(credentials.secret)
    case 'client_secret_post':
      return oauth.ClientSecretPost(credentials.secret)
    case 'private_key_jwt': {
      // A short-lived assertion signed with our key (RFC 7523); config checked the key is there.
      const key = await clientPrivateKey(config.privateKey!)
      const tokenEndpoint = as.token_endpoint
      if (config.assertionAudience !== 'token_endpoint' || !tokenEndpoint) return oauth.PrivateKeyJwt(key)
      // Opt-in for providers that accept only their token endpoint as the audience (RFC 7523 §3 allows it);
      // the issuer, oauth4webapi's default, cannot be replayed at another endpoint of the same provider.
      return oauth.PrivateKeyJwt(key, {
        [oauth.modifyAssertion]: (_header, payload) => {
          payload.aud = tokenEndpoint
        },
      })
    }
    case 'none':
      return oauth.None()
  }
}

/** Explains an issuer mismatch in terms of the variables that fix it. */
function issuerMismatch(config: OidcConfig, error: oauth.OperationProcessingError): LoginError {
  const body = (error.cause as { body?: { issuer?: unknown } } | undefined)?.body
  const announced = typeof body?.issuer === 'string' ? body.issuer : '(none)'
  const expectedVar = config.tokenIssuerOverridden ? 'OIDC_TOKEN_ISSUER' : 'OIDC_ISSUER'
  return new LoginError(
    'misconfigured',
    `The provider's discovery document at ${config.issuer.href} names its issuer "${announced}", ` +
      `not ${expectedVar}="${config.expectedIssuer.href}". If the provider is right (Oracle IDCS and OCI Identity Domains ` +
      `answer https://identity.oraclecloud.com/), set OIDC_TOKEN_ISSUER=${announced}.`,
    { cause: error },
  )
}

/** The provider's metadata: from another bundle's discovery in this process, or fetched and checked now. */
async function discoveredMetadata(config: OidcConfig, http: HttpOptions): Promise<oauth.AuthorizationServer> {
  const known = shared[DISCOVERED]
  if (known) return known
  let as: oauth.AuthorizationServer
  try {
    const response = await oauth.discoveryRequest(config.issuer, { ...http, algorithm: 'oidc' })
    // The provider must name itself as we expect (OIDC Discovery §4.3); OIDC_TOKEN_ISSUER covers providers that don't.
    as = await oauth.processDiscoveryResponse(config.expectedIssuer, response)
  } catch (error) {
    if (error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      // Entra ID's multi-tenant endpoints name an issuer template; accepted where our issuer fits it.
      const body = (error.cause as { body?: oauth.AuthorizationServer } | undefined)?.body
      if (!body || !isTenantTemplate(body.issuer) || !fitsTemplate(body.issuer, config.expectedIssuer.href)) throw issuerMismatch(config, error)
      as = body
    } else {
      throw providerFailure('discovery', error)
    }
  }
  if (!as.authorization_endpoint || !as.token_endpoint || !as.jwks_uri) {
    throw new LoginError(
      'bad_provider_response',
      'The provider\'s discovery document lacks an authorization, token or jwks_uri endpoint, so it cannot sign anyone in.',
    )
  }
  shared[DISCOVERED] = as
  return as
}

async function discover(config: OidcConfig): Promise<Provider> {
  const http = httpOptions(config)
  const as = await discoveredMetadata(config, http)
  const client: oauth.Client = { client_id: config.clientId, [oauth.clockTolerance]: CLOCK_TOLERANCE }
  let clientAuth: oauth.ClientAuth
  try {
    clientAuth = await clientAuthentication(config, as)
  } catch (error) {
    throw new LoginError('misconfigured', `This app's private key could not be used: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    })
  }
  return { config, as, client, clientAuth, http, keys: new KeySetCache() }
}

/**
 * The provider's metadata, discovered once per process. A failure is not cached:
 * the next caller discovers again, so a provider that was down at start is used
 * as soon as it is back.
 */
export function getProvider(): Promise<Provider> {
  provider ??= discover(getConfig().oidc).catch((error: unknown) => {
    provider = undefined
    throw error
  })
  return provider
}

/** Runs one provider-facing step, turning its failure into a LoginError that names the step. */
async function step<T>(name: ProviderStep, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw providerFailure(name, error)
  }
}

/**
 * The URL that starts a login: authorization code flow with PKCE S256, state
 * and nonce (OIDC Core §3.1.2.1), plus the allowed options. With
 * OIDC_USE_REQUEST_OBJECT the parameters travel in a request object signed with
 * the client's key (RFC 9101); with OIDC_USE_PAR, or when discovery requires it,
 * they are pushed to the provider first and the browser carries only a
 * request_uri (RFC 9126).
 */
export async function authorizationUrl(transaction: LoginTransaction): Promise<URL> {
  const { as, client, clientAuth, config, http } = await getProvider()
  const params = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    response_type: 'code',
    scope: config.scope,
    state: transaction.state,
    nonce: transaction.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(transaction.codeVerifier),
    code_challenge_method: 'S256',
  })
  for (const [name, value] of authorizationParameters(transaction.options)) params.set(name, value)

  let request = params
  if (config.useRequestObject) {
    const signed = await oauth.issueRequestObject(as, client, params, await clientPrivateKey(config.privateKey!))
    // OIDC Core §6.1: client_id, response_type and scope also go outside the request object.
    request = new URLSearchParams({ client_id: config.clientId, response_type: 'code', scope: config.scope, request: signed })
  }

  const url = new URL(as.authorization_endpoint!)
  if (config.usePar || as.require_pushed_authorization_requests) {
    const pushed = await step('par', async () => {
      const response = await oauth.pushedAuthorizationRequest(as, client, clientAuth, request, http)
      return oauth.processPushedAuthorizationResponse(as, client, response)
    })
    url.searchParams.set('client_id', config.clientId)
    url.searchParams.set('request_uri', pushed.request_uri)
    return url
  }
  for (const [name, value] of request) url.searchParams.set(name, value)
  return url
}

/** Userinfo claims the ID token does not already carry with the same value: only those are stored. */
function extraClaims(idTokenClaims: oauth.IDToken, userinfo: oauth.UserInfoResponse | undefined): Record<string, Claim> {
  const extra: Record<string, Claim> = {}
  for (const [name, value] of Object.entries(userinfo ?? {})) {
    if (value !== undefined && JSON.stringify(idTokenClaims[name]) !== JSON.stringify(value)) extra[name] = value as Claim
  }
  return extra
}

/**
 * Verifies the ID token's signature with the provider's key set. When no key
 * matches, the provider may have rotated its keys since we cached them: drop
 * the cache once and try again.
 */
async function verifyIdTokenSignature(p: Provider, tokenResponse: Response): Promise<void> {
  // A copy of `as` each time, so oauth4webapi's per-object cache defers to ours (lib/key-set.ts).
  const verify = () =>
    oauth.validateApplicationLevelSignature({ ...p.as }, tokenResponse, { ...p.http, [oauth.jwksCache]: p.keys.options() }).finally(() => p.keys.noteDownload())
  try {
    await verify()
  } catch (error) {
    const noKey =
      error instanceof oauth.OperationProcessingError &&
      error.code === oauth.KEY_SELECTION &&
      Array.isArray((error.cause as { candidates?: unknown[] } | undefined)?.candidates) &&
      (error.cause as { candidates: unknown[] }).candidates.length === 0
    if (!noKey) throw error
    p.keys.forget()
    await verify()
  }
}

/** oauth4webapi requires `iat` but does not bound it; a token issued in the future is forged or from a broken clock (OIDC Core §3.1.3.7 (10)). */
function checkIssuedAt(claims: oauth.IDToken): void {
  if (claims.iat > Math.floor(Date.now() / 1000) + CLOCK_TOLERANCE) {
    throw new LoginError('bad_provider_response', 'The provider\'s ID token says it was issued in the future.')
  }
}

/** What a login or a refresh leaves for the session: the tokens and when to refresh them. */
export type TokenSet = Pick<Session, 'idToken' | 'claims' | 'accessToken' | 'accessTokenExpiresAt' | 'refreshToken' | 'refreshAt' | 'scope'>

function tokenSet(tokens: oauth.TokenEndpointResponse, idToken: string, claims: Record<string, Claim>, previous?: Session): TokenSet {
  const now = Math.floor(Date.now() / 1000)
  const expiresAt = tokens.expires_in !== undefined ? now + tokens.expires_in : undefined
  // A provider that does not rotate refresh tokens sends none back: keep the one we have.
  const refreshToken = tokens.refresh_token ?? previous?.refreshToken
  const scope = tokens.scope ?? previous?.scope
  return {
    idToken,
    claims,
    accessToken: tokens.access_token,
    ...(expiresAt !== undefined ? { accessTokenExpiresAt: expiresAt } : {}),
    ...(refreshToken !== undefined ? { refreshToken } : {}),
    ...(refreshToken !== undefined && expiresAt !== undefined ? { refreshAt: refreshTime(expiresAt, tokens.expires_in!) } : {}),
    ...(scope !== undefined ? { scope } : {}),
  }
}

/**
 * Completes a login from the provider's redirect back to us. Throws LoginError
 * for every failure; resolves only with fully validated tokens.
 */
export async function completeLogin(callbackParams: URLSearchParams, transaction: LoginTransaction): Promise<TokenSet> {
  const p = await getProvider()
  const { as, client, clientAuth, http, config } = p
  const { maxAge, acrValues } = transaction.options

  // 1. The authorization response (RFC 6749 §4.1.2): our state, the provider's
  //    `iss` where it advertises RFC 9207, or the provider's error.
  let params: URLSearchParams
  try {
    params = oauth.validateAuthResponse(as, client, callbackParams, transaction.state)
  } catch (error) {
    throw callbackFailure(error)
  }

  // 2. The code exchange, with the PKCE verifier only this browser's transaction holds.
  const tokenResponse = await step('token', () =>
    oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, config.redirectUri, transaction.codeVerifier, http),
  )
  // 3. The ID token's claims (OIDC Core §3.1.3.7): iss, aud, azp, exp, iat, nonce, sub,
  //    and auth_time when we asked for max_age.
  const asForToken = await tokenIssuer(as, tokenResponse)
  const tokens = await step('token', () =>
    oauth.processAuthorizationCodeResponse(asForToken, client, tokenResponse, {
      expectedNonce: transaction.nonce,
      requireIdToken: true,
      ...(maxAge !== undefined ? { maxAge } : {}),
    }),
  )
  const idTokenClaims = oauth.getValidatedIdTokenClaims(tokens)!
  checkIssuedAt(idTokenClaims)
  // We asked for these authentication context classes; the provider must say it used one (§3.1.2.1).
  if (acrValues && !acrValues.split(' ').includes(String(idTokenClaims.acr))) {
    throw new LoginError(
      'insufficient_authentication',
      `The provider signed you in with "${String(idTokenClaims.acr ?? 'no stated method')}", not one of the requested methods (${acrValues}).`,
    )
  }
  // 4. …and its signature, against the provider's published keys.
  await step('signature', () => verifyIdTokenSignature(p, tokenResponse))

  // 5. Userinfo, whose `sub` must be the ID token's (OIDC Core §5.3.2).
  let userinfo: oauth.UserInfoResponse | undefined
  if (as.userinfo_endpoint) {
    userinfo = await step('userinfo', async () => {
      const response = await oauth.userInfoRequest(as, client, tokens.access_token, http)
      return oauth.processUserInfoResponse(as, client, idTokenClaims.sub, response)
    })
  }
  return tokenSet(tokens, tokens.id_token!, extraClaims(idTokenClaims, userinfo))
}

/**
 * The metadata to check a token response's ID token against. Usually the
 * provider's own; for an Entra ID issuer template, the template filled with the
 * token's `tid` (read before validation; the `iss` check then holds the token to it).
 * Only `issuer` differs, and only for the claims check: signatures use the cached metadata.
 */
async function tokenIssuer(as: oauth.AuthorizationServer, response: Response): Promise<oauth.AuthorizationServer> {
  if (!isTenantTemplate(as.issuer)) return as
  let tid: unknown
  try {
    const body = (await response.clone().json()) as { id_token?: unknown }
    tid = typeof body.id_token === 'string' ? decodeIdToken(body.id_token).claims.tid : undefined
  } catch {
    return as // not JSON: the response check that follows reports it
  }
  const issuer = issuerForTenant(as.issuer, tid)
  if (!issuer) throw new LoginError('bad_provider_response', 'The provider\'s ID token names no tenant (tid), which its issuer template requires.')
  return { ...as, issuer }
}

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
 * Uses the refresh token (RFC 6749 §6). A new ID token, if the provider sends
 * one, is validated like the first, and must be about the same user (OIDC Core §12.2).
 * Throws RefreshRejectedError when the provider refuses the token for good,
 * LoginError when it cannot be reached or answers badly (worth retrying later).
 */
export async function refreshTokens(session: Session): Promise<TokenSet> {
  if (!session.refreshToken) throw new RefreshRejectedError(new Error('no refresh token'))
  const p = await getProvider()
  const { as, client, clientAuth, http } = p
  let response: Response
  let tokens: oauth.TokenEndpointResponse
  try {
    response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, session.refreshToken, http)
    tokens = await oauth.processRefreshTokenResponse(await tokenIssuer(as, response), client, response)
  } catch (error) {
    if (isRefusal(error)) throw new RefreshRejectedError(error)
    throw providerFailure('token', error)
  }
  let idToken = session.idToken
  const claims = oauth.getValidatedIdTokenClaims(tokens)
  if (claims && tokens.id_token) {
    checkIssuedAt(claims)
    if (claims.sub !== decodeIdToken(session.idToken).claims.sub) throw new LoginError('bad_provider_response', 'A refreshed ID token was about another user.')
    await step('signature', () => verifyIdTokenSignature(p, response))
    idToken = tokens.id_token
  }
  return tokenSet(tokens, idToken, session.claims, session)
}

/** How long signing out may wait on the provider in all: discovery, both revocations. */
export const SIGN_OUT_BUDGET_MS = 3_000

/** `promise`, or a rejection once `deadline` aborts, whichever comes first. */
function beforeDeadline<T>(promise: Promise<T>, deadline: AbortSignal): Promise<T> {
  if (deadline.aborted) return Promise.reject(deadline.reason)
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(deadline.reason)
    deadline.addEventListener('abort', abort, { once: true })
    promise.then(resolve, reject).finally(() => deadline.removeEventListener('abort', abort))
  })
}

/**
 * Revokes the session's tokens at the provider (RFC 7009) where it offers a
 * revocation endpoint: both at once, within `deadline` (one budget for the
 * whole sign-out, see SIGN_OUT_BUDGET_MS). Never throws: signing out here must
 * not depend on the provider answering.
 */
export async function revokeTokens(session: Session, deadline: AbortSignal): Promise<void> {
  let p: Provider
  try {
    p = await beforeDeadline(getProvider(), deadline)
  } catch {
    return
  }
  if (!p.as.revocation_endpoint) return
  const tokens: [string | undefined, string][] = [
    [session.refreshToken, 'refresh_token'],
    [session.accessToken, 'access_token'],
  ]
  await Promise.all(
    tokens.map(async ([token, hint]) => {
      if (!token) return
      try {
        const response = await oauth.revocationRequest(p.as, p.client, p.clientAuth, token, {
          ...p.http,
          signal: deadline,
          additionalParameters: { token_type_hint: hint },
        })
        await oauth.processRevocationResponse(response)
      } catch (error) {
        console.warn(`[auth] could not revoke the ${hint} at sign-out: ${error instanceof Error ? error.message : String(error)}`)
      }
    }),
  )
}

/**
 * Where to send the browser to end the provider's session too, or undefined
 * when the provider has no end-session endpoint (Google: sign-out is local only).
 * RP-Initiated Logout 1.0 §2: id_token_hint, post_logout_redirect_uri,
 * client_id (Keycloak needs one of the first and last) and state. Amazon Cognito's
 * /logout takes client_id and logout_uri instead.
 */
export async function endSessionUrl(idToken: string | undefined, deadline: AbortSignal, state?: string): Promise<URL | undefined> {
  const config = getConfig().oidc
  const endpoint = config.endSessionEndpoint ?? (await beforeDeadline(getProvider(), deadline)).as.end_session_endpoint
  if (!endpoint) return undefined
  const url = new URL(endpoint)
  if (config.logoutStyle === 'cognito') {
    url.searchParams.set('client_id', config.clientId)
    url.searchParams.set('logout_uri', config.postLogoutRedirectUri)
    return url
  }
  if (idToken) url.searchParams.set('id_token_hint', idToken)
  url.searchParams.set('post_logout_redirect_uri', config.postLogoutRedirectUri)
  url.searchParams.set('client_id', config.clientId)
  // Some providers return to post_logout_redirect_uri only with a state (§2); it comes back with the user (lib/logout-state.ts).
  if (state) url.searchParams.set('state', state)
  return url
}

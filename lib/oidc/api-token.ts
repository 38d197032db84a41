/**
 * An access token for one API (APIS): minted with the refresh token (RFC 6749
 * §6 with RFC 8707's `resource`, or Auth0's and Keycloak's `audience`), or by
 * token exchange of the session's access token (RFC 8693). Resource, audience
 * and scope come from the API's configuration only, never from a request.
 *
 * Where the token is a JWT, its `aud` must name the API asked for: a provider
 * whose policy does not grant this client that API may answer with a token for
 * another audience instead (Auth0 falls back to its default audience), and
 * that token must never be sent to this API as if it were its own.
 */
import { nowSeconds } from '../clock'
import 'server-only'
import * as oauth from 'oauth4webapi'
import type { ApiConfig } from '../config'
import { decodeJwt } from '../jwt'
import type { DpopKey } from './token-set'
import { dpopHandle, requireBoundToken, withNonceRetry } from './dpop'
import { providerFailure } from './failures'
import type { DiscoveredProvider } from './provider'
import { refreshGrant, type RefreshableTokens } from './refresh'
import type { TokenSet } from './token-set'

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'

/** One API's token as the provider granted it. */
export interface ApiGrant {
  readonly accessToken: string
  /** Epoch seconds, if the provider said. */
  readonly expiresAt: number | undefined
  readonly scope: string | undefined
  /** token_type DPoP: bound to the session's key. */
  readonly dpop: boolean
}

/** The provider would not mint a token for this API: said in words that name the fix. */
export class ApiTokenError extends Error {
  override readonly name = 'ApiTokenError'
}

/** How the API is named at the token endpoint, and the scope asked for: from configuration only. */
export function audienceParameters(api: ApiConfig): Record<string, string> {
  const parameters: Record<string, string> = {}
  if (api.audienceParam === 'resource') parameters.resource = api.resource
  if (api.audienceParam === 'audience') parameters.audience = api.resource
  if (api.scope) parameters.scope = api.scope
  return parameters
}

/** True when this API's tokens are bound to the session's key: the provider binds them and the API takes them. */
export function bindsTokens(provider: DiscoveredProvider, api: ApiConfig): boolean {
  return provider.config.dpop && api.dpop
}

/**
 * The token's `aud`, where it is a JWT whose claims can be read, must include
 * what was asked for. Opaque tokens are the API's to check (introspection).
 * Undefined when the token may go to the API; otherwise why not.
 */
export function audienceProblem(accessToken: string, api: ApiConfig, provider: DiscoveredProvider): string | undefined {
  if (api.audienceParam === 'none' && !api.resourceSet) return undefined
  let aud: unknown
  try {
    if (accessToken.split('.').length !== 3) return undefined
    aud = decodeJwt(accessToken).claims.aud
  } catch {
    return undefined
  }
  if (aud === undefined) return undefined
  const audiences = Array.isArray(aud) ? aud : [aud]
  if (audiences.includes(api.resource)) return undefined
  return (
    `The provider (${provider.config.name}) issued a token for ${audiences.map((a) => JSON.stringify(a)).join(', ')}, not for ${api.name} ` +
    `(${api.variable('RESOURCE')}="${api.resource}"), so it was not sent. Its policy does not grant this client that API ` +
    '(Auth0, for one, then falls back to its default audience): authorize the client for the API at the provider, or correct ' +
    `${api.variable('RESOURCE')}.`
  )
}

/** Why a token the provider bound (or not) cannot be used for `api`, if it cannot. */
function bindingProblem(
  response: oauth.TokenEndpointResponse,
  provider: DiscoveredProvider,
  api: ApiConfig,
): string | undefined {
  if (!bindsTokens(provider, api)) return undefined
  try {
    requireBoundToken(response, provider.config)
    return undefined
  } catch (error) {
    return error instanceof Error && 'detail' in error ? String(error.detail) : String(error)
  }
}

/** A grant, or why the answer must not be used (the refresh token it rotated is kept all the same). */
export type ApiGrantResult =
  { readonly ok: true; readonly grant: ApiGrant } | { readonly ok: false; readonly reason: string }

function grantFrom(
  response: oauth.TokenEndpointResponse,
  api: ApiConfig,
  provider: DiscoveredProvider,
): ApiGrantResult {
  const problem = bindingProblem(response, provider, api) ?? audienceProblem(response.access_token, api, provider)
  if (problem) return { ok: false, reason: problem }
  return {
    ok: true,
    grant: {
      accessToken: response.access_token,
      expiresAt: response.expires_in !== undefined ? nowSeconds() + response.expires_in : undefined,
      scope: response.scope,
      dpop: response.token_type === 'dpop',
    },
  }
}

/**
 * Spends the refresh token for a token of `api`'s own. The provider may
 * rotate the refresh token and send a new ID token: those come back in
 * `tokens` (the session's own access token stays as it was).
 */
export async function mintWithRefreshToken(
  provider: DiscoveredProvider,
  current: RefreshableTokens,
  api: ApiConfig,
): Promise<{ readonly tokens: TokenSet; readonly result: ApiGrantResult }> {
  const { response, idToken } = await refreshGrant(
    provider,
    current,
    audienceParameters(api),
    bindsTokens(provider, api),
  )
  const refreshToken = response.refresh_token ?? current.refreshToken
  const tokens: TokenSet = { ...current, idToken, ...(refreshToken !== undefined ? { refreshToken } : {}) }
  return { tokens, result: grantFrom(response, api, provider) }
}

/**
 * RFC 8693 token exchange at the session's own provider: the session's own
 * access token as the subject, nothing else, for a token of `api`'s.
 */
export async function exchangeToken(
  provider: DiscoveredProvider,
  accessToken: string,
  dpopKey: DpopKey | undefined,
  api: ApiConfig,
): Promise<ApiGrantResult> {
  const { as, client, clientAuth, http } = provider
  const bound = bindsTokens(provider, api)
  const DPoP = bound && dpopKey ? await dpopHandle(client, dpopKey) : undefined
  const parameters = {
    subject_token: accessToken,
    subject_token_type: ACCESS_TOKEN_TYPE,
    requested_token_type: ACCESS_TOKEN_TYPE,
    ...audienceParameters(api),
  }
  let response: oauth.TokenEndpointResponse
  try {
    response = await withNonceRetry(async () => {
      const answer = await oauth.genericTokenEndpointRequest(as, client, clientAuth, TOKEN_EXCHANGE, parameters, {
        ...http,
        ...(DPoP ? { DPoP } : {}),
      })
      return oauth.processGenericTokenEndpointResponse(as, client, answer)
    })
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) {
      throw new ApiTokenError(
        `The provider (${provider.config.name}) refused to exchange the session's token for one of ${api.name} ` +
          `(${error.error}${error.error_description ? `: ${error.error_description}` : ''}). Allow token exchange for this client at the provider.`,
        { cause: error },
      )
    }
    throw providerFailure('token', error, provider.authContext)
  }
  return grantFrom(response, api, provider)
}

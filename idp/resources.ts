/**
 * The local provider's resource servers (RFC 8707) and its token exchange
 * grant (RFC 8693), for apps that call several APIs (APIS).
 *
 * Each resource server is an indicator (the API's origin, or any absolute
 * URL) with the scopes it knows; its tokens are JWTs whose `aud` is the
 * indicator, so the demo APIs (idp/demo-resource-server.ts) verify them with
 * the provider's keys and record which audience each token carried.
 *
 * Token exchange, as a provider that allows it for this client does: the
 * subject is an access token this provider issued to the same client, still
 * valid; the new token is for one registered resource, with the scopes asked
 * for that it knows; a DPoP proof binds it as any other token.
 */
import validateDpop, { checkDpopReplay } from 'oidc-provider/lib/helpers/validate_dpop.js'
import Provider, { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider'

export interface LocalResourceServer {
  /** The indicator: what the app sends as `resource` (or `audience`). */
  readonly resource: string
  /** Space-separated scopes it knows, e.g. "orders:read orders:write". */
  readonly scope: string
  /**
   * The `aud` its tokens carry, when not the indicator: a provider whose
   * policy falls back to another audience (Auth0 hands out its default one).
   */
  readonly audience?: string
}

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'

/** `url=scope scope;url=scope>audience`, as LOCAL_IDP_RESOURCES spells it. */
export function parseResourceServers(raw: string | undefined): LocalResourceServer[] {
  if (!raw) return []
  return raw
    .split(';')
    .filter(Boolean)
    .map((entry) => {
      const [server = '', audience] = entry.split('>')
      const [resource = '', scope = ''] = server.split('=')
      return { resource: resource.trim(), scope: scope.trim(), ...(audience ? { audience: audience.trim() } : {}) }
    })
}

export function resourceServerInfo(
  servers: readonly LocalResourceServer[],
  indicator: string,
  accessTokenTTL: number,
): ResourceServer {
  const server = servers.find((s) => s.resource === indicator)
  if (!server) throw new errors.InvalidTarget(`${indicator} is not a resource server here`)
  return {
    scope: server.scope,
    audience: server.audience ?? server.resource,
    accessTokenFormat: 'jwt',
    accessTokenTTL,
    jwt: { sign: { alg: 'RS256' } },
  }
}

/** Registers the token exchange grant on `provider` for the resource servers `servers`. */
export function registerTokenExchange(
  provider: Provider,
  servers: readonly LocalResourceServer[],
  accessTokenTTL: number,
): void {
  const handler = async (ctx: KoaContextWithOIDC) => {
    const params = ctx.oidc.params as Record<string, string | undefined>
    const client = ctx.oidc.client!
    if (params.subject_token_type !== ACCESS_TOKEN_TYPE)
      throw new errors.InvalidRequest('subject_token_type must be an access token')
    if (params.requested_token_type && params.requested_token_type !== ACCESS_TOKEN_TYPE)
      throw new errors.InvalidRequest('only access tokens are issued')
    const subject = params.subject_token ? await provider.AccessToken.find(params.subject_token) : undefined
    if (!subject || subject.isExpired)
      throw new errors.InvalidGrant('subject_token is not a valid access token of this provider')
    if (subject.clientId !== client.clientId)
      throw new errors.InvalidGrant('subject_token was issued to another client')
    const indicator = params.resource ?? params.audience
    if (!indicator) throw new errors.InvalidTarget('name the resource (resource or audience)')
    const info = resourceServerInfo(servers, indicator, accessTokenTTL)

    const dPoP = await validateDpop(provider, ctx)
    const known = new Set(info.scope?.split(' '))
    const scope = (params.scope ?? '').split(' ').filter((s) => known.has(s))
    const token = new provider.AccessToken({
      accountId: subject.accountId,
      client,
      grantId: subject.grantId,
      scope: scope.join(' ') || undefined,
      gty: TOKEN_EXCHANGE,
    })
    token.resourceServer = new provider.ResourceServer(indicator, info)
    if (dPoP) {
      await checkDpopReplay(provider, ctx, dPoP, client.clientId, errors.InvalidGrant)
      token.setThumbprint('jkt', dPoP.thumbprint)
    }
    const value = await token.save()
    ctx.body = {
      access_token: value,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: token.tokenType,
      expires_in: token.expiration,
      ...(token.scope ? { scope: token.scope } : {}),
    }
  }
  provider.registerGrantType(TOKEN_EXCHANGE, handler, [
    'subject_token',
    'subject_token_type',
    'requested_token_type',
    'resource',
    'audience',
    'scope',
  ])
}

/**
 * One OpenID provider's configuration: which provider, which client there, how
 * it authenticates, and the protocol options. Every setting is read under the
 * provider's own prefix (./provider-ids.ts): `OIDC_` for `default`,
 * `OIDC_<ID>_` for the others, and every message names the variable as set.
 */
import { AUTH_ROUTES, providerRoute } from '../routes'
import { isLoopbackHost, parseFlag, parseUrl, read, type Env } from './env'
import { parseCredentials, parsePrivateKey, type ClientCredentials } from './credentials'
import {
  DEFAULT_PROVIDER,
  providerVariable,
  type ProviderId,
  type ProviderSetting,
  type Variable,
} from './provider-ids'

export interface OidcConfig {
  /** The provider's id in OIDC_PROVIDERS (`default` when it is unset): in its routes, its sessions, its store keys. */
  readonly id: ProviderId
  /** What the sign-in page's button and the profile call it (OIDC_<ID>_NAME; default: the issuer's host). */
  readonly name: string
  /** E-mail domains whose users sign in here (OIDC_<ID>_DOMAINS): lower-case, IDNA ASCII form. */
  readonly domains: readonly string[]
  /** Fixed extra authorization parameters (OIDC_<ID>_AUTH_PARAMS), e.g. domain_hint or kc_idp_hint. */
  readonly authParams: readonly (readonly [string, string])[]
  /** The name of this provider's variable for `setting`, for messages that say what to set. */
  readonly variable: (setting: ProviderSetting) => string
  /** Where discovery happens: `{issuer}/.well-known/openid-configuration`. */
  readonly issuer: URL
  /** OIDC_ISSUER exactly as set (a URL object adds a slash to a bare origin): what /api/health reports. */
  readonly issuerAsConfigured: string
  /**
   * The issuer the provider names itself in discovery and in ID tokens. Equal to
   * `issuer` except for providers such as Oracle IDCS (`OIDC_TOKEN_ISSUER`).
   */
  readonly expectedIssuer: URL
  /** True when `OIDC_TOKEN_ISSUER` was set, so error messages can say so. */
  readonly tokenIssuerOverridden: boolean
  readonly clientId: string
  readonly credentials: ClientCredentials
  readonly scope: string
  /** Plain-http requests to the provider: loopback issuers, or an explicit opt-in. */
  readonly allowHttp: boolean
  /**
   * The client's private key (OIDC_CLIENT_PRIVATE_KEY: PKCS#8 PEM, or a private JWK with its
   * `kid`), for private_key_jwt and signed request objects.
   */
  readonly privateKey: string | undefined
  /** Pushed authorization requests (RFC 9126), also used whenever discovery requires them. */
  readonly usePar: boolean
  /** Signed request objects (RFC 9101), signed with the private key. */
  readonly useRequestObject: boolean
  /**
   * The `aud` of our client assertions (OIDC_CLIENT_ASSERTION_AUDIENCE): the
   * issuer (default, as the OpenID Foundation recommends since 2025 against
   * audience injection), or the token endpoint URL for older providers that
   * accept nothing else.
   */
  readonly assertionAudience: 'issuer' | 'token_endpoint'
  readonly redirectUri: string
  readonly postLogoutRedirectUri: string
  /** Overrides discovery's end_session_endpoint, or supplies one it lacks (OIDC_END_SESSION_ENDPOINT). */
  readonly endSessionEndpoint: URL | undefined
  /**
   * How the logout redirect is spelled: `standard` (RP-Initiated Logout: id_token_hint,
   * post_logout_redirect_uri, client_id) or `cognito` (client_id, logout_uri).
   */
  readonly logoutStyle: LogoutStyle
  /** Sender-constrained tokens (RFC 9449, OIDC_<ID>_DPOP): a key pair per session proves every token's use. */
  readonly dpop: boolean
}

export type LogoutStyle = 'standard' | 'cognito'

export const DEFAULT_SCOPE = 'openid profile email'

function parseIssuer(env: Env, name: string, allowHttp: boolean, v: Variable, problems: string[]): URL | undefined {
  const raw = read(env, name)
  if (!raw) return undefined
  const url = parseUrl(raw)
  if (!url) {
    problems.push(`${name} must be an https URL such as https://login.example.com; got "${raw}".`)
    return undefined
  }
  if (url.search || url.hash) {
    problems.push(`${name} must not have a query or fragment (OpenID Connect Discovery §2); got "${raw}".`)
    return undefined
  }
  if (url.protocol === 'http:' && !allowHttp && !isLoopbackHost(url.hostname)) {
    problems.push(
      `${name} is "${raw}", a plain-http URL that is not a loopback address. Tokens would cross the network unencrypted. ` +
        `Use https, or set ${v('ALLOW_HTTP_ISSUER')}=true if you really mean it (a test provider on a private network).`,
    )
    return undefined
  }
  return url
}

function parseScope(env: Env, v: Variable, problems: string[]): string | undefined {
  const scope = (read(env, v('SCOPE')) ?? DEFAULT_SCOPE).split(/\s+/)
  if (!scope.includes('openid')) {
    problems.push(`${v('SCOPE')} must include "openid" to get an ID token; got "${scope.join(' ')}".`)
    return undefined
  }
  return [...new Set(scope)].join(' ')
}

/**
 * Provider `id`'s settings, read under its prefix; problems are added to
 * `problems`. `appBaseUrl` is undefined when the session part is broken.
 * `presentation`: its button's name, e-mail domains and fixed parameters (./provider-ids.ts parses them).
 */
export function parseOidcConfig(
  env: Env,
  id: ProviderId,
  appBaseUrl: URL | undefined,
  presentation: Pick<OidcConfig, 'name' | 'domains' | 'authParams'> | undefined,
  problems: string[],
): OidcConfig | undefined {
  const v: Variable = (setting) => providerVariable(id, setting)
  const allowHttpOptIn = parseFlag(env, v('ALLOW_HTTP_ISSUER'), problems)

  const issuer = parseIssuer(env, v('ISSUER'), allowHttpOptIn, v, problems)
  if (!issuer && !read(env, v('ISSUER'))) {
    problems.push(
      `${v('ISSUER')} is not set. Set it to your provider's issuer URL (discovery is at ${v('ISSUER')}/.well-known/openid-configuration), ` +
        (id === DEFAULT_PROVIDER
          ? 'or run `npm run dev` without it to use the embedded local provider.'
          : `or remove ${id} from OIDC_PROVIDERS.`),
    )
  }
  const tokenIssuer = parseIssuer(env, v('TOKEN_ISSUER'), allowHttpOptIn, v, problems)

  const clientId = read(env, v('CLIENT_ID'))
  if (!clientId)
    problems.push(`${v('CLIENT_ID')} is not set. Copy the client ID of the application registered at your provider.`)

  const credentials = parseCredentials(env, v, problems)
  const scope = parseScope(env, v, problems)
  const privateKey = parsePrivateKey(env, v, problems)
  const usePar = parseFlag(env, v('USE_PAR'), problems)
  const useRequestObject = parseFlag(env, v('USE_REQUEST_OBJECT'), problems)
  const dpop = parseFlag(env, v('DPOP'), problems)
  const assertionAudience = read(env, v('CLIENT_ASSERTION_AUDIENCE')) ?? 'issuer'
  if (assertionAudience !== 'issuer' && assertionAudience !== 'token_endpoint') {
    problems.push(
      `${v('CLIENT_ASSERTION_AUDIENCE')} must be "issuer" (the default) or "token_endpoint"; got "${assertionAudience}".`,
    )
  }
  if (useRequestObject && !read(env, v('CLIENT_PRIVATE_KEY'))) {
    problems.push(
      `${v('USE_REQUEST_OBJECT')}=true signs request objects with the client's key: set ${v('CLIENT_PRIVATE_KEY')} too.`,
    )
  }

  const endSessionRaw = read(env, v('END_SESSION_ENDPOINT'))
  const endSessionEndpoint = endSessionRaw ? parseUrl(endSessionRaw) : undefined
  if (endSessionRaw && !endSessionEndpoint) {
    problems.push(
      `${v('END_SESSION_ENDPOINT')} must be an http(s) URL such as https://auth.example.com/logout; got "${endSessionRaw}".`,
    )
  }
  const styleRaw = read(env, v('LOGOUT_STYLE'))
  if (styleRaw && styleRaw !== 'standard' && styleRaw !== 'cognito') {
    problems.push(`${v('LOGOUT_STYLE')} must be "standard" or "cognito"; got "${styleRaw}".`)
  }

  if (!issuer || !clientId || !credentials || !scope || !appBaseUrl || !presentation) return undefined
  const expectedIssuer = tokenIssuer ?? issuer
  const usesHttp = issuer.protocol === 'http:' || expectedIssuer.protocol === 'http:'
  return {
    id,
    ...presentation,
    variable: v,
    issuer,
    issuerAsConfigured: read(env, v('ISSUER'))!,
    expectedIssuer,
    tokenIssuerOverridden: tokenIssuer !== undefined,
    clientId,
    credentials,
    scope,
    allowHttp: usesHttp,
    privateKey,
    usePar,
    useRequestObject,
    assertionAudience: assertionAudience === 'token_endpoint' ? 'token_endpoint' : 'issuer',
    redirectUri: new URL(providerRoute(AUTH_ROUTES.callback, id), appBaseUrl).href,
    postLogoutRedirectUri: new URL('/', appBaseUrl).href,
    endSessionEndpoint,
    // Amazon Cognito's /logout takes client_id and logout_uri; its issuers live on cognito-idp.<region>.amazonaws.com.
    logoutStyle:
      (styleRaw as LogoutStyle | undefined) ??
      (/^cognito-idp\.[a-z0-9-]+\.amazonaws\.com$/.test(issuer.hostname) ? 'cognito' : 'standard'),
    dpop,
  }
}

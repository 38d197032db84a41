/**
 * The OpenID Connect half of the configuration: which provider, which client,
 * how it authenticates, and the protocol options.
 */
import { AUTH_ROUTES } from '../routes'
import { isLoopbackHost, parseFlag, parseUrl, read, type Env } from './env'

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none'

/** A confidential client always has its secret or key; a public client never has one. */
export type ClientCredentials =
  | { readonly method: 'client_secret_basic' | 'client_secret_post'; readonly secret: string }
  | { readonly method: 'private_key_jwt' }
  | { readonly method: 'none' }

export interface OidcConfig {
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
}

export type LogoutStyle = 'standard' | 'cognito'

export const DEFAULT_SCOPE = 'openid profile email'
export const ALLOW_HTTP_VARIABLE = 'OIDC_ALLOW_HTTP_ISSUER'

const AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']

function parseIssuer(env: Env, name: string, allowHttp: boolean, problems: string[]): URL | undefined {
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
        `Use https, or set ${ALLOW_HTTP_VARIABLE}=true if you really mean it (a test provider on a private network).`,
    )
    return undefined
  }
  return url
}

function parseCredentials(env: Env, problems: string[]): ClientCredentials | undefined {
  const secret = read(env, 'OIDC_CLIENT_SECRET')
  const rawMethod = read(env, 'OIDC_CLIENT_AUTH_METHOD')
  if (rawMethod && !AUTH_METHODS.includes(rawMethod as ClientAuthMethod)) {
    problems.push(`OIDC_CLIENT_AUTH_METHOD must be one of ${AUTH_METHODS.join(', ')}; got "${rawMethod}".`)
    return undefined
  }
  // Without a secret there is nothing to authenticate with: a public client, protected by PKCE.
  const method = (rawMethod as ClientAuthMethod | undefined) ?? (secret ? 'client_secret_basic' : 'none')
  if (method === 'private_key_jwt') {
    if (!read(env, 'OIDC_CLIENT_PRIVATE_KEY')) {
      problems.push(
        'OIDC_CLIENT_AUTH_METHOD is "private_key_jwt" but OIDC_CLIENT_PRIVATE_KEY is not set. ' +
          "Set it to the client's private key: a PKCS#8 PEM, or a private JWK with its kid.",
      )
      return undefined
    }
    return { method }
  }
  if (method === 'none') {
    if (secret) {
      problems.push(
        'OIDC_CLIENT_SECRET is set but OIDC_CLIENT_AUTH_METHOD is "none" (a public client never sends a secret). ' +
          'Remove the secret, or set OIDC_CLIENT_AUTH_METHOD=client_secret_basic.',
      )
      return undefined
    }
    return { method }
  }
  if (!secret) {
    problems.push(
      `OIDC_CLIENT_AUTH_METHOD is "${method}" but OIDC_CLIENT_SECRET is not set. ` +
        'Copy the client secret from the provider, or set OIDC_CLIENT_AUTH_METHOD=none for a public client.',
    )
    return undefined
  }
  return { method, secret }
}

/**
 * OIDC_CLIENT_PRIVATE_KEY: a PKCS#8 PEM (`\n` escapes allowed, for one-line
 * environments) or a private JWK. Only its shape is checked here; it is imported
 * on first use (lib/oidc/client-key.ts), where a bad key is reported too.
 */
function parsePrivateKey(env: Env, problems: string[]): string | undefined {
  const raw = read(env, 'OIDC_CLIENT_PRIVATE_KEY')
  if (!raw) return undefined
  const key = raw.replace(/\\n/g, '\n')
  if (key.startsWith('-----BEGIN PRIVATE KEY-----')) return key
  if (key.startsWith('-----BEGIN')) {
    problems.push('OIDC_CLIENT_PRIVATE_KEY must be PKCS#8 ("-----BEGIN PRIVATE KEY-----"); convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem')
    return undefined
  }
  try {
    const jwk = JSON.parse(key) as Record<string, unknown>
    if (typeof jwk.kty === 'string' && typeof jwk.d === 'string') return key
  } catch {
    // reported below
  }
  problems.push('OIDC_CLIENT_PRIVATE_KEY must be a PKCS#8 PEM or a private JWK (JSON with "kty", "d" and its "kid").')
  return undefined
}

function parseScope(env: Env, problems: string[]): string | undefined {
  const scope = (read(env, 'OIDC_SCOPE') ?? DEFAULT_SCOPE).split(/\s+/)
  if (!scope.includes('openid')) {
    problems.push(`OIDC_SCOPE must include "openid" to get an ID token; got "${scope.join(' ')}".`)
    return undefined
  }
  return [...new Set(scope)].join(' ')
}

/** The provider and client settings; problems are added to `problems`. `appBaseUrl` is undefined when the session part is broken. */
export function parseOidcConfig(env: Env, appBaseUrl: URL | undefined, problems: string[]): OidcConfig | undefined {
  const allowHttpOptIn = parseFlag(env, ALLOW_HTTP_VARIABLE, problems)

  const issuer = parseIssuer(env, 'OIDC_ISSUER', allowHttpOptIn, problems)
  if (!issuer && !read(env, 'OIDC_ISSUER')) {
    problems.push(
      "OIDC_ISSUER is not set. Set it to your provider's issuer URL (discovery is at OIDC_ISSUER/.well-known/openid-configuration), " +
        'or run `npm run dev` without it to use the embedded local provider.',
    )
  }
  const tokenIssuer = parseIssuer(env, 'OIDC_TOKEN_ISSUER', allowHttpOptIn, problems)

  const clientId = read(env, 'OIDC_CLIENT_ID')
  if (!clientId) problems.push('OIDC_CLIENT_ID is not set. Copy the client ID of the application registered at your provider.')

  const credentials = parseCredentials(env, problems)
  const scope = parseScope(env, problems)
  const privateKey = parsePrivateKey(env, problems)
  const usePar = parseFlag(env, 'OIDC_USE_PAR', problems)
  const useRequestObject = parseFlag(env, 'OIDC_USE_REQUEST_OBJECT', problems)
  const assertionAudience = read(env, 'OIDC_CLIENT_ASSERTION_AUDIENCE') ?? 'issuer'
  if (assertionAudience !== 'issuer' && assertionAudience !== 'token_endpoint') {
    problems.push(`OIDC_CLIENT_ASSERTION_AUDIENCE must be "issuer" (the default) or "token_endpoint"; got "${assertionAudience}".`)
  }
  if (useRequestObject && !read(env, 'OIDC_CLIENT_PRIVATE_KEY')) {
    problems.push("OIDC_USE_REQUEST_OBJECT=true signs request objects with the client's key: set OIDC_CLIENT_PRIVATE_KEY too.")
  }

  const endSessionRaw = read(env, 'OIDC_END_SESSION_ENDPOINT')
  const endSessionEndpoint = endSessionRaw ? parseUrl(endSessionRaw) : undefined
  if (endSessionRaw && !endSessionEndpoint) {
    problems.push(`OIDC_END_SESSION_ENDPOINT must be an http(s) URL such as https://auth.example.com/logout; got "${endSessionRaw}".`)
  }
  const styleRaw = read(env, 'OIDC_LOGOUT_STYLE')
  if (styleRaw && styleRaw !== 'standard' && styleRaw !== 'cognito') {
    problems.push(`OIDC_LOGOUT_STYLE must be "standard" or "cognito"; got "${styleRaw}".`)
  }

  if (!issuer || !clientId || !credentials || !scope || !appBaseUrl) return undefined
  const expectedIssuer = tokenIssuer ?? issuer
  const usesHttp = issuer.protocol === 'http:' || expectedIssuer.protocol === 'http:'
  return {
    issuer,
    issuerAsConfigured: read(env, 'OIDC_ISSUER')!,
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
    redirectUri: new URL(AUTH_ROUTES.callback, appBaseUrl).href,
    postLogoutRedirectUri: new URL('/', appBaseUrl).href,
    endSessionEndpoint,
    // Amazon Cognito's /logout takes client_id and logout_uri; its issuers live on cognito-idp.<region>.amazonaws.com.
    logoutStyle: (styleRaw as LogoutStyle | undefined) ?? (/^cognito-idp\.[a-z0-9-]+\.amazonaws\.com$/.test(issuer.hostname) ? 'cognito' : 'standard'),
  }
}

/**
 * Configuration, read from the environment at run time and validated once.
 *
 * Nothing here is read at build time: one `next build` serves any provider. Every
 * problem is collected before we complain, so a new deployment learns about all
 * of its mistakes in one start instead of one per restart.
 *
 * This module only parses strings. It must stay free of Node APIs and of the
 * OIDC client, because middleware (Edge runtime) imports `getSessionConfig`.
 */

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none'

/** A confidential client always has its secret or key; a public client never has one. */
export type ClientCredentials =
  | { readonly method: 'client_secret_basic' | 'client_secret_post'; readonly secret: string }
  | { readonly method: 'private_key_jwt' }
  | { readonly method: 'none' }

export interface SessionConfig {
  /** The app's public origin. Every absolute URL we build starts here, never at the Host header. */
  readonly appBaseUrl: URL
  /**
   * Secrets that seal cookies, newest first. The newest seals; all of them open,
   * so a rotation does not sign anyone out. Each has at least 32 characters.
   */
  readonly secrets: readonly [string, ...string[]]
  /** Cookies get `Secure` (and the `__Host-` prefix) when the app is served over https. */
  readonly secureCookies: boolean
  readonly sessionCookieName: string
  /** Absolute lifetime of a session, in seconds (SESSION_ABSOLUTE_TIMEOUT). */
  readonly absoluteTimeout: number
  /** A session unused for this many seconds is over (SESSION_IDLE_TIMEOUT). */
  readonly idleTimeout: number
  /**
   * Origins a form on our pages may end up at besides our own: the provider's
   * (OIDC_ISSUER, OIDC_END_SESSION_ENDPOINT). Signing out is a form POST that the
   * app answers with a redirect to the provider's end-session endpoint, and
   * browsers hold that redirect to the CSP's `form-action` too.
   */
  readonly providerOrigins: readonly string[]
}

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

/**
 * Where the shared session store lives: in this process (the default, exact on
 * one instance), or in Redis (REDIS_URL), shared by every instance.
 */
export type StoreConfig = { readonly kind: 'memory' } | { readonly kind: 'redis'; readonly url: URL }

export interface AppConfig {
  readonly session: SessionConfig
  readonly oidc: OidcConfig
  readonly store: StoreConfig
  /** The API `/api/call-api` calls with the user's access token (API_ENDPOINT), if any. */
  readonly apiEndpoint: URL | undefined
}

export class ConfigError extends Error {
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(
      `The app is not configured correctly:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Set these variables in the environment or in .env.local (see .env.example).',
    )
    this.name = 'ConfigError'
    this.problems = problems
  }
}

type Env = Readonly<Record<string, string | undefined>>

export const DEFAULT_SCOPE = 'openid profile email'
export const MIN_SECRET_LENGTH = 32
/** Eight hours: a working day, after which the provider is asked again. */
export const DEFAULT_ABSOLUTE_TIMEOUT = 8 * 60 * 60
/** Thirty minutes without a request to a private page or API ends the session. */
export const DEFAULT_IDLE_TIMEOUT = 30 * 60
export const ALLOW_HTTP_VARIABLE = 'OIDC_ALLOW_HTTP_ISSUER'

const AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']

/** Reads a variable, treating empty and whitespace-only values as unset. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value ? value : undefined
}

/**
 * True for hosts that cannot leave this machine. Only such an issuer may be
 * plain http without an explicit opt-in: that is the embedded local provider.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
}

function parseUrl(value: string): URL | undefined {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}

function parseAppBaseUrl(env: Env, problems: string[]): URL | undefined {
  const raw = read(env, 'APP_BASE_URL')
  if (!raw) {
    problems.push('APP_BASE_URL is not set. Set it to the public origin of this app, e.g. APP_BASE_URL=http://localhost:3000')
    return undefined
  }
  const url = parseUrl(raw)
  if (!url) {
    problems.push(`APP_BASE_URL must be an http(s) URL such as https://app.example.com; got "${raw}".`)
    return undefined
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
    problems.push(
      `APP_BASE_URL must be an origin only (scheme, host and port), e.g. ${url.origin}; got "${raw}". ` +
        'The redirect URI is always APP_BASE_URL/auth/callback.',
    )
    return undefined
  }
  return new URL(url.origin)
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth']
export const MAX_SECRETS = ORDINALS.length

/**
 * SESSION_SECRET holds one secret, or several separated by commas, newest first
 * (`openssl rand -base64 32` never produces a comma).
 */
function parseSecrets(env: Env, problems: string[]): readonly [string, ...string[]] | undefined {
  const raw = env.SESSION_SECRET
  const generate = 'Generate one with: openssl rand -base64 32'
  if (!raw?.trim()) {
    problems.push(
      `SESSION_SECRET is not set. It seals the session cookie and must be at least ${MIN_SECRET_LENGTH} random characters. ${generate}`,
    )
    return undefined
  }
  const secrets = raw.split(',').map((secret) => secret.trim())
  if (secrets.length > MAX_SECRETS) {
    problems.push(`SESSION_SECRET holds ${secrets.length} secrets; keep at most ${MAX_SECRETS} (newest first) and drop the oldest.`)
    return undefined
  }
  const bad = secrets.findIndex((secret) => secret.length < MIN_SECRET_LENGTH)
  if (bad !== -1) {
    const which = secrets.length === 1 ? 'SESSION_SECRET' : `The ${ORDINALS[bad]} secret in SESSION_SECRET`
    problems.push(
      `${which} is ${secrets[bad]!.length} characters long; it must be at least ${MIN_SECRET_LENGTH}. ${generate}` +
        (secrets.length > 1 ? ' (Several secrets are separated by commas, newest first.)' : ''),
    )
    return undefined
  }
  return secrets as [string, ...string[]]
}

function parseSeconds(env: Env, name: string, fallback: number, problems: string[]): number | undefined {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < 60 || value > 366 * 24 * 3600) {
    problems.push(`${name} must be a whole number of seconds between 60 and 31622400; got "${raw}".`)
    return undefined
  }
  return value
}

/** The origins of the provider URLs a sign-out form is redirected to; malformed ones are parseConfig's to report. */
function providerOrigins(env: Env): string[] {
  const origins = ['OIDC_ISSUER', 'OIDC_END_SESSION_ENDPOINT'].map((name) => {
    const raw = read(env, name)
    return raw ? parseUrl(raw)?.origin : undefined
  })
  return [...new Set(origins.filter((origin): origin is string => origin !== undefined))]
}

/** The part of the configuration that middleware needs: sealing, cookies, and the base URL. */
export function parseSessionConfig(env: Env, problems: string[] = []): SessionConfig | undefined {
  const appBaseUrl = parseAppBaseUrl(env, problems)
  const secrets = parseSecrets(env, problems)
  const absoluteTimeout = parseSeconds(env, 'SESSION_ABSOLUTE_TIMEOUT', DEFAULT_ABSOLUTE_TIMEOUT, problems)
  const idleTimeout = parseSeconds(env, 'SESSION_IDLE_TIMEOUT', DEFAULT_IDLE_TIMEOUT, problems)
  if (absoluteTimeout !== undefined && idleTimeout !== undefined && idleTimeout > absoluteTimeout) {
    problems.push(
      `SESSION_IDLE_TIMEOUT (${idleTimeout}) is longer than SESSION_ABSOLUTE_TIMEOUT (${absoluteTimeout}); it could never take effect. Make it shorter.`,
    )
    return undefined
  }
  if (!appBaseUrl || !secrets || absoluteTimeout === undefined || idleTimeout === undefined) return undefined
  const secureCookies = appBaseUrl.protocol === 'https:'
  return {
    appBaseUrl,
    secrets,
    secureCookies,
    // `__Host-` makes the browser refuse the cookie unless it is Secure, host-only and
    // Path=/, so a sibling subdomain cannot plant or shadow it. It needs https.
    sessionCookieName: secureCookies ? '__Host-session' : 'session',
    absoluteTimeout,
    idleTimeout,
    providerOrigins: providerOrigins(env),
  }
}

/**
 * REDIS_URL: any Redis 6+ endpoint, `redis://` or `rediss://` (TLS), with an
 * optional database number. Unset: the in-process store.
 */
function parseStore(env: Env, problems: string[]): StoreConfig {
  const raw = read(env, 'REDIS_URL')
  if (!raw) return { kind: 'memory' }
  const example = 'such as redis://localhost:6379, rediss://user:password@redis.example.com:6380 or redis://localhost:6379/2'
  let url: URL | undefined
  try {
    url = new URL(raw)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) {
    problems.push(`REDIS_URL must be a redis:// or rediss:// URL ${example}; got "${redact(raw)}".`)
    return { kind: 'memory' }
  }
  if (!/^\/?(\d+)?$/.test(url.pathname) || url.search || url.hash) {
    problems.push(`REDIS_URL may name a database number after the host and nothing else (${example}); got "${redact(raw)}".`)
    return { kind: 'memory' }
  }
  return { kind: 'redis', url }
}

/** A Redis URL as it may be printed or logged: without its password. */
export function redact(raw: string): string {
  try {
    const url = new URL(raw)
    if (url.password) url.password = '***'
    return url.href
  } catch {
    // Not a URL: hide whatever sits between the scheme and an @.
    return raw.replace(/\/\/[^@]*@/, '//***@')
  }
}

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
          'Set it to the client\'s private key: a PKCS#8 PEM, or a private JWK with its kid.',
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
 * on first use (lib/client-key.ts), where a bad key is reported too.
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

function parseFlag(env: Env, name: string, problems: string[]): boolean {
  const raw = read(env, name)
  if (raw && raw !== 'true' && raw !== 'false') problems.push(`${name} must be "true" or "false"; got "${raw}".`)
  return raw === 'true'
}

function parseScope(env: Env, problems: string[]): string | undefined {
  const scope = (read(env, 'OIDC_SCOPE') ?? DEFAULT_SCOPE).split(/\s+/)
  if (!scope.includes('openid')) {
    problems.push(`OIDC_SCOPE must include "openid" to get an ID token; got "${scope.join(' ')}".`)
    return undefined
  }
  return [...new Set(scope)].join(' ')
}

/** Parses and validates the whole configuration; throws a ConfigError that lists every problem. */
export function parseConfig(env: Env): AppConfig {
  const problems: string[] = []
  const session = parseSessionConfig(env, problems)

  const allowHttpRaw = read(env, ALLOW_HTTP_VARIABLE)
  if (allowHttpRaw && allowHttpRaw !== 'true' && allowHttpRaw !== 'false') {
    problems.push(`${ALLOW_HTTP_VARIABLE} must be "true" or "false"; got "${allowHttpRaw}".`)
  }
  const allowHttpOptIn = allowHttpRaw === 'true'

  const issuer = parseIssuer(env, 'OIDC_ISSUER', allowHttpOptIn, problems)
  if (!issuer && !read(env, 'OIDC_ISSUER')) {
    problems.push(
      'OIDC_ISSUER is not set. Set it to your provider\'s issuer URL (discovery is at OIDC_ISSUER/.well-known/openid-configuration), ' +
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
    problems.push('OIDC_USE_REQUEST_OBJECT=true signs request objects with the client\'s key: set OIDC_CLIENT_PRIVATE_KEY too.')
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

  const store = parseStore(env, problems)

  const apiRaw = read(env, 'API_ENDPOINT')
  const apiEndpoint = apiRaw ? parseUrl(apiRaw) : undefined
  if (apiRaw && !apiEndpoint) problems.push(`API_ENDPOINT must be an http(s) URL such as https://api.example.com/me; got "${apiRaw}".`)

  if (problems.length > 0 || !session || !issuer || !clientId || !credentials || !scope) {
    throw new ConfigError(problems)
  }

  const expectedIssuer = tokenIssuer ?? issuer
  const usesHttp = issuer.protocol === 'http:' || expectedIssuer.protocol === 'http:'
  return {
    session,
    store,
    apiEndpoint,
    oidc: {
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
      redirectUri: new URL('/auth/callback', session.appBaseUrl).href,
      postLogoutRedirectUri: new URL('/', session.appBaseUrl).href,
      endSessionEndpoint,
      // Amazon Cognito's /logout takes client_id and logout_uri; its issuers live on cognito-idp.<region>.amazonaws.com.
      logoutStyle: (styleRaw as LogoutStyle | undefined) ?? (/^cognito-idp\.[a-z0-9-]+\.amazonaws\.com$/.test(issuer.hostname) ? 'cognito' : 'standard'),
    },
  }
}

let cachedConfig: AppConfig | undefined
let cachedSessionConfig: SessionConfig | undefined

/** The validated configuration of this process, parsed on first use. */
export function getConfig(): AppConfig {
  cachedConfig ??= parseConfig(process.env)
  return cachedConfig
}

/** The session half of the configuration, for middleware: it never touches OIDC settings. */
export function getSessionConfig(): SessionConfig {
  if (cachedSessionConfig) return cachedSessionConfig
  const problems: string[] = []
  const config = parseSessionConfig(process.env, problems)
  if (!config) throw new ConfigError(problems)
  cachedSessionConfig = config
  return config
}

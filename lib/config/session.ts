/**
 * The session half of the configuration: the app's origin, the secrets that
 * seal cookies, the timeouts. Middleware reads it on every private request.
 */
import { ConfigError, parseSeconds, parseUrl, read, type Env } from './env'
import { listedProviderIds, providerVariable, type ProviderId } from './provider-ids'

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
  /** Absolute lifetime of a session, in seconds (SESSION_ABSOLUTE_TIMEOUT). */
  readonly absoluteTimeout: number
  /** A session unused for this many seconds is over (SESSION_IDLE_TIMEOUT). */
  readonly idleTimeout: number
  /**
   * Origins a form on our pages may end up at besides our own: every provider's
   * (OIDC_ISSUER, OIDC_END_SESSION_ENDPOINT, and each listed provider's own).
   * Signing out is a form POST that the app answers with a redirect to the
   * provider's end-session endpoint, the sign-in page's e-mail form is answered
   * with a redirect on to a provider, and browsers hold those redirects to the
   * CSP's `form-action` too.
   */
  readonly providerOrigins: readonly string[]
  /**
   * The providers a session may belong to (OIDC_PROVIDERS): a session of a
   * provider removed from the configuration reads as signed out.
   */
  readonly providerIds: readonly ProviderId[]
}

export const MIN_SECRET_LENGTH = 32
/** Eight hours: a working day, after which the provider is asked again. */
export const DEFAULT_ABSOLUTE_TIMEOUT = 8 * 60 * 60
/** Thirty minutes without a request to a private page or API ends the session. */
export const DEFAULT_IDLE_TIMEOUT = 30 * 60

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth']
export const MAX_SECRETS = ORDINALS.length

function parseAppBaseUrl(env: Env, problems: string[]): URL | undefined {
  const raw = read(env, 'APP_BASE_URL')
  if (!raw) {
    problems.push(
      'APP_BASE_URL is not set. Set it to the public origin of this app, e.g. APP_BASE_URL=http://localhost:3000',
    )
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
    problems.push(
      `SESSION_SECRET holds ${secrets.length} secrets; keep at most ${MAX_SECRETS} (newest first) and drop the oldest.`,
    )
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

/** The origins of the provider URLs a form is redirected to; malformed ones are the OIDC part's to report. */
function providerOrigins(env: Env): string[] {
  const names = listedProviderIds(env).flatMap((id) => [
    providerVariable(id, 'ISSUER'),
    providerVariable(id, 'END_SESSION_ENDPOINT'),
  ])
  const origins = names.map((name) => {
    const raw = read(env, name)
    return raw ? parseUrl(raw)?.origin : undefined
  })
  return [...new Set(origins.filter((origin): origin is string => origin !== undefined))]
}

/** Sealing, cookies, timeouts and the base URL; problems are added to `problems`. */
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
    absoluteTimeout,
    idleTimeout,
    providerOrigins: providerOrigins(env),
    providerIds: listedProviderIds(env),
  }
}

/** The session configuration alone, or a ConfigError listing what is wrong with it (for tests and tools). */
export function sessionConfigFrom(env: Env): SessionConfig {
  const problems: string[] = []
  const config = parseSessionConfig(env, problems)
  if (!config) throw new ConfigError(problems)
  return config
}

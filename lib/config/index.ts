/**
 * Configuration, read from the environment at run time and validated once.
 *
 * Nothing here is read at build time: one `next build` serves any provider. Every
 * problem is collected before we complain, so a new deployment learns about all
 * of its mistakes in one start instead of one per restart.
 *
 * This folder only parses strings: no Node APIs, nothing of the OIDC client, so
 * middleware reads the same `getConfig()` as everything else.
 */
import { ConfigError, parseUrl, read, type Env } from './env'
import { parseOidcConfig, type OidcConfig } from './oidc'
import { parseSessionConfig, type SessionConfig } from './session'
import { parseStoreConfig, type StoreConfig } from './store'

export { ConfigError, isLoopbackHost } from './env'
export { ALLOW_HTTP_VARIABLE, DEFAULT_SCOPE, type ClientAuthMethod, type ClientCredentials, type LogoutStyle, type OidcConfig } from './oidc'
export {
  DEFAULT_ABSOLUTE_TIMEOUT,
  DEFAULT_IDLE_TIMEOUT,
  MAX_SECRETS,
  MIN_SECRET_LENGTH,
  parseSessionConfig,
  sessionConfigFrom,
  type SessionConfig,
} from './session'
export { redact, type StoreConfig } from './store'

export interface AppConfig {
  readonly session: SessionConfig
  readonly oidc: OidcConfig
  readonly store: StoreConfig
  /** The API `/api/call-api` calls with the user's access token (API_ENDPOINT), if any. */
  readonly apiEndpoint: URL | undefined
}

/** Parses and validates the whole configuration; throws a ConfigError that lists every problem. */
export function parseConfig(env: Env): AppConfig {
  const problems: string[] = []
  const session = parseSessionConfig(env, problems)
  const oidc = parseOidcConfig(env, session?.appBaseUrl, problems)
  const store = parseStoreConfig(env, problems)

  const apiRaw = read(env, 'API_ENDPOINT')
  const apiEndpoint = apiRaw ? parseUrl(apiRaw) : undefined
  if (apiRaw && !apiEndpoint) problems.push(`API_ENDPOINT must be an http(s) URL such as https://api.example.com/me; got "${apiRaw}".`)

  if (problems.length > 0 || !session || !oidc) throw new ConfigError(problems)
  return { session, oidc, store, apiEndpoint }
}

let cached: AppConfig | undefined

/**
 * The validated configuration of this process, parsed on first use: the one
 * accessor, so every part of the app (middleware, handlers, pages) shares one
 * SessionConfig object, and with it one memo of opened sessions.
 */
export function getConfig(): AppConfig {
  cached ??= parseConfig(process.env)
  return cached
}

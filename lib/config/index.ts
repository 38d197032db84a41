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
import { parseApis, type ApiConfig } from './apis'
import { ConfigError, parseUrl, read, type Env } from './env'
import { parseProviders, type ProvidersConfig } from './providers'
import { parseSessionConfig, type SessionConfig } from './session'
import { parseStoreConfig, type StoreConfig } from './store'

export { API_NAME, apiByName, apiVariable, type ApiConfig, type ApiTokenSource, type AudienceParam } from './apis'
export { ConfigError, isLoopbackHost } from './env'
export { type ClientAuthMethod, type ClientCredentials } from './credentials'
export { DEFAULT_SCOPE, type LogoutStyle, type OidcConfig } from './oidc'
export { DEFAULT_PROVIDER, PROVIDER_ID, providerVariable, type ProviderId } from './provider-ids'
export {
  emailDomain,
  normalizeDomain,
  offersChoice,
  providerById,
  providerForEmail,
  type ProvidersConfig,
} from './providers'
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
  /** The providers people sign in with, in button order: one (`default`) unless OIDC_PROVIDERS lists more. */
  readonly providers: ProvidersConfig
  readonly store: StoreConfig
  /** The API `/api/call-api` calls with the user's access token (API_ENDPOINT), if any. */
  readonly apiEndpoint: URL | undefined
  /** The APIs called with tokens of their own (APIS), in the order listed; empty when unset. */
  readonly apis: readonly ApiConfig[]
}

/** Parses and validates the whole configuration; throws a ConfigError that lists every problem. */
export function parseConfig(env: Env): AppConfig {
  const problems: string[] = []
  const session = parseSessionConfig(env, problems)
  const providers = parseProviders(env, session?.appBaseUrl, problems)
  const store = parseStoreConfig(env, problems)

  const apiRaw = read(env, 'API_ENDPOINT')
  const apiEndpoint = apiRaw ? parseUrl(apiRaw) : undefined
  if (apiRaw && !apiEndpoint)
    problems.push(`API_ENDPOINT must be an http(s) URL such as https://api.example.com/me; got "${apiRaw}".`)

  const apis = parseApis(env, providers ? providers.list.map((p) => p.id) : [], problems)

  if (problems.length > 0 || !session || !providers) throw new ConfigError(problems)
  return { session, providers, store, apiEndpoint, apis }
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

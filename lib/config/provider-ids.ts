/**
 * Provider ids and the names of their variables. OIDC_PROVIDERS lists the ids
 * in button order; `default` reads the unprefixed `OIDC_<SETTING>` variables
 * (a deployment from before several providers is exactly the one `default`),
 * any other id reads `OIDC_<ID>_<SETTING>`.
 */

export type ProviderId = string

/** The provider of the unprefixed variables, and of every deployment that does not set OIDC_PROVIDERS. */
export const DEFAULT_PROVIDER: ProviderId = 'default'

/** Short, lower-case, one word: it is a path segment, part of variable names, and sealed into sessions. */
export const PROVIDER_ID = /^[a-z][a-z0-9]{0,15}$/

/** Every setting a provider has, each read as OIDC_<SETTING> (default) or OIDC_<ID>_<SETTING>. */
export const PROVIDER_SETTINGS = [
  'ISSUER',
  'TOKEN_ISSUER',
  'ALLOW_HTTP_ISSUER',
  'CLIENT_ID',
  'CLIENT_SECRET',
  'CLIENT_AUTH_METHOD',
  'CLIENT_PRIVATE_KEY',
  'CLIENT_ASSERTION_AUDIENCE',
  'SCOPE',
  'END_SESSION_ENDPOINT',
  'LOGOUT_STYLE',
  'USE_PAR',
  'USE_REQUEST_OBJECT',
  'NAME',
  'DOMAINS',
  'AUTH_PARAMS',
  'DPOP',
] as const

export type ProviderSetting = (typeof PROVIDER_SETTINGS)[number]

/** One provider's variable names: `setting` under its prefix. */
export type Variable = (setting: ProviderSetting) => string

/** Variables under OIDC_ that belong to no provider, and names kept for settings to come. */
const APP_WIDE = ['OIDC_PROVIDERS']

export function providerVariable(id: ProviderId, setting: ProviderSetting): string {
  return id === DEFAULT_PROVIDER ? `OIDC_${setting}` : `OIDC_${id.toUpperCase()}_${setting}`
}

/**
 * The global variables a provider's prefix must not reach into: provider
 * `token` would read OIDC_TOKEN_ISSUER, the default provider's setting, as its own ISSUER.
 */
const GLOBAL_VARIABLES = [
  ...APP_WIDE,
  ...PROVIDER_SETTINGS.map((setting) => providerVariable(DEFAULT_PROVIDER, setting)),
]

/** Why `id` cannot name a provider, or undefined when it can. */
export function providerIdProblem(id: string): string | undefined {
  if (!PROVIDER_ID.test(id)) {
    return `OIDC_PROVIDERS lists "${id}", which is not a provider id: a lower-case letter, then up to 15 lower-case letters or digits (e.g. "corp", "google", "partner2").`
  }
  const prefix = `OIDC_${id.toUpperCase()}_`
  const clash = GLOBAL_VARIABLES.find((name) => name.startsWith(prefix))
  if (id !== DEFAULT_PROVIDER && clash) {
    return `OIDC_PROVIDERS lists "${id}", a reserved id: its variables (${prefix}…) would collide with ${clash}. Choose another id, e.g. "${id}idp".`
  }
  return undefined
}

/**
 * The ids OIDC_PROVIDERS lists, in order (`default` alone when unset). Lenient:
 * for parts of the configuration that only need the names (the CSP's origins);
 * ./providers.ts reports what is wrong with the list.
 */
export function listedProviderIds(env: Readonly<Record<string, string | undefined>>): ProviderId[] {
  const raw = env.OIDC_PROVIDERS?.trim()
  if (!raw) return [DEFAULT_PROVIDER]
  return [...new Set(raw.split(',').map((id) => id.trim()))].filter(
    (id) => id !== '' && providerIdProblem(id) === undefined,
  )
}

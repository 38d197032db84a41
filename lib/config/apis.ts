/**
 * The APIs the app calls on the user's behalf (APIS=orders,reports): where
 * each lives, the token it takes and how that token is obtained. An API is a
 * value, like a provider: the token flows (lib/auth/api-tokens.ts), the
 * server-side helper and the proxy (lib/api/) read one of these, never a global.
 *
 * Unset APIS: no API of this kind, and API_ENDPOINT keeps its meaning.
 */
import { isLoopbackHost, parseFlag, parseUrl, read, type Env } from './env'
import type { ProviderId } from './provider-ids'

/** Lower-case, one word: a path segment (/api/proxy/<name>/) and part of variable names. */
export const API_NAME = /^[a-z][a-z0-9]{0,15}$/

/**
 * How the token names its API at the provider: `resource` (RFC 8707, the
 * default), `audience` (Auth0, Keycloak), or `none` (Entra ID: the scope picks the API).
 */
export type AudienceParam = 'resource' | 'audience' | 'none'

/**
 * Where the token comes from: `refresh`, a token of its own minted with the
 * session's refresh token; `login`, the sign-in's access token itself;
 * `exchange`, RFC 8693 token exchange of the session's access token at its own provider.
 */
export type ApiTokenSource = 'refresh' | 'login' | 'exchange'

export interface ApiConfig {
  readonly name: string
  /** The URL prefix the token is sent under, and nowhere else (API_<NAME>_URL). */
  readonly url: URL
  /** What the token is for: RFC 8707 `resource` or Auth0's `audience` (API_<NAME>_RESOURCE; default the URL's origin). */
  readonly resource: string
  /** API_<NAME>_RESOURCE was set: the token's `aud` is checked against it even with AUDIENCE_PARAM=none. */
  readonly resourceSet: boolean
  readonly scope: string | undefined
  readonly audienceParam: AudienceParam
  /** The provider that mints it (API_<NAME>_PROVIDER); undefined: the session's own. */
  readonly provider: ProviderId | undefined
  readonly token: ApiTokenSource
  /** False (API_<NAME>_DPOP=false): the API takes Bearer tokens only, even where the provider binds them. */
  readonly dpop: boolean
  /** The name of this API's variable for `setting`, for messages. */
  readonly variable: (setting: ApiSetting) => string
}

export const API_SETTINGS = ['URL', 'RESOURCE', 'SCOPE', 'AUDIENCE_PARAM', 'PROVIDER', 'TOKEN', 'DPOP'] as const
export type ApiSetting = (typeof API_SETTINGS)[number]

const AUDIENCE_PARAMS: readonly AudienceParam[] = ['resource', 'audience', 'none']
const TOKEN_SOURCES: readonly ApiTokenSource[] = ['refresh', 'login', 'exchange']

export function apiVariable(name: string, setting: ApiSetting): string {
  return `API_${name.toUpperCase()}_${setting}`
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T, problems: string[]): T {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  if ((allowed as readonly string[]).includes(raw)) return raw as T
  problems.push(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}; got "${raw}".`)
  return fallback
}

function parseApiUrl(env: Env, name: string, problems: string[]): URL | undefined {
  const raw = read(env, name)
  if (!raw) {
    problems.push(`${name} is not set: the URL the API lives under, such as https://api.example.com/orders.`)
    return undefined
  }
  const url = parseUrl(raw)
  if (!url || url.search || url.hash || url.username || url.password) {
    problems.push(
      `${name} must be an http(s) URL without query, fragment or credentials, such as https://api.example.com/orders; got "${raw}".`,
    )
    return undefined
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    problems.push(`${name} is plain http to ${url.hostname}: the access token would travel in clear. Use https.`)
    return undefined
  }
  return url
}

function parseApi(
  env: Env,
  name: string,
  providerIds: readonly ProviderId[],
  problems: string[],
): ApiConfig | undefined {
  const v = (setting: ApiSetting) => apiVariable(name, setting)
  const url = parseApiUrl(env, v('URL'), problems)
  const resourceRaw = read(env, v('RESOURCE'))
  const scope = read(env, v('SCOPE'))
  if (scope !== undefined && !/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(scope)) {
    problems.push(`${v('SCOPE')} must be scope tokens separated by single spaces (RFC 6749 §3.3); got "${scope}".`)
  }
  const audienceParam = oneOf(env, v('AUDIENCE_PARAM'), AUDIENCE_PARAMS, 'resource', problems)
  const token = oneOf(env, v('TOKEN'), TOKEN_SOURCES, 'refresh', problems)
  const provider = read(env, v('PROVIDER'))
  if (provider !== undefined && !providerIds.includes(provider)) {
    problems.push(
      `${v('PROVIDER')} names "${provider}", which OIDC_PROVIDERS does not list (${providerIds.join(', ')}).`,
    )
  }
  const dpop = read(env, v('DPOP')) === undefined ? true : parseFlag(env, v('DPOP'), problems)
  if (resourceRaw !== undefined && audienceParam === 'resource' && !parseUrl(resourceRaw)) {
    // RFC 8707 §2: an absolute URI without a fragment.
    problems.push(
      `${v('RESOURCE')} must be an absolute URL (RFC 8707), such as https://api.example.com; got "${resourceRaw}". For Auth0-style identifiers set ${v('AUDIENCE_PARAM')}=audience.`,
    )
  }
  if (token === 'login' && (resourceRaw !== undefined || scope !== undefined)) {
    problems.push(
      `${v('TOKEN')}=login sends the sign-in's own access token, which was not minted for ${v('RESOURCE')} or ${v('SCOPE')}: unset them, or use TOKEN=refresh or exchange.`,
    )
  }
  if (!url) return undefined
  return {
    name,
    url,
    resource: resourceRaw ?? url.origin,
    resourceSet: resourceRaw !== undefined,
    scope,
    audienceParam,
    provider,
    token,
    dpop,
    variable: v,
  }
}

/** APIS and each API's settings; every problem is listed. Empty when APIS is unset. */
export function parseApis(env: Env, providerIds: readonly ProviderId[], problems: string[]): readonly ApiConfig[] {
  const raw = read(env, 'APIS')
  if (!raw) return []
  const names = raw.split(',').map((name) => name.trim())
  const apis: ApiConfig[] = []
  const seen = new Set<string>()
  for (const name of names) {
    if (!API_NAME.test(name)) {
      problems.push(
        `APIS lists "${name}", which is not an API name: a lower-case letter, then up to 15 lower-case letters or digits (e.g. "orders", "reports2").`,
      )
      continue
    }
    if (seen.has(name)) {
      problems.push(`APIS lists "${name}" twice.`)
      continue
    }
    seen.add(name)
    const api = parseApi(env, name, providerIds, problems)
    if (api) apis.push(api)
  }
  return apis
}

export function apiByName(apis: readonly ApiConfig[], name: string): ApiConfig | undefined {
  return apis.find((api) => api.name === name)
}

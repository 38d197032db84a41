/**
 * The authorization request options /auth/login passes on to the provider
 * (OpenID Connect Core §3.1.2.1). Only these, only in well-formed shapes:
 * anything else in the query is dropped, never forwarded.
 */

export interface AuthorizationOptions {
  /** `login` forces a fresh sign-in, `consent` asks again, `select_account` lets the user pick. */
  readonly prompt?: 'login' | 'consent' | 'select_account'
  /** Seconds: the provider must have authenticated the user this recently; `auth_time` is then checked. */
  readonly maxAge?: number
  /** Requested authentication context classes; the returned `acr` must be one of them. */
  readonly acrValues?: string
  readonly uiLocales?: string
  readonly loginHint?: string
  /** A claims request (§5.5), as compact JSON. */
  readonly claims?: string
}

const PROMPTS = new Set(['login', 'consent', 'select_account'])
const MAX_CLAIMS_REQUEST = 2048
const CONTROL = /[\u0000-\u001f\u007f]/

function spaceSeparated(value: string | null, token: RegExp, maxLength: number): string | undefined {
  if (!value || value.length > maxLength) return undefined
  const tokens = value.trim().split(/\s+/)
  return tokens.every((t) => token.test(t)) ? tokens.join(' ') : undefined
}

function claimsRequest(value: string | null): string | undefined {
  if (!value || value.length > MAX_CLAIMS_REQUEST) return undefined
  try {
    const parsed: unknown = JSON.parse(value)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
    const keys = Object.keys(parsed)
    return keys.length > 0 && keys.every((k) => k === 'userinfo' || k === 'id_token')
      ? JSON.stringify(parsed)
      : undefined
  } catch {
    return undefined
  }
}

/** Picks the allowed options out of /auth/login's query. Invalid values are dropped, not passed on. */
export function authorizationOptions(query: URLSearchParams): AuthorizationOptions {
  const prompt = query.get('prompt')
  const maxAge = query.get('max_age')
  const loginHint = query.get('login_hint')
  const options: Record<string, string | number> = {}
  if (prompt && PROMPTS.has(prompt)) options.prompt = prompt
  if (maxAge && /^\d{1,8}$/.test(maxAge)) options.maxAge = Number(maxAge)
  const acrValues = spaceSeparated(query.get('acr_values'), /^[\x21-\x7e]{1,128}$/, 512)
  if (acrValues) options.acrValues = acrValues
  const uiLocales = spaceSeparated(query.get('ui_locales'), /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/, 128)
  if (uiLocales) options.uiLocales = uiLocales
  if (loginHint && loginHint.length <= 256 && !CONTROL.test(loginHint)) options.loginHint = loginHint
  const claims = claimsRequest(query.get('claims'))
  if (claims) options.claims = claims
  return options
}

/** The options as authorization request parameters. */
export function authorizationParameters(options: AuthorizationOptions): [string, string][] {
  const params: [string, string][] = []
  if (options.prompt) params.push(['prompt', options.prompt])
  if (options.maxAge !== undefined) params.push(['max_age', String(options.maxAge)])
  if (options.acrValues) params.push(['acr_values', options.acrValues])
  if (options.uiLocales) params.push(['ui_locales', options.uiLocales])
  if (options.loginHint) params.push(['login_hint', options.loginHint])
  if (options.claims) params.push(['claims', options.claims])
  return params
}

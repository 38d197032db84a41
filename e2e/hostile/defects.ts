/**
 * What the misbehaving provider can be told to do wrong, one thing per login.
 * Shared by the provider process and the tests that drive it.
 */

/** ID tokens the app must refuse (OpenID Connect Core §3.1.3.7, RP certification Basic profile). */
export const REFUSED_ID_TOKENS = [
  'bad-signature',
  'alg-none',
  'alg-unadvertised',
  'alg-hs256-key-confusion',
  'wrong-iss',
  'wrong-aud',
  'multi-aud-no-azp',
  'multi-aud-wrong-azp',
  'expired',
  'iat-missing',
  'iat-future',
  'sub-missing',
  'nonce-wrong',
  'nonce-missing',
  'no-kid-several-keys',
] as const

/** ID tokens the app must accept. */
export const ACCEPTED_ID_TOKENS = [
  'none',
  'rotated-key',
  'no-kid-single-key',
  'clock-ahead-within-tolerance',
  'clock-behind-within-tolerance',
] as const

/** Authorization responses the app must refuse. */
export const REFUSED_AUTH_RESPONSES = ['no-state', 'wrong-state', 'wrong-iss-param', 'missing-iss-param'] as const

/** Endpoints that can fail, and how. `down` resets the connection; `hang` never answers; `403` is a bare 403 with no body. */
export const FAULTY_ENDPOINTS = ['token', 'userinfo', 'jwks'] as const
export const FAULTS = ['down', '500', 'malformed', 'hang', '403'] as const

export type FaultyEndpoint = (typeof FAULTY_ENDPOINTS)[number]
export type Fault = (typeof FAULTS)[number]

export type Defect =
  | (typeof REFUSED_ID_TOKENS)[number]
  | (typeof ACCEPTED_ID_TOKENS)[number]
  | (typeof REFUSED_AUTH_RESPONSES)[number]
  | 'provider-error'
  | 'userinfo-sub-mismatch'
  /** `auth_time` an hour ago: refused when the login asked for max_age, and a reason for step-up. */
  | 'old-auth-time'
  /** `auth_time` an hour ago in the ID token, but a fresh `auth_time` in userinfo (which must not count). */
  | 'old-auth-time-fresh-userinfo'
  /** `acr` of a weaker method than any the login asked for. */
  | 'acr-weak'
  /** The key set answers 401, as Oracle IDCS does until its signing certificate is opened to clients. */
  | 'jwks-401'
  /** Entra ID shape: a `tid` claim naming another tenant than the token's `iss`. */
  | 'tid-mismatch'
  /** Mix-up: the browser goes back to the honest provider's callback with this login's state and a code. */
  | 'mix-up-callback'
  /** Mix-up: back to our own callback, but with `iss` naming the honest provider. */
  | 'mix-up-iss'
  | `${FaultyEndpoint}-${Fault}`

/** How the flaky tenant's discovery behaves right now. */
export type DiscoveryMode = 'ok' | Fault

/**
 * How the provider answers this login's refresh-token grants:
 * `rotate` (the default) a new refresh token each time, each usable once;
 * `keep` no new refresh token (a provider that does not rotate them);
 * `invalid-grant` a 400 `invalid_grant`: the grant is over;
 * `invalid-request` a 400 `invalid_request`, as a misconfigured proxy in front of the provider answers;
 * `empty-400` a bare 400 with an empty body;
 * `429` and `503` a passing refusal, worth retrying.
 */
export type RefreshBehaviour = 'rotate' | 'keep' | 'invalid-grant' | 'invalid-request' | 'empty-400' | '429' | '503'

/** What this login's tokens meet elsewhere: revocation that never answers; an API whose answer never ends. */
export interface LoginQuirks {
  refresh?: RefreshBehaviour
  revocationHangs?: boolean
  apiEndless?: boolean
}

/** What the provider saw of one login, for tests to assert on. */
export interface LoginRecord {
  defect: Defect
  authorize?: Record<string, string>
  token: {
    clientAuth: 'client_secret_basic' | 'client_secret_post' | 'none' | 'invalid'
    pkceValid: boolean
    params: Record<string, string>
    headers: Record<string, string>
    outcome: 'issued' | 'invalid_grant' | 'invalid_client' | 'fault'
  }[]
  userinfo: { authorization: string | undefined }[]
  /** Refresh-token grants this login's tokens went through. */
  refreshes: number
  /** Revocation requests for this login's tokens, by token_type_hint, in order of arrival. */
  revocations?: string[]
  /** Calls the protected API received, and what it answered. */
  api: number[]
}

/**
 * Back-channel logout tokens the app must refuse (Back-Channel Logout 1.0 §2.4-2.6),
 * each sent by the provider to the app's /auth/backchannel-logout for one login.
 */
export const REFUSED_LOGOUT_TOKENS = [
  'bad-signature',
  'alg-none',
  'alg-hs256-key-confusion',
  'wrong-iss',
  'wrong-aud',
  'no-events',
  'wrong-event',
  'nonce',
  'no-sid-no-sub',
  'iat-far-past',
  'iat-future',
  'typ-id-token',
  'no-jti',
] as const

/** Logout tokens the app must accept: with `sid` (the provider session), or with only `sub` (every session of the user). */
export const ACCEPTED_LOGOUT_TOKENS = ['none', 'sub-only'] as const

export type LogoutTokenDefect = (typeof REFUSED_LOGOUT_TOKENS)[number] | (typeof ACCEPTED_LOGOUT_TOKENS)[number]

/** What the app answered the provider's back-channel logout. */
export interface BackchannelResult {
  readonly status: number
  readonly body: unknown
  readonly cacheControl: string | null
}

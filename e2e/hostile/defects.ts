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
export const ACCEPTED_ID_TOKENS = ['none', 'rotated-key', 'no-kid-single-key', 'clock-ahead-within-tolerance', 'clock-behind-within-tolerance'] as const

/** Authorization responses the app must refuse. */
export const REFUSED_AUTH_RESPONSES = ['no-state', 'wrong-state', 'wrong-iss-param', 'missing-iss-param'] as const

/** Endpoints that can fail, and how. `down` resets the connection; `hang` never answers. */
export const FAULTY_ENDPOINTS = ['token', 'userinfo', 'jwks'] as const
export const FAULTS = ['down', '500', 'malformed', 'hang'] as const

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
  /** `acr` of a weaker method than any the login asked for. */
  | 'acr-weak'
  /** The key set answers 401, as Oracle IDCS does until its signing certificate is opened to clients. */
  | 'jwks-401'
  /** Entra ID shape: a `tid` claim naming another tenant than the token's `iss`. */
  | 'tid-mismatch'
  | `${FaultyEndpoint}-${Fault}`

/** How the flaky tenant's discovery behaves right now. */
export type DiscoveryMode = 'ok' | Fault

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
  /** Calls the protected API received, and what it answered. */
  api: number[]
}

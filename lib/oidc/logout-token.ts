/**
 * Validating a back-channel logout token (OpenID Connect Back-Channel Logout
 * 1.0 §2.4-2.6). The provider POSTs it to /auth/backchannel-logout when the
 * user's session there ends; a valid one ends our sessions of that provider
 * session (`sid`), or, without `sid`, every session of that user (`sub`).
 *
 * Every check below is one a forged or misused token would otherwise pass.
 * Signature verification is jose's (panva/jose); which keys and algorithms it
 * may use, and every claim rule, are decided here.
 */
import { nowSeconds } from '../clock'
import * as jose from 'jose'
import { quoted } from '../log/text'
import type { Claim } from '../jwt'

/** §2.4: the member of `events` that makes a JWT a logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'
/**
 * How old a logout token may be (from its `iat`). The spec leaves it to us;
 * OWASP ASVS 5.0 §10.5.5 asks for minutes. The provider sends it as the
 * session ends, so anything older is a replay or a very late retry.
 */
export const MAX_LOGOUT_TOKEN_AGE = 5 * 60
/** `jti`s are remembered this long past the token's issue: longer than any token is accepted. */
export const JTI_MEMORY = MAX_LOGOUT_TOKEN_AGE + 2 * 60
/**
 * §2.4 (2022 text) recommends `typ: logout+jwt`; older providers send none or a
 * generic `JWT`. Any other type names another kind of token (an ID token, an
 * access token…) and is refused (§4.1, cross-JWT confusion).
 */
const ACCEPTED_TYPES = new Set(['logout+jwt', 'application/logout+jwt', 'jwt', 'application/jwt'])

export interface LogoutTokenRules {
  /** Tells whether `iss` is our provider's (a function for Entra ID's `{tenantid}` template). */
  readonly issuer: (iss: unknown, claims: jose.JWTPayload) => boolean
  readonly clientId: string
  /** The provider's advertised ID token algorithms: logout tokens are signed the same way (§2.4). */
  readonly algorithms: readonly string[]
  /** The provider's keys. */
  readonly keys: jose.JWTVerifyGetKey
  /** Seconds of clock difference tolerated. */
  readonly clockTolerance: number
  /** Epoch seconds; now unless a test says otherwise. */
  readonly now?: number
}

/** The claims that decide what ends. At least one of `sid` and `sub` is present. */
export interface LogoutClaims {
  readonly jti: string
  readonly iat: number
  readonly sub: string | undefined
  readonly sid: string | undefined
}

/** A logout token we refuse; the message says why (it is sent back to the provider as `error_description`). */
export class LogoutTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LogoutTokenError'
  }
}

function isObject(value: unknown): value is Record<string, Claim> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function optionalString(claims: jose.JWTPayload, name: 'sub' | 'sid'): string | undefined {
  const value = claims[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.length === 0 || value.length > 255)
    throw new LogoutTokenError(`The logout token's "${name}" is not a usable string.`)
  return value
}

/** The header, checked before any key is looked up: what kind of token, signed how. */
function checkHeader(token: string, rules: LogoutTokenRules): void {
  let header: jose.ProtectedHeaderParameters
  try {
    header = jose.decodeProtectedHeader(token)
  } catch (error) {
    throw new LogoutTokenError('The logout token is not a JWT.', { cause: error })
  }
  if (token.split('.').length !== 3)
    throw new LogoutTokenError('The logout token is encrypted or malformed; only signed logout tokens are accepted.')
  if (header.typ !== undefined && !ACCEPTED_TYPES.has(String(header.typ).toLowerCase())) {
    throw new LogoutTokenError(`The token's type ${quoted(header.typ)} is not a logout token's.`)
  }
  // §2.4: signed like ID tokens; never `none`, never a shared-secret HMAC, only what the provider advertises.
  const alg = String(header.alg)
  if (alg === 'none' || alg.startsWith('HS') || !rules.algorithms.includes(alg)) {
    throw new LogoutTokenError(
      `The logout token is signed with ${quoted(alg)}, which this provider does not use for its tokens.`,
    )
  }
}

/** §2.6 step 3 and §2.4: the claims every logout token must (and must not) carry. */
function checkClaims(claims: jose.JWTPayload, rules: LogoutTokenRules, now: number): LogoutClaims {
  if (!rules.issuer(claims.iss, claims))
    throw new LogoutTokenError(`The logout token's issuer ${quoted(claims.iss)} is not this app's provider.`)
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (!audiences.includes(rules.clientId))
    throw new LogoutTokenError('The logout token is not addressed to this app (aud).')
  if (typeof claims.iat !== 'number') throw new LogoutTokenError('The logout token has no "iat".')
  if (claims.iat > now + rules.clockTolerance)
    throw new LogoutTokenError('The logout token says it was issued in the future.')
  if (claims.iat < now - MAX_LOGOUT_TOKEN_AGE - rules.clockTolerance)
    throw new LogoutTokenError('The logout token is too old.')
  if (typeof claims.jti !== 'string' || claims.jti.length === 0 || claims.jti.length > 255)
    throw new LogoutTokenError('The logout token has no usable "jti".')
  // §2.4: `events` holds the back-channel logout member, and its value is a JSON object.
  const events = (claims as { events?: unknown }).events
  if (!isObject(events) || !isObject(events[BACKCHANNEL_LOGOUT_EVENT])) {
    throw new LogoutTokenError(`The logout token's "events" claim does not hold ${BACKCHANNEL_LOGOUT_EVENT}.`)
  }
  // §2.4: a nonce is what an ID token carries; a logout token must not (so neither passes for the other).
  if ('nonce' in claims) throw new LogoutTokenError('The logout token carries a "nonce", as only ID tokens do.')
  const sub = optionalString(claims, 'sub')
  const sid = optionalString(claims, 'sid')
  if (sub === undefined && sid === undefined)
    throw new LogoutTokenError('The logout token names neither a session ("sid") nor a user ("sub").')
  return { jti: claims.jti, iat: claims.iat, sub, sid }
}

/** Validates a logout token; throws LogoutTokenError (or jose's key-set errors, for the caller to retry) otherwise. */
export async function validateLogoutToken(token: string, rules: LogoutTokenRules): Promise<LogoutClaims> {
  checkHeader(token, rules)
  const now = rules.now ?? nowSeconds()
  let payload: jose.JWTPayload
  try {
    // The signature against the provider's keys; jose also checks `exp` and `nbf` where present.
    ;({ payload } = await jose.jwtVerify(token, rules.keys, {
      algorithms: [...rules.algorithms],
      clockTolerance: rules.clockTolerance,
      currentDate: new Date(now * 1000),
    }))
  } catch (error) {
    if (error instanceof jose.errors.JWKSNoMatchingKey) throw error
    if (error instanceof jose.errors.JWTExpired)
      throw new LogoutTokenError('The logout token has expired.', { cause: error })
    if (error instanceof jose.errors.JWTClaimValidationFailed)
      throw new LogoutTokenError(`The logout token's "${error.claim}" is not valid now.`, { cause: error })
    if (error instanceof jose.errors.JWSSignatureVerificationFailed) {
      throw new LogoutTokenError("The logout token's signature does not verify with the provider's keys.", {
        cause: error,
      })
    }
    throw new LogoutTokenError('The logout token could not be verified (malformed, or no usable key).', {
      cause: error,
    })
  }
  return checkClaims(payload, rules, now)
}

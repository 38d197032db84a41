/**
 * The user, as the provider described them: the stored ID token's claims (it
 * was validated at sign-in; nothing here is re-verified) plus what userinfo added.
 */
import { decodeJwt, type Claim } from '../jwt'
import type { Session } from './session'

/** The user as the provider described them: `sub` always, everything else as released. */
export type UserClaims = { readonly sub: string } & Readonly<Record<string, Claim>>

/** Claims that describe the token rather than the user: not shown as the user's. */
const PROTOCOL_CLAIMS = new Set([
  'iss',
  'aud',
  'exp',
  'iat',
  'nbf',
  'nonce',
  'at_hash',
  'c_hash',
  's_hash',
  'azp',
  'jti',
  'sid',
])

/** A request's session is one object, shown by the header, the page and more: its user is read once. */
const users = new WeakMap<Session, UserClaims>()

/** The user: the ID token's claims about them, plus what userinfo added. */
export function sessionUser(session: Session): UserClaims {
  const known = users.get(session)
  if (known) return known
  const claims: Record<string, Claim> = {}
  for (const [name, value] of Object.entries(decodeJwt(session.idToken).claims)) {
    if (!PROTOCOL_CLAIMS.has(name)) claims[name] = value
  }
  const user = Object.freeze({ ...claims, ...session.claims }) as UserClaims
  users.set(session, user)
  return user
}

/**
 * How and when the user last authenticated, from the validated ID token alone
 * (OIDC Core §2: `auth_time`, `acr`): userinfo may carry claims of the same
 * name, but it is not where a provider vouches for an authentication, so a
 * step-up decision never reads the merged claims.
 */
export function authentication(session: Session): { authTime?: number; acr?: string } {
  const { auth_time: authTime, acr } = decodeJwt(session.idToken).claims
  return { ...(typeof authTime === 'number' ? { authTime } : {}), ...(typeof acr === 'string' ? { acr } : {}) }
}

export function stringClaim(user: UserClaims, name: string): string | undefined {
  const value = user[name]
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

/** The best name we have: `name`, then given + family, then preferred_username, email, sub. */
export function displayName(user: UserClaims): string {
  const given = stringClaim(user, 'given_name')
  const family = stringClaim(user, 'family_name')
  return (
    stringClaim(user, 'name') ??
    (given || family ? [given, family].filter(Boolean).join(' ') : undefined) ??
    stringClaim(user, 'preferred_username') ??
    stringClaim(user, 'email') ??
    user.sub
  )
}

/** Reading the claims a provider released, for display. */
import type { UserClaims } from './session'

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

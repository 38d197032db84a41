/**
 * The `state` of an RP-initiated logout (RP-Initiated Logout 1.0 §2, §3): some
 * providers send the browser back to `post_logout_redirect_uri` only when the
 * request carries one, and it is how the home page tells "back from signing
 * out at the provider" from anyone opening `/?state=…`. A random value goes to
 * the provider and into a short-lived cookie; the home page compares them. A
 * return without it, or with another, is ignored: no claim is made.
 *
 * The cookie (`logoutState` in lib/cookies/policy.ts) holds no secret of the
 * session, only this nonce. Edge-safe.
 */
import { randomId } from '../base64url'

/** 128 random bits, base64url. */
export function newLogoutState(): string {
  return randomId()
}

/** True when the provider brought back the state this browser sent it. */
export function isOurLogoutReturn(returned: string | undefined, expected: string | undefined): boolean {
  return (
    typeof returned === 'string' &&
    typeof expected === 'string' &&
    /^[\w-]{22}$/.test(expected) &&
    returned === expected
  )
}

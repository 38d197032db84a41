/** A session as sign-in makes one, for tests: a new id, an unsigned ID token for `sub`, its clock started at `now`. */
import { nowSeconds } from '../clock'
import { newSessionId, type Session } from '../session/session'
import { unsignedJwt } from './tokens'

export function testSession(
  options: { sub?: string; idToken?: string; now?: number; lifetime?: number } = {},
): Session {
  const now = options.now ?? nowSeconds()
  return {
    provider: 'default',
    id: newSessionId(),
    idToken: options.idToken ?? unsignedJwt({ sub: options.sub ?? `user-${newSessionId()}` }),
    claims: {},
    createdAt: now,
    expiresAt: now + (options.lifetime ?? 3600),
    lastSeenAt: now,
  }
}

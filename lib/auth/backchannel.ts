/**
 * What a valid back-channel logout token does here: end every session of its
 * provider session (`sid`), or without `sid` every session of its user
 * (`sub`), once per token (OIDC Back-Channel Logout 1.0 §2.6-2.7).
 */
import 'server-only'
import type { LogoutClaims } from '../oidc/logout-token'
import { JTI_MEMORY } from '../oidc/logout-token'
import type { SessionStore } from '../session/store'

/**
 * `replay`: this token was used before, and a replay (which could end sessions
 * begun since) ends nothing. The `jti` is recorded only once the sessions are
 * ended: when ending fails (the store throws, the route answers 503), the
 * provider's retry of the same token must still be accepted.
 */
export async function endByLogoutToken(store: SessionStore, claims: LogoutClaims): Promise<'ended' | 'replay'> {
  if (await store.isUsed(claims.jti)) return 'replay'
  if (claims.sid !== undefined) await store.endProviderSession(claims.sid)
  else await store.endUserSessions(claims.sub!)
  await store.recordUse(claims.jti, JTI_MEMORY)
  return 'ended'
}

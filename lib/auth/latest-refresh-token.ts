/**
 * Each session's latest refresh token, noted in the session store whenever a
 * spend rotates it (lib/auth/refresh.ts). Two requests that each spend a
 * refresh token (a page calling two APIs at once) set two cookies, and the
 * browser keeps whichever answer arrives last, perhaps the older one; its next
 * spend would then present a refresh token already used, and a provider that
 * rotates them takes that as theft and ends the grant. Every spend therefore
 * starts from the latest token noted for the session (by its id, sealed, kept
 * until the session ends), not from the one the cookie happens to hold.
 */
import 'server-only'
import { getConfig } from '../config'
import type { TokenSet } from '../oidc/token-set'
import { open, seal } from '../seal'
import { type Session } from '../session/session'
import { nowSeconds } from '../clock'
import { isStoreUnavailable, type SessionStore } from '../session/store'
import { log } from '../log/log'

/**
 * A session's latest rotation as the store keeps it (sealed, for the session's
 * life): the refresh token spent (`from`), the one it rotated to (`to`), and
 * when (epoch milliseconds).
 */
type Latest = { readonly from: string; readonly to: string; readonly at: number }

function isLatest(value: unknown): value is Latest {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.from === 'string' && typeof v.to === 'string' && typeof v.at === 'number'
}

/**
 * While the answer of a spend is still handed to every request that presents
 * the token it spent (lib/auth/refresh.ts's REUSE_MS, with a second to spare),
 * such a request takes that answer: the same tokens as everyone else, and no
 * second spend.
 */
const JOIN_MS = 4_000

/**
 * The session with the latest refresh token the store noted for it, where its
 * cookie holds an older one, unless the spend of the one it holds just
 * happened (its answer is still shared: that is the one to take).
 */
export async function withLatestRefreshToken(session: Session, store: SessionStore): Promise<Session> {
  let sealed: string | undefined
  try {
    sealed = await store.latestRefreshToken(session.id)
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error
    return session // the spend itself reports the outage
  }
  if (!sealed) return session
  const { secrets } = getConfig().session
  const latest = (await open(sealed, secrets, Math.max(1, session.expiresAt - nowSeconds()), isLatest, 16 * 1024))?.data
  if (!latest || latest.to === session.refreshToken) return session
  if (latest.from === session.refreshToken && Date.now() - latest.at < JOIN_MS) return session
  return { ...session, refreshToken: latest.to }
}

/** Notes a rotated refresh token; a failure is logged: the cookie still carries it, and the race it guards against is rare. */
export async function noteRotation(session: Session, tokens: TokenSet, store: SessionStore): Promise<void> {
  if (!tokens.refreshToken || tokens.refreshToken === session.refreshToken) return
  try {
    const { secrets } = getConfig().session
    const ttl = Math.max(1, session.expiresAt - nowSeconds())
    const latest: Latest = { from: session.refreshToken!, to: tokens.refreshToken, at: Date.now() }
    await store.noteRefreshToken(session.id, await seal(latest, secrets, ttl), session.expiresAt)
  } catch (error) {
    log.warn(
      'store.note_failed',
      `a rotated refresh token could not be noted: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
}

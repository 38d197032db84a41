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
import { nowSeconds, type Session } from '../session/session'
import { isStoreUnavailable, type SessionStore } from '../session/store'

/** A session's latest refresh token as the store keeps it: sealed, for the session's life. */
type Latest = { readonly refreshToken: string }

function isLatest(value: unknown): value is Latest {
  return typeof value === 'object' && value !== null && typeof (value as { refreshToken?: unknown }).refreshToken === 'string'
}

/** The session with the latest refresh token the store noted for it, where that is not the one its cookie holds. */
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
  return latest && latest.refreshToken !== session.refreshToken ? { ...session, refreshToken: latest.refreshToken } : session
}

/** Notes a rotated refresh token; a failure is logged: the cookie still carries it, and the race it guards against is rare. */
export async function noteRotation(session: Session, tokens: TokenSet, store: SessionStore): Promise<void> {
  if (!tokens.refreshToken || tokens.refreshToken === session.refreshToken) return
  try {
    const { secrets } = getConfig().session
    const ttl = Math.max(1, session.expiresAt - nowSeconds())
    await store.noteRefreshToken(session.id, await seal({ refreshToken: tokens.refreshToken } satisfies Latest, secrets, ttl), session.expiresAt)
  } catch (error) {
    console.warn(`[store] a rotated refresh token could not be noted: ${error instanceof Error ? error.message : String(error)}`)
  }
}

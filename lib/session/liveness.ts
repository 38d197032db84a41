/**
 * Whether a session is still live: the session store's answer for the session
 * a cookie opened to. Ended elsewhere (signed out, back-channel logout, sign
 * out everywhere): signed out, its cookie to be dropped. The store out of
 * reach: unverifiable, never a guess either way.
 */
import 'server-only'
import { getConfig, type SessionConfig } from '../config'
import { log } from '../log/log'
import { sessionRef } from './ref'
import type { OpenedSession } from './sealed'
import { touchDue } from './session'
import type { SessionState } from './state'
import { getSessionStore, isStoreUnavailable, type SessionStore } from './store'

/** Outages are logged when they start, not once per request. */
let lastOutageLog = 0

/** Asks the store whether the session a cookie opened to (or not: `hadCookie` says whether there was one to drop) is still live. */
export async function checkOpened(
  opened: OpenedSession | null,
  hadCookie: boolean,
  userAgent: string | null,
  config: SessionConfig = getConfig().session,
  store: SessionStore = getSessionStore(),
): Promise<SessionState> {
  if (!opened) return { status: 'signed-out', clearCookie: hadCookie }
  try {
    const live = await store.isLive(sessionRef(opened.session), userAgent)
    if (!live) return { status: 'signed-out', clearCookie: true }
    return { status: 'active', session: opened.session, resealDue: opened.stale || touchDue(opened.session, config) }
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error
    if (Date.now() - lastOutageLog > 10_000) {
      lastOutageLog = Date.now()
      log.warn('store.unavailable', `sessions cannot be checked: ${error.message}`)
    }
    return { status: 'unverifiable' }
  }
}

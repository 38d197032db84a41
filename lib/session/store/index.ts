/**
 * The session store of this process: Redis where REDIS_URL is set, otherwise
 * the in-process store. See lib/session/store/store.ts for what it holds.
 */
import 'server-only'
import { getConfig, redact } from '../../config'
import { MemorySessionStore } from './memory'
import { RedisSessionStore } from './redis'
import type { SessionStore } from './store'

export { isStoreUnavailable, StoreUnavailableError, type SessionStore, type StoredSession } from './store'

let store: SessionStore | undefined

export function getSessionStore(): SessionStore {
  if (store) return store
  const { store: where, session, oidc } = getConfig()
  // Apps that share one Redis keep apart by their client id.
  store = where.kind === 'redis' ? new RedisSessionStore(where.url, `oidc:${oidc.clientId}:`) : new MemorySessionStore(session.absoluteTimeout)
  return store
}

/** The start-up line: which store, and what that means. */
export function describeStore(): string {
  const { store: where } = getConfig()
  return where.kind === 'redis'
    ? `Redis at ${redact(where.url.href)}, shared by every instance`
    : 'in this process (sessions ended here are remembered here only; set REDIS_URL when several instances serve the app)'
}

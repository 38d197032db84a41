/**
 * The session store of this process: Redis where one is configured, otherwise
 * the embedded store (a SQLite file on this machine). See
 * lib/session/store/store.ts for what it holds.
 */
import 'server-only'
import { DEFAULT_PROVIDER, getConfig, providerById } from '../../config'
import { EmbeddedSessionStore } from './embedded'
import { storeNames } from './names'
import { RedisSessionStore } from './redis'
import { describeRedis } from './redis-connection'
import type { SessionStore } from './store'
import { telemetryOn, tracedMethods } from '../../telemetry/trace'

export { isStoreUnavailable, StoreUnavailableError, type SessionStore, type StoredSession } from './store'

let store: EmbeddedSessionStore | RedisSessionStore | undefined

function openStore(): EmbeddedSessionStore | RedisSessionStore {
  if (store) return store
  const { store: where, session, providers } = getConfig()
  const names = storeNames(session.secrets)
  // Apps that share one Redis keep apart by their client id: the default provider's, as before several, or else the first's.
  const { clientId } = providerById(providers, DEFAULT_PROVIDER) ?? providers.list[0]
  store =
    where.kind === 'redis'
      ? new RedisSessionStore(where, `oidc:${clientId}:`, names)
      : new EmbeddedSessionStore(session.absoluteTimeout, where.path, names)
  return store
}

let traced: SessionStore | undefined

/** The store, each call a span `session_store.<call>` where OpenTelemetry is on. */
export function getSessionStore(): SessionStore {
  const opened = openStore()
  if (!telemetryOn()) return opened
  return (traced ??= tracedMethods<SessionStore>(opened, 'session_store', { 'session_store.kind': opened.kind }))
}

/**
 * The start-up lines: which store, and what that means. A warning where
 * sign-out would not hold: an embedded store that cannot keep a file (read-only
 * or ephemeral file system, Vercel), or that several hosts cannot share.
 */
export function describeStore(): { readonly info: string; readonly warning?: string } {
  const { store: where } = getConfig()
  const opened = openStore()
  if (where.kind === 'redis' || opened.kind === 'redis')
    return {
      info: `${where.kind === 'redis' ? describeRedis(where) : 'Redis'}, shared by every instance`,
    }
  const { place } = opened
  if (place.file !== undefined) {
    return {
      info: `in ${place.file} on this machine (instances on other machines do not see it; set REDIS_URL when several hosts serve the app)`,
    }
  }
  return {
    info: 'in this process only',
    warning:
      `sessions ended here are forgotten when this process ends: ${place.reason}. ` +
      (process.env.VERCEL ? 'Every function instance is a process of its own. ' : '') +
      'Set REDIS_URL (e.g. a Redis from the Vercel Marketplace) for sign-out to hold across instances and restarts, ' +
      'or SESSION_STORE_PATH to a writable, lasting file.',
  }
}

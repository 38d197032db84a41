/**
 * The in-process store: the default, with nothing to set up.
 *
 * Cookie sessions stand on their own, as without any store; this process
 * remembers the sessions that ended in it (signing out, back-channel logout,
 * "sign out everywhere") until they would have expired anyway. It is a list of
 * ended sessions, not of live ones, so it is exact on one instance and never
 * signs out a valid user on several (each instance only knows what ended in
 * it): deployments with several instances set REDIS_URL.
 *
 * What ended is remembered three ways, so that it holds for sessions this
 * process never saw (begun before a restart) as well as for those it did:
 * - by session id (signing out);
 * - by provider session (`sid`, back-channel logout);
 * - by user: sessions of this `sub` created before a moment, but one
 *   (back-channel logout with only `sub`, "sign out everywhere"). Seen sessions
 *   of the user are also ended by id, so one created in that same second is too.
 *
 * The state lives on globalThis: Next gives route handlers and instrumentation
 * their own copies of this module, and all of them must see the same ends.
 */
import { nowSeconds } from '../session'
import type { SessionRef } from '../ref'
import { describeUserAgent } from './user-agent'
import type { Sealer, SessionStore, StoredSession } from './store'

interface Seen extends StoredSession {
  readonly sub: string
  readonly sid: string | undefined
  readonly expiresAt: number
}

interface UserEnd {
  /** Sessions created before this (epoch seconds) are over… */
  readonly before: number
  /** …except this one ("sign out the others"). */
  readonly except: string | undefined
  /** Forgotten after this: no session created before `before` lives longer. */
  readonly until: number
}

interface MemoryState {
  /** Session id → when it would have expired anyway. */
  readonly ended: Map<string, number>
  /** Provider session id → until when sessions naming it may still turn up. */
  readonly endedProviderSessions: Map<string, number>
  readonly endedUsers: Map<string, UserEnd[]>
  /** Sessions this process began or was shown, for the sessions list. */
  readonly seen: Map<string, Seen>
  /** Logout token ids → until when a replay is refused. */
  readonly usedJtis: Map<string, number>
}

/**
 * Bounds, so a flood of sign-ins cannot grow the process without end. Ended
 * entries are dropped only once expired, unless a map overflows; then the
 * oldest go first and the log says so (a single instance would need hundreds of
 * thousands of sign-outs within one session lifetime to get there).
 */
const MAX_ENTRIES = 200_000
/** Seen sessions are only for the list: the most recently seen 20,000 are plenty. */
const MAX_SEEN = 20_000
/** "Sign out everywhere" several times over keeps only the latest few rules per user. */
const MAX_USER_ENDS = 8

const STATE = Symbol.for('nextjs-oidc-login.memory-store')
const shared = globalThis as { [STATE]?: MemoryState }

function state(): MemoryState {
  return (shared[STATE] ??= {
    ended: new Map(),
    endedProviderSessions: new Map(),
    endedUsers: new Map(),
    seen: new Map(),
    usedJtis: new Map(),
  })
}

/** Deletes expired entries; if the map is still too big, the oldest inserted. */
function prune<V>(map: Map<string, V>, expiry: (value: V) => number, max: number, what: string): void {
  if (map.size <= max) return
  const now = nowSeconds()
  for (const [key, value] of map) if (expiry(value) <= now) map.delete(key)
  let dropped = 0
  for (const key of map.keys()) {
    if (map.size <= max) break
    map.delete(key)
    dropped++
  }
  if (dropped > 0) console.warn(`[store] the in-process store forgot ${dropped} ${what} to stay under ${max}; set REDIS_URL for a store that does not`)
}

export class MemorySessionStore implements SessionStore {
  readonly kind = 'memory' as const
  private readonly state = state()
  /** How long a session created before an "end all" could still turn up. */
  private readonly absoluteTimeout: number

  constructor(absoluteTimeout: number) {
    this.absoluteTimeout = absoluteTimeout
  }

  async begin(ref: SessionRef, device: string): Promise<void> {
    this.remember(ref, device, nowSeconds())
  }

  async isLive(ref: SessionRef, userAgent: string | null): Promise<boolean> {
    const { ended, endedProviderSessions, endedUsers, seen } = this.state
    if (ended.has(ref.id)) return false
    if (ref.sid !== undefined && endedProviderSessions.has(ref.sid)) return false
    const ends = endedUsers.get(ref.sub)
    if (ends?.some((end) => ref.createdAt < end.before && ref.id !== end.except)) return false
    const known = seen.get(ref.id)
    this.remember(ref, known?.device ?? describeUserAgent(userAgent), nowSeconds(), known?.createdAt)
    return true
  }

  async end(ref: SessionRef): Promise<void> {
    this.endById(ref.id, ref.expiresAt)
  }

  async endProviderSession(sid: string): Promise<void> {
    for (const session of [...this.state.seen.values()]) if (session.sid === sid) this.endById(session.id, session.expiresAt)
    this.state.endedProviderSessions.set(sid, nowSeconds() + this.absoluteTimeout)
    prune(this.state.endedProviderSessions, (until) => until, MAX_ENTRIES, 'ended provider sessions')
  }

  async endUserSessions(sub: string, except?: string): Promise<void> {
    const now = nowSeconds()
    for (const session of [...this.state.seen.values()]) {
      if (session.sub === sub && session.id !== except) this.endById(session.id, session.expiresAt)
    }
    const ends = (this.state.endedUsers.get(sub) ?? []).filter((end) => end.until > now)
    ends.push({ before: now, except, until: now + this.absoluteTimeout })
    this.state.endedUsers.set(sub, ends.slice(-MAX_USER_ENDS))
    prune(this.state.endedUsers, (list) => Math.max(...list.map((end) => end.until)), MAX_ENTRIES, 'users whose sessions ended')
  }

  async list(sub: string): Promise<StoredSession[]> {
    const now = nowSeconds()
    return [...this.state.seen.values()]
      .filter((session) => session.sub === sub && session.expiresAt > now)
      .map(({ id, createdAt, lastSeenAt, device }) => ({ id, createdAt, lastSeenAt, device }))
      .sort((a, b) => b.lastSeenAt - a.lastSeenAt)
  }

  async firstUse(jti: string, ttl: number): Promise<boolean> {
    const { usedJtis } = this.state
    const now = nowSeconds()
    const until = usedJtis.get(jti)
    if (until !== undefined && until > now) return false
    usedJtis.set(jti, now + ttl)
    prune(usedJtis, (until) => until, MAX_ENTRIES, 'logout token ids')
    return true
  }

  /** One process: lib/auth/refresh.ts already shares the promise, so there is nothing more to coordinate. */
  once<T>(_key: string, produce: () => Promise<T>, _sealer: Sealer<T>): Promise<T> {
    return produce()
  }

  async ping(): Promise<void> {}

  private remember(ref: SessionRef, device: string, lastSeenAt: number, createdAt = ref.createdAt): void {
    const { seen } = this.state
    seen.delete(ref.id)
    seen.set(ref.id, { id: ref.id, sub: ref.sub, sid: ref.sid, createdAt, lastSeenAt, device, expiresAt: ref.expiresAt })
    prune(seen, (session) => session.expiresAt, MAX_SEEN, 'seen sessions (only the sessions list misses them)')
  }

  private endById(id: string, expiresAt: number): void {
    this.state.seen.delete(id)
    this.state.ended.set(id, expiresAt)
    prune(this.state.ended, (until) => until, MAX_ENTRIES, 'ended sessions')
  }
}

/**
 * The Redis store (REDIS_URL): authoritative for every instance of the app.
 *
 * A session is live only while Redis holds its key, written at sign-in with an
 * expiry at the session's absolute end and deleted when it ends. So a Redis that
 * restarts without its data, or evicts a key, signs people out; it never brings
 * back a session that was ended (a list of ended sessions would).
 *
 * Keys, all under `oidc:<client id>:` so that apps sharing one Redis keep apart:
 *   s:<session id>     hash {sub, sid, created, seen, device}, expires at the session's end
 *   u:<sub>            sorted set of the user's session ids, scored by their end
 *   p:<provider sid>   set of the session ids of one provider session
 *   j:<hash of jti>    a logout token already used, until it would have expired
 *   r:<hash>, rr:<hash> the refresh of one refresh token: its lock, and its sealed result
 * Nothing secret is stored in clear: refresh results are sealed with SESSION_SECRET,
 * refresh tokens and jtis are only ever named by their SHA-256.
 */
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { nowSeconds } from '../session'
import type { SessionRef } from '../ref'
import { RedisScript, redisConnection, withDeadline, type RedisConnection } from './redis-connection'
import type { Sealer, SessionStore, StoredSession } from './store'

/**
 * Exists → live; the last-seen time is written at most once per SEEN_INTERVAL.
 * One round trip, and atomic: a session deleted between a read and a write
 * must not be brought back by the write (HSET would create the key anew).
 */
const CHECK = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local seen = tonumber(redis.call('HGET', KEYS[1], 'seen') or '0') or 0
if tonumber(ARGV[1]) - seen >= tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], 'seen', ARGV[1]) end
return 1
`)

/** Seconds: the sessions list shows when a session was last seen to within a minute. */
const SEEN_INTERVAL = 60
/** A refresh can take a discovery, a token request and a key set, 10 s each at worst. */
const REFRESH_LOCK_MS = 35_000
/** How long a finished refresh is handed to requests that still carry the old refresh token. */
const REFRESH_REUSE_MS = 5_000
const REFRESH_POLL_MS = 50
/** The sessions list shows at most this many. */
const MAX_LISTED = 50

function hash(value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}

export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis' as const
  private readonly client: RedisConnection
  private readonly prefix: string

  constructor(url: URL, prefix: string) {
    this.client = redisConnection(url)
    this.prefix = prefix
  }

  private key(...parts: string[]): string {
    return `${this.prefix}${parts.join(':')}`
  }

  private call<T>(run: (client: RedisConnection) => Promise<T>): Promise<T> {
    return withDeadline(this.client, run)
  }

  begin(ref: SessionRef, device: string): Promise<void> {
    const session = this.key('s', ref.id)
    const user = this.key('u', ref.sub)
    return this.call(async (client) => {
      const multi = client
        .multi()
        .hSet(session, { sub: ref.sub, sid: ref.sid ?? '', created: ref.createdAt, seen: ref.createdAt, device })
        .expireAt(session, ref.expiresAt)
        .zAdd(user, { score: ref.expiresAt, value: ref.id })
        .expireAt(user, ref.expiresAt)
      if (ref.sid !== undefined) {
        const provider = this.key('p', ref.sid)
        multi.sAdd(provider, ref.id).expireAt(provider, ref.expiresAt)
      }
      await multi.exec()
    })
  }

  /** Every session was recorded with its browser at sign-in: the User-Agent is not needed here. */
  isLive(ref: SessionRef, _userAgent?: string | null): Promise<boolean> {
    return this.call(async (client) => (await CHECK.run(client, [this.key('s', ref.id)], [String(nowSeconds()), String(SEEN_INTERVAL)])) === 1)
  }

  end(ref: SessionRef): Promise<void> {
    return this.call(async (client) => {
      const multi = client.multi().del(this.key('s', ref.id)).zRem(this.key('u', ref.sub), ref.id)
      if (ref.sid !== undefined) multi.sRem(this.key('p', ref.sid), ref.id)
      await multi.exec()
    })
  }

  endProviderSession(sid: string): Promise<void> {
    const provider = this.key('p', sid)
    return this.call(async (client) => {
      const ids = await client.sMembers(provider)
      // The user index drops these when it is next listed.
      await client
        .multi()
        .del([...ids.map((id) => this.key('s', id)), provider])
        .exec()
    })
  }

  endUserSessions(sub: string, except?: string): Promise<void> {
    const user = this.key('u', sub)
    return this.call(async (client) => {
      const ids = (await client.zRange(user, 0, -1)).filter((id) => id !== except)
      if (ids.length === 0) return
      await client
        .multi()
        .del(ids.map((id) => this.key('s', id)))
        .zRem(user, ids)
        .exec()
    })
  }

  list(sub: string): Promise<StoredSession[]> {
    const user = this.key('u', sub)
    return this.call(async (client) => {
      // Two round trips, each pipelined: the user's index (pruned of expired sessions), then each session's record.
      const [, ids] = await Promise.all([client.zRemRangeByScore(user, '-inf', nowSeconds()), client.zRange(user, -MAX_LISTED, -1)])
      const records = await Promise.all(ids.map((id) => client.hmGet(this.key('s', id), ['created', 'seen', 'device'])))
      const live: StoredSession[] = []
      const gone: string[] = []
      records.forEach(([created, seen, device], i) => {
        const id = ids[i]!
        if (created) live.push({ id, createdAt: Number(created), lastSeenAt: Number(seen ?? created), device: device ?? 'An unknown browser' })
        else gone.push(id)
      })
      // Ended by id elsewhere (signing out removes the index entry too; an expired key does not).
      if (gone.length > 0) await client.zRem(user, gone)
      return live.sort((a, b) => b.lastSeenAt - a.lastSeenAt)
    })
  }

  firstUse(jti: string, ttl: number): Promise<boolean> {
    return this.call(
      async (client) =>
        (await client.set(this.key('j', hash(jti)), '1', { condition: 'NX', expiration: { type: 'EX', value: Math.max(1, Math.ceil(ttl)) } })) === 'OK',
    )
  }

  /**
   * One refresh of one refresh token across every instance: whoever takes the
   * lock refreshes and leaves the sealed result for REFRESH_REUSE_MS before
   * releasing it; everyone else polls for that result. The result is read
   * again after the lock is taken, so an instance that arrives just after
   * another finished uses its result instead of spending the token again.
   */
  async once<T>(key: string, produce: () => Promise<T>, sealer: Sealer<T>): Promise<T> {
    const lock = this.key('r', hash(key))
    const result = this.key('rr', hash(key))
    const deadline = Date.now() + REFRESH_LOCK_MS
    const done = async (): Promise<T | undefined> => {
      const sealed = await this.call((client) => client.get(result))
      return sealed ? sealer.open(sealed) : undefined
    }
    for (let attempt = 0; Date.now() < deadline && attempt < REFRESH_LOCK_MS / REFRESH_POLL_MS; attempt++) {
      const finished = await done()
      if (finished !== undefined) return finished
      const took = await this.call((client) => client.set(lock, '1', { condition: 'NX', expiration: { type: 'PX', value: REFRESH_LOCK_MS } }))
      if (took === 'OK') {
        try {
          const already = await done()
          if (already !== undefined) return already
          const value = await produce()
          const sealed = await sealer.seal(value)
          await this.call((client) => client.set(result, sealed, { expiration: { type: 'PX', value: REFRESH_REUSE_MS } }))
          return value
        } finally {
          await this.call((client) => client.del(lock)).catch(() => {})
        }
      }
      await sleep(REFRESH_POLL_MS)
    }
    throw new Error("Another instance took too long refreshing this session's tokens.")
  }

  async ping(): Promise<void> {
    await this.call((client) => client.ping())
  }
}

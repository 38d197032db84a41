/**
 * The Redis store (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS):
 * authoritative for every instance of the app.
 *
 * A session is live only while Redis holds its key, written at sign-in with an
 * expiry at the session's absolute end and deleted when it ends. So a Redis that
 * restarts without its data, or evicts a key, signs people out; it never brings
 * back a session that was ended (a list of ended sessions would).
 *
 * The keys, all under `oidc:<client id>:` so that apps sharing one Redis keep
 * apart, are tabled in docs/architecture.md ("The Redis keys"): s: a session,
 * u: a user's sessions, p: a provider session's, j: a used logout token, r:/rr:
 * one refresh in flight, t: a session's latest refresh token. Nothing secret is
 * stored in clear: refresh results and tokens are sealed with SESSION_SECRET,
 * refresh tokens and jtis are only ever named by their SHA-256, and users and
 * provider sessions by a keyed hash (./names.ts; the same `sub` at two
 * providers is two users), in key names and values alike, so a dump or MONITOR
 * does not say who is signed in. An index (u:, p:) lives as long as the longest
 * session it lists: its expiry only ever moves later.
 *
 * Indexes written before users were named by a keyed hash (u:<sub>, p:<sid> in
 * clear) are still read and emptied, never written: they expire by themselves
 * within one SESSION_ABSOLUTE_TIMEOUT of the upgrade, and until then "sign out
 * everywhere" and back-channel logout still find the sessions they list.
 */
import { createHash } from 'node:crypto'
import { nowSeconds } from '../../clock'
import type { SessionRef } from '../ref'
import { checkLive, deleteEach, replicated } from './redis-commands'
import {
  redisConnection,
  withDeadline,
  type RedisConnection,
  type RedisLink,
  type RedisTarget,
} from './redis-connection'
import { DEFAULT_PROVIDER, type ProviderId } from '../../config/provider-ids'
import type { StoreNames } from './names'
import { onceAcrossInstances } from './redis-once'
import type { Sealer, SessionStore, StoredSession, UserKey } from './store'

/** The sessions list shows at most this many. */
const MAX_LISTED = 50

function hash(value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}

export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis' as const
  private readonly client: RedisLink
  private readonly prefix: string
  private readonly names: StoreNames

  /** `where`: a URL for one node (as REDIS_URL), or the cluster's seeds. */
  constructor(where: URL | RedisTarget, prefix: string, names: StoreNames) {
    this.client = redisConnection(where instanceof URL ? { topology: 'node', url: where } : where)
    this.prefix = prefix
    this.names = names
  }

  private key(...parts: string[]): string {
    return `${this.prefix}${parts.join(':')}`
  }

  /**
   * Every index key `value` of `provider` may be listed under: the current name, older
   * secrets' names, and for the default provider the clear one of older releases.
   */
  private indexKeys(kind: 'u' | 'p', value: string, provider: ProviderId): string[] {
    const names = this.names.all(value, provider)
    return (provider === DEFAULT_PROVIDER ? [...names, value] : names).map((name) => this.key(kind, name))
  }

  private call<T>(run: (client: RedisConnection) => Promise<T>): Promise<T> {
    return withDeadline(this.client, run)
  }

  begin(ref: SessionRef, device: string): Promise<void> {
    const session = this.key('s', ref.id)
    const sub = this.names.current(ref.sub, ref.provider)
    const sid = ref.sid === undefined ? undefined : this.names.current(ref.sid, ref.provider)
    const user = this.key('u', sub)
    return this.call(async (client) => {
      // The indexes first, then the record: a session whose record exists is always in the indexes that
      // "sign out everywhere" and back-channel logout go by. (One key per transaction: in a cluster each
      // key may live on another node. An index entry whose record never came is dropped when next listed.)
      // An index's expiry never moves earlier (NX: a new index; GT: a later end), or it would
      // expire before a longer session it lists, and "sign out everywhere" would miss that one.
      const indexes = [
        client
          .multi()
          .zAdd(user, { score: ref.expiresAt, value: ref.id })
          .expireAt(user, ref.expiresAt, 'NX')
          .expireAt(user, ref.expiresAt, 'GT')
          .exec(),
      ]
      if (sid !== undefined) {
        const provider = this.key('p', sid)
        indexes.push(
          client
            .multi()
            .sAdd(provider, ref.id)
            .expireAt(provider, ref.expiresAt, 'NX')
            .expireAt(provider, ref.expiresAt, 'GT')
            .exec(),
        )
      }
      await Promise.all(indexes)
      await client
        .multi()
        .hSet(session, { sub, sid: sid ?? '', created: ref.createdAt, seen: ref.createdAt, device })
        .expireAt(session, ref.expiresAt)
        .exec()
      await replicated(client, session)
    })
  }

  /** Every session was recorded with its browser at sign-in: the User-Agent is not needed here. */
  isLive(ref: SessionRef, _userAgent?: string | null): Promise<boolean> {
    return this.call(async (client) => checkLive(client, this.key('s', ref.id)))
  }

  end(ref: SessionRef): Promise<void> {
    return this.call(async (client) => {
      // The record is what makes a session live: it goes first, and the index entries after it.
      const session = this.key('s', ref.id)
      await client.del(session)
      await replicated(client, session)
      const users = this.indexKeys('u', ref.sub, ref.provider).map((user) => client.zRem(user, ref.id))
      const sids =
        ref.sid === undefined
          ? []
          : this.indexKeys('p', ref.sid, ref.provider).map((index) => client.sRem(index, ref.id))
      await Promise.all([...users, ...sids])
    })
  }

  endProviderSession(provider: ProviderId, sid: string): Promise<void> {
    const providers = this.indexKeys('p', sid, provider)
    return this.call(async (client) => {
      const ids = (await Promise.all(providers.map((provider) => client.sMembers(provider)))).flat()
      // The user index drops these when it is next listed. Key by key: in a cluster they live on different nodes.
      await deleteEach(
        client,
        ids.map((id) => this.key('s', id)),
      )
      await deleteEach(client, providers)
    })
  }

  endUserSession(user: UserKey, id: string): Promise<boolean> {
    const users = this.indexKeys('u', user.sub, user.provider)
    return this.call(async (client) => {
      // Theirs only if one of the user's indexes lists it; live only while its key exists.
      const scores = await Promise.all(users.map((user) => client.zScore(user, id)))
      if (scores.every((score) => score === null)) return false
      const session = this.key('s', id)
      const deleted = await client.del(session)
      await replicated(client, session)
      await Promise.all(users.map((user) => client.zRem(user, id)))
      return deleted === 1
    })
  }

  endUserSessions(user: UserKey, except?: string): Promise<void> {
    const users = this.indexKeys('u', user.sub, user.provider)
    return this.call(async (client) => {
      const ids = (await Promise.all(users.map((user) => client.zRange(user, 0, -1))))
        .flat()
        .filter((id) => id !== except)
      if (ids.length === 0) return
      await deleteEach(
        client,
        ids.map((id) => this.key('s', id)),
      )
      await Promise.all(users.map((user) => client.zRem(user, ids)))
    })
  }

  list(user: UserKey): Promise<StoredSession[]> {
    const users = this.indexKeys('u', user.sub, user.provider)
    return this.call(async (client) => {
      // Two round trips, each pipelined: the user's indexes (pruned of expired sessions), then each session's record.
      const now = nowSeconds()
      const listed = await Promise.all(
        users.map(
          async (user) =>
            (await Promise.all([client.zRemRangeByScore(user, '-inf', now), client.zRange(user, -MAX_LISTED, -1)]))[1],
        ),
      )
      const ids = [...new Set(listed.flat())].slice(-MAX_LISTED)
      const records = await Promise.all(ids.map((id) => client.hmGet(this.key('s', id), ['created', 'seen', 'device'])))
      const live: StoredSession[] = []
      const gone: string[] = []
      records.forEach(([created, seen, device], i) => {
        const id = ids[i]!
        if (created)
          live.push({
            id,
            createdAt: Number(created),
            lastSeenAt: Number(seen ?? created),
            device: device ?? 'An unknown browser',
          })
        else gone.push(id)
      })
      // Ended by id elsewhere (signing out removes the index entry too; an expired key does not).
      if (gone.length > 0) await Promise.all(users.map((user) => client.zRem(user, gone)))
      return live.sort((a, b) => b.lastSeenAt - a.lastSeenAt)
    })
  }

  isUsed(jti: string): Promise<boolean> {
    return this.call(async (client) => (await client.exists(this.key('j', hash(jti)))) === 1)
  }

  async latestRefreshToken(id: string): Promise<string | undefined> {
    return (await this.call((client) => client.get(this.key('t', id)))) ?? undefined
  }

  async noteRefreshToken(id: string, sealed: string, until: number): Promise<void> {
    await this.call((client) =>
      client.set(this.key('t', id), sealed, { expiration: { type: 'EXAT', value: Math.max(until, nowSeconds() + 1) } }),
    )
  }

  recordUse(jti: string, ttl: number): Promise<void> {
    return this.call(async (client) => {
      await client.set(this.key('j', hash(jti)), '1', {
        expiration: { type: 'EX', value: Math.max(1, Math.ceil(ttl)) },
      })
    })
  }

  /** One spend of one refresh token across every instance (./redis-once.ts). */
  once<T>(key: string, produce: () => Promise<T>, sealer: Sealer<T>): Promise<T> {
    // The lock and the result share a hash tag: in a cluster, one slot, so one node decides both.
    const tag = `{${hash(key)}}`
    return onceAcrossInstances((run) => this.call(run), this.key('r', tag), this.key('rr', tag), produce, sealer)
  }

  async ping(): Promise<void> {
    await this.call((client) => client.ping())
  }
}

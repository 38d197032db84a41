/**
 * The embedded store: the default, with nothing to set up. It keeps its state
 * in a SQLite file (Node's built-in `node:sqlite`, SESSION_STORE_PATH, by
 * default .data/sessions.sqlite), so a restart or a deploy on the same machine
 * forgets nothing: a session signed out stays signed out.
 *
 * Cookie sessions stand on their own, as without any store; the store
 * remembers the sessions that ended (signing out, back-channel logout, "sign
 * out everywhere") until they would have expired anyway. It is a list of ended
 * sessions, not of live ones, so it never signs out a valid user on an
 * instance that did not see the sign-in; instances that share the file share
 * what ended, others do not (several hosts set REDIS_URL).
 *
 * What ended is remembered three ways, so that it holds for sessions the store
 * never saw as well as for those it did:
 * - by session id (signing out);
 * - by provider session (`sid`, back-channel logout);
 * - by user: sessions of this (provider, `sub`) created before a moment, but one
 *   (back-channel logout with only `sub`, "sign out everywhere"). Seen sessions
 *   of the user are also ended by id, so one created in that same second is too.
 * Users and provider sessions are named by a keyed hash (./names.ts).
 *
 * Where no file can be written (a read-only or ephemeral file system) the same
 * tables live in this process only; start-up says so once. The file, its
 * tables and statements: ./embedded-db.ts.
 */
import type { DatabaseSync } from 'node:sqlite'
import { nowSeconds } from '../../clock'
import type { SessionRef } from '../ref'
import { openDatabase, statements, type EmbeddedPlace, type Statements } from './embedded-db'
import type { ProviderId } from '../../config/provider-ids'
import type { StoreNames } from './names'
import { SEEN_INTERVAL, type Sealer, type SessionStore, type StoredSession, type UserKey } from './store'
import { describeUserAgent } from './user-agent'

/** Expired rows are deleted at most this often (seconds), on a write. */
const PURGE_INTERVAL = 600

export class EmbeddedSessionStore implements SessionStore {
  readonly kind = 'memory' as const
  readonly place: EmbeddedPlace
  private readonly db: DatabaseSync
  private readonly names: StoreNames
  /** How long a session created before an "end all" could still turn up. */
  private readonly absoluteTimeout: number
  private readonly sql: Statements
  private lastPurge = 0

  /** `path`: the SQLite file; undefined keeps everything in this process. */
  constructor(absoluteTimeout: number, path: string | undefined, names: StoreNames) {
    this.absoluteTimeout = absoluteTimeout
    this.names = names
    ;({ db: this.db, place: this.place } = openDatabase(path))
    this.sql = statements(this.db)
  }

  async begin(ref: SessionRef, device: string): Promise<void> {
    this.remember(ref, device, ref.createdAt, nowSeconds())
    this.purge()
  }

  async isLive(ref: SessionRef, userAgent: string | null): Promise<boolean> {
    const now = nowSeconds()
    const gone = this.sql.ended.get({
      id: ref.id,
      sids: JSON.stringify(ref.sid === undefined ? [] : this.names.all(ref.sid, ref.provider)),
      subs: JSON.stringify(this.names.all(ref.sub, ref.provider)),
      created: ref.createdAt,
      now,
    }) as { gone: number }
    if (gone.gone) return false
    const seen = this.sql.lastSeen.get(ref.id) as { last_seen: number } | undefined
    if (!seen) this.remember(ref, describeUserAgent(userAgent), ref.createdAt, now)
    else if (now - seen.last_seen >= SEEN_INTERVAL) this.sql.see.run(now, ref.id)
    return true
  }

  async end(ref: SessionRef): Promise<void> {
    this.endByIds([{ id: ref.id, expires: ref.expiresAt }])
  }

  async endProviderSession(provider: ProviderId, sid: string): Promise<void> {
    const names = JSON.stringify(this.names.all(sid, provider))
    this.transaction(() => {
      const sessions = this.sql.seenOfSid.all(names) as Array<{ id: string; expires: number }>
      this.endByIds(sessions)
      // Sessions of this provider session the store never saw may turn up until the latest end it knows of.
      this.sql.endSid.run(this.names.current(sid, provider), this.latestEnd(sessions))
    })
  }

  async endUserSession(user: UserKey, id: string): Promise<boolean> {
    const session = this.sql.seenOfSubById.get(id, JSON.stringify(this.names.all(user.sub, user.provider))) as
      { id: string; expires: number } | undefined
    if (!session || session.expires <= nowSeconds()) return false
    this.endByIds([session])
    return true
  }

  async endUserSessions(user: UserKey, except?: string): Promise<void> {
    const name = this.names.current(user.sub, user.provider)
    this.transaction(() => {
      const sessions = (
        this.sql.seenOfSub.all(JSON.stringify(this.names.all(user.sub, user.provider))) as Array<{
          id: string
          expires: number
        }>
      ).filter((s) => s.id !== except)
      this.endByIds(sessions)
      this.sql.endUser.run(name, nowSeconds(), except ?? null, this.latestEnd(sessions))
      this.sql.trimUserEnds.run(name, name)
    })
  }

  async list(user: UserKey): Promise<StoredSession[]> {
    const rows = this.sql.list.all(JSON.stringify(this.names.all(user.sub, user.provider)), nowSeconds()) as Array<{
      id: string
      created: number
      last_seen: number
      device: string
    }>
    return rows.map((row) => ({ id: row.id, createdAt: row.created, lastSeenAt: row.last_seen, device: row.device }))
  }

  async isUsed(jti: string): Promise<boolean> {
    const used = this.sql.jti.get(jti) as { until: number } | undefined
    return used !== undefined && used.until > nowSeconds()
  }

  async recordUse(jti: string, ttl: number): Promise<void> {
    this.sql.useJti.run(jti, nowSeconds() + Math.max(1, Math.ceil(ttl)))
  }

  async latestRefreshToken(id: string): Promise<string | undefined> {
    const row = this.sql.latestToken.get(id, nowSeconds()) as { sealed: string } | undefined
    return row?.sealed
  }

  async noteRefreshToken(id: string, sealed: string, until: number): Promise<void> {
    this.sql.noteToken.run(id, sealed, until)
  }

  /** One process: lib/auth/refresh.ts already shares the promise, so there is nothing more to coordinate. */
  once<T>(_key: string, produce: () => Promise<T>, _sealer: Sealer<T>): Promise<T> {
    return produce()
  }

  async ping(): Promise<void> {
    this.sql.ping.get()
  }

  /**
   * Until when sessions of a user or provider session may still turn up: one
   * absolute timeout from now, or later where a session the store saw ends
   * later (begun under a longer SESSION_ABSOLUTE_TIMEOUT). Never earlier.
   */
  private latestEnd(sessions: ReadonlyArray<{ expires: number }>): number {
    return Math.max(nowSeconds() + this.absoluteTimeout, ...sessions.map((s) => s.expires))
  }

  private remember(ref: SessionRef, device: string, createdAt: number, lastSeenAt: number): void {
    const sid = ref.sid === undefined ? null : this.names.current(ref.sid, ref.provider)
    this.sql.remember.run(
      ref.id,
      this.names.current(ref.sub, ref.provider),
      sid,
      createdAt,
      lastSeenAt,
      device,
      ref.expiresAt,
    )
  }

  private endByIds(sessions: ReadonlyArray<{ id: string; expires: number }>): void {
    this.transaction(() => {
      for (const { id, expires } of sessions) {
        this.sql.forget.run(id)
        this.sql.endById.run(id, expires)
      }
    })
  }

  /** All or nothing; nested calls join the outer transaction. */
  private transaction<T>(run: () => T): T {
    if (this.db.isTransaction) return run()
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const result = run()
      this.db.exec('COMMIT')
      return result
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  /** Drops what has expired anyway, at most every PURGE_INTERVAL. */
  private purge(): void {
    const now = nowSeconds()
    if (now - this.lastPurge < PURGE_INTERVAL) return
    this.lastPurge = now
    this.db.exec(`
      DELETE FROM ended WHERE until <= ${now};
      DELETE FROM ended_provider_sessions WHERE until <= ${now};
      DELETE FROM user_ends WHERE until <= ${now};
      DELETE FROM seen WHERE expires <= ${now};
      DELETE FROM used_jtis WHERE until <= ${now};
      DELETE FROM refresh_tokens WHERE until <= ${now};`)
  }
}

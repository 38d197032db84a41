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
 * - by user: sessions of this `sub` created before a moment, but one
 *   (back-channel logout with only `sub`, "sign out everywhere"). Seen sessions
 *   of the user are also ended by id, so one created in that same second is too.
 * Users and provider sessions are named by a keyed hash (./names.ts).
 *
 * Where no file can be written (a read-only or ephemeral file system) the same
 * tables live in this process only; start-up says so once.
 */
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import { nowSeconds } from '../session'
import type { SessionRef } from '../ref'
import type { StoreNames } from './names'
import type { Sealer, SessionStore, StoredSession } from './store'
import { describeUserAgent } from './user-agent'

/** Seconds: the sessions list shows when a session was last seen to within a minute; a write at most that often. */
const SEEN_INTERVAL = 60
/** The sessions list shows at most this many. */
const MAX_LISTED = 50
/** "Sign out everywhere" several times over keeps only the latest few rules per user. */
const MAX_USER_ENDS = 8
/** Expired rows are deleted at most this often (seconds), on a write. */
const PURGE_INTERVAL = 600

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ended (id TEXT PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ended_provider_sessions (sid TEXT PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS user_ends (sub TEXT NOT NULL, before INTEGER NOT NULL, except_id TEXT, until INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS user_ends_sub ON user_ends (sub);
CREATE TABLE IF NOT EXISTS seen (
  id TEXT PRIMARY KEY, sub TEXT NOT NULL, sid TEXT, created INTEGER NOT NULL,
  last_seen INTEGER NOT NULL, device TEXT NOT NULL, expires INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_sub ON seen (sub);
CREATE INDEX IF NOT EXISTS seen_sid ON seen (sid);
CREATE TABLE IF NOT EXISTS used_jtis (jti TEXT PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID;
`

/** `?` lists of every name a user or provider session may be stored under: SQLite's json_each reads them. */
const IN_NAMES = 'IN (SELECT value FROM json_each(?))'

/** Why the store lives in this process only, when it does; said once at start-up. */
export type EmbeddedPlace = { readonly file: string } | { readonly file: undefined; readonly reason: string }

/**
 * One database per file and process, on globalThis: Next gives route handlers
 * and instrumentation their own copies of this module, and all of them must
 * see the same ends (for the in-process fallback, the very same database).
 */
const DATABASES = Symbol.for('nextjs-oidc-login.embedded-store')
interface Opened {
  readonly db: DatabaseSync
  readonly place: EmbeddedPlace
}
const shared = globalThis as { [DATABASES]?: Map<string, Opened> }

function openDatabase(path: string | undefined): Opened {
  const databases = (shared[DATABASES] ??= new Map<string, Opened>())
  const key = path ?? ''
  let entry = databases.get(key)
  if (entry) return entry
  entry = openFile(path)
  try {
    entry.db.exec(SCHEMA)
  } catch (error) {
    // A file that is there but cannot be written (read-only mount): the process keeps the tables.
    entry = { db: new DatabaseSync(':memory:'), place: { file: undefined, reason: `${path} cannot be written (${(error as Error).message})` } }
    entry.db.exec(SCHEMA)
  }
  databases.set(key, entry)
  return entry
}

function openFile(path: string | undefined): Opened {
  if (path === undefined) {
    const reason = process.env.VERCEL ? 'this runs on Vercel, whose file system lasts one function instance' : 'SESSION_STORE_PATH is :memory:'
    return { db: new DatabaseSync(':memory:'), place: { file: undefined, reason } }
  }
  const file = resolve(path)
  try {
    mkdirSync(dirname(file), { recursive: true })
    const db = new DatabaseSync(file)
    // WAL: readers never wait for the writer; NORMAL: durable across a process crash, one fsync per checkpoint.
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;')
    return { db, place: { file } }
  } catch (error) {
    const reason = `${file} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`
    return { db: new DatabaseSync(':memory:'), place: { file: undefined, reason } }
  }
}

export class EmbeddedSessionStore implements SessionStore {
  readonly kind = 'memory' as const
  readonly place: EmbeddedPlace
  private readonly db: DatabaseSync
  private readonly names: StoreNames
  /** How long a session created before an "end all" could still turn up. */
  private readonly absoluteTimeout: number
  private readonly sql: Record<string, StatementSync>
  private lastPurge = 0

  /** `path`: the SQLite file; undefined keeps everything in this process. */
  constructor(absoluteTimeout: number, path: string | undefined, names: StoreNames) {
    this.absoluteTimeout = absoluteTimeout
    this.names = names
    ;({ db: this.db, place: this.place } = openDatabase(path))
    const prepare = (sql: string) => this.db.prepare(sql)
    this.sql = {
      ended: prepare(`SELECT
        EXISTS (SELECT 1 FROM ended WHERE id = :id)
        OR EXISTS (SELECT 1 FROM ended_provider_sessions WHERE sid ${IN_NAMES.replace('?', ':sids')} AND until > :now)
        OR EXISTS (SELECT 1 FROM user_ends WHERE sub ${IN_NAMES.replace('?', ':subs')} AND :created < before
                   AND (except_id IS NULL OR except_id <> :id) AND until > :now) AS gone`),
      lastSeen: prepare('SELECT last_seen FROM seen WHERE id = ?'),
      see: prepare('UPDATE seen SET last_seen = ? WHERE id = ?'),
      remember: prepare('INSERT OR REPLACE INTO seen (id, sub, sid, created, last_seen, device, expires) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      endById: prepare('INSERT OR REPLACE INTO ended (id, until) VALUES (?, ?)'),
      forget: prepare('DELETE FROM seen WHERE id = ?'),
      seenOfSid: prepare(`SELECT id, expires FROM seen WHERE sid ${IN_NAMES}`),
      seenOfSub: prepare(`SELECT id, expires FROM seen WHERE sub ${IN_NAMES}`),
      seenOfSubById: prepare(`SELECT id, expires FROM seen WHERE id = ? AND sub ${IN_NAMES}`),
      endSid: prepare('INSERT INTO ended_provider_sessions (sid, until) VALUES (?, ?) ON CONFLICT (sid) DO UPDATE SET until = MAX(until, excluded.until)'),
      endUser: prepare('INSERT INTO user_ends (sub, before, except_id, until) VALUES (?, ?, ?, ?)'),
      trimUserEnds: prepare(
        `DELETE FROM user_ends WHERE sub = ? AND rowid NOT IN (SELECT rowid FROM user_ends WHERE sub = ? ORDER BY rowid DESC LIMIT ${MAX_USER_ENDS})`,
      ),
      list: prepare(`SELECT id, created, last_seen, device FROM seen WHERE sub ${IN_NAMES} AND expires > ? ORDER BY last_seen DESC LIMIT ${MAX_LISTED}`),
      jti: prepare('SELECT until FROM used_jtis WHERE jti = ?'),
      useJti: prepare('INSERT OR REPLACE INTO used_jtis (jti, until) VALUES (?, ?)'),
      ping: prepare('SELECT 1'),
    }
  }

  async begin(ref: SessionRef, device: string): Promise<void> {
    this.remember(ref, device, ref.createdAt, nowSeconds())
    this.purge()
  }

  async isLive(ref: SessionRef, userAgent: string | null): Promise<boolean> {
    const now = nowSeconds()
    const gone = this.sql.ended!.get({
      id: ref.id,
      sids: JSON.stringify(ref.sid === undefined ? [] : this.names.all(ref.sid)),
      subs: JSON.stringify(this.names.all(ref.sub)),
      created: ref.createdAt,
      now,
    }) as { gone: number }
    if (gone.gone) return false
    const seen = this.sql.lastSeen!.get(ref.id) as { last_seen: number } | undefined
    if (!seen) this.remember(ref, describeUserAgent(userAgent), ref.createdAt, now)
    else if (now - seen.last_seen >= SEEN_INTERVAL) this.sql.see!.run(now, ref.id)
    return true
  }

  async end(ref: SessionRef): Promise<void> {
    this.endByIds([{ id: ref.id, expires: ref.expiresAt }])
  }

  async endProviderSession(sid: string): Promise<void> {
    const names = JSON.stringify(this.names.all(sid))
    this.transaction(() => {
      const sessions = this.sql.seenOfSid!.all(names) as Array<{ id: string; expires: number }>
      this.endByIds(sessions)
      // Sessions of this provider session the store never saw may turn up until the latest end it knows of.
      this.sql.endSid!.run(this.names.current(sid), this.latestEnd(sessions))
    })
  }

  async endUserSession(sub: string, id: string): Promise<boolean> {
    const session = this.sql.seenOfSubById!.get(id, JSON.stringify(this.names.all(sub))) as { id: string; expires: number } | undefined
    if (!session || session.expires <= nowSeconds()) return false
    this.endByIds([session])
    return true
  }

  async endUserSessions(sub: string, except?: string): Promise<void> {
    const name = this.names.current(sub)
    this.transaction(() => {
      const sessions = (this.sql.seenOfSub!.all(JSON.stringify(this.names.all(sub))) as Array<{ id: string; expires: number }>).filter((s) => s.id !== except)
      this.endByIds(sessions)
      this.sql.endUser!.run(name, nowSeconds(), except ?? null, this.latestEnd(sessions))
      this.sql.trimUserEnds!.run(name, name)
    })
  }

  async list(sub: string): Promise<StoredSession[]> {
    const rows = this.sql.list!.all(JSON.stringify(this.names.all(sub)), nowSeconds()) as Array<{
      id: string
      created: number
      last_seen: number
      device: string
    }>
    return rows.map((row) => ({ id: row.id, createdAt: row.created, lastSeenAt: row.last_seen, device: row.device }))
  }

  async isUsed(jti: string): Promise<boolean> {
    const used = this.sql.jti!.get(jti) as { until: number } | undefined
    return used !== undefined && used.until > nowSeconds()
  }

  async recordUse(jti: string, ttl: number): Promise<void> {
    this.sql.useJti!.run(jti, nowSeconds() + Math.max(1, Math.ceil(ttl)))
  }

  /** One process: lib/auth/refresh.ts already shares the promise, so there is nothing more to coordinate. */
  once<T>(_key: string, produce: () => Promise<T>, _sealer: Sealer<T>): Promise<T> {
    return produce()
  }

  async ping(): Promise<void> {
    this.sql.ping!.get()
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
    const sid = ref.sid === undefined ? null : this.names.current(ref.sid)
    this.sql.remember!.run(ref.id, this.names.current(ref.sub), sid, createdAt, lastSeenAt, device, ref.expiresAt)
  }

  private endByIds(sessions: ReadonlyArray<{ id: string; expires: number }>): void {
    this.transaction(() => {
      for (const { id, expires } of sessions) {
        this.sql.forget!.run(id)
        this.sql.endById!.run(id, expires)
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
      DELETE FROM used_jtis WHERE until <= ${now};`)
  }
}

/**
 * The embedded store's SQLite file (Node's built-in `node:sqlite`): its
 * tables, how it is opened (or, where no file can be kept, kept in the
 * process), and every statement the store runs, prepared once.
 */
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

/** The sessions list shows at most this many. */
export const MAX_LISTED = 50
/** "Sign out everywhere" several times over keeps only the latest few rules per user. */
export const MAX_USER_ENDS = 8

/**
 * Users (`sub`) and provider sessions (`sid`) are stored under their keyed
 * names (./names.ts), never in clear; `ended` and `seen` by session id.
 */
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
CREATE TABLE IF NOT EXISTS refresh_tokens (id TEXT PRIMARY KEY, sealed TEXT NOT NULL, until INTEGER NOT NULL) WITHOUT ROWID;
`

/** Why the store lives in this process only, when it does; said once at start-up. */
export type EmbeddedPlace = { readonly file: string } | { readonly file: undefined; readonly reason: string }

/**
 * One database per file and process, on globalThis: Next gives route handlers
 * and instrumentation their own copies of this module, and all of them must
 * see the same ends (for the in-process fallback, the very same database).
 */
const DATABASES = Symbol.for('nextjs-oidc-login.embedded-store')
export interface Opened {
  readonly db: DatabaseSync
  readonly place: EmbeddedPlace
}
const shared = globalThis as { [DATABASES]?: Map<string, Opened> }

export function openDatabase(path: string | undefined): Opened {
  const databases = (shared[DATABASES] ??= new Map<string, Opened>())
  const key = path ?? ''
  let entry = databases.get(key)
  if (entry) return entry
  entry = openFile(path)
  try {
    entry.db.exec(SCHEMA)
  } catch (error) {
    // A file that is there but cannot be written (read-only mount): the process keeps the tables.
    entry = {
      db: new DatabaseSync(':memory:'),
      place: { file: undefined, reason: `${path} cannot be written (${(error as Error).message})` },
    }
    entry.db.exec(SCHEMA)
  }
  databases.set(key, entry)
  return entry
}

function openFile(path: string | undefined): Opened {
  if (path === undefined) {
    const reason = process.env.VERCEL
      ? 'this runs on Vercel, whose file system lasts one function instance'
      : 'SESSION_STORE_PATH is :memory:'
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

/** Every name a user or provider session may be stored under, as one parameter: SQLite's json_each reads the JSON list. */
const IN_NAMES = 'IN (SELECT value FROM json_each(?))'

/** The store's statements, prepared once per store. */
export function statements(db: DatabaseSync) {
  return {
    /** 1 when the session ended: by id, by its provider session, or by a rule ending its user's sessions created before a moment. */
    ended: db.prepare(`SELECT
      EXISTS (SELECT 1 FROM ended WHERE id = :id)
      OR EXISTS (SELECT 1 FROM ended_provider_sessions WHERE sid IN (SELECT value FROM json_each(:sids)) AND until > :now)
      OR EXISTS (SELECT 1 FROM user_ends WHERE sub IN (SELECT value FROM json_each(:subs)) AND :created < before
                 AND (except_id IS NULL OR except_id <> :id) AND until > :now) AS gone`),
    lastSeen: db.prepare('SELECT last_seen FROM seen WHERE id = ?'),
    see: db.prepare('UPDATE seen SET last_seen = ? WHERE id = ?'),
    remember: db.prepare(
      'INSERT OR REPLACE INTO seen (id, sub, sid, created, last_seen, device, expires) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    endById: db.prepare('INSERT OR REPLACE INTO ended (id, until) VALUES (?, ?)'),
    forget: db.prepare('DELETE FROM seen WHERE id = ?'),
    seenOfSid: db.prepare(`SELECT id, expires FROM seen WHERE sid ${IN_NAMES}`),
    seenOfSub: db.prepare(`SELECT id, expires FROM seen WHERE sub ${IN_NAMES}`),
    seenOfSubById: db.prepare(`SELECT id, expires FROM seen WHERE id = ? AND sub ${IN_NAMES}`),
    // Never earlier: another end of the same provider session may already reach further.
    endSid: db.prepare(
      'INSERT INTO ended_provider_sessions (sid, until) VALUES (?, ?) ON CONFLICT (sid) DO UPDATE SET until = MAX(until, excluded.until)',
    ),
    endUser: db.prepare('INSERT INTO user_ends (sub, before, except_id, until) VALUES (?, ?, ?, ?)'),
    trimUserEnds: db.prepare(
      `DELETE FROM user_ends WHERE sub = ? AND rowid NOT IN (SELECT rowid FROM user_ends WHERE sub = ? ORDER BY rowid DESC LIMIT ${MAX_USER_ENDS})`,
    ),
    list: db.prepare(
      `SELECT id, created, last_seen, device FROM seen WHERE sub ${IN_NAMES} AND expires > ? ORDER BY last_seen DESC LIMIT ${MAX_LISTED}`,
    ),
    jti: db.prepare('SELECT until FROM used_jtis WHERE jti = ?'),
    useJti: db.prepare('INSERT OR REPLACE INTO used_jtis (jti, until) VALUES (?, ?)'),
    latestToken: db.prepare('SELECT sealed FROM refresh_tokens WHERE id = ? AND until > ?'),
    noteToken: db.prepare('INSERT OR REPLACE INTO refresh_tokens (id, sealed, until) VALUES (?, ?, ?)'),
    ping: db.prepare('SELECT 1'),
  }
}

export type Statements = ReturnType<typeof statements>

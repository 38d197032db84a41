/**
 * A million sessions: the session store filled with 1,000, then 100,000, then
 * 1,000,000 sessions (a tenth of the users with ten sessions each, the rest
 * with one; each session its own provider session), written through the app's
 * own store (lib/session/store/redis.ts) under the app's keys, into a Redis of
 * its own. At each size:
 * - the private page's req/s (a real sign-in's session, among all the others)
 *   over its bare twin's in the same rounds, against that ratio at 1,000;
 * - Redis's memory per session, and what makes it up (MEMORY USAGE of sampled
 *   keys: the session's record, its share of the user's index, its provider session's index);
 * - "sign out everywhere" for a user with 1,000 sessions, and back-channel
 *   logout by sid (one provider session) and by sub (a user with ten);
 * and the embedded store's file and memory per session at 100,000.
 * Run by `npm run bench` under scripts/bench/lib-loader.mjs, which lets it load lib/.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient, type RedisClientType } from 'redis'
import { LOCAL_CLIENT_ID } from '../../idp/local-client.ts'
import { EmbeddedSessionStore } from '../../lib/session/store/embedded.ts'
import { storeNames } from '../../lib/session/store/names.ts'
import { RedisSessionStore } from '../../lib/session/store/redis.ts'
import type { SessionRef } from '../../lib/session/ref.ts'
import { freePort, startRedisServer } from '../redis-server.ts'
import { onCleanup } from './cleanup.ts'
import { loadRound } from './load.ts'
import { signIn } from './login.ts'
import { startPair } from './pair.ts'
import { sessionSize } from './session-size.ts'
import { BENCH_SESSION_SECRET, SCALE } from './settings.ts'
import { median } from './stats.ts'
import { nowSeconds } from '../../lib/clock.ts'

export interface ScalePoint {
  readonly sessions: number
  readonly rps: number
  /** The private page's req/s over its bare twin's (no middleware, no store) in the same rounds: what the store's size can change. */
  readonly ratio: number
  /** `ratio` over the first size's: 1 is flat, whatever the machine's own speed did meanwhile. */
  readonly relative: number
  readonly bytesPerSession: number
  /** Bytes per session in each kind of key, from sampled MEMORY USAGE. */
  readonly parts: { readonly record: number; readonly userIndex: number; readonly providerIndex: number }
  readonly signOutEverywhereMs: number
  readonly backchannelSidMs: number
  readonly backchannelSubMs: number
}

export interface ScaleResult {
  readonly points: readonly ScalePoint[]
  readonly fillSeconds: number
  readonly embedded: {
    readonly sessions: number
    readonly fileBytesPerSession: number
    readonly heapBytesPerSession: number
  }
}

const names = storeNames([BENCH_SESSION_SECRET])
const ABSOLUTE = 8 * 3600

function sessionOf(user: number, n: number, now: number): SessionRef {
  return {
    id: `sc${user.toString(36)}x${n.toString(36)}`.padEnd(22, 'q'),
    provider: 'default',
    sub: `scale-user-${user}`,
    sid: `scale-sid-${user}-${n}`,
    createdAt: now,
    expiresAt: now + ABSOLUTE,
  }
}

/** Sessions for users `from`, `from + 1`…: every tenth user has ten, the others one; `next()` until `count` are made. */
function sessionCursor(from: number, count: number, now: number) {
  let user = from
  let n = 0
  let made = 0
  return {
    next(): SessionRef | undefined {
      if (made >= count) return undefined
      const session = sessionOf(user, n, now)
      made++
      n++
      if (n >= (user % 10 === 0 ? 10 : 1)) {
        user++
        n = 0
      }
      return session
    },
    /** The first user number not used yet. */
    get nextUser(): number {
      return n === 0 ? user : user + 1
    },
  }
}

/** Writes them through `begin`, `parallel` at a time; returns the next free user number. */
async function fill(
  store: { begin(ref: SessionRef, device: string): Promise<void> },
  from: number,
  count: number,
  parallel: number,
): Promise<number> {
  const cursor = sessionCursor(from, count, nowSeconds())
  const worker = async () => {
    for (let session = cursor.next(); session; session = cursor.next()) await store.begin(session, 'Firefox on Linux')
  }
  await Promise.all(Array.from({ length: parallel }, worker))
  return cursor.nextUser
}

/** Median milliseconds of `runs` calls, each on fresh material `prepare` makes. */
async function timed(runs: number, prepare: (i: number) => Promise<() => Promise<unknown>>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const act = await prepare(i)
    const started = performance.now()
    await act()
    times.push(performance.now() - started)
  }
  return median(times)
}

/**
 * Waits (at most a minute) until Redis runs no background save or append-only-file rewrite: a large
 * fill sets one off, and its fork would compete with the pages for the machine's cores.
 */
async function quiet(raw: RedisClientType): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const info = await raw.info('persistence')
    if (/aof_rewrite_in_progress:0/.test(info) && /rdb_bgsave_in_progress:0/.test(info)) return
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

function usedMemory(info: string): number {
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN)
}

export async function measureScale(progress: (message: string) => void): Promise<ScaleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'))
  const redis = await startRedisServer({ port: await freePort(), dir })
  onCleanup('scale redis-server', () => redis.stop())
  const raw: RedisClientType = createClient({ url: redis.url })
  raw.on('error', () => {})
  await raw.connect()
  const prefix = `oidc:${LOCAL_CLIENT_ID}:`
  const store = new RedisSessionStore(new URL(redis.url), prefix, names)
  const pair = await startPair('scale', redis.url)
  const points: ScalePoint[] = []
  let fillSeconds = 0
  try {
    const baseline = usedMemory(await raw.info('memory'))
    let user = 0
    let total = 0
    for (const size of SCALE.sizes) {
      progress(`scale: filling the store to ${size.toLocaleString('en')} sessions…`)
      const started = performance.now()
      const firstUser = user
      user = await fill(store, user, size - total, SCALE.parallel)
      fillSeconds += (performance.now() - started) / 1000
      total = size
      const bytesPerSession = (usedMemory(await raw.info('memory')) - baseline) / total
      const parts = await sampledParts(raw, prefix)

      // A fresh sign-in for each size: filling takes minutes, past the session's touch interval, after
      // which middleware sends page requests through /auth/refresh (a redirect the load does not follow).
      const cookie = sessionSize((await signIn(pair.app.baseUrl)).jar, pair.app.baseUrl).cookieHeader
      await loadRound('private', pair.app.baseUrl, '/profile', cookie, 1)
      await quiet(raw)
      const rounds: { private: number; bare: number }[] = []
      for (let i = 0; i < SCALE.rounds; i++) {
        const privateRps = (await loadRound('private', pair.app.baseUrl, '/profile', cookie, SCALE.roundSeconds)).rps
        const bareRps = (await loadRound('bare', pair.app.baseUrl, '/bench/bare.html', cookie, SCALE.roundSeconds)).rps
        rounds.push({ private: privateRps, bare: bareRps })
      }
      const rps = median(rounds.map((r) => r.private))
      const ratio = median(rounds.map((r) => r.private / r.bare))

      const now = nowSeconds()
      const heavy = `scale-heavy-${size}`
      const signOutEverywhereMs = await timed(3, async (i) => {
        const sub = `${heavy}-${i}`
        const many = Array.from({ length: 1000 }, (_, n) => ({
          ...sessionOf(0, n, now),
          id: `hv${i}x${n}`.padEnd(22, 'q'),
          sub,
          sid: undefined,
        }))
        for (let k = 0; k < many.length; k += 100)
          await Promise.all(many.slice(k, k + 100).map((s) => store.begin(s, 'Firefox on Linux')))
        return () => store.endUserSessions({ provider: 'default', sub })
      })
      // Users this size's fill made, still signed in: every tenth has ten sessions, the next one has one.
      const tens = Array.from({ length: SCALE.operations }, (_, i) => Math.ceil(firstUser / 10) * 10 + i * 10)
      const backchannelSidMs = await timed(
        SCALE.operations,
        async (i) => () => store.endProviderSession('default', `scale-sid-${tens[i]! + 1}-0`),
      )
      const backchannelSubMs = await timed(
        SCALE.operations,
        async (i) => () => store.endUserSessions({ provider: 'default', sub: `scale-user-${tens[i]!}` }),
      )
      const relative = points.length === 0 ? 1 : ratio / points[0]!.ratio
      points.push({
        sessions: size,
        rps,
        ratio,
        relative,
        bytesPerSession,
        parts,
        signOutEverywhereMs,
        backchannelSidMs,
        backchannelSubMs,
      })
      progress(
        `scale ${size.toLocaleString('en')}: /profile ${rps.toFixed(0)} req/s (${relative.toFixed(2)}), ${bytesPerSession.toFixed(0)} B/session, ` +
          `everywhere(1,000) ${signOutEverywhereMs.toFixed(1)} ms, by sid ${backchannelSidMs.toFixed(2)} ms, by sub ${backchannelSubMs.toFixed(2)} ms`,
      )
    }
  } finally {
    await pair.stop()
    raw.destroy()
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  progress(`scale: the embedded store with ${SCALE.embeddedSessions.toLocaleString('en')} sessions…`)
  return { points, fillSeconds, embedded: await embeddedCost() }
}

/** Bytes per session in each kind of key: sampled MEMORY USAGE, an index's shared among the sessions it lists. */
async function sampledParts(raw: RedisClientType, prefix: string): Promise<ScalePoint['parts']> {
  const average = async (kind: 's' | 'u' | 'p', perSession: (key: string) => Promise<number>) => {
    const { keys } = await raw.scan('0', { MATCH: `${prefix}${kind}:*`, COUNT: 2000 })
    const sample = keys.slice(0, 200)
    if (sample.length === 0) return 0
    const bytes = await Promise.all(
      sample.map(async (key) => ((await raw.memoryUsage(key)) ?? 0) / (await perSession(key))),
    )
    return bytes.reduce((a, b) => a + b, 0) / sample.length
  }
  return {
    record: await average('s', async () => 1),
    userIndex: await average('u', async (key) => Math.max(1, await raw.zCard(key))),
    providerIndex: await average('p', async (key) => Math.max(1, await raw.sCard(key))),
  }
}

/** The embedded store: its SQLite file and this process's heap, per session, at SCALE.embeddedSessions. */
async function embeddedCost(): Promise<ScaleResult['embedded']> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-embedded-'))
  try {
    const file = join(dir, 'sessions.sqlite')
    globalThis.gc?.()
    const heapBefore = process.memoryUsage().heapUsed
    const store = new EmbeddedSessionStore(ABSOLUTE, file, names)
    await fill(store, 0, SCALE.embeddedSessions, 1)
    globalThis.gc?.()
    const heapAfter = process.memoryUsage().heapUsed
    const fileBytes = statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0)
    return {
      sessions: SCALE.embeddedSessions,
      fileBytesPerSession: fileBytes / SCALE.embeddedSessions,
      heapBytesPerSession: Math.max(0, heapAfter - heapBefore) / SCALE.embeddedSessions,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

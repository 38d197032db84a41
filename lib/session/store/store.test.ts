/**
 * The session store's contract, against every store: the embedded one (a real
 * SQLite file), a real redis-server, a real Redis Cluster and a real Redis
 * watched by Sentinel (all started by scripts/vitest-global-setup.ts).
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from 'redis'
import { afterAll, describe, expect, inject, it, vi } from 'vitest'
import { nowSeconds } from '../../clock'
import { newSessionId } from '../session'
import type { SessionRef } from '../ref'
import { EmbeddedSessionStore } from './embedded'
import { storeNames } from './names'
import { RedisSessionStore } from './redis'
import { isStoreUnavailable, type Sealer, type SessionStore } from './store'

const redisUrl = inject('redisUrl')
const clusterSeeds = inject('redisClusterNodes')
  .split(',')
  .map((seed) => new URL(`redis://${seed}`))
const sentinel = inject('redisSentinel')
const sentinelUrls = sentinel.sentinels.map((address) => new URL(`redis://:${sentinel.password}@${address}`))
const ABSOLUTE = 8 * 3600
const names = storeNames(['store-test-secret-0123456789-abcdefghijklmnop'])
const dataDir = mkdtempSync(join(tmpdir(), 'store-test-'))
const embeddedFile = join(dataDir, 'sessions.sqlite')
const embedded = (absolute = ABSOLUTE) => new EmbeddedSessionStore(absolute, embeddedFile, names)
const redisStore = (prefix: string, url = redisUrl) => new RedisSessionStore(new URL(url), prefix, names)

/** Two sessions of a new user, begun in `store`: on a laptop, then on a phone. */
async function twoDevices(store: SessionStore): Promise<[SessionRef, SessionRef]> {
  const sub = unique()
  const [laptop, phone] = [ref(sub), ref(sub)]
  await store.begin(laptop, 'Firefox on Linux')
  await store.begin(phone, 'Safari on iPhone')
  return [laptop, phone]
}

/** Whether each session is live, as the store says. */
const liveness = (store: SessionStore, sessions: readonly SessionRef[]) =>
  Promise.all(sessions.map((session) => store.isLive(session, null)))

/** Each test its own users and keys: the stores are shared across tests. */
const unique = () => randomBytes(6).toString('hex')

function ref(sub: string, overrides: Partial<SessionRef> = {}): SessionRef {
  const now = nowSeconds()
  return {
    id: newSessionId(),
    provider: 'default',
    sub,
    sid: undefined,
    createdAt: now,
    expiresAt: now + ABSOLUTE,
    ...overrides,
  }
}

/** The default provider's user `sub`. */
const user = (sub: string, provider = 'default') => ({ provider, sub })

/** Sealing for the tests' shared results: reversible, and visibly not the clear value. */
const sealer: Sealer<{ token: string }> = {
  seal: async (value) => `sealed:${Buffer.from(JSON.stringify(value)).toString('base64url')}`,
  open: async (sealed) =>
    sealed.startsWith('sealed:')
      ? (JSON.parse(Buffer.from(sealed.slice(7), 'base64url').toString()) as { token: string })
      : undefined,
}

const raw = createClient({ url: redisUrl })
await raw.connect()
afterAll(() => raw.destroy())

/**
 * `app` names the app: instances of one app share their keys; each test is an
 * app of its own, as apps with different client ids sharing one Redis are.
 * `instance` 1 connects to Redis separately, as a second process would.
 */
const stores: Array<[string, (app: string, instance?: 0 | 1) => SessionStore]> = [
  ['embedded', () => embedded()],
  ['Redis', (app, instance = 0) => redisStore(`test:${app}:`, instance === 0 ? redisUrl : `${redisUrl}/0`)],
  [
    'Redis Cluster',
    (app, instance = 0) => {
      // Another list of seeds is another connection, as a second process has.
      const seeds = instance === 0 ? clusterSeeds : [...clusterSeeds].reverse()
      return new RedisSessionStore({ topology: 'cluster', url: seeds[0]!, seeds }, `test:${app}:`, names)
    },
  ],
  [
    'Redis Sentinel',
    (app, instance = 0) => {
      const sentinels = instance === 0 ? sentinelUrls : [...sentinelUrls].reverse()
      const { name, sentinelPassword } = sentinel
      return new RedisSessionStore(
        { topology: 'sentinel', url: sentinels[0]!, sentinels, name, sentinelPassword },
        `test:${app}:`,
        names,
      )
    },
  ],
]

describe.each(stores)('the %s store', (_name, makeApp) => {
  const makeStore = () => makeApp(unique())

  it('ends a session when asked, and only that one', async () => {
    const store = makeStore()
    const [mine, other] = await twoDevices(store)
    expect(await store.isLive(mine, null)).toBe(true)
    await store.end(mine)
    expect(await liveness(store, [mine, other])).toEqual([false, true])
  })

  it('ends every session of a provider session (back-channel logout with sid), and no other', async () => {
    const store = makeStore()
    const sub = unique()
    const sid = unique()
    const [a, b, elsewhere] = [ref(sub, { sid }), ref(sub, { sid }), ref(sub, { sid: unique() })]
    for (const session of [a, b, elsewhere]) await store.begin(session, 'Chrome on Linux')
    await store.endProviderSession('default', sid)
    expect(await liveness(store, [a, b, elsewhere])).toEqual([false, false, true])
  })

  it("ends the other sessions of a user, or all of them, and no one else's", async () => {
    const store = makeStore()
    const [sub, stranger] = [unique(), unique()]
    const [here, laptop, phone, theirs] = [ref(sub), ref(sub), ref(sub), ref(stranger)]
    for (const session of [here, laptop, phone, theirs]) await store.begin(session, 'Edge on Windows')

    await store.endUserSessions(user(sub), here.id)
    expect(await liveness(store, [here, laptop, phone])).toEqual([true, false, false])

    await store.endUserSessions(user(sub))
    expect(await liveness(store, [here, theirs])).toEqual([false, true])
  })

  it('keeps the same sub at two providers apart: two users, two provider sessions', async () => {
    const store = makeStore()
    const [sub, sid] = [unique(), unique()]
    const atDefault = ref(sub, { sid })
    const atPartner = ref(sub, { sid, provider: 'partner' })
    const atPartnerToo = ref(sub, { provider: 'partner' })
    for (const session of [atDefault, atPartner, atPartnerToo]) await store.begin(session, 'Firefox on Linux')

    expect((await store.list(user(sub, 'partner'))).map((s) => s.id).sort()).toEqual(
      [atPartner.id, atPartnerToo.id].sort(),
    )
    expect((await store.list(user(sub))).map((s) => s.id)).toEqual([atDefault.id])
    // The sessions list's "Sign out" on a row: never another provider's session of the same sub.
    expect(await store.endUserSession(user(sub), atPartnerToo.id)).toBe(false)
    expect(await store.isLive(atPartnerToo, null)).toBe(true)

    // A logout token's sid ends that provider's sessions of it only.
    await store.endProviderSession('partner', sid)
    expect(await liveness(store, [atPartner, atDefault])).toEqual([false, true])

    // "Sign out everywhere" (or a logout token with only sub) ends that provider's user only.
    await store.endUserSessions(user(sub))
    expect(await liveness(store, [atDefault, atPartnerToo])).toEqual([false, true])
  })

  it("lists a user's live sessions with their browser, start and last sight, and drops ended ones", async () => {
    const store = makeStore()
    const sub = unique()
    const [laptop, phone] = [ref(sub, { createdAt: nowSeconds() - 120 }), ref(sub)]
    await store.begin(laptop, 'Firefox on Linux')
    await store.begin(phone, 'Safari on iPhone')
    expect(await store.isLive(laptop, null)).toBe(true)

    const listed = await store.list(user(sub))
    expect(listed.map((s) => s.device).sort()).toEqual(['Firefox on Linux', 'Safari on iPhone'])
    const seenLaptop = listed.find((s) => s.id === laptop.id)!
    expect(seenLaptop.createdAt).toBe(laptop.createdAt)
    expect(seenLaptop.lastSeenAt).toBeGreaterThanOrEqual(nowSeconds() - 2)

    await store.end(phone)
    expect((await store.list(user(sub))).map((s) => s.id)).toEqual([laptop.id])
    expect(await store.list(user(unique()))).toEqual([])
  })

  it('remembers a logout token id once recorded, and only that one', async () => {
    const store = makeStore()
    const jti = unique()
    expect(await store.isUsed(jti)).toBe(false)
    await store.recordUse(jti, 60)
    expect(await store.isUsed(jti)).toBe(true)
    expect(await store.isUsed(unique())).toBe(false)
  })

  it('hands back a shared result even when it cannot be kept for the other instances (a rotated refresh token is not lost)', async () => {
    const store = makeStore()
    const unkeepable: Sealer<{ token: string }> = {
      seal: () => Promise.reject(new Error('the cache write failed')),
      open: sealer.open,
    }
    expect(await store.once(unique(), async () => ({ token: 'rotated' }), unkeepable)).toEqual({ token: 'rotated' })
  })

  it('runs a shared step once when two instances ask at the same moment, and hands both the result', async () => {
    // Two instances of one app (with Redis, two connections).
    const app = unique()
    const [first, second] = [makeApp(app, 0), makeApp(app, 1)]
    const key = unique()
    let runs = 0
    const produce = async () => {
      runs++
      await new Promise((resolve) => setTimeout(resolve, 200))
      return { token: `new-${key}` }
    }
    const results = await Promise.all([first.once(key, produce, sealer), second.once(key, produce, sealer)])
    expect(results).toEqual([{ token: `new-${key}` }, { token: `new-${key}` }])
    // In one process lib/auth/refresh.ts shares the promise; across processes only Redis can.
    if (first.kind === 'redis') expect(runs).toBe(1)
  })
})

describe('the Redis store', () => {
  it('is authoritative: a session it does not hold is signed out, whatever its cookie says', async () => {
    const store = redisStore(`test:${unique()}:`)
    expect(await store.isLive(ref(unique()), null)).toBe(false)
  })

  it('keeps a shared result sealed, never in clear', async () => {
    const prefix = `test:${unique()}:`
    const store = redisStore(prefix)
    await store.once('the-refresh-token', async () => ({ token: 'the-new-access-token' }), sealer)
    const keys = await raw.keys(`${prefix}*`)
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) {
      expect(key).not.toContain('the-refresh-token')
      if ((await raw.type(key)) === 'string') expect(await raw.get(key)).not.toContain('the-new-access-token')
    }
  })

  it('writes each session with an expiry at its absolute end', async () => {
    const prefix = `test:${unique()}:`
    const store = redisStore(prefix)
    const session = ref(unique(), { sid: unique() })
    await store.begin(session, 'Chrome on Linux')
    for (const key of await raw.keys(`${prefix}*`)) {
      expect(await raw.expireTime(key), key).toBe(session.expiresAt)
    }
  })

  it('answers "unavailable" quickly, never hangs, when Redis cannot be reached', async () => {
    const store = redisStore(`test:${unique()}:`, 'redis://127.0.0.1:1')
    const started = Date.now()
    const error = await store.isLive(ref(unique()), null).catch((e: unknown) => e)
    expect(isStoreUnavailable(error)).toBe(true)
    expect(Date.now() - started).toBeLessThan(3_000)
    await expect(store.ping()).rejects.toSatisfy(isStoreUnavailable)
  })
})

describe('the embedded store', () => {
  it('lets a session it never saw stand on its cookie (several instances: never a valid user signed out)', async () => {
    expect(await embedded().isLive(ref(unique()), null)).toBe(true)
  })

  it('ends sessions it never saw that began before "sign out everywhere", and not those begun after', async () => {
    const store = embedded()
    const sub = unique()
    const before = ref(sub, { createdAt: nowSeconds() - 60 })
    await store.endUserSessions(user(sub))
    const after = ref(sub, { createdAt: nowSeconds() + 1 })
    expect(await liveness(store, [before, after])).toEqual([false, true])
  })

  it('ends sessions it never saw of an ended provider session', async () => {
    const store = embedded()
    const sid = unique()
    await store.endProviderSession('default', sid)
    expect(await store.isLive(ref(unique(), { sid }), null)).toBe(false)
  })

  it('describes a session it first sees by the browser that shows it', async () => {
    const store = embedded()
    const session = ref(unique())
    await store.isLive(session, 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0')
    expect((await store.list(user(session.sub)))[0]?.device).toBe('Firefox on Linux')
  })
})

describe('the embedded store, on disk', () => {
  /** A new process: the same file opened afresh, nothing remembered in memory. */
  function afterRestart(absolute = ABSOLUTE): EmbeddedSessionStore {
    ;(globalThis as Record<symbol, Map<string, unknown> | undefined>)[
      Symbol.for('nextjs-oidc-login.embedded-store')
    ]?.clear()
    return embedded(absolute)
  }

  it('keeps what ended across a restart: a signed-out session stays signed out, the others stay listed', async () => {
    const store = embedded()
    const [gone, kept] = await twoDevices(store)
    await store.end(gone)
    const restarted = afterRestart()
    expect(await liveness(restarted, [gone, kept])).toEqual([false, true])
    expect((await restarted.list(user(kept.sub))).map((s) => s.device)).toEqual(['Safari on iPhone'])
  })

  it('names no user or provider session in clear in its file', async () => {
    const store = embedded()
    const [sub, sid] = [`alice-${unique()}@example.com`, `sid-${unique()}`]
    await store.begin(ref(sub, { sid }), 'Firefox on Linux')
    await store.endUserSessions(user(`other-${sub}`))
    const bytes = ['', '-wal'].map((suffix) => readFileSync(`${embeddedFile}${suffix}`).toString('latin1')).join('')
    expect(bytes).not.toContain(sub)
    expect(bytes).not.toContain(sid)
  })

  it("ends, for as long as the longest of them lasts, a user's sessions begun under a longer SESSION_ABSOLUTE_TIMEOUT", async () => {
    const sub = unique()
    const start = Date.now()
    // Begun when sessions lasted 8 hours; a deploy then lowers the timeout to an hour.
    const seen = ref(sub, { expiresAt: nowSeconds() + 8 * 3600 })
    const copy = ref(sub, { createdAt: nowSeconds() - 10, expiresAt: nowSeconds() + 8 * 3600 })
    await embedded().begin(seen, 'Firefox on Linux')
    const store = afterRestart(3600)
    await store.endUserSessions(user(sub))
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(start + 2 * 3600_000)
      expect(await store.isLive(copy, null), 'a session it never saw, two hours later').toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('the embedded store, where no file can be kept', () => {
  it('keeps its tables in the process and says why, instead of failing', async () => {
    const notADirectory = join(dataDir, 'a-file')
    writeFileSync(notADirectory, '')
    const store = new EmbeddedSessionStore(ABSOLUTE, join(notADirectory, 'sessions.sqlite'), names)
    expect(store.place.file).toBeUndefined()
    expect(store.place.file === undefined && store.place.reason).toMatch(
      /a-file\/sessions\.sqlite cannot be written \(E[A-Z]+\)/,
    )
    const session = ref(unique())
    await store.end(session)
    expect(await store.isLive(session, null)).toBe(false)
  })
})

describe('the Redis store, keys', () => {
  it('never shortens an index: a shorter session after a longer one leaves the index to live as long as the longer', async () => {
    const prefix = `test:${unique()}:`
    const store = redisStore(prefix)
    const [sub, sid] = [unique(), unique()]
    const long = ref(sub, { sid, expiresAt: nowSeconds() + 8 * 3600 })
    const short = ref(sub, { sid, expiresAt: nowSeconds() + 600 })
    await store.begin(long, 'Firefox on Linux')
    await store.begin(short, 'Safari on iPhone')
    const indexes = (await raw.keys(`${prefix}*`)).filter((key) => /:[up]:/.test(key))
    expect(indexes).toHaveLength(2)
    for (const key of indexes) expect(await raw.expireTime(key), key).toBe(long.expiresAt)
    // So "sign out everywhere" still finds the longer one.
    await store.endUserSessions(user(sub))
    expect(await store.isLive(long, null)).toBe(false)
  })

  it('names no user or provider session in clear, in key names or values', async () => {
    const prefix = `test:${unique()}:`
    const store = redisStore(prefix)
    const [sub, sid] = [`alice-${unique()}@example.com`, `sid-${unique()}`]
    await store.begin(ref(sub, { sid }), 'Firefox on Linux')
    const keys = await raw.keys(`${prefix}*`)
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) {
      expect(key).not.toContain(sub)
      expect(key).not.toContain(sid)
      if ((await raw.type(key)) === 'hash')
        expect(JSON.stringify(await raw.hGetAll(key))).not.toMatch(new RegExp(`${sub}|${sid}`))
    }
  })

  it('still ends sessions that an older release indexed under the clear sub and sid, and never mixes users up', async () => {
    const prefix = `test:${unique()}:`
    const store = redisStore(prefix)
    const [sub, sid, other] = [unique(), unique(), unique()]
    const [old, oldOfSid, theirs] = [ref(sub), ref(sub, { sid }), ref(other)]
    for (const session of [old, oldOfSid, theirs]) {
      await raw.hSet(`${prefix}s:${session.id}`, {
        sub: session.sub,
        created: session.createdAt,
        seen: session.createdAt,
        device: 'Old release',
      })
      await raw.zAdd(`${prefix}u:${session.sub}`, { score: session.expiresAt, value: session.id })
    }
    await raw.sAdd(`${prefix}p:${sid}`, oldOfSid.id)
    expect(await store.isLive(old, null)).toBe(true)
    expect((await store.list(user(sub))).map((s) => s.id).sort()).toEqual([old.id, oldOfSid.id].sort())
    await store.endProviderSession('default', sid)
    expect(await store.isLive(oldOfSid, null)).toBe(false)
    await store.endUserSessions(user(sub))
    expect(await liveness(store, [old, theirs])).toEqual([false, true])
  })
})

describe.each(stores)('the %s store, one session of a user', (_name, makeApp) => {
  it("ends the one session named if it is the user's, and nothing of anyone else's", async () => {
    const store = makeApp(unique())
    const [sub, stranger] = [unique(), unique()]
    const [phone, laptop, theirs] = [ref(sub), ref(sub), ref(stranger)]
    for (const session of [phone, laptop, theirs]) await store.begin(session, 'Safari on iPhone')
    expect(await store.endUserSession(user(sub), theirs.id)).toBe(false)
    expect(await store.isLive(theirs, null)).toBe(true)
    expect(await store.endUserSession(user(sub), phone.id)).toBe(true)
    expect(await liveness(store, [phone, laptop])).toEqual([false, true])
    expect(await store.endUserSession(user(sub), phone.id), 'already over').toBe(false)
  })
})

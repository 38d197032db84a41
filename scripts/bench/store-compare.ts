/**
 * What the Redis session store costs the private page: the same build served
 * twice side by side, once with the in-process store and once with REDIS_URL
 * (a local redis-server), in alternating rounds; and, in each round, the Redis
 * server's bare twin of /profile, so the private page with Redis is held to the
 * same bar as with the in-process store.
 *
 * Two server processes differ by themselves (where the OS runs them, what V8
 * optimised first): in trials, one process of a pair served 20% more than the
 * other whichever store it had, and kept that lead. So each run starts a fresh
 * pair, gives both the same history (the same sign-ins, the same warm-up
 * pages), and the ratio is the median over several runs' rounds.
 */
import { createClient } from 'redis'
import { loadRound } from './load.ts'
import { signIn } from './login.ts'
import { startPair, type Pair } from './pair.ts'
import { sessionSize } from './session-size.ts'
import { STORE_COMPARE } from './settings.ts'
import { median } from './stats.ts'

export interface StoreRound {
  readonly run: number
  readonly inProcess: number
  readonly redis: number
  readonly ratio: number
  /** The Redis pair's bare twin of /profile (no middleware, no store), the same round. */
  readonly redisBare: number
}

export interface StoreComparison {
  readonly rounds: readonly StoreRound[]
  /** Median of the per-round ratios: Redis req/s over in-process req/s on /profile. */
  readonly ratio: number
  readonly inProcessRps: number
  readonly redisRps: number
  /** Median of the per-round ratios: /profile with Redis over its bare twin in the same server. */
  readonly redisBareRatio: number
}

/** The same sign-ins on both (so both list the same number of sessions), then the same pages, unmeasured. */
async function prepare(pair: Pair): Promise<string> {
  for (let i = 1; i < STORE_COMPARE.sessions; i++) await signIn(pair.app.baseUrl)
  const cookie = sessionSize((await signIn(pair.app.baseUrl)).jar, pair.app.baseUrl).cookieHeader
  for (const path of ['/profile', '/bench/profile', '/', '/api/me']) {
    await loadRound('private', pair.app.baseUrl, path, path === '/' ? undefined : cookie, STORE_COMPARE.warmupSeconds)
  }
  return cookie
}

export async function compareStores(redisUrl: string, onRound: (round: StoreRound) => void): Promise<StoreComparison> {
  const redis = createClient({ url: redisUrl })
  redis.on('error', () => {})
  await redis.connect()
  const rounds: StoreRound[] = []
  try {
    for (let run = 0; run < STORE_COMPARE.runs; run++) {
      // Each run begins with an empty Redis, as the in-process store begins empty in its fresh process.
      await redis.flushAll()
      const inProcess = await startPair('inProcess')
      const withRedis = await startPair('redis', redisUrl)
      try {
        const cookies = { inProcess: await prepare(inProcess), redis: await prepare(withRedis) }
        for (let i = 0; i < STORE_COMPARE.rounds; i++) {
          // ABBA: neither always goes first.
          const order = (run + i) % 2 === 0 ? (['inProcess', 'redis'] as const) : (['redis', 'inProcess'] as const)
          const rps = { inProcess: 0, redis: 0 }
          for (const which of order) {
            const pair = which === 'redis' ? withRedis : inProcess
            rps[which] = (
              await loadRound('private', pair.app.baseUrl, '/profile', cookies[which], STORE_COMPARE.roundSeconds)
            ).rps
          }
          const redisBare = (
            await loadRound(
              'bare',
              withRedis.app.baseUrl,
              '/bench/bare.html',
              cookies.redis,
              STORE_COMPARE.roundSeconds,
            )
          ).rps
          const round = { run, ...rps, ratio: rps.redis / rps.inProcess, redisBare }
          rounds.push(round)
          onRound(round)
        }
      } finally {
        await withRedis.stop()
        await inProcess.stop()
      }
    }
  } finally {
    redis.destroy()
  }
  return {
    rounds,
    ratio: median(rounds.map((r) => r.ratio)),
    inProcessRps: median(rounds.map((r) => r.inProcess)),
    redisRps: median(rounds.map((r) => r.redis)),
    redisBareRatio: median(rounds.map((r) => r.redis / r.redisBare)),
  }
}

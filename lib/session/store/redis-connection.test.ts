/**
 * The connection to Redis when the Redis is not there yet: calls answer
 * "unavailable" at once, and the store serves by itself once Redis comes up,
 * with no restart. Shown for Sentinel, whose client gives up its first
 * connection after some seconds of trying (one node's client never stops
 * retrying; a cluster's is asked again the same way as Sentinel's).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { expect, it } from 'vitest'
import { startRedisSentinel } from '../../../scripts/redis-sentinel.ts'
import { freePort } from '../../../scripts/redis-server.ts'
import { storeNames } from './names'
import { RedisSessionStore } from './redis'
import { isStoreUnavailable } from './store'

it('answers "unavailable" while no Sentinel is up, and serves once they are, without a restart', async () => {
  const ports = await Promise.all(Array.from({ length: 5 }, () => freePort()))
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-late-'))
  // The passwords startRedisSentinel gives its Redis and its Sentinels.
  const sentinels = ports.slice(2).map((port) => new URL(`redis://:data-password-for-tests@127.0.0.1:${port}`))
  const target = {
    topology: 'sentinel',
    url: sentinels[0]!,
    sentinels,
    name: 'sessions',
    sentinelPassword: 'sentinel-password-for-tests',
  } as const
  const store = new RedisSessionStore(target, 'late:', storeNames(['sentinel-late-secret-0123456789-abcdefghijk']))

  const started = Date.now()
  await expect(store.ping()).rejects.toSatisfy(isStoreUnavailable)
  expect(Date.now() - started).toBeLessThan(3_000)
  // Long enough for node-redis to give up its first connection (16 rounds a second apart).
  await sleep(20_000)
  await expect(store.ping()).rejects.toSatisfy(isStoreUnavailable)

  const redis = await startRedisSentinel({ dir, ports })
  try {
    await expect
      .poll(
        () =>
          store.ping().then(
            () => 'serving',
            (error: unknown) => String(error),
          ),
        { timeout: 20_000 },
      )
      .toBe('serving')
  } finally {
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}, 60_000)

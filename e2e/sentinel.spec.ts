/**
 * The built app on a Redis watched by Sentinel: real Sentinels (asking for a
 * password of their own) and a real master and replica (asking for theirs),
 * started by this test. The store's whole contract runs on them in the unit
 * tests (lib/session/store/store.test.ts, failover.test.ts); here, the
 * production server finds the master through the Sentinels, never prints a
 * password, and follows the master when the Sentinels promote its replica.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { startRedisSentinel } from '../scripts/redis-sentinel.ts'
import { startServer } from './spawned-app.ts'

test('with REDIS_SENTINELS the app keeps sessions in the master the Sentinels name, and follows it to the replica they promote', async () => {
  test.setTimeout(90_000)
  const dir = mkdtempSync(join(tmpdir(), 'e2e-sentinel-'))
  const redis = await startRedisSentinel({ dir })
  const port = 3116
  const app = startServer(port, {
    REDIS_SENTINELS: redis.sentinels.map((address) => `redis://default:${redis.password}@${address}`).join(','),
    REDIS_SENTINEL_NAME: redis.name,
    REDIS_SENTINEL_PASSWORD: redis.sentinelPassword,
  })
  try {
    const health = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined)
      return response && { status: response.status, store: ((await response.json()) as { store: unknown }).store }
    }
    await expect
      .poll(health, { timeout: 20_000 })
      .toEqual({ status: 200, store: { kind: 'redis', status: 'reachable' } })
    await expect
      .poll(app.output, { timeout: 10_000 })
      .toContain(`the Redis master "${redis.name}" of the Sentinels at redis://default:***@`)
    expect(app.output()).not.toContain(redis.password)
    expect(app.output()).not.toContain(redis.sentinelPassword)

    // The master crashes: the Sentinels promote the replica, and the app finds it without a restart.
    const master = await redis.masterPort()
    redis.servers.find((server) => server.port === master)!.kill()
    await expect.poll(() => redis.masterPort(), { timeout: 30_000 }).not.toBe(master)
    await expect
      .poll(health, { timeout: 30_000 })
      .toEqual({ status: 200, store: { kind: 'redis', status: 'reachable' } })
  } finally {
    await app.stop()
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

/**
 * The Redis store on a Redis whose master fails: a real Redis Cluster (three
 * masters, a replica each) and a real master watched by three Sentinels, each
 * of their own. A master is killed as a crash would kill it, its replica
 * promoted by the cluster or the Sentinels. No live session may be lost and no
 * ended one come back: every start and end was on a replica before it was answered.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeCommand, startRedisCluster } from '../../../scripts/redis-cluster.ts'
import { startRedisSentinel } from '../../../scripts/redis-sentinel.ts'
import { nowSeconds } from '../../clock'
import { newSessionId } from '../session'
import type { SessionRef } from '../ref'
import { storeNames } from './names'
import { RedisSessionStore } from './redis'

const names = storeNames(['failover-test-secret-0123456789-abcdefghijklm'])
const prefix = 'failover:'

/** A Redis that fails over, as the test needs it. */
interface Failing {
  readonly store: RedisSessionStore
  /** Kills (SIGKILL) the master that holds the most of these keys; returns it and the replica that takes its place. */
  readonly killMasterOf: (
    keys: readonly string[],
  ) => Promise<{ readonly victim: number; readonly replica: number; readonly onVictim: (key: string) => boolean }>
  /** Waits until the store's Redis is whole again around the promoted replica. */
  readonly settled: () => Promise<void>
  readonly role: (port: number) => Promise<string>
  /** How many WAITs the masters have been sent, all told. */
  readonly waits: () => Promise<number>
  readonly stop: () => Promise<void>
}

const setups: Array<[string, (dir: string) => Promise<Failing>]> = [
  [
    'a Redis Cluster',
    async (dir) => {
      const cluster = await startRedisCluster({ dir })
      const seeds = cluster.seeds.map((seed) => new URL(`redis://${seed}`))
      return {
        store: new RedisSessionStore({ topology: 'cluster', url: seeds[0]!, seeds }, prefix, names),
        killMasterOf: async (keys) => {
          const owners = await Promise.all(keys.map((key) => cluster.masterOf(key)))
          const counts = new Map<number, number>()
          for (const port of owners) counts.set(port, (counts.get(port) ?? 0) + 1)
          const [victim] = [...counts].sort((a, b) => b[1] - a[1])[0]!
          const [replica] = await cluster.replicasOf(victim)
          cluster.nodes.find((node) => node.port === victim)!.kill()
          return { victim, replica: replica!, onVictim: (key) => owners[keys.indexOf(key)] === victim }
        },
        settled: () => cluster.whole(),
        role: (port) => nodeCommand(port, 'role'),
        waits: async () =>
          sum(
            await Promise.all(
              cluster.nodes.map((node) => nodeCommand(node.port, 'info', 'commandstats').then(waitCalls)),
            ),
          ),
        stop: () => cluster.stop(),
      }
    },
  ],
  [
    'Redis Sentinel',
    async (dir) => {
      const setup = await startRedisSentinel({ dir })
      const sentinels = setup.sentinels.map((sentinel) => new URL(`redis://:${setup.password}@${sentinel}`))
      const target = {
        topology: 'sentinel',
        url: sentinels[0]!,
        sentinels,
        name: setup.name,
        sentinelPassword: setup.sentinelPassword,
      } as const
      return {
        store: new RedisSessionStore(target, prefix, names),
        killMasterOf: async () => {
          const victim = await setup.masterPort()
          const replica = setup.servers.find((server) => server.port !== victim)!.port
          setup.servers.find((server) => server.port === victim)!.kill()
          return { victim, replica, onVictim: () => true }
        },
        // Promoted, and named master by the Sentinels: what the client follows.
        settled: async () => {
          const replica = setup.servers.find((server) => server.port !== setup.servers[0]!.port)!.port
          await expect.poll(() => setup.masterPort(), { timeout: 20_000, interval: 200 }).toBe(replica)
        },
        role: (port) => setup.command(port, 'role'),
        waits: async () =>
          sum(
            await Promise.all(
              setup.servers.map((server) => setup.command(server.port, 'info', 'commandstats').then(waitCalls)),
            ),
          ),
        stop: () => setup.stop(),
      }
    },
  ],
]

const waitCalls = (stats: string) => Number(/cmdstat_wait:calls=(\d+)/.exec(stats)?.[1] ?? 0)
const sum = (counts: readonly number[]) => counts.reduce((a, b) => a + b, 0)

function session(sub: string, sid?: string): SessionRef {
  const now = nowSeconds()
  return { id: newSessionId(), provider: 'default', sub, sid, createdAt: now, expiresAt: now + 3600 }
}

describe.each(setups)('the Redis store on %s', (_name, start) => {
  const dir = mkdtempSync(join(tmpdir(), 'failover-'))
  let redis: Failing

  beforeAll(async () => {
    redis = await start(dir)
  }, 60_000)

  afterAll(async () => {
    await redis?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  /** What the store says of each session, once it answers for all of them again (it follows Redis to the promoted replica). */
  async function liveness(sessions: readonly SessionRef[]): Promise<boolean[]> {
    let answer: boolean[] | undefined
    await expect
      .poll(
        async () => {
          answer = await Promise.all(sessions.map((s) => redis.store.isLive(s, null))).catch(() => undefined)
          return answer !== undefined
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(true)
    return answer!
  }

  it('loses no live session and brings back no ended one when a master fails and its replica takes over', async () => {
    const { store } = redis
    // Forty users: each signs in twice, on a provider session of their own.
    const users = Array.from({ length: 40 }, (_, i) => ({ sub: `user-${i}`, sid: `sid-${i}` }))
    const all = users.flatMap(({ sub, sid }) => [session(sub, sid), session(sub, sid)])
    for (const s of all) await store.begin(s, 'Firefox on Linux')
    // Ended every way there is: signing out, another device signed out, everywhere, back-channel by sid.
    const ended = new Set<string>()
    for (let i = 0; i < users.length; i++) {
      const { sub, sid } = users[i]!
      const [first, second] = [all[2 * i]!, all[2 * i + 1]!]
      const way = i % 4
      if (way === 0) await store.end(first)
      if (way === 1) await store.endUserSession({ provider: 'default', sub }, second.id)
      if (way === 2) await store.endUserSessions({ provider: 'default', sub })
      if (way === 3) await store.endProviderSession('default', sid)
      for (const s of way === 0 ? [first] : way === 1 ? [second] : [first, second]) ended.add(s.id)
    }
    const expected = all.map((s) => !ended.has(s.id))
    expect(await liveness(all)).toEqual(expected)
    // A crash between a write and its copy is too quick to stage: what can be seen is that each
    // sign-in (80) and each ending (40) waited for a replica before it was answered.
    expect(await redis.waits()).toBeGreaterThanOrEqual(all.length + users.length)

    // The master holding the most session records, killed at once; nothing is written after the last answer.
    const keys = all.map((s) => `${prefix}s:${s.id}`)
    const { replica, onVictim } = await redis.killMasterOf(keys)
    const lost = all.filter((s) => onVictim(`${prefix}s:${s.id}`))
    expect(lost.some((s) => ended.has(s.id)) && lost.some((s) => !ended.has(s.id))).toBe(true)

    await expect
      .poll(async () => (await redis.role(replica)).split('\n')[0], { timeout: 20_000, interval: 200 })
      .toBe('master')
    await redis.settled()
    expect(await liveness(all)).toEqual(expected)

    // And the store goes on: a new sign-in and a sign-out on the promoted node.
    const after = session('user-after')
    await store.begin(after, 'Safari on iPhone')
    expect(await store.isLive(after, null)).toBe(true)
    const survivor = lost.find((s) => !ended.has(s.id))!
    await store.end(survivor)
    expect(await store.isLive(survivor, null)).toBe(false)
  }, 90_000)
})

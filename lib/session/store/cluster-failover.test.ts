/**
 * The Redis store on a Redis Cluster whose master fails: a real cluster of its
 * own (three masters, a replica each), one master killed as a crash would, its
 * replica promoted by the cluster. No live session may be lost and no ended
 * one come back: every start and end was on a replica before it was answered.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeCommand, startRedisCluster, type RedisCluster } from '../../../scripts/redis-cluster.ts'
import { newSessionId, nowSeconds } from '../session'
import type { SessionRef } from '../ref'
import { storeNames } from './names'
import { RedisSessionStore } from './redis'

const names = storeNames(['failover-test-secret-0123456789-abcdefghijklm'])
const prefix = 'failover:'
const dir = mkdtempSync(join(tmpdir(), 'cluster-failover-'))
let cluster: RedisCluster
let store: RedisSessionStore

beforeAll(async () => {
  cluster = await startRedisCluster({ dir })
  const seeds = cluster.seeds.map((seed) => new URL(`redis://${seed}`))
  store = new RedisSessionStore({ topology: 'cluster', url: seeds[0]!, seeds }, prefix, names)
}, 60_000)

afterAll(async () => {
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
})

function session(sub: string, sid?: string): SessionRef {
  const now = nowSeconds()
  return { id: newSessionId(), provider: 'default', sub, sid, createdAt: now, expiresAt: now + 3600 }
}

/** What the store says of each session, once it answers for all of them again (it follows the cluster to the promoted replica). */
async function liveness(sessions: readonly SessionRef[]): Promise<boolean[]> {
  let answer: boolean[] | undefined
  await expect
    .poll(
      async () => {
        answer = await Promise.all(sessions.map((s) => store.isLive(s, null))).catch(() => undefined)
        return answer !== undefined
      },
      { timeout: 20_000, interval: 200 },
    )
    .toBe(true)
  return answer!
}

describe('the Redis store on a Redis Cluster', () => {
  it('loses no live session and brings back no ended one when a master fails and its replica takes over', async () => {
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

    // The master holding the most session records, killed at once; nothing is written after the last answer.
    const owners = await Promise.all(all.map((s) => cluster.masterOf(`${prefix}s:${s.id}`)))
    const counts = new Map<number, number>()
    for (const port of owners) counts.set(port, (counts.get(port) ?? 0) + 1)
    const [victim] = [...counts].sort((a, b) => b[1] - a[1])[0]!
    const onVictim = all.filter((_, i) => owners[i] === victim)
    expect(onVictim.some((s) => ended.has(s.id)) && onVictim.some((s) => !ended.has(s.id))).toBe(true)
    const [replica] = await cluster.replicasOf(victim)
    cluster.nodes.find((node) => node.port === victim)!.kill()

    await expect.poll(async () => (await nodeCommand(replica!, 'role')).split('\n')[0], { timeout: 20_000, interval: 200 }).toBe('master')
    await cluster.whole()
    expect(await liveness(all)).toEqual(expected)

    // And the store goes on: a new sign-in and a sign-out on the promoted node.
    const after = session('user-after')
    await store.begin(after, 'Safari on iPhone')
    expect(await store.isLive(after, null)).toBe(true)
    const survivor = onVictim.find((s) => !ended.has(s.id))!
    await store.end(survivor)
    expect(await store.isLive(survivor, null)).toBe(false)
  }, 90_000)
})

/**
 * Before the unit tests: a real redis-server on a free loopback port, a real
 * Redis Cluster (three masters, a replica each), and a real master and replica
 * watched by three Sentinels, for the session store's tests
 * (lib/session/store/*.test.ts), stopped afterwards. Without redis-server
 * installed the run stops here, saying how to install it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startRedisCluster } from './redis-cluster.ts'
import { startRedisSentinel } from './redis-sentinel.ts'
import { freePort, startRedisServer } from './redis-server.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
    /** host:port of every node of the cluster, as REDIS_CLUSTER_NODES lists them. */
    redisClusterNodes: string
    /** host:port of each Sentinel, the master's name, and the passwords of the Redis and of the Sentinels. */
    redisSentinel: { sentinels: string[]; name: string; password: string; sentinelPassword: string }
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'vitest-redis-'))
  const [redis, cluster, sentinel] = await Promise.all([
    startRedisServer({ port: await freePort(), dir }),
    startRedisCluster({ dir: join(dir, 'cluster') }),
    startRedisSentinel({ dir: join(dir, 'sentinel') }),
  ])
  project.provide('redisUrl', redis.url)
  project.provide('redisClusterNodes', cluster.seeds.join(','))
  const { sentinels, name, password, sentinelPassword } = sentinel
  project.provide('redisSentinel', { sentinels: [...sentinels], name, password, sentinelPassword })
  return async () => {
    await Promise.all([redis.stop(), cluster.stop(), sentinel.stop()])
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Before the unit tests: a real redis-server on a free loopback port, and a real
 * Redis Cluster (three masters, a replica each), for the session store's tests
 * (lib/session/store/*.test.ts), stopped afterwards. Without redis-server
 * installed the run stops here, saying how to install it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startRedisCluster } from './redis-cluster.ts'
import { freePort, startRedisServer } from './redis-server.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
    /** host:port of every node of the cluster, as REDIS_CLUSTER_NODES lists them. */
    redisClusterNodes: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'vitest-redis-'))
  const [redis, cluster] = await Promise.all([startRedisServer({ port: await freePort(), dir }), startRedisCluster({ dir: join(dir, 'cluster') })])
  project.provide('redisUrl', redis.url)
  project.provide('redisClusterNodes', cluster.seeds.join(','))
  return async () => {
    await Promise.all([redis.stop(), cluster.stop()])
    rmSync(dir, { recursive: true, force: true })
  }
}

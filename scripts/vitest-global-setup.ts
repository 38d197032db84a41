/**
 * Before the unit tests: a real redis-server on a free loopback port, for the
 * session store's tests (lib/session/store/*.test.ts), stopped afterwards.
 * Without redis-server installed the run stops here, saying how to install it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { freePort, startRedisServer } from './redis-server.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'vitest-redis-'))
  const redis = await startRedisServer({ port: await freePort(), dir })
  project.provide('redisUrl', redis.url)
  return async () => {
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

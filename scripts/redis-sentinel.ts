/**
 * A real Redis watched by Redis Sentinel, for the tests: a master and its
 * replica (both asking for a password), and three Sentinels (asking for a
 * password of their own) that agree, two of three, on when the master has
 * failed and which replica takes its place. redis-server processes on loopback,
 * started and stopped by us, like ./redis-server.ts and ./redis-cluster.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { nodeCommand } from './redis-cluster.ts'
import { freePort, redisServerBinary, spawnRedis, startRedisServer, type RedisServer } from './redis-server.ts'

const HOST = '127.0.0.1'
const READY_TIMEOUT_MS = 30_000
/** The name the Sentinels know the master by, for REDIS_SENTINEL_NAME. */
export const SENTINEL_MASTER_NAME = 'sessions'

export interface RedisSentinelSetup {
  /** The master, then its replica. */
  readonly servers: readonly RedisServer[]
  /** host:port of each Sentinel, for REDIS_SENTINELS. */
  readonly sentinels: readonly string[]
  readonly name: string
  /** The master's and replica's password (credentials in REDIS_SENTINELS' URLs). */
  readonly password: string
  /** The Sentinels' own (REDIS_SENTINEL_PASSWORD). */
  readonly sentinelPassword: string
  /** The port of the server the Sentinels name master now. */
  readonly masterPort: () => Promise<number>
  /** One command to one of the servers, its answer as text. */
  readonly command: (port: number, ...args: string[]) => Promise<string>
  readonly stop: () => Promise<void>
}

/** `ports`: the master's, the replica's and the three Sentinels' (default: free ones). */
export async function startRedisSentinel(options: {
  dir: string
  ports?: readonly number[]
}): Promise<RedisSentinelSetup> {
  const port = async (i: number) => options.ports?.[i] ?? (await freePort())
  const password = 'data-password-for-tests'
  const sentinelPassword = 'sentinel-password-for-tests'
  const servers: RedisServer[] = []
  const watchers: RedisServer[] = []
  const stop = async () => {
    await Promise.all([...watchers, ...servers].map((server) => server.stop().catch(() => {})))
  }
  const command = (port: number, ...args: string[]) => nodeCommand(port, '-a', password, '--no-auth-warning', ...args)
  const askSentinel = (port: number, ...args: string[]) =>
    nodeCommand(port, '-a', sentinelPassword, '--no-auth-warning', ...args)
  try {
    const masterPort = await port(0)
    servers.push(await startRedisServer({ port: masterPort, dir: join(options.dir, 'master'), empty: true, password }))
    const replicaPort = await port(1)
    servers.push(
      await startRedisServer({
        port: replicaPort,
        dir: join(options.dir, 'replica'),
        empty: true,
        password,
        extraArgs: ['--replicaof', HOST, String(masterPort)],
      }),
    )
    const deadline = Date.now() + READY_TIMEOUT_MS
    while (!(await command(replicaPort, 'info', 'replication')).includes('master_link_status:up')) {
      if (Date.now() > deadline) throw new Error(`replica ${replicaPort} did not sync in time`)
      await sleep(100)
    }

    for (let i = 0; i < 3; i++) {
      const sentinelPort = await port(2 + i)
      const dir = join(options.dir, `sentinel-${sentinelPort}`)
      mkdirSync(dir, { recursive: true })
      const file = join(dir, 'sentinel.conf')
      // Sentinel rewrites its file as it learns the others; a master silent for a second is failed over.
      writeFileSync(
        file,
        [
          `port ${sentinelPort}`,
          `bind ${HOST}`,
          `dir ${dir}`,
          `requirepass ${sentinelPassword}`,
          `sentinel monitor ${SENTINEL_MASTER_NAME} ${HOST} ${masterPort} 2`,
          `sentinel auth-pass ${SENTINEL_MASTER_NAME} ${password}`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 5000`,
          '',
        ].join('\n'),
      )
      watchers.push(await spawnRedis(redisServerBinary(), [file, '--sentinel'], sentinelPort))
    }
    // Every Sentinel knows the replica and the two other Sentinels before a failover is asked of them.
    for (const sentinel of watchers) {
      const until = Date.now() + READY_TIMEOUT_MS
      for (;;) {
        const master = await askSentinel(sentinel.port, 'sentinel', 'master', SENTINEL_MASTER_NAME)
        const lines = master.split('\n')
        const field = (name: string) => lines[lines.indexOf(name) + 1]
        if (field('num-slaves') === '1' && field('num-other-sentinels') === '2') break
        if (Date.now() > until)
          throw new Error(`Sentinel ${sentinel.port} did not learn the replica and the other Sentinels in time`)
        await sleep(100)
      }
    }

    return {
      servers,
      sentinels: watchers.map((sentinel) => `${HOST}:${sentinel.port}`),
      name: SENTINEL_MASTER_NAME,
      password,
      sentinelPassword,
      command,
      stop,
      masterPort: async () => {
        for (const sentinel of watchers) {
          const answer = await askSentinel(
            sentinel.port,
            'sentinel',
            'get-master-addr-by-name',
            SENTINEL_MASTER_NAME,
          ).catch(() => '')
          const port = Number(answer.split('\n')[1])
          if (port) return port
        }
        throw new Error('no Sentinel names a master')
      },
    }
  } catch (error) {
    await stop()
    throw error
  }
}

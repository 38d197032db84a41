/**
 * A real Redis Cluster for the tests and the benchmark: redis-server processes
 * on loopback in cluster mode, joined by `redis-cli --cluster create`, each
 * master with its replicas. Started and stopped by us, like ./redis-server.ts.
 */
import { execFile, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { freePort, startRedisServer, type RedisServer } from './redis-server.ts'

const run = promisify(execFile)
const HOST = '127.0.0.1'
const READY_TIMEOUT_MS = 30_000

/** redis-cli, which Debian's redis-server package brings (redis-tools), or REDIS_CLI. */
export function redisCliBinary(): string {
  for (const candidate of [
    process.env.REDIS_CLI,
    'redis-cli',
    '/usr/bin/redis-cli',
    '/usr/local/bin/redis-cli',
    '/opt/homebrew/bin/redis-cli',
  ]) {
    if (candidate && spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0) return candidate
  }
  throw new Error(
    'redis-cli was not found (it comes with redis-server: Debian/Ubuntu redis-tools, macOS brew install redis); or set REDIS_CLI.',
  )
}

/** One command to one node, its answer as text. */
export async function nodeCommand(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(redisCliBinary(), ['-h', HOST, '-p', String(port), ...args])
  return stdout.trim()
}

export interface RedisCluster {
  readonly nodes: readonly RedisServer[]
  /** host:port of every node, for REDIS_CLUSTER_NODES. */
  readonly seeds: readonly string[]
  /** The port of the master that holds `key` now. */
  readonly masterOf: (key: string) => Promise<number>
  /** The ports of the replicas of the master at `port`. */
  readonly replicasOf: (port: number) => Promise<number[]>
  /** Waits until every node still running says the cluster is whole, each slot served by a master. */
  readonly whole: () => Promise<void>
  readonly stop: () => Promise<void>
}

interface ClusterNode {
  readonly id: string
  readonly port: number
  readonly flags: readonly string[]
  readonly masterId: string
  readonly slots: readonly [number, number][]
}

/** CLUSTER NODES, parsed: `<id> <ip:port@bus> <flags> <master> … <slot ranges>`. */
async function clusterNodes(port: number): Promise<ClusterNode[]> {
  return (await nodeCommand(port, 'cluster', 'nodes')).split('\n').map((line) => {
    const [id = '', address = '', flags = '', masterId = '', , , , , ...ranges] = line.trim().split(' ')
    const slots = ranges
      .filter((r) => /^\d+(-\d+)?$/.test(r))
      .map((r): [number, number] => {
        const [from, to = from] = r.split('-').map(Number) as [number, number?]
        return [from, to ?? from]
      })
    return { id, port: Number(address.split('@')[0]!.split(':').at(-1)), flags: flags.split(','), masterId, slots }
  })
}

export async function startRedisCluster(options: {
  dir: string
  masters?: number
  replicas?: number
  ports?: readonly number[]
}): Promise<RedisCluster> {
  const masters = options.masters ?? 3
  const replicas = options.replicas ?? 1
  const nodes: RedisServer[] = []
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop().catch(() => {})))
  }
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const port = options.ports?.[i] ?? (await freePort())
      nodes.push(
        await startRedisServer({
          port,
          dir: join(options.dir, String(port)),
          empty: true,
          // A node that stops answering for a second is failed over: a test does not wait long.
          extraArgs: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '1000',
          ],
        }),
      )
    }
    const seeds = nodes.map((node) => `${HOST}:${node.port}`)
    await run(redisCliBinary(), [
      '--cluster',
      'create',
      ...seeds,
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ])

    const whole = async () => {
      const deadline = Date.now() + READY_TIMEOUT_MS
      for (;;) {
        const states = await Promise.all(
          nodes.map(async (node) => {
            try {
              const info = await nodeCommand(node.port, 'cluster', 'info')
              const known = await clusterNodes(node.port)
              const served = known
                .filter((n) => n.flags.includes('master') && !n.flags.some((f) => f.startsWith('fail')))
                .flatMap((n) => n.slots)
              const count = served.reduce((sum, [from, to]) => sum + to - from + 1, 0)
              return info.includes('cluster_state:ok') && count === 16384
            } catch {
              return undefined // a node that was stopped
            }
          }),
        )
        if (states.every((ok) => ok !== false)) return
        if (Date.now() > deadline) throw new Error('the Redis Cluster did not become whole in time')
        await sleep(100)
      }
    }
    await whole()
    // Every replica in sync with its master before anything is written.
    for (const node of nodes) {
      const deadline = Date.now() + READY_TIMEOUT_MS
      while (
        (await nodeCommand(node.port, 'role')).startsWith('slave') &&
        !(await nodeCommand(node.port, 'role')).includes('connected')
      ) {
        if (Date.now() > deadline) throw new Error(`replica ${node.port} did not sync in time`)
        await sleep(100)
      }
    }

    const anyPort = async (): Promise<number> => {
      for (const node of nodes) {
        if ((await nodeCommand(node.port, 'ping').catch(() => '')) === 'PONG') return node.port
      }
      throw new Error('no node of the cluster answers')
    }
    return {
      nodes,
      seeds,
      whole,
      stop,
      masterOf: async (key) => {
        const port = await anyPort()
        const slot = Number(await nodeCommand(port, 'cluster', 'keyslot', key))
        const owner = (await clusterNodes(port)).find(
          (n) =>
            n.flags.includes('master') &&
            !n.flags.some((f) => f.startsWith('fail')) &&
            n.slots.some(([from, to]) => slot >= from && slot <= to),
        )
        if (!owner) throw new Error(`no master serves slot ${slot}`)
        return owner.port
      },
      replicasOf: async (port) => {
        const known = await clusterNodes(await anyPort())
        const master = known.find((n) => n.port === port)
        return known.filter((n) => n.masterId === master?.id).map((n) => n.port)
      },
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/**
 * One connection to Redis per process, shared by every copy of the modules Next
 * bundles (route handlers, instrumentation), made once and reused.
 *
 * Chosen so that a Redis that is down makes requests fail fast and clearly
 * rather than hang, and service comes back by itself:
 * - `disableOfflineQueue`: while disconnected, a command is refused at once
 *   instead of waiting in node-redis's offline queue for a connection;
 * - every call has a deadline (`withDeadline`): a Redis that accepts the
 *   connection but does not answer costs a request at most that long;
 * - the client reconnects on its own, backing off up to two seconds;
 * - an `error` listener is always attached (without one, a dropped connection
 *   would be thrown and end the process); outages are logged once, not per retry.
 *
 * The client library is loaded on first use, never at start-up: it takes a
 * tenth of a second or more to load, which a process that answers its first
 * request (a cold function on Vercel) should not pay before it can.
 */
import { createHash } from 'node:crypto'
import type { RedisClientType, RedisClusterType } from 'redis'
import { redact } from '../../config'
import { log } from '../../log/log'
import { StoreUnavailableError } from './store'

/** Where the store's Redis is: one node (REDIS_URL), or a cluster found through some of its nodes (REDIS_CLUSTER_NODES). */
export type RedisTarget = { readonly topology: 'node'; readonly url: URL } | { readonly topology: 'cluster'; readonly url: URL; readonly seeds: readonly URL[] }

/**
 * The client that commands go through: one node's, or a cluster's, which sends
 * each command to the node that holds its key's slot and follows the cluster as
 * it changes (a replica promoted, slots moved).
 */
export type RedisConnection = RedisClientType | RedisClusterType

/** A connection on its way: the client library loading, then the client connecting in the background. */
export type RedisLink = Promise<RedisConnection>

/** A session check is on every private request: it must be quick or give up. */
const COMMAND_DEADLINE_MS = 1_000
/** How long a request waits for the first connection of a process that just started. */
const FIRST_CONNECT_WAIT_MS = 1_000
const MAX_RECONNECT_DELAY_MS = 2_000

const CONNECTIONS = Symbol.for('nextjs-oidc-login.redis-connections')
const CONNECTED_ONCE = Symbol.for('nextjs-oidc-login.redis-connected-once')
const shared = globalThis as { [CONNECTIONS]?: Map<string, RedisLink>; [CONNECTED_ONCE]?: WeakSet<RedisConnection> }
/** Connections that have been ready once: when they drop, calls fail at once instead of waiting. */
const connectedOnce = (shared[CONNECTED_ONCE] ??= new WeakSet())

/** The connection to this Redis, created (and connecting) on first use. */
export function redisConnection(target: RedisTarget): RedisLink {
  const connections = (shared[CONNECTIONS] ??= new Map<string, RedisLink>())
  const name = target.topology === 'node' ? target.url.href : `cluster:${target.seeds.map((seed) => seed.href).join(',')}`
  let link = connections.get(name)
  if (!link) {
    link = connect(target)
    // A library that cannot load is not retried: every call says why (StoreUnavailableError, through withDeadline).
    link.catch(() => {})
    connections.set(name, link)
  }
  return link
}

const socket = {
  connectTimeout: 2_000,
  reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
}

/** A cluster's client: the seeds to find it by; every node it finds reached with the seeds' scheme and credentials. */
function clusterClient(createCluster: typeof import('redis').createCluster, seeds: readonly URL[], first: URL): RedisClusterType {
  return createCluster({
    rootNodes: seeds.map((seed) => ({ url: seed.href })),
    defaults: {
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      disableOfflineQueue: true,
      socket: { ...socket, tls: first.protocol === 'rediss:' },
    },
  })
}

async function connect(target: RedisTarget): Promise<RedisConnection> {
  const where = target.topology === 'node' ? redact(target.url.href) : `the cluster at ${redact(target.url.href)}`
  const { createClient, createCluster } = await import('redis')
  const client: RedisConnection =
    target.topology === 'node'
      ? createClient({ url: target.url.href, disableOfflineQueue: true, socket })
      : clusterClient(createCluster, target.seeds, target.url)
  let down = false
  client.on('error', (error: unknown) => {
    if (down) return
    down = true
    log.warn(
      'store.redis_down',
      `Redis at ${where} is unreachable (${error instanceof Error ? error.message : String(error)}); private pages answer 503 until it is back`,
    )
  })
  client.on(readyEvent(client), () => {
    connectedOnce.add(client)
    if (down) log.info('store.redis_back', `Redis at ${where} is reachable again`)
    down = false
  })
  keepConnecting(client)
  return client
}

/** One node's client says `ready`; a cluster's, `connect`, once it knows the cluster and reaches its nodes. */
function readyEvent(client: RedisConnection): 'ready' | 'connect' {
  return 'masters' in client ? 'connect' : 'ready'
}

/**
 * A node's client keeps retrying by itself until Redis answers (failures are
 * reported through `error`). A cluster's gives up when no seed answers: it is
 * asked again, backing off, until one does.
 */
function keepConnecting(client: RedisConnection, attempt = 0): void {
  client.connect().catch(() => {
    if ('masters' in client && !client.isOpen) setTimeout(() => keepConnecting(client, attempt + 1), socket.reconnectStrategy(attempt)).unref()
  })
}

/** Waits briefly for the first connection of a process that just started; never during an outage. */
async function ready(client: RedisConnection): Promise<RedisConnection> {
  if (client.isReady || connectedOnce.has(client)) return client
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, FIRST_CONNECT_WAIT_MS)
    const event = readyEvent(client)
    function done() {
      clearTimeout(timer)
      client.off(event, done)
      resolve()
    }
    client.on(event, done)
  })
  return client
}

/**
 * Runs one Redis call within COMMAND_DEADLINE_MS. Any failure (not connected,
 * refused, too slow) becomes StoreUnavailableError: the caller answers 503 and
 * nothing guesses.
 */
export async function withDeadline<T>(link: RedisLink, call: (client: RedisConnection) => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(`Redis did not answer within ${COMMAND_DEADLINE_MS} ms`)), COMMAND_DEADLINE_MS)
  })
  try {
    return await Promise.race([link.then(async (client) => call(await ready(client))), deadline])
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error
    throw new StoreUnavailableError(`Redis could not be used: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  } finally {
    clearTimeout(timer)
  }
}

/** A Lua script run by its SHA-1 (EVALSHA), sent in full only when Redis does not know it yet. */
export class RedisScript {
  private readonly source: string
  private readonly sha: string

  constructor(source: string) {
    this.source = source
    this.sha = createHash('sha1').update(source).digest('hex')
  }

  async run(client: RedisConnection, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await client.evalSha(this.sha, { keys, arguments: args })
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return client.eval(this.source, { keys, arguments: args })
    }
  }
}

/**
 * Deletes keys one command each, all sent at once: a multi-key DEL is refused
 * by a cluster when the keys hash to different slots, and session records do.
 */
export async function deleteEach(client: RedisConnection, keys: readonly string[]): Promise<void> {
  await Promise.all(
    keys.map(async (key) => {
      await client.del(key)
      await replicated(client, key)
    }),
  )
}

/** How long a write that starts or ends a session waits for a replica to have it. */
const REPLICA_WAIT_MS = 200

/**
 * In a cluster, a session's start or end is on a replica before the answer goes
 * out, when the key's shard has one (WAIT, up to REPLICA_WAIT_MS): a master that
 * fails right after cannot take the write with it, so a failover neither
 * signs anyone out nor brings an ended session back. A node of its own has no
 * replica to wait for. Sent to the node that holds `key`, on the connection that wrote it
 * (WAIT counts the writes its own connection made before it).
 */
export async function replicated(client: RedisConnection, key: string): Promise<void> {
  if (!('masters' in client)) return
  await client.sendCommand(key, false, ['WAIT', '1', String(REPLICA_WAIT_MS)])
}

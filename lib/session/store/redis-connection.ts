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
import type { RedisClientType, RedisClusterType, RedisSentinelType } from 'redis'
import { redact } from '../../config'
import { log } from '../../log/log'
import { StoreUnavailableError } from './store'

/**
 * Where the store's Redis is: one node (REDIS_URL), a cluster found through some
 * of its nodes (REDIS_CLUSTER_NODES), or a master that Sentinels know by name
 * (REDIS_SENTINELS). `url` names it in the log.
 */
export type RedisTarget =
  | { readonly topology: 'node'; readonly url: URL }
  | { readonly topology: 'cluster'; readonly url: URL; readonly seeds: readonly URL[] }
  | {
      readonly topology: 'sentinel'
      readonly url: URL
      readonly sentinels: readonly URL[]
      readonly name: string
      readonly sentinelPassword?: string
    }

/**
 * The client that commands go through: one node's; a cluster's, which sends
 * each command to the node that holds its key's slot and follows the cluster as
 * it changes (a replica promoted, slots moved); or Sentinel's, which asks the
 * Sentinels where the master is and follows it when they promote a replica.
 */
export type RedisConnection = RedisClientType | RedisClusterType | RedisSentinelType

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
  const name =
    target.topology === 'node'
      ? target.url.href
      : target.topology === 'cluster'
        ? `cluster:${target.seeds.map((seed) => seed.href).join(',')}`
        : `sentinel:${target.name}@${target.sentinels.map((sentinel) => sentinel.href).join(',')}`
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
function clusterClient(
  createCluster: typeof import('redis').createCluster,
  seeds: readonly URL[],
  first: URL,
): RedisClusterType {
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

/**
 * Sentinel's client: the Sentinels to ask (with their own password, if they
 * want one); the master and replicas they name reached with the URLs' scheme and
 * credentials. One connection to the master (node-redis's default pool), so that
 * a WAIT goes on the connection that made the writes it waits for.
 */
function sentinelClient(
  createSentinel: typeof import('redis').createSentinel,
  target: Extract<RedisTarget, { topology: 'sentinel' }>,
): RedisSentinelType {
  const first = target.url
  const tls = { socket: { ...socket, tls: first.protocol === 'rediss:' } }
  return createSentinel({
    name: target.name,
    sentinelRootNodes: target.sentinels.map((sentinel) => ({
      host: sentinel.hostname.replace(/^\[|\]$/g, ''),
      port: Number(sentinel.port),
    })),
    masterPoolSize: 1,
    nodeClientOptions: {
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      disableOfflineQueue: true,
      ...tls,
    },
    sentinelClientOptions: { ...(target.sentinelPassword ? { password: target.sentinelPassword } : {}), ...tls },
  })
}

/** The Redis in words, for the log and the start-up line: never a password. */
export function describeRedis(target: RedisTarget): string {
  if (target.topology === 'node') return `Redis at ${redact(target.url.href)}`
  if (target.topology === 'cluster') return `the Redis Cluster at ${redact(target.url.href)}`
  return `the Redis master "${target.name}" of the Sentinels at ${redact(target.url.href)}`
}

async function connect(target: RedisTarget): Promise<RedisConnection> {
  const where = describeRedis(target)
  const { createClient, createCluster, createSentinel } = await import('redis')
  const client: RedisConnection =
    target.topology === 'node'
      ? createClient({ url: target.url.href, disableOfflineQueue: true, socket })
      : target.topology === 'cluster'
        ? clusterClient(createCluster, target.seeds, target.url)
        : sentinelClient(createSentinel, target)
  let down = false
  client.on('error', (error: unknown) => {
    if (down) return
    down = true
    log.warn(
      'store.redis_down',
      `${where} is unreachable (${error instanceof Error ? error.message : String(error)}); private pages answer 503 until it is back`,
    )
  })
  client.on(readyEvent(client), () => {
    connectedOnce.add(client)
    if (down) log.info('store.redis_back', `${where} is reachable again`)
    down = false
  })
  keepConnecting(client)
  return client
}

export const isCluster = (client: RedisConnection): client is RedisClusterType => 'masters' in client
export const isSentinel = (client: RedisConnection): client is RedisSentinelType => 'getMasterNode' in client
const isNode = (client: RedisConnection): client is RedisClientType => !isCluster(client) && !isSentinel(client)

/** One node's client and Sentinel's say `ready`; a cluster's, `connect`, once it knows the cluster and reaches its nodes. */
function readyEvent(client: RedisConnection): 'ready' | 'connect' {
  return isCluster(client) ? 'connect' : 'ready'
}

/**
 * A node's client keeps retrying by itself until Redis answers (failures are
 * reported through `error`). A cluster's gives up when no seed answers, and
 * Sentinel's when no Sentinel names a master it can reach: each is asked again,
 * backing off, until it connects.
 */
function keepConnecting(client: RedisConnection, attempt = 0): void {
  client.connect().catch((error: unknown) => {
    if (isSentinel(client)) client.emit('error', error)
    if (!isNode(client) && !client.isOpen)
      setTimeout(() => keepConnecting(client, attempt + 1), socket.reconnectStrategy(attempt)).unref()
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
    timer = setTimeout(
      () => reject(new StoreUnavailableError(`Redis did not answer within ${COMMAND_DEADLINE_MS} ms`)),
      COMMAND_DEADLINE_MS,
    )
  })
  try {
    return await Promise.race([link.then(async (client) => call(await ready(client))), deadline])
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error
    throw new StoreUnavailableError(
      `Redis could not be used: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  } finally {
    clearTimeout(timer)
  }
}

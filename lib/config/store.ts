/**
 * Where the shared session store lives: embedded on this machine (the default:
 * a SQLite file that survives restarts), or in Redis (one node, a cluster, or a
 * master watched by Sentinel), shared by every instance.
 */
import { isLoopbackHost, parseFlag, read, type Env } from './env'

/**
 * `memory` is the embedded store's name in /api/health (a public contract):
 * it keeps its state in `path`, or only in this process where `path` is undefined.
 */
export type StoreConfig =
  | { readonly kind: 'memory'; readonly path: string | undefined }
  /** One Redis (REDIS_URL). */
  | { readonly kind: 'redis'; readonly topology: 'node'; readonly url: URL }
  /** A Redis Cluster (REDIS_CLUSTER_NODES): `seeds` to find it by; `url`, the first, names it in the log. */
  | { readonly kind: 'redis'; readonly topology: 'cluster'; readonly url: URL; readonly seeds: readonly URL[] }
  /**
   * A Redis whose master Sentinel watches (REDIS_SENTINELS): `sentinels` to ask
   * where the master `name` is now; `url`, the first, names it in the log.
   */
  | {
      readonly kind: 'redis'
      readonly topology: 'sentinel'
      readonly url: URL
      readonly sentinels: readonly URL[]
      readonly name: string
      readonly sentinelPassword?: string
    }

/** The embedded store's file when SESSION_STORE_PATH is unset: under the git-ignored data directory. */
export const DEFAULT_STORE_PATH = '.data/sessions.sqlite'
/** SESSION_STORE_PATH=:memory: keeps the embedded store in this process only (what ends is forgotten on restart). */
export const IN_PROCESS_ONLY = ':memory:'

/**
 * The embedded store's file. Unset: DEFAULT_STORE_PATH, relative to the
 * working directory, except on Vercel, whose file system lasts one function
 * instance: there it lives in the process (start-up says REDIS_URL is needed).
 */
function embeddedPath(env: Env): string | undefined {
  const raw = read(env, 'SESSION_STORE_PATH')
  if (raw === IN_PROCESS_ONLY) return undefined
  if (raw) return raw
  return env.VERCEL ? undefined : DEFAULT_STORE_PATH
}

/**
 * REDIS_URL: any Redis 6+ endpoint, `redis://` or `rediss://` (TLS), with an
 * optional database number. Unset: the embedded store. Plain `redis://` to a
 * host off this machine carries session ids and refresh results in clear, so
 * it needs REDIS_ALLOW_PLAINTEXT=true (a private network you trust).
 * REDIS_CLUSTER_NODES (a Redis Cluster) or REDIS_SENTINELS (a master watched by
 * Redis Sentinel) instead: one of the three, never two.
 */
export function parseStoreConfig(env: Env, problems: string[]): StoreConfig {
  const allowPlaintext = parseFlag(env, 'REDIS_ALLOW_PLAINTEXT', problems)
  const embedded = { kind: 'memory', path: embeddedPath(env) } as const
  const set = (['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const).filter((name) => read(env, name))
  if (set.length > 1) {
    problems.push(
      `${set.join(' and ')} are ${set.length === 2 ? 'both' : 'all'} set: set REDIS_URL for one Redis, REDIS_CLUSTER_NODES for a Redis Cluster, or REDIS_SENTINELS for a Redis watched by Sentinel; one of them.`,
    )
    return embedded
  }
  const cluster = read(env, 'REDIS_CLUSTER_NODES')
  if (cluster) return parseCluster(cluster, allowPlaintext, problems) ?? embedded
  const sentinels = read(env, 'REDIS_SENTINELS')
  if (sentinels) return parseSentinels(env, sentinels, allowPlaintext, problems) ?? embedded
  const raw = read(env, 'REDIS_URL')
  if (!raw) return embedded
  const example =
    'such as redis://localhost:6379, rediss://user:password@redis.example.com:6380 or redis://localhost:6379/2'
  let url: URL | undefined
  try {
    url = new URL(raw)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) {
    problems.push(`REDIS_URL must be a redis:// or rediss:// URL ${example}; got "${redact(raw)}".`)
    return embedded
  }
  if (!/^\/?(\d+)?$/.test(url.pathname) || url.search || url.hash) {
    problems.push(
      `REDIS_URL may name a database number after the host and nothing else (${example}); got "${redact(raw)}".`,
    )
    return embedded
  }
  if (url.protocol === 'redis:' && !isLoopbackHost(url.hostname) && !allowPlaintext) {
    problems.push(plaintextProblem(`REDIS_URL "${redact(raw)}" is plain redis:// to another host`))
    return embedded
  }
  return { kind: 'redis', topology: 'node', url }
}

function plaintextProblem(what: string): string {
  return (
    `${what}: session ids, whom they belong to and sealed refresh results would cross the network unencrypted. ` +
    'Use rediss:// (TLS), or set REDIS_ALLOW_PLAINTEXT=true if that network is private and trusted.'
  )
}

/**
 * A list of servers, comma-separated: `host:port`, or URLs as in REDIS_URL when
 * they want TLS or a password (`rediss://user:password@host:port`), without a
 * database number. They must agree on scheme and credentials (the servers the
 * list leads to are reached with them), and plain redis:// off this machine
 * needs REDIS_ALLOW_PLAINTEXT. Undefined when it cannot be used, the reason in `problems`.
 */
function parseServerList(
  name: string,
  noun: string,
  raw: string,
  example: string,
  allowPlaintext: boolean,
  problems: string[],
): URL[] | undefined {
  const servers: URL[] = []
  for (const entry of raw.split(',').map((part) => part.trim())) {
    let url: URL | undefined
    try {
      url = new URL(/^[a-z]+:\/\//i.test(entry) ? entry : `redis://${entry}`)
    } catch {
      url = undefined
    }
    if (
      !url ||
      (url.protocol !== 'redis:' && url.protocol !== 'rediss:') ||
      !url.hostname ||
      !url.port ||
      url.pathname.replace('/', '') ||
      url.search ||
      url.hash
    ) {
      problems.push(
        `${name} lists ${noun} as host:port or redis:// and rediss:// URLs with a port and nothing after it (${example}); got "${redact(entry)}".`,
      )
      return undefined
    }
    servers.push(url)
  }
  const [first] = servers
  if (!first) return undefined
  if (
    servers.some(
      (url) => url.protocol !== first.protocol || url.username !== first.username || url.password !== first.password,
    )
  ) {
    problems.push(
      `${name}: every one of its ${noun} must use the same scheme (redis:// or rediss://) and the same user and password; the servers they lead to are reached with them.`,
    )
    return undefined
  }
  const offMachine = servers.find((url) => !isLoopbackHost(url.hostname))
  if (first.protocol === 'redis:' && offMachine && !allowPlaintext) {
    problems.push(plaintextProblem(`${name} names ${offMachine.host} over plain redis://`))
    return undefined
  }
  return servers
}

/**
 * REDIS_CLUSTER_NODES: some of a Redis Cluster's nodes, to find the rest by.
 * Every node the client then finds is reached with the seeds' scheme and credentials.
 */
function parseCluster(raw: string, allowPlaintext: boolean, problems: string[]): StoreConfig | undefined {
  const example =
    'such as 10.0.0.1:6379,10.0.0.2:6379 or rediss://default:password@node-1.example.com:6380,rediss://default:password@node-2.example.com:6380'
  const seeds = parseServerList('REDIS_CLUSTER_NODES', 'nodes', raw, example, allowPlaintext, problems)
  return seeds && { kind: 'redis', topology: 'cluster', url: seeds[0]!, seeds }
}

/**
 * REDIS_SENTINELS: the Sentinels watching the Redis to use, REDIS_SENTINEL_NAME
 * the name they know its master by. The scheme applies to the Sentinels and the
 * Redis alike. Credentials in the URLs are the Redis's (its master and replicas,
 * where the sessions are), as with REDIS_URL; Sentinels that want a password of
 * their own (`requirepass` in sentinel.conf) take REDIS_SENTINEL_PASSWORD.
 */
function parseSentinels(env: Env, raw: string, allowPlaintext: boolean, problems: string[]): StoreConfig | undefined {
  const example =
    'such as 10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379 or rediss://default:password@sentinel-1.example.com:26380,…'
  const sentinels = parseServerList('REDIS_SENTINELS', 'Sentinels', raw, example, allowPlaintext, problems)
  const name = read(env, 'REDIS_SENTINEL_NAME')
  if (!name) {
    problems.push(
      'REDIS_SENTINELS is set without REDIS_SENTINEL_NAME: set it to the name the Sentinels know the master by (`sentinel monitor <name> …`, often mymaster).',
    )
    return undefined
  }
  const sentinelPassword = read(env, 'REDIS_SENTINEL_PASSWORD')
  return (
    sentinels && {
      kind: 'redis',
      topology: 'sentinel',
      url: sentinels[0]!,
      sentinels,
      name,
      ...(sentinelPassword ? { sentinelPassword } : {}),
    }
  )
}

/** A Redis URL as it may be printed or logged: without its password. */
export function redact(raw: string): string {
  try {
    const url = new URL(raw)
    if (url.password) url.password = '***'
    return url.href
  } catch {
    // Not a URL: hide whatever sits between the scheme and an @.
    return raw.replace(/\/\/[^@]*@/, '//***@')
  }
}

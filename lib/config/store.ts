/**
 * Where the shared session store lives: embedded on this machine (the default:
 * a SQLite file that survives restarts), or in Redis (REDIS_URL), shared by
 * every instance.
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
 */
export function parseStoreConfig(env: Env, problems: string[]): StoreConfig {
  const raw = read(env, 'REDIS_URL')
  const allowPlaintext = parseFlag(env, 'REDIS_ALLOW_PLAINTEXT', problems)
  const embedded = { kind: 'memory', path: embeddedPath(env) } as const
  const cluster = read(env, 'REDIS_CLUSTER_NODES')
  if (cluster && raw) {
    problems.push('REDIS_URL and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis, or REDIS_CLUSTER_NODES for a Redis Cluster, not both.')
    return embedded
  }
  if (cluster) return parseCluster(cluster, allowPlaintext, problems) ?? embedded
  if (!raw) return embedded
  const example = 'such as redis://localhost:6379, rediss://user:password@redis.example.com:6380 or redis://localhost:6379/2'
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
    problems.push(`REDIS_URL may name a database number after the host and nothing else (${example}); got "${redact(raw)}".`)
    return embedded
  }
  if (url.protocol === 'redis:' && !isLoopbackHost(url.hostname) && !allowPlaintext) {
    problems.push(
      `REDIS_URL "${redact(raw)}" is plain redis:// to another host: session ids, whom they belong to and sealed refresh results ` +
        'would cross the network unencrypted. Use rediss:// (TLS), or set REDIS_ALLOW_PLAINTEXT=true if that network is private and trusted.',
    )
    return embedded
  }
  return { kind: 'redis', topology: 'node', url }
}

/**
 * REDIS_CLUSTER_NODES: some of a Redis Cluster's nodes, comma-separated, to find
 * the rest by: `host:port`, or URLs as in REDIS_URL when the cluster wants TLS or
 * a password (`rediss://user:password@host:port`). Every node the client then
 * finds is reached with the same scheme and credentials, so the seeds must agree on them.
 */
function parseCluster(raw: string, allowPlaintext: boolean, problems: string[]): StoreConfig | undefined {
  const example = 'such as 10.0.0.1:6379,10.0.0.2:6379 or rediss://default:password@node-1.example.com:6380,rediss://default:password@node-2.example.com:6380'
  const seeds: URL[] = []
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
        `REDIS_CLUSTER_NODES lists nodes as host:port or redis:// and rediss:// URLs with a port and nothing after it (${example}); got "${redact(entry)}".`,
      )
      return undefined
    }
    seeds.push(url)
  }
  const [first] = seeds
  if (!first) return undefined
  if (seeds.some((url) => url.protocol !== first.protocol || url.username !== first.username || url.password !== first.password)) {
    problems.push(
      'REDIS_CLUSTER_NODES: every node must use the same scheme (redis:// or rediss://) and the same user and password; the nodes a cluster reveals are reached with them.',
    )
    return undefined
  }
  const offMachine = seeds.find((url) => !isLoopbackHost(url.hostname))
  if (first.protocol === 'redis:' && offMachine && !allowPlaintext) {
    problems.push(
      `REDIS_CLUSTER_NODES names ${offMachine.host} over plain redis://: session ids, whom they belong to and sealed refresh results ` +
        'would cross the network unencrypted. Use rediss:// (TLS), or set REDIS_ALLOW_PLAINTEXT=true if that network is private and trusted.',
    )
    return undefined
  }
  return { kind: 'redis', topology: 'cluster', url: first, seeds }
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

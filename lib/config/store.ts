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
export type StoreConfig = { readonly kind: 'memory'; readonly path: string | undefined } | { readonly kind: 'redis'; readonly url: URL }

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
  return { kind: 'redis', url }
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

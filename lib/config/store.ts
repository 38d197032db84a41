/**
 * Where the shared session store lives: in this process (the default, exact on
 * one instance), or in Redis (REDIS_URL), shared by every instance.
 */
import { read, type Env } from './env'

export type StoreConfig = { readonly kind: 'memory' } | { readonly kind: 'redis'; readonly url: URL }

/**
 * REDIS_URL: any Redis 6+ endpoint, `redis://` or `rediss://` (TLS), with an
 * optional database number. Unset: the in-process store.
 */
export function parseStoreConfig(env: Env, problems: string[]): StoreConfig {
  const raw = read(env, 'REDIS_URL')
  if (!raw) return { kind: 'memory' }
  const example = 'such as redis://localhost:6379, rediss://user:password@redis.example.com:6380 or redis://localhost:6379/2'
  let url: URL | undefined
  try {
    url = new URL(raw)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) {
    problems.push(`REDIS_URL must be a redis:// or rediss:// URL ${example}; got "${redact(raw)}".`)
    return { kind: 'memory' }
  }
  if (!/^\/?(\d+)?$/.test(url.pathname) || url.search || url.hash) {
    problems.push(`REDIS_URL may name a database number after the host and nothing else (${example}); got "${redact(raw)}".`)
    return { kind: 'memory' }
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

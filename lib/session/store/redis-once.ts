/**
 * Running something once across every instance that shares one Redis: the
 * spend of a refresh token (lib/auth/refresh.ts). Whoever takes the lock
 * produces and leaves the sealed result for REFRESH_REUSE_MS before releasing
 * it; everyone else polls for that result. The result is read again after the
 * lock is taken, so an instance that arrives just after another finished uses
 * its result instead of spending the token again.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { RedisConnection } from './redis-connection'
import type { Sealer } from './store'
import { log } from '../../log/log'

/** A refresh can take a discovery, a token request and a key set, 10 s each at worst. */
const REFRESH_LOCK_MS = 35_000
/** How long a finished refresh is handed to requests that still carry the old refresh token. */
const REFRESH_REUSE_MS = 5_000
const REFRESH_POLL_MS = 50

type Call = <T>(run: (client: RedisConnection) => Promise<T>) => Promise<T>

export async function onceAcrossInstances<T>(
  call: Call,
  lock: string,
  result: string,
  produce: () => Promise<T>,
  sealer: Sealer<T>,
): Promise<T> {
  const deadline = Date.now() + REFRESH_LOCK_MS
  const done = async (): Promise<T | undefined> => {
    const sealed = await call((client) => client.get(result))
    return sealed ? sealer.open(sealed) : undefined
  }
  for (let attempt = 0; Date.now() < deadline && attempt < REFRESH_LOCK_MS / REFRESH_POLL_MS; attempt++) {
    const finished = await done()
    if (finished !== undefined) return finished
    const took = await call((client) =>
      client.set(lock, '1', { condition: 'NX', expiration: { type: 'PX', value: REFRESH_LOCK_MS } }),
    )
    if (took === 'OK') {
      try {
        const already = await done()
        if (already !== undefined) return already
        const value = await produce()
        // The provider may already have rotated the refresh token: its answer is kept
        // whether or not the other instances can be handed it.
        try {
          const sealed = await sealer.seal(value)
          await call((client) => client.set(result, sealed, { expiration: { type: 'PX', value: REFRESH_REUSE_MS } }))
        } catch (error) {
          log.warn(
            'store.refresh_share_failed',
            `a refresh result could not be shared with other instances: ${error instanceof Error ? error.message : String(error)}`,
          )
        }
        return value
      } finally {
        await call((client) => client.del(lock)).catch(() => {})
      }
    }
    await sleep(REFRESH_POLL_MS)
  }
  throw new Error("Another instance took too long refreshing this session's tokens.")
}

/**
 * What the Redis session store costs in memory: Redis's own `used_memory`
 * before and after a number of sign-ins, each a live session of its own (a new
 * provider session too: every sign-in uses a fresh cookie jar).
 */
import { createClient } from 'redis'
import { signIn } from './login.ts'
import type { Pair } from './pair.ts'

export interface StoreMemory {
  readonly sessions: number
  /** Redis's used_memory grew by this much per session, in bytes. */
  readonly bytesPerSession: number
  /** Keys per session (its record, its provider session's index; the user's index is shared). */
  readonly keysPerSession: number
}

function usedMemory(info: string): number {
  const match = /^used_memory:(\d+)/m.exec(info)
  if (!match) throw new Error('Redis INFO memory has no used_memory.')
  return Number(match[1])
}

export async function storeMemory(redisUrl: string, pair: Pair, count: number): Promise<StoreMemory> {
  const client = createClient({ url: redisUrl })
  client.on('error', () => {})
  await client.connect()
  try {
    const [memoryBefore, keysBefore] = [usedMemory(await client.info('memory')), await client.dbSize()]
    for (let i = 0; i < count; i++) await signIn(pair.app.baseUrl)
    const [memoryAfter, keysAfter] = [usedMemory(await client.info('memory')), await client.dbSize()]
    return {
      sessions: count,
      bytesPerSession: (memoryAfter - memoryBefore) / count,
      keysPerSession: (keysAfter - keysBefore) / count,
    }
  } finally {
    client.destroy()
  }
}

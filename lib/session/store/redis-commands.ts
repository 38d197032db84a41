/**
 * Commands the store sends the way every Redis it runs on can take them: a Lua
 * script by its hash, the live check (one script), keys deleted one command each (a cluster refuses a
 * command whose keys live on different nodes), and a write waited on until a
 * replica has it where a replica may take over.
 */
import { createHash } from 'node:crypto'
import { nowSeconds } from '../../clock'
import { isCluster, isSentinel, type RedisConnection } from './redis-connection'
import { SEEN_INTERVAL } from './store'

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
 * Where replicas take over (a cluster, Sentinel), a session's start or end is on
 * a replica before the answer goes out (WAIT, up to REPLICA_WAIT_MS): a master
 * that fails right after cannot take the write with it, so a failover neither
 * signs anyone out nor brings an ended session back. A node of its own has no
 * replica that could take its place. Sent on the connection that wrote `key`
 * (WAIT counts the writes its own connection made before it): in a cluster, the
 * one to the node that holds the key; with Sentinel, the one connection to the master.
 */
export async function replicated(client: RedisConnection, key: string): Promise<void> {
  const wait = ['WAIT', '1', String(REPLICA_WAIT_MS)]
  if (isCluster(client)) await client.sendCommand(key, false, wait)
  else if (isSentinel(client)) await client.sendCommand(false, wait)
}

/**
 * Exists → live; the last-seen time is written at most once per SEEN_INTERVAL.
 * One round trip, and atomic: a session deleted between a read and a write
 * must not be brought back by the write (HSET would create the key anew).
 */
const CHECK = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local seen = tonumber(redis.call('HGET', KEYS[1], 'seen') or '0') or 0
if tonumber(ARGV[1]) - seen >= tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], 'seen', ARGV[1]) end
return 1
`)

/** Whether the session record at `key` exists (the session is live), noting it seen. */
export async function checkLive(client: RedisConnection, key: string): Promise<boolean> {
  return (await CHECK.run(client, [key], [String(nowSeconds()), String(SEEN_INTERVAL)])) === 1
}

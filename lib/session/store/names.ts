/**
 * How the store names users and provider sessions: by a keyed hash, never in
 * clear, so a dump of the store, Redis's MONITOR or a copied SQLite file does
 * not list who is signed in. The key is derived from SESSION_SECRET (HKDF, its
 * own label), so nobody without the secret can test a guessed `sub` either.
 *
 * With several secrets (rotation, newest first) a name is written under the
 * newest and looked up under each, so rotating the secret loses no index.
 */
import { createHmac, hkdfSync } from 'node:crypto'

export interface StoreNames {
  /** The name to write `value` under (the newest secret's). */
  readonly current: (value: string) => string
  /** Every name `value` may have been written under: the newest first. */
  readonly all: (value: string) => string[]
}

const LABEL = 'nextjs-oidc-login session store names'
/** Names remembered per process: an HMAC costs about 10 µs, and every private request asks for two. */
const REMEMBERED = 10_000

export function storeNames(secrets: readonly [string, ...string[]]): StoreNames {
  const keys = secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, '', LABEL, 32)))
  // 128 bits of the HMAC: as unguessable as the session ids beside them, and short keys.
  const name = (key: Buffer, value: string) => createHmac('sha256', key).update(value).digest().subarray(0, 16).toString('base64url')
  const remembered = new Map<string, string[]>()
  const all = (value: string): string[] => {
    let names = remembered.get(value)
    if (!names) {
      // A full memo starts over: simpler than an LRU, and a miss costs microseconds.
      if (remembered.size >= REMEMBERED) remembered.clear()
      names = keys.map((key) => name(key, value))
      remembered.set(value, names)
    }
    return names
  }
  return { current: (value) => all(value)[0]!, all }
}

/**
 * How the store names users and provider sessions: by a keyed hash, never in
 * clear, so a dump of the store, Redis's MONITOR or a copied SQLite file does
 * not list who is signed in. The key is derived from SESSION_SECRET (HKDF, its
 * own label), so nobody without the secret can test a guessed `sub` either.
 *
 * Each provider has keys of its own (its id in the label; the `default`
 * provider keeps the label names were written under before there were several),
 * so the same `sub` or `sid` at two providers gets two unrelated names: a user
 * is (provider, sub), and no spelling of one provider's `sub` can reach
 * another provider's user.
 *
 * With several secrets (rotation, newest first) a name is written under the
 * newest and looked up under each, so rotating the secret loses no index.
 */
import { createHmac, hkdfSync } from 'node:crypto'
import { DEFAULT_PROVIDER, type ProviderId } from '../../config/provider-ids'

export interface StoreNames {
  /** The name to write `value` of `provider` under (the newest secret's). */
  readonly current: (value: string, provider: ProviderId) => string
  /** Every name `value` of `provider` may have been written under: the newest first. */
  readonly all: (value: string, provider: ProviderId) => string[]
}

const LABEL = 'nextjs-oidc-login session store names'
/** Names remembered per process: an HMAC costs about 10 µs, and every private request asks for two. */
const REMEMBERED = 10_000

export function storeNames(secrets: readonly [string, ...string[]]): StoreNames {
  const keysByProvider = new Map<ProviderId, Buffer[]>()
  const keys = (provider: ProviderId): Buffer[] => {
    let derived = keysByProvider.get(provider)
    if (!derived) {
      const label = provider === DEFAULT_PROVIDER ? LABEL : `${LABEL}, provider ${provider}`
      derived = secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, '', label, 32)))
      keysByProvider.set(provider, derived)
    }
    return derived
  }
  // 128 bits of the HMAC: as unguessable as the session ids beside them, and short keys.
  const name = (key: Buffer, value: string) =>
    createHmac('sha256', key).update(value).digest().subarray(0, 16).toString('base64url')
  const remembered = new Map<string, string[]>()
  const all = (value: string, provider: ProviderId): string[] => {
    // Provider ids have no space: the memo's key is unambiguous.
    const memo = `${provider} ${value}`
    let names = remembered.get(memo)
    if (!names) {
      // A full memo starts over: simpler than an LRU, and a miss costs microseconds.
      if (remembered.size >= REMEMBERED) remembered.clear()
      names = keys(provider).map((key) => name(key, value))
      remembered.set(memo, names)
    }
    return names
  }
  return { current: (value, provider) => all(value, provider)[0]!, all }
}

/**
 * Sealing with rotating secrets, for every cookie we seal (session, login transactions).
 *
 * iron-session can take a map of numbered passwords, but its ids are positions:
 * dropping the oldest secret would renumber the rest and sign everyone out. So
 * we always seal with the newest secret alone, and open by trying the secrets
 * newest first. A current cookie opens on the first try; only cookies from
 * before a rotation (or forged ones) pay for more, and there are at most five.
 *
 * Web Crypto only: middleware (Edge) uses this.
 */
import { sealData, unsealData } from 'iron-session'

/** One cookie cannot be larger than this, so a longer single-cookie value did not come from us. */
export const MAX_SEAL_LENGTH = 4096

/** An iron seal (`Fe26.2` and seven `*`-separated fields) with iron-session's version suffix, and nothing else. */
const SEAL_FORMAT = /^Fe26\.2(\*[\w-]*){7}~2$/

export interface Opened<T> {
  readonly data: T
  /** True when an older secret opened it: the caller should seal it again with the newest. */
  readonly stale: boolean
}

export function seal(data: object, secrets: readonly [string, ...string[]], ttl: number): Promise<string> {
  return sealData(data, { password: secrets[0], ttl: Math.max(1, Math.floor(ttl)) })
}

/**
 * Opens a seal with whichever secret made it and checks the shape with `guard`.
 * Tampered, truncated, foreign, expired or oddly shaped: undefined, never an exception.
 */
export async function open<T>(
  value: string | undefined,
  secrets: readonly string[],
  ttl: number,
  guard: (data: unknown) => data is T,
  maxLength = MAX_SEAL_LENGTH,
): Promise<Opened<T> | undefined> {
  // Refused before any crypto runs: an oversized or misshapen value did not come from us.
  // (iron-session itself ignores anything appended after its `~2` version suffix.)
  if (!value || value.length > maxLength || !SEAL_FORMAT.test(value)) return undefined
  for (const [index, password] of secrets.entries()) {
    let data: unknown
    try {
      // A seal it cannot open comes back as {} (iron-session's onUnsealError reports why).
      data = await unsealData<unknown>(value, { password, ttl })
    } catch {
      return undefined
    }
    if (guard(data)) return { data, stale: index > 0 }
  }
  return undefined
}

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

/**
 * An iron seal as iron-session makes it, field by field, and nothing else:
 * `Fe26.2*<password id>*<salt: 256 bits, hex>*<iv: 128 bits, base64url>*<ciphertext>*<expiry: ms or empty>*<hmac salt: hex>*<hmac: SHA-256, base64url>~2`.
 * Anything else is refused before any crypto runs: a forged cookie must not cost
 * a key derivation per secret (a near-empty `Fe26.2*1*s*i*e**h*d~2` used to).
 */
const SEAL_FORMAT = /^Fe26\.2\*\w{0,32}\*[0-9a-f]{64}\*[\w-]{22}\*[\w-]+\*\d{0,16}\*[0-9a-f]{64}\*[\w-]{43}~2$/

/** True when `value` has the shape of a seal of ours; cheap, no crypto. */
export function isPlausibleSeal(value: string | undefined, maxLength = MAX_SEAL_LENGTH): value is string {
  return value !== undefined && value.length <= maxLength && SEAL_FORMAT.test(value)
}

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
  if (!isPlausibleSeal(value, maxLength)) return undefined
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

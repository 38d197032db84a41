/**
 * The session's cache of per-API tokens (APIS): each API's own access token,
 * kept in the sealed cookie beside the session's tokens, so a page or the
 * proxy does not mint one on every call.
 *
 * It is a cache: an entry can always be minted again, so when the cookie
 * would grow past its limit the least recently used entries go first
 * (lib/session/sealed.ts), and the ID and refresh tokens never do. A failed
 * mint is remembered for a short while too, so a page that cannot get its
 * token says so instead of asking again on every render.
 *
 * Edge-safe: middleware opens sessions that carry it.
 */
import { packToken, unpackToken } from './codec'

/** An API token as the cache holds it. Times are epoch seconds. */
export interface CachedApiToken {
  readonly kind: 'token'
  readonly accessToken: string
  /** When it expires, if the provider said. */
  readonly expiresAt: number | undefined
  /** The scopes granted, if the provider said. */
  readonly scope: string | undefined
  /** Bound to the session's DPoP key (token_type DPoP): every use needs a proof. */
  readonly dpop: boolean
  /** Last minted or used, as far as a cookie written since knows: eviction goes by this. */
  readonly usedAt: number
}

/** A mint that failed: not tried again before `retryAt`. */
export interface FailedApiToken {
  readonly kind: 'failed'
  readonly retryAt: number
  /** Said to the user; never a token or a secret. */
  readonly reason: string
  readonly usedAt: number
}

export type ApiTokenEntry = CachedApiToken | FailedApiToken

export type ApiTokens = Readonly<Record<string, ApiTokenEntry>>

/** A token is not used within this many seconds of its expiry: the call could arrive after it. */
const EXPIRY_MARGIN = 30

export function isUsable(entry: ApiTokenEntry | undefined, now: number): entry is CachedApiToken {
  return entry?.kind === 'token' && (entry.expiresAt === undefined || entry.expiresAt - EXPIRY_MARGIN > now)
}

/** The compact wire form of one entry: arrays, the token packed like the session's own (./codec.ts). */
type WireEntry =
  readonly ['t', unknown, number | null, string | null, 0 | 1, number] | readonly ['f', number, string, number]

export function apiTokensToWire(tokens: ApiTokens): Record<string, WireEntry> {
  const wire: Record<string, WireEntry> = {}
  for (const [name, entry] of Object.entries(tokens)) {
    wire[name] =
      entry.kind === 'token'
        ? [
            't',
            packToken(entry.accessToken),
            entry.expiresAt ?? null,
            entry.scope ?? null,
            entry.dpop ? 1 : 0,
            entry.usedAt,
          ]
        : ['f', entry.retryAt, entry.reason, entry.usedAt]
  }
  return wire
}

function entryFromWire(value: unknown): ApiTokenEntry | undefined {
  if (!Array.isArray(value)) return undefined
  if (value[0] === 't' && value.length === 6) {
    const [, packed, expiresAt, scope, dpop, usedAt] = value as unknown[]
    const accessToken = unpackToken(packed)
    if (accessToken === undefined || typeof usedAt !== 'number' || (dpop !== 0 && dpop !== 1)) return undefined
    if ((expiresAt !== null && typeof expiresAt !== 'number') || (scope !== null && typeof scope !== 'string'))
      return undefined
    return {
      kind: 'token',
      accessToken,
      expiresAt: expiresAt ?? undefined,
      scope: scope ?? undefined,
      dpop: dpop === 1,
      usedAt,
    }
  }
  if (value[0] === 'f' && value.length === 4) {
    const [, retryAt, reason, usedAt] = value as unknown[]
    if (typeof retryAt !== 'number' || typeof reason !== 'string' || typeof usedAt !== 'number') return undefined
    return { kind: 'failed', retryAt, reason, usedAt }
  }
  return undefined
}

/** The cache as sealed; undefined when anything in it is malformed (the session is then refused whole). */
export function apiTokensFromWire(value: unknown): ApiTokens | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const tokens: Record<string, ApiTokenEntry> = {}
  for (const [name, wire] of Object.entries(value)) {
    const entry = entryFromWire(wire)
    if (!entry) return undefined
    tokens[name] = entry
  }
  return tokens
}

/** The cache without its least recently used entry; undefined when it is empty. */
export function withoutLeastRecentlyUsed(tokens: ApiTokens): ApiTokens | undefined {
  const names = Object.keys(tokens)
  if (names.length === 0) return undefined
  const oldest = names.reduce((a, b) => (tokens[b]!.usedAt < tokens[a]!.usedAt ? b : a))
  const { [oldest]: _dropped, ...rest } = tokens
  return rest
}

/** Only the entries of APIs still configured: one removed from APIS leaves nothing behind at the next write. */
export function forConfiguredApis(tokens: ApiTokens, names: readonly string[]): ApiTokens {
  return Object.fromEntries(Object.entries(tokens).filter(([name]) => names.includes(name)))
}

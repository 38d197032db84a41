/**
 * The session: its shape, how one begins, and the policy that ends it.
 *
 * A session is a token set (lib/oidc/token-set.ts) plus its own id and clock.
 * It is built in two places only: `newSession` at sign-in, `withTokens` after
 * a refresh. Edge-safe: middleware enforces the timeouts with this module.
 */
import { nowSeconds } from '../clock'
import { randomId } from '../base64url'
import type { SessionConfig } from '../config'
import { DEFAULT_PROVIDER, PROVIDER_ID, type ProviderId } from '../config/provider-ids'
import type { DpopKey, TokenSet } from '../oidc/token-set'

export type { DpopKey }
import { apiTokensFromWire, apiTokensToWire, type ApiTokenEntry, type ApiTokens } from './api-tokens'

export interface Session extends TokenSet {
  /**
   * The provider the user signed in with (OIDC_PROVIDERS' id): whose tokens
   * these are, where they are refreshed and revoked, where sign-out goes, and
   * half of who the user is: a user is (provider, sub), never `sub` alone.
   */
  readonly provider: ProviderId
  /**
   * A random id given at sign-in, sealed with the rest: how the session store
   * names this session, so that signing out, the provider's back-channel logout
   * and "sign out everywhere" can end it wherever a copy of the cookie turns up.
   */
  readonly id: string
  /** Epoch seconds when the user signed in. */
  readonly createdAt: number
  /** Epoch seconds after which the session is over, whatever else happens (absolute timeout). */
  readonly expiresAt: number
  /** Epoch seconds of the last request to a private route (idle timeout). */
  readonly lastSeenAt: number
  /** Tokens minted for the configured APIs (APIS): a cache, see ./api-tokens.ts. */
  readonly apiTokens?: ApiTokens
  /** Where the provider binds tokens (OIDC_DPOP): the session's key. */
  readonly dpopKey?: DpopKey
}

/** 128 random bits, base64url: 22 characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/

export function newSessionId(): string {
  return randomId()
}

/** A session that begins now, with the tokens of a completed login at `provider`. */
export function newSession(tokens: TokenSet, provider: ProviderId, config: SessionConfig, now = nowSeconds()): Session {
  return {
    id: newSessionId(),
    provider,
    ...tokens,
    createdAt: now,
    expiresAt: now + config.absoluteTimeout,
    lastSeenAt: now,
  }
}

/** The same session with refreshed tokens: its id and its clock stay. */
export function withTokens(session: Session, tokens: TokenSet): Session {
  return { ...session, ...tokens }
}

/** What a mint for one API came to: its token, or why there is none (tried again after `retryAfter` seconds). */
export type ApiMint =
  | {
      readonly accessToken: string
      readonly expiresAt: number | undefined
      readonly scope: string | undefined
      readonly dpop: boolean
    }
  | { readonly refused: string; readonly retryAfter: number }

/** The same session with `mint` in its API token cache under `name`. */
export function withApiEntry(session: Session, name: string, mint: ApiMint, now = nowSeconds()): Session {
  const entry: ApiTokenEntry =
    'refused' in mint
      ? { kind: 'failed', retryAt: now + mint.retryAfter, reason: mint.refused, usedAt: now }
      : { kind: 'token', ...mint, usedAt: now }
  return { ...session, apiTokens: { ...session.apiTokens, [name]: entry } }
}

/** The same session, seen active at `now` (the idle clock moves on). */
export function touched(session: Session, now = nowSeconds()): Session {
  return { ...session, lastSeenAt: now }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isOptional(value: unknown, type: 'string' | 'number'): boolean {
  return value === undefined || typeof value === type
}

/**
 * The session as it is sealed, with its shape version `v`:
 * - 1: a session at the `default` provider, which it does not name. Releases
 *   from before several providers wrote only these and read only these, so a
 *   cookie sealed before the upgrade is the default provider's, and one a
 *   rollback meets is read as what it is;
 * - 2: a session at another provider, named in `provider`. Older releases
 *   refuse v2, so none of them ever takes another provider's user for a
 *   default one with the same `sub`.
 */
export function sessionToWire(session: Session): Record<string, unknown> {
  const { provider, apiTokens, ...rest } = session
  const withApis =
    apiTokens && Object.keys(apiTokens).length > 0 ? { ...rest, apiTokens: apiTokensToWire(apiTokens) } : rest
  return provider === DEFAULT_PROVIDER ? { v: 1, ...withApis } : { v: 2, provider, ...withApis }
}

/**
 * The session a sealed cookie holds. The cookie is authentic, but it may come
 * from an older release with another shape: anything that does not match
 * exactly is no session.
 */
export function sessionFromWire(value: unknown): Session | undefined {
  if (!isRecord(value)) return undefined
  const provider =
    value.v === 1 && value.provider === undefined ? DEFAULT_PROVIDER : value.v === 2 ? value.provider : undefined
  if (typeof provider !== 'string' || !PROVIDER_ID.test(provider) || (value.v === 2 && provider === DEFAULT_PROVIDER))
    return undefined
  if (!hasSessionFields(value)) return undefined
  const { v: _version, apiTokens: wireApiTokens, ...rest } = value
  const apiTokens = wireApiTokens === undefined ? undefined : apiTokensFromWire(wireApiTokens)
  if (wireApiTokens !== undefined && !apiTokens) return undefined
  return { ...(rest as Omit<Session, 'provider' | 'apiTokens'>), provider, ...(apiTokens ? { apiTokens } : {}) }
}

function isDpopKey(value: unknown): boolean {
  if (value === undefined) return true
  if (!isRecord(value)) return false
  return value.kty === 'EC' && value.crv === 'P-256' && ['x', 'y', 'd'].every((part) => typeof value[part] === 'string')
}

function hasSessionFields(value: Record<string, unknown>): boolean {
  return (
    // A session from before sessions had ids cannot be ended by the store: it reads as signed out.
    typeof value.id === 'string' &&
    SESSION_ID.test(value.id) &&
    typeof value.idToken === 'string' &&
    value.idToken.split('.').length === 3 &&
    isRecord(value.claims) &&
    typeof value.createdAt === 'number' &&
    typeof value.expiresAt === 'number' &&
    typeof value.lastSeenAt === 'number' &&
    isOptional(value.accessToken, 'string') &&
    isOptional(value.accessTokenExpiresAt, 'number') &&
    isOptional(value.refreshToken, 'string') &&
    isOptional(value.refreshAt, 'number') &&
    isOptional(value.scope, 'string') &&
    isDpopKey(value.dpopKey)
  )
}

/** When the session ends if nothing else happens: the absolute limit, or the idle one. */
export function sessionEndsAt(session: Session, config: SessionConfig): number {
  return Math.min(session.expiresAt, session.lastSeenAt + config.idleTimeout)
}

export function isExpired(session: Session, config: SessionConfig, now = nowSeconds()): boolean {
  return sessionEndsAt(session, config) <= now
}

/**
 * How often activity moves the idle clock (a cookie write each time): a quarter
 * of the idle timeout, at most a minute. With the shortest timeout accepted
 * (60 s) that is every 15 s, so a user active more often than every 45 s is
 * never signed out for idleness; a fixed minute signed them out at 60 s.
 */
export function touchInterval(config: SessionConfig): number {
  return Math.min(60, Math.floor(config.idleTimeout / 4))
}

/** True when this request should record the user's activity (see touchInterval). */
export function touchDue(session: Session, config: SessionConfig, now = nowSeconds()): boolean {
  return now - session.lastSeenAt >= touchInterval(config)
}

/** True when the access token should be refreshed before this request goes on. */
export function needsRefresh(session: Session, now = nowSeconds()): boolean {
  return session.refreshToken !== undefined && session.refreshAt !== undefined && session.refreshAt <= now
}

/**
 * The session store: what must be shared between every instance of the app,
 * while the session's data stays in its sealed cookie.
 *
 * - which sessions are live, so that a session ended anywhere (signing out,
 *   the provider's back-channel logout, "sign out everywhere") is ended
 *   everywhere, including for a copy of its cookie;
 * - which provider session (`sid`) and user (provider and `sub`) each belongs
 *   to, so a logout token or "sign out everywhere" can find them; a user is
 *   (provider, sub) throughout, never `sub` alone;
 * - the refresh in flight, so one refresh token is spent once however many
 *   instances find it due at the same moment;
 * - the logout tokens already used (`jti`), so none is accepted twice;
 * - each session's latest refresh token (sealed), once a spend rotated it, so a
 *   browser whose cookie lost a race to an older answer spends the current one.
 *
 * Two implementations: embedded (lib/session/store/embedded.ts, the default:
 * no setup, a SQLite file on this machine) and Redis
 * (lib/session/store/redis.ts, REDIS_URL: authoritative for every instance).
 * Node runtime only: middleware never touches the store (it makes no network call).
 */
import type { ProviderId } from '../../config/provider-ids'
import type { SessionRef, UserKey } from '../ref'

export type { UserKey } from '../ref'

export type StoreKind = 'memory' | 'redis'

/** A live session as the sessions list shows it. Times are epoch seconds. */
/** Seconds: every store notes when a session was last seen to within this (the sessions list shows it), writing at most that often. */
export const SEEN_INTERVAL = 60

export interface StoredSession {
  readonly id: string
  readonly createdAt: number
  readonly lastSeenAt: number
  /** The browser in plain words ("Firefox on Windows"), from the User-Agent it signed in with. */
  readonly device: string
}

/** Seals and opens what the store keeps for other instances: never anything in clear. */
export interface Sealer<T> {
  readonly seal: (value: T) => Promise<string>
  readonly open: (sealed: string) => Promise<T | undefined>
}

export interface SessionStore {
  readonly kind: StoreKind
  /** At sign-in: the session is live from now until its absolute end. */
  begin(ref: SessionRef, device: string): Promise<void>
  /**
   * Whether the session is still live; notes the activity for the sessions list.
   * `userAgent` describes the browser where the store has not seen this session before.
   */
  isLive(ref: SessionRef, userAgent: string | null): Promise<boolean>
  /** Ends one session. */
  end(ref: SessionRef): Promise<void>
  /** Ends every session that belongs to this provider session of `provider`'s (back-channel logout with `sid`). */
  endProviderSession(provider: ProviderId, sid: string): Promise<void>
  /**
   * Ends the session `id` if it is one of this user's (the sessions list's
   * "Sign out" on one row); false when it is not theirs, or already over.
   */
  endUserSession(user: UserKey, id: string): Promise<boolean>
  /** Ends every session of this user, but the one named `except` (if any). */
  endUserSessions(user: UserKey, except?: string): Promise<void>
  /** The user's live sessions, most recently seen first. */
  list(user: UserKey): Promise<StoredSession[]>
  /** True when a logout token's `jti` was recorded as used (recordUse) and not yet forgotten. */
  isUsed(jti: string): Promise<boolean>
  /**
   * Records a logout token's `jti` as used for `ttl` seconds. Called only after
   * its sessions are ended: a token whose ending failed must work when the provider retries it.
   */
  recordUse(jti: string, ttl: number): Promise<void>
  /**
   * Runs `produce` once for `key` across every instance: an instance that finds
   * another one producing waits for its sealed result and returns that.
   * (In one process, lib/auth/refresh.ts already shares the promise.)
   */
  once<T>(key: string, produce: () => Promise<T>, sealer: Sealer<T>): Promise<T>
  /** The sealed latest refresh token of session `id`, as noteRefreshToken left it, if any. */
  latestRefreshToken(id: string): Promise<string | undefined>
  /** Records `sealed` as session `id`'s latest refresh token, until `until` (epoch seconds: the session's end). */
  noteRefreshToken(id: string, sealed: string, until: number): Promise<void>
  /** Resolves when the store answers; throws StoreUnavailableError otherwise. */
  ping(): Promise<void>
}

/**
 * The store could not be reached or did not answer in time. Whoever asked must
 * not guess: private pages and APIs answer 503, public pages go on without the user.
 *
 * Next bundles route handlers apart from instrumentation, so this class may
 * exist twice in one process: tell it by its brand, never by instanceof.
 */
const BRAND = Symbol.for('nextjs-oidc-login.store-unavailable')

export class StoreUnavailableError extends Error {
  readonly [BRAND] = true

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreUnavailableError'
  }
}

export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return typeof error === 'object' && error !== null && (error as { [BRAND]?: boolean })[BRAND] === true
}

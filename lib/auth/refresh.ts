/**
 * Spending a session's refresh token, once per refresh token however many
 * requests ask, on however many instances: to refresh the session's own
 * tokens, or to mint a token for one API (APIS).
 *
 * Two tabs, or a page and its API calls, can all find the access token due at
 * the same moment, and behind a load balancer they may reach different
 * instances. A provider that rotates refresh tokens (most do) accepts the old
 * one once; a second use is taken as theft and ends the whole grant
 * (nextauthjs/next-auth#11240). So:
 * - in one process, concurrent refreshes of one refresh token share a single
 *   promise;
 * - across instances, the session store runs it once (with Redis: a short lock,
 *   the others wait for the result, sealed with the session secret);
 * - requests that still carry the old cookie a moment later get the same
 *   answer, for a few seconds (REUSE_MS), not longer: a finished refresh is
 *   not handed out to whoever shows the old refresh token later;
 * - a spend is keyed by the refresh token, never by what it is for: a page
 *   that needs tokens for two APIs at once spends it for one, and the other
 *   waits, takes the rotated refresh token from that answer, and spends that
 *   one in turn (a chain, bounded by MAX_HOPS);
 * - every spend starts from the latest refresh token noted for the session
 *   (./latest-refresh-token.ts), never from a used one an older cookie holds.
 */
import 'server-only'
import { log } from '../log/log'
import { sessionRef } from '../session/ref'
import { withApiEntry, withTokens, type Session } from '../session/session'
import { nowSeconds } from '../clock'
import { getSessionStore, isStoreUnavailable, type SessionStore } from '../session/store'
import { withLatestRefreshToken } from './latest-refresh-token'
import { purposeName, RETRY_AFTER, REUSE_MS, sealer, spendOnce, type Shared, type SpendPurpose } from './refresh-grant'

export { RETRY_AFTER, type SpendPurpose } from './refresh-grant'

/** Spends one request follows at most: one per API and the session's own, with room to spare. */
const MAX_HOPS = 8

/** Shared by every bundle's copy of this module (route handlers may each carry one), as in lib/oidc/discovery.ts. */
const FLIGHTS = Symbol.for('nextjs-oidc-login.refresh-flights')
const shared = globalThis as { [FLIGHTS]?: Map<string, Promise<Shared>> }
const flights = (shared[FLIGHTS] ??= new Map<string, Promise<Shared>>())

export type RefreshOutcome =
  | { readonly kind: 'refreshed'; readonly session: Session }
  /** The provider refused the refresh token for good: the session is over, ended in the store. */
  | { readonly kind: 'rejected' }
  /**
   * The provider refused it, but the session store could not record the end:
   * the session is not over for a copy of its cookie, so nothing may say it is.
   * The next request tries again (the provider refuses again, and the end is recorded then).
   */
  | { readonly kind: 'unendable' }
  /** The provider (or the session store) could not answer: keep the session, try again later. */
  | { readonly kind: 'failed'; readonly session: Session; readonly reason: string }

/**
 * One flight per refresh token (with its provider: refresh tokens are unique
 * per provider, not across them). `after` tells apart the spends of a refresh
 * token the provider does not rotate: a request whose cookie already holds a
 * flight's result (or that needs another purpose) starts the next one, and
 * every request that saw the same result names the same next flight.
 */
function flightKey(session: Session & { refreshToken: string }, after: string): string {
  return `${session.provider} ${session.refreshToken} ${after}`
}

function flightFor(
  session: Session & { refreshToken: string },
  after: string,
  purpose: SpendPurpose,
  store: SessionStore,
): Promise<Shared> {
  const key = flightKey(session, after)
  let flight = flights.get(key)
  if (!flight) {
    flight = store
      .once(key, () => spendOnce(session, purpose, store), sealer())
      .catch((error: unknown): Shared => {
        const reason = isStoreUnavailable(error)
          ? 'the session store cannot be reached'
          : error instanceof Error
            ? error.message
            : String(error)
        log.warn('auth.refresh_skipped', `refresh not attempted; will retry in ${RETRY_AFTER}s: ${reason}`)
        return { kind: 'failed', reason }
      })
    flights.set(key, flight)
    void flight.then(() => setTimeout(() => flights.delete(key), REUSE_MS).unref())
  }
  return flight
}

/** The session after a spend: its tokens, and the API token it minted (or why not) in its cache. */
function afterSpend(session: Session, result: Extract<Shared, { kind: 'refreshed' }>): Session {
  const next = withTokens(session, result.tokens)
  if (!result.api || !result.purpose.startsWith('api:')) return next
  const name = result.purpose.slice('api:'.length)
  return withApiEntry(
    next,
    name,
    'grant' in result.api ? result.api.grant : { refused: result.api.refused, retryAfter: RETRY_AFTER },
  )
}

/** True when `session` already holds what `result` brought: following it gains nothing, a new spend is due. */
function alreadyHolds(session: Session, result: Extract<Shared, { kind: 'refreshed' }>): boolean {
  if (result.purpose === 'session') return result.tokens.accessToken === session.accessToken
  const held = session.apiTokens?.[result.purpose.slice('api:'.length)]
  return (
    result.api !== undefined &&
    'grant' in result.api &&
    held?.kind === 'token' &&
    held.accessToken === result.api.grant.accessToken
  )
}

/** Spends the refresh token for `purpose`, following spends made for other purposes meanwhile. */
async function spend(
  session: Session,
  purpose: SpendPurpose,
  store: SessionStore,
): Promise<{ readonly result: Shared; readonly session: Session }> {
  let current = await withLatestRefreshToken(session, store)
  let after = ''
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (!current.refreshToken) return { result: { kind: 'rejected' }, session: current }
    const result = await flightFor(current as Session & { refreshToken: string }, after, purpose, store)
    if (result.kind !== 'refreshed') return { result, session: current }
    const held = alreadyHolds(current, result)
    const next = afterSpend(current, result)
    if (result.purpose === purposeName(purpose) && !held) return { result, session: next }
    // Spent for another purpose, or a result this cookie holds already: the next spend is ours.
    // A rotated refresh token names a flight of its own; one that stayed the same, the next flight after this result.
    after =
      result.tokens.refreshToken === current.refreshToken
        ? `after ${result.purpose} ${result.tokens.accessToken ?? ''} ${after}`.slice(0, 4096)
        : ''
    current = next
  }
  return { result: { kind: 'failed', reason: 'too many spends of this refresh token at once' }, session: current }
}

/** Ends a session whose refresh token the provider refused: on every instance, for every copy of its cookie. */
async function endRefused(session: Session, store: SessionStore): Promise<RefreshOutcome> {
  try {
    await store.end(sessionRef(session))
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error
    log.warn('store.end_failed', `a session whose refresh token was refused could not be ended: ${error.message}`)
    return { kind: 'unendable' }
  }
  return { kind: 'rejected' }
}

export async function refreshSession(
  session: Session,
  store: SessionStore = getSessionStore(),
): Promise<RefreshOutcome> {
  return spendFor(session, { kind: 'session' }, store)
}

/**
 * Spends the refresh token for `purpose`. For an API, the session comes back
 * with the API's token (or why there is none) in its cache, and `failed` only
 * when nothing could be asked.
 */
export async function spendFor(
  session: Session,
  purpose: SpendPurpose,
  store: SessionStore = getSessionStore(),
): Promise<RefreshOutcome> {
  if (!session.refreshToken) return { kind: 'rejected' }
  const { result, session: after } = await spend(session, purpose, store)
  switch (result.kind) {
    case 'refreshed':
      return { kind: 'refreshed', session: after }
    case 'rejected':
      return endRefused(after, store)
    case 'failed':
      return {
        kind: 'failed',
        reason: result.reason,
        session:
          purpose.kind === 'session'
            ? { ...after, refreshAt: nowSeconds() + RETRY_AFTER }
            : withApiEntry(after, purpose.api.name, { refused: result.reason, retryAfter: RETRY_AFTER }),
      }
  }
}

/**
 * Refreshing a session's tokens, once per refresh token however many requests
 * ask, on however many instances.
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
 *   not handed out to whoever shows the old refresh token later.
 */
import 'server-only'
import * as oauth from 'oauth4webapi'
import { getConfig } from '../config'
import { configuredProvider, getProvider } from '../oidc/provider'
import { refreshTokens, RefreshRejectedError } from '../oidc/refresh'
import type { TokenSet } from '../oidc/token-set'
import { quoted } from '../log-text'
import { open, seal } from '../seal'
import { sessionRef } from '../session/ref'
import { nowSeconds, withTokens, type Session } from '../session/session'
import { getSessionStore, isStoreUnavailable, type SessionStore } from '../session/store'
import type { Sealer } from '../session/store/store'

/** How long a finished refresh is reused for requests still carrying the old refresh token. */
const REUSE_MS = 5_000
/** After a failure the provider may recover: wait this long before trying again. */
const RETRY_AFTER = 30

/** What one refresh came to, shared with every request (and instance) that asked. Plain JSON. */
type Shared = { readonly kind: 'refreshed'; readonly tokens: TokenSet } | { readonly kind: 'rejected' } | { readonly kind: 'failed'; readonly reason: string }

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
  | { readonly kind: 'failed'; readonly session: Session }

function isShared(value: unknown): value is Shared {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { kind?: unknown; tokens?: { idToken?: unknown }; reason?: unknown }
  if (v.kind === 'refreshed') return typeof v.tokens?.idToken === 'string'
  return v.kind === 'rejected' || (v.kind === 'failed' && typeof v.reason === 'string')
}

/** Results other instances read: sealed like the session, never stored in clear. */
function sealer(): Sealer<Shared> {
  const { secrets } = getConfig().session
  const ttl = Math.ceil(REUSE_MS / 1000) + 5
  return {
    seal: (value) => seal(value, secrets, ttl),
    // Big tokens (Oracle-sized) make results larger than one cookie's worth.
    open: async (sealed) => (await open(sealed, secrets, ttl, isShared, 64 * 1024))?.data,
  }
}

/** What the provider said, when it answered with an OAuth error (RFC 6749 §5.2): for the log, quoted. */
function providerWords(error: unknown): string {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof oauth.ResponseBodyError)
      return ` [provider: HTTP ${e.status}, error=${quoted(e.error)}, error_description=${quoted(e.error_description ?? '')}]`
  }
  return ''
}

/** The refresh itself, its failures turned into values so they can be shared too. */
async function refreshOnce(session: Session): Promise<Shared> {
  try {
    // At the session's own provider, whose refresh token this is.
    return { kind: 'refreshed', tokens: await refreshTokens(await getProvider(configuredProvider(session.provider)), session) }
  } catch (error) {
    if (error instanceof RefreshRejectedError) {
      const cause = error.cause as { error?: string; error_description?: string } | undefined
      console.warn(`[auth] refresh token refused (${quoted(cause?.error ?? 'no reason')}: ${quoted(cause?.error_description ?? '')}); the session ends`)
      return { kind: 'rejected' }
    }
    const reason = error instanceof Error ? error.message : String(error)
    console.warn(`[auth] refresh failed; will retry in ${RETRY_AFTER}s: ${quoted(reason, 300)}${providerWords(error)}`)
    return { kind: 'failed', reason }
  }
}

/**
 * One flight per refresh token *and* access token: the requests that still
 * carry the old cookie share it, while a cookie that already holds the
 * flight's result starts a new one. A provider that does not rotate refresh
 * tokens keeps the refresh token the same, so keying by it alone handed
 * "Refresh now", pressed again within REUSE_MS, the tokens it already had.
 */
function flightKey(session: Session & { refreshToken: string }): string {
  // With its provider: refresh tokens are unique per provider, not across them.
  return `${session.provider} ${session.refreshToken} ${session.accessToken ?? ''}`
}

function flightFor(session: Session & { refreshToken: string }, store: SessionStore): Promise<Shared> {
  const key = flightKey(session)
  let flight = flights.get(key)
  if (!flight) {
    flight = store
      .once(key, () => refreshOnce(session), sealer())
      .catch((error: unknown): Shared => {
        const reason = isStoreUnavailable(error) ? 'the session store cannot be reached' : error instanceof Error ? error.message : String(error)
        console.warn(`[auth] refresh not attempted; will retry in ${RETRY_AFTER}s: ${reason}`)
        return { kind: 'failed', reason }
      })
    flights.set(key, flight)
    void flight.then(() => setTimeout(() => flights.delete(key), REUSE_MS).unref())
  }
  return flight
}

export async function refreshSession(session: Session, store: SessionStore = getSessionStore()): Promise<RefreshOutcome> {
  if (!session.refreshToken) return { kind: 'rejected' }
  const result = await flightFor(session as Session & { refreshToken: string }, store)
  switch (result.kind) {
    case 'refreshed':
      return { kind: 'refreshed', session: withTokens(session, result.tokens) }
    case 'rejected':
      // The provider ended the grant: the session is over on every instance, for every copy of its cookie.
      try {
        await store.end(sessionRef(session))
      } catch (error) {
        if (!isStoreUnavailable(error)) throw error
        console.warn(`[store] a session whose refresh token was refused could not be ended: ${error.message}`)
        return { kind: 'unendable' }
      }
      return { kind: 'rejected' }
    case 'failed':
      return { kind: 'failed', session: { ...session, refreshAt: nowSeconds() + RETRY_AFTER } }
  }
}

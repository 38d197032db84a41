/**
 * Refreshing a session's tokens, once per refresh token however many requests ask.
 *
 * Two tabs, or a page and its API calls, can all find the access token due at
 * the same moment. A provider that rotates refresh tokens (most do) accepts the
 * old one once; a second use is taken as theft and ends the whole grant
 * (nextauthjs/next-auth#11240). So concurrent refreshes of one refresh token
 * share a single request, and requests that still carry the old cookie shortly
 * after get the same answer. This holds within one server process; several
 * instances behind a load balancer rely on the provider's reuse grace period.
 */
import 'server-only'
import { refreshTokens, RefreshRejectedError, type TokenSet } from './oidc'
import { nowSeconds, type Session } from './session'

/** How long an answer is reused for requests still carrying the old refresh token. */
const REUSE_MS = 30_000
/** After a failure the provider may recover: wait this long before trying again. */
const RETRY_AFTER = 30

/** Shared by every bundle's copy of this module (route handlers may each carry one), as in lib/oidc.ts. */
const FLIGHTS = Symbol.for('nextjs-oidc-login.refresh-flights')
const shared = globalThis as { [FLIGHTS]?: Map<string, Promise<TokenSet>> }
const flights = (shared[FLIGHTS] ??= new Map<string, Promise<TokenSet>>())

export type RefreshOutcome =
  | { readonly kind: 'refreshed'; readonly session: Session }
  /** The provider refused the refresh token for good: the session is over. */
  | { readonly kind: 'rejected' }
  /** The provider could not answer: keep the session, try again later. */
  | { readonly kind: 'failed'; readonly session: Session; readonly error: unknown }

function flightFor(session: Session & { refreshToken: string }): Promise<TokenSet> {
  const key = session.refreshToken
  let flight = flights.get(key)
  if (!flight) {
    flight = refreshTokens(session)
    flights.set(key, flight)
    const forget = () => setTimeout(() => flights.delete(key), REUSE_MS).unref()
    flight.then(forget, forget)
  }
  return flight
}

export async function refreshSession(session: Session): Promise<RefreshOutcome> {
  if (!session.refreshToken) return { kind: 'rejected' }
  try {
    const tokens = await flightFor(session as Session & { refreshToken: string })
    return { kind: 'refreshed', session: { ...session, ...tokens } }
  } catch (error) {
    if (error instanceof RefreshRejectedError) {
      const cause = error.cause as { error?: string; error_description?: string } | undefined
      console.warn(`[auth] refresh token refused (${cause?.error ?? 'no reason'}: ${cause?.error_description ?? ''}); the session ends`)
      return { kind: 'rejected' }
    }
    console.warn(`[auth] refresh failed; will retry in ${RETRY_AFTER}s: ${error instanceof Error ? error.message : String(error)}`)
    return { kind: 'failed', session: { ...session, refreshAt: nowSeconds() + RETRY_AFTER }, error }
  }
}

/**
 * Signing out, in order: the session store first, so a copy of the cookie is
 * signed out everywhere at once; then the provider (revocation and its own
 * session), which never holds the user up for more than SIGN_OUT_BUDGET_MS.
 */
import 'server-only'
import type { AppConfig } from '../config'
import { beforeDeadline, endSessionEndpoint, endSessionUrl, revokeTokens, SIGN_OUT_BUDGET_MS } from '../oidc/logout'
import { configuredProvider, getProvider } from '../oidc/provider'
import type { RequestSession } from '../session/current'
import { sessionRef } from '../session/ref'
import type { Session } from '../session/session'
import { getSessionStore, isStoreUnavailable } from '../session/store'
import { withLatestRefreshToken } from './latest-refresh-token'
import { log } from '../log/log'
import { count } from '../telemetry/metrics'

/**
 * Form field `scope`: `this` (default) this session; `all` every session of
 * the user; `others` all but this one; `one` the one session named by the
 * field `session` (a row of the sessions list), if it is the user's.
 */
export type SignOutScope = { readonly kind: 'this' | 'others' | 'all' } | { readonly kind: 'one'; readonly id: string }

/** Session ids as lib/session/session.ts makes them: 22 base64url characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/

export function signOutScope(form: URLSearchParams | undefined): SignOutScope {
  const scope = form?.get('scope')
  if (scope === 'others' || scope === 'all') return { kind: scope }
  if (scope === 'one') {
    const id = form?.get('session') ?? ''
    // A malformed id names no session: nothing to end, and nothing else is ended instead.
    return { kind: 'one', id: SESSION_ID.test(id) ? id : '' }
  }
  return { kind: 'this' }
}

/**
 * What ending came to: `ended`; `not-found`, the one session named is not
 * this user's or is already over; `not-live`, a stale copy of a cookie asked
 * to end other sessions; `unverifiable`, the store could not say whether this
 * session is live; `store-down`, the store could not record the end.
 */
export type Ending = 'ended' | 'not-found' | 'not-live' | 'unverifiable' | 'store-down'

/** Ends `scope`'s sessions in the session store: those of the request's own session (`not-live` without one). */
export async function endSessions(current: RequestSession, scope: SignOutScope): Promise<Ending> {
  const { session } = current
  if (!session) return 'not-live'
  count.signOut(scope.kind)
  try {
    // Ending this session is never refused, even for one already ended elsewhere: it only ends more.
    if (scope.kind === 'this') {
      await getSessionStore().end(sessionRef(session))
      return 'ended'
    }
    // Ending the user's other sessions is for a session that is still live, not for a stale copy of its cookie.
    const state = await current.state()
    if (state.status === 'unverifiable') return 'unverifiable'
    if (state.status === 'signed-out') return 'not-live'
    // The user is (provider, sub): the same sub at another provider is someone else.
    const ref = sessionRef(session)
    if (scope.kind === 'one')
      return scope.id && (await getSessionStore().endUserSession(ref, scope.id)) ? 'ended' : 'not-found'
    await getSessionStore().endUserSessions(ref, scope.kind === 'others' ? ref.id : undefined)
    return 'ended'
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error
    return 'store-down'
  }
}

/** The per-API tokens the session holds (APIS): revoked with the session's own at sign-out. */
function apiAccessTokens(session: Session): string[] {
  return Object.values(session.apiTokens ?? {}).flatMap((entry) => (entry.kind === 'token' ? [entry.accessToken] : []))
}

/**
 * Revokes the tokens and finds where to go (the end-session endpoint of the
 * session's own provider, or home), both at once, under one budget: a hung
 * provider delays sign-out by seconds, not minutes.
 */
export async function providerSignOut(session: Session, config: AppConfig, state: string): Promise<URL> {
  const deadline = AbortSignal.timeout(SIGN_OUT_BUDGET_MS)
  const oidc = configuredProvider(session.provider)
  const provider = () => beforeDeadline(getProvider(oidc), deadline)
  // Where the provider cannot end its own session, the home page says so: the next sign-in there may not ask for a password.
  const home = new URL('/?signed_out=local', config.session.appBaseUrl)
  const [, destination] = await Promise.all([
    provider().then(
      // The latest refresh token noted for the session: a mint may have rotated the one its cookie holds.
      async (p) =>
        revokeTokens(p, await withLatestRefreshToken(session, getSessionStore()), deadline, apiAccessTokens(session)),
      () => {},
    ),
    endSessionEndpoint(oidc, provider).then(
      (endpoint) => endpoint && endSessionUrl(oidc, endpoint, session.idToken, state),
      (error: unknown) => {
        log.warn(
          'auth.end_session_unknown',
          `signed out locally only; the provider's end_session_endpoint is unknown: ${String(error)}`,
          { provider: oidc.id },
        )
        return undefined
      },
    ),
  ])
  return destination ?? home
}

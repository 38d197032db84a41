/**
 * /auth/logout
 * GET: a small page with a Sign out button (lib/http/pages.ts): a link or an
 *   image on another site can no longer sign anyone out.
 * POST (from our own pages only), form field `scope`: `this` (default), `all`
 *   (every session of the user), `others` (all but this one), or `one` with
 *   `session=<id>` (that one of the user's sessions, from the sessions list;
 *   this one goes on). Ends the sessions in the store, then, for this one, at
 *   the provider (lib/auth/sign-out.ts), and
 *   never waits on the provider: where it cannot be reached or has no
 *   end_session_endpoint, the user lands on the home page, signed out here.
 */
import type { NextRequest } from 'next/server'
import { endSessions, providerSignOut, signOutScope } from '@/lib/auth/sign-out'
import { getConfig } from '@/lib/config'
import { readForm } from '@/lib/http/form'
import { signOutPage } from '@/lib/http/pages'
import { crossSiteRefused, redirectTo, sessionsUnavailable } from '@/lib/http/responses'
import { isSameOriginRequest } from '@/lib/http/same-origin'
import { newLogoutState } from '@/lib/auth/logout-state'
import { cookieName, cookieOptions } from '@/lib/cookies/policy'
import { AUTH_ROUTES } from '@/lib/routes'
import { clearSessionCookie } from '@/lib/session/cookies'
import { readRequestSession, requestSessionState } from '@/lib/session/current'

export async function GET(request: NextRequest) {
  return signOutPage(await requestSessionState(request), getConfig().session)
}

export async function POST(request: NextRequest) {
  const config = getConfig()
  const { appBaseUrl } = config.session
  // A cross-site POST changes nothing, not even the cookie.
  if (!isSameOriginRequest(request.headers, appBaseUrl)) return crossSiteRefused()
  const current = await readRequestSession(request)
  const { session } = current
  const form = await readForm(request, 1024)
  const scope = signOutScope(form)
  // Ending another session than this one: this one goes on, its cookie untouched.
  const keepsThis = scope.kind === 'others' || (scope.kind === 'one' && scope.id !== session?.id)

  const ending = await endSessions(current, scope)
  // The session could not be ended where every instance looks: say so, and keep the cookie for another try.
  if (ending === 'unverifiable') return sessionsUnavailable('/profile')
  if (ending === 'store-down') return sessionsUnavailable(AUTH_ROUTES.logout)
  if (keepsThis && ending !== 'not-live') {
    const outcome = scope.kind === 'others' ? 'others' : ending === 'ended' ? 'one' : 'none'
    return redirectTo(new URL(`/profile?signed_out=${outcome}#sessions`, appBaseUrl))
  }

  const logoutState = newLogoutState()
  const destination =
    ending === 'ended' && session ? await providerSignOut(session, config, logoutState) : new URL('/', appBaseUrl)
  const response = redirectTo(destination)
  clearSessionCookie(response.cookies, config.session)
  // The home page checks the provider brings this back, before it says the provider signed the user out too.
  if (ending === 'ended')
    response.cookies.set(
      cookieName('logoutState', config.session),
      logoutState,
      cookieOptions('logoutState', config.session),
    )
  return response
}

/**
 * /auth/refresh?returnTo=/path
 * GET: middleware sends a request here when its access token is due, so the
 *   refresh (a network call middleware must not make) happens before the page
 *   renders, and the new cookie reaches the browser on the way back; and when
 *   the idle clock is due to move on, so the cookie is resealed only after the
 *   session store has said the session is live.
 * POST: the profile page's "Refresh now": refresh whether due or not, from our
 *   own pages only (a cross-site POST gets a 403 and refreshes nothing).
 * A session ended elsewhere, or whose refresh token the provider refuses,
 * goes to sign in; a provider that cannot answer leaves it as it is, to retry later.
 */
import type { NextRequest } from 'next/server'
import { refreshSession } from '@/lib/auth/refresh'
import { getConfig, type SessionConfig } from '@/lib/config'
import { crossSiteRefused, redirectTo, sessionsUnavailable } from '@/lib/http/responses'
import { returnToUrl, safeReturnTo } from '@/lib/http/return-to'
import { isSameOriginRequest } from '@/lib/http/same-origin'
import { loginUrl } from '@/lib/routes'
import { clearSessionCookie, saveSessionCookie } from '@/lib/session/cookies'
import { requestSessionState } from '@/lib/session/current'
import { needsRefresh, touched } from '@/lib/session/session'
import { nowSeconds } from '@/lib/clock'

/** To sign in, and back to `returnTo` afterwards; `clear`: the session cookie is dead, drop it. */
function toSignIn(returnTo: string, clear: boolean, config: SessionConfig) {
  const response = redirectTo(loginUrl(config.appBaseUrl, returnTo))
  if (clear) clearSessionCookie(response.cookies, config)
  return response
}

async function refresh(request: NextRequest, force: boolean) {
  const { session: config } = getConfig()
  const returnTo = safeReturnTo(request.nextUrl.searchParams.get('returnTo'), config.appBaseUrl)
  const back = returnToUrl(returnTo, config.appBaseUrl)
  const state = await requestSessionState(request)
  if (state.status === 'unverifiable') return sessionsUnavailable(returnTo)
  if (state.status === 'signed-out') return toSignIn(returnTo, state.clearCookie, config)
  if (!force && !needsRefresh(state.session)) {
    // The idle clock's detour; or another request refreshed first and the browser already has the new cookie.
    const response = redirectTo(back)
    if (state.resealDue) await saveSessionCookie(response.cookies, touched(state.session), config, request.cookies)
    return response
  }

  const outcome = await refreshSession(state.session)
  if (outcome.kind === 'rejected') return toSignIn(returnTo, true, config)
  if (outcome.kind === 'unendable') return sessionsUnavailable(returnTo)
  // "Refresh now" says what happened, on the page it came from.
  if (force && outcome.kind === 'refreshed') back.searchParams.set('refreshed', String(nowSeconds()))
  if (force && outcome.kind === 'failed') back.searchParams.set('refresh', 'failed')
  const response = redirectTo(back)
  await saveSessionCookie(response.cookies, touched(outcome.session), config)
  return response
}

export function GET(request: NextRequest) {
  return refresh(request, false)
}

export function POST(request: NextRequest) {
  if (!isSameOriginRequest(request.headers, getConfig().session.appBaseUrl)) return crossSiteRefused()
  return refresh(request, true)
}

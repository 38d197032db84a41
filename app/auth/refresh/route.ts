/**
 * /auth/refresh?returnTo=/path
 * GET: middleware sends a request here when its access token is due, so the
 *   refresh (a network call middleware must not make) happens before the page
 *   renders, and the new cookie reaches the browser on the way back.
 * POST: the profile page's "Refresh now" button: refresh whether due or not.
 *   From our own pages only: a cross-site POST gets a 403 and refreshes nothing.
 * Only a live session is refreshed: one ended elsewhere goes to sign in. A
 * refused refresh token ends the session and sends the user to sign in again;
 * a provider that cannot answer leaves the session as it is, to retry later.
 */
import type { NextRequest } from 'next/server'
import { crossSiteRefused, redirectTo, sessionsUnavailable, storeSession } from '@/lib/auth-response'
import { getConfig } from '@/lib/config'
import { requestSessionState } from '@/lib/current-session'
import { refreshSession } from '@/lib/refresh'
import { returnToUrl, safeReturnTo } from '@/lib/return-to'
import { isSameOriginRequest } from '@/lib/same-origin'
import { needsRefresh, nowSeconds } from '@/lib/session'
import { clearSessionCookie } from '@/lib/session-cookie'

async function refresh(request: NextRequest, force: boolean) {
  const { session: config } = getConfig()
  const returnTo = safeReturnTo(request.nextUrl.searchParams.get('returnTo'), config.appBaseUrl)
  const back = returnToUrl(returnTo, config.appBaseUrl)
  const signIn = new URL('/auth/login', config.appBaseUrl)
  signIn.searchParams.set('returnTo', returnTo)

  const state = await requestSessionState(request)
  if (state.status === 'unverifiable') return sessionsUnavailable(returnTo)
  if (state.status === 'signed-out') {
    const response = redirectTo(signIn)
    if (state.clearCookie) clearSessionCookie(response.cookies, config)
    return response
  }
  // Another request refreshed it first and the browser already has the new cookie.
  if (!force && !needsRefresh(state.session)) return redirectTo(back)

  const outcome = await refreshSession(state.session)
  if (outcome.kind === 'rejected') {
    const response = redirectTo(signIn)
    clearSessionCookie(response.cookies, config)
    return response
  }
  // "Refresh now" says what happened, on the page it came from.
  if (force && outcome.kind === 'refreshed') back.searchParams.set('refreshed', String(nowSeconds()))
  if (force && outcome.kind === 'failed') back.searchParams.set('refresh', 'failed')
  return storeSession(redirectTo(back), outcome.session, config)
}

export function GET(request: NextRequest) {
  return refresh(request, false)
}

export function POST(request: NextRequest) {
  if (!isSameOriginRequest(request.headers, getConfig().session.appBaseUrl)) return crossSiteRefused()
  return refresh(request, true)
}

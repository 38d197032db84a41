/**
 * /auth/refresh?returnTo=/path
 * GET: middleware sends a request here when its access token is due, so the
 *   refresh (a network call middleware must not make) happens before the page
 *   renders, and the new cookie reaches the browser on the way back; and when
 *   the idle clock is due to move on, so the cookie is resealed only after the
 *   session store has said the session is live.
 * GET with `api=<name>`: a page (lib/api/fetch.ts's apiFetch, which cannot set
 *   cookies) needs a token for that API: it is minted here, kept in the
 *   cookie, and the browser goes back. A failed mint is kept too, so the
 *   page says why instead of coming back here.
 * POST: the profile page's "Refresh now": refresh whether due or not, from our
 *   own pages only (a cross-site POST gets a 403 and refreshes nothing).
 * A session ended elsewhere, or whose refresh token the provider refuses,
 * goes to sign in; a provider that cannot answer leaves it as it is, to retry later.
 */
import type { NextRequest } from 'next/server'
import { tokenForApi } from '@/lib/auth/api-tokens'
import { refreshSession } from '@/lib/auth/refresh'
import { apiByName, getConfig, type SessionConfig } from '@/lib/config'
import { crossSiteRefused, redirectTo, sessionsUnavailable } from '@/lib/http/responses'
import { returnToUrl, safeReturnTo } from '@/lib/http/return-to'
import { isSameOriginRequest } from '@/lib/http/same-origin'
import { loginUrl } from '@/lib/routes'
import { clearSessionCookie, saveSessionCookie } from '@/lib/session/cookies'
import { requestSessionState } from '@/lib/session/current'
import { needsRefresh, nowSeconds, touched, type Session } from '@/lib/session/session'

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
  const apiName = request.nextUrl.searchParams.get('api')
  if (apiName !== null && !force) return mintForPage(request, state.session, apiName, returnTo, config)
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

/** A token for one API, minted for the page at `returnTo` (any outcome but a refused refresh token goes back there). */
async function mintForPage(request: NextRequest, session: Session, apiName: string, returnTo: string, config: SessionConfig) {
  const api = apiByName(getConfig().apis, apiName)
  const back = redirectTo(returnToUrl(returnTo, config.appBaseUrl))
  if (!api) return back
  const outcome = await tokenForApi(session, api, { mayMint: true })
  if (outcome.kind === 'signed-out') return toSignIn(returnTo, true, config)
  if (outcome.kind === 'store-down') return sessionsUnavailable(returnTo)
  if (outcome.kind === 'mint-needed') return back
  await saveSessionCookie(back.cookies, touched(outcome.session), config, request.cookies)
  return back
}

export function GET(request: NextRequest) {
  return refresh(request, false)
}

export function POST(request: NextRequest) {
  if (!isSameOriginRequest(request.headers, getConfig().session.appBaseUrl)) return crossSiteRefused()
  return refresh(request, true)
}

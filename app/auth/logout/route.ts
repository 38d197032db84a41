/**
 * /auth/logout
 * GET: a small page with a Sign out button. Old links to /auth/logout still
 *   work, but a link or an image on another site can no longer sign anyone out.
 * POST (from our own pages only): ends sessions, in this order:
 *   1. in the session store, so a copy of the cookie is signed out everywhere at once;
 *   2. the tokens, revoked at the provider (RFC 7009) where it can;
 *   3. the provider's own session (RP-Initiated Logout), so the next sign-in asks again.
 *   Form field `scope`: `this` (default) this session; `all` every session of the
 *   user, this one included; `others` every other session, staying signed in here.
 * Signing out never waits on the provider: where it cannot be reached or has no
 * end_session_endpoint, the user lands on the home page, signed out here.
 */
import type { NextRequest } from 'next/server'
import { crossSiteRefused, htmlPage, redirectTo, sessionsUnavailable } from '@/lib/auth-response'
import { getConfig, type SessionConfig } from '@/lib/config'
import { requestSessionState } from '@/lib/current-session'
import { readForm } from '@/lib/form'
import { endSessionUrl, revokeTokens, SIGN_OUT_BUDGET_MS } from '@/lib/oidc'
import { logoutStateCookieName, logoutStateCookieOptions, newLogoutState } from '@/lib/logout-state'
import { isSameOriginRequest } from '@/lib/same-origin'
import { openSession, type Session } from '@/lib/session'
import { sessionRef } from '@/lib/session-ref'
import { clearSessionCookie, readSessionCookie } from '@/lib/session-cookie'
import { getSessionStore, isStoreUnavailable } from '@/lib/session-store'

type Scope = 'this' | 'others' | 'all'

function scopeOf(form: URLSearchParams | undefined): Scope {
  const scope = form?.get('scope')
  return scope === 'others' || scope === 'all' ? scope : 'this'
}

export async function GET(request: NextRequest) {
  const { session: config } = getConfig()
  const state = await requestSessionState(request)
  if (state.status === 'signed-out') {
    const response = htmlPage(
      {
        kicker: 'Sign out',
        title: 'You are signed out',
        paragraphs: [{ text: 'There is no session to end in this browser.' }],
        actions: [{ kind: 'link', href: '/', label: 'Go to the home page', primary: true }],
      },
      200,
    )
    if (state.clearCookie) clearSessionCookie(response.cookies, config)
    return response
  }
  return htmlPage(
    {
      kicker: 'Sign out',
      title: 'Sign out of this app?',
      paragraphs: [{ text: 'This ends your session here and, where your identity provider allows it, there too.' }],
      actions: [
        { kind: 'post', action: '/auth/logout', label: 'Sign out', primary: true },
        { kind: 'link', href: '/', label: 'Stay signed in' },
      ],
    },
    200,
    config.providerOrigins,
  )
}

export async function POST(request: NextRequest) {
  const { session: config } = getConfig()
  // A cross-site POST changes nothing, not even the cookie.
  if (!isSameOriginRequest(request.headers, config.appBaseUrl)) return crossSiteRefused()
  const scope = scopeOf(await readForm(request, 1024))
  const opened = await openSession(readSessionCookie(request.cookies, config), config)
  if (!opened) return signedOut(new URL('/', config.appBaseUrl), config)

  try {
    if (scope === 'this') {
      // Ending is never refused, even for a session already ended elsewhere: it only ends more.
      await getSessionStore().end(sessionRef(opened.session))
    } else {
      // Ending the user's other sessions is for a session that is still live, not for a stale copy of its cookie.
      const state = await requestSessionState(request)
      if (state.status === 'unverifiable') return sessionsUnavailable('/profile')
      if (state.status === 'signed-out') return signedOut(new URL('/', config.appBaseUrl), config)
      const { sub, id } = sessionRef(opened.session)
      await getSessionStore().endUserSessions(sub, scope === 'others' ? id : undefined)
      if (scope === 'others') return redirectTo(new URL('/profile?signed_out=others#sessions', config.appBaseUrl))
    }
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error
    // The session could not be ended where every instance looks: say so, and keep the cookie for another try.
    return sessionsUnavailable('/auth/logout')
  }
  const logoutState = newLogoutState()
  const response = signedOut(await providerLogout(opened.session, config, logoutState), config)
  // The home page checks the provider brings this back, before it says the provider signed the user out too.
  response.cookies.set(logoutStateCookieName(config), logoutState, logoutStateCookieOptions(config))
  return response
}

/**
 * Revokes the tokens and finds where to go (the provider's end-session
 * endpoint, or home), both at once, under one budget: a hung provider delays
 * sign-out by seconds, not minutes.
 */
async function providerLogout(session: Session, config: SessionConfig, state: string): Promise<URL> {
  const deadline = AbortSignal.timeout(SIGN_OUT_BUDGET_MS)
  // Where the provider cannot end its own session, the home page says so: the next sign-in there may not ask for a password.
  const home = new URL('/?signed_out=local', config.appBaseUrl)
  const [, destination] = await Promise.all([
    revokeTokens(session, deadline),
    endSessionUrl(session.idToken, deadline, state).catch((error: unknown) => {
      console.warn(`[auth] signed out locally only; the provider's end_session_endpoint is unknown: ${String(error)}`)
      return undefined
    }),
  ])
  return destination ?? home
}

function signedOut(destination: URL, config: SessionConfig) {
  const response = redirectTo(destination)
  clearSessionCookie(response.cookies, config)
  return response
}

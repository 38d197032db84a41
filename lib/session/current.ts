/**
 * The signed-in user's session, for server components and route handlers.
 *
 * Middleware already turned away requests without a session cookie that opens,
 * but it makes no network call, so it cannot know whether the session was ended
 * elsewhere (signed out, back-channel logout, sign out everywhere). Here the
 * cookie is opened again and the session store asked, once per request: a
 * session the store has ended never renders a private page or answers a private
 * API, on any instance, even from a copy of its cookie. (Checking here again
 * also covers a middleware that is misconfigured or bypassed, CVE-2025-29927.)
 */
import 'server-only'
import { cache } from 'react'
import { cookies, headers } from 'next/headers'
import { redirect } from 'next/navigation'
import type { NextRequest, NextResponse } from 'next/server'
import { getConfig, type SessionConfig } from '../config'
import { AUTH_ROUTES, loginPath } from '../routes'
import { clearSessionCookie, readSessionCookie } from './cookies'
import { sessionRef } from './ref'
import { openSession } from './sealed'
import { touchDue, type Session } from './session'
import { SIGNED_OUT, type SessionState } from './state'
import { getSessionStore, isStoreUnavailable, type SessionStore } from './store'
import { log } from '../log/log'

/** Outages are logged when they start, not once per request. */
let lastOutageLog = 0

/** Opens the sealed cookie value and asks the store whether that session is still live. */
async function checkSession(
  sealed: string | undefined,
  userAgent: string | null,
  config: SessionConfig = getConfig().session,
  store: SessionStore = getSessionStore(),
): Promise<SessionState> {
  const opened = await openSession(sealed, config)
  if (!opened) return { status: 'signed-out', clearCookie: sealed !== undefined }
  try {
    const live = await store.isLive(sessionRef(opened.session), userAgent)
    if (!live) return { status: 'signed-out', clearCookie: true }
    return { status: 'active', session: opened.session, resealDue: opened.stale || touchDue(opened.session, config) }
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error
    if (Date.now() - lastOutageLog > 10_000) {
      lastOutageLog = Date.now()
      log.warn('store.unavailable', `sessions cannot be checked: ${error.message}`)
    }
    return { status: 'unverifiable' }
  }
}

/** For route handlers: the session behind this request's cookies. */
export function requestSessionState(request: NextRequest): Promise<SessionState> {
  return checkSession(readSessionCookie(request.cookies, getConfig().session), request.headers.get('user-agent'))
}

/**
 * Drops the request's session cookie on `response` when it no longer opens or
 * its session has ended elsewhere: private pages send such a browser to sign
 * in, and the dead cookie should not outlive that.
 */
export async function dropDeadSessionCookie(request: NextRequest, response: NextResponse): Promise<void> {
  const config = getConfig().session
  if (!readSessionCookie(request.cookies, config)) return
  const state = await requestSessionState(request)
  if (state.status === 'signed-out' && state.clearCookie) clearSessionCookie(response.cookies, config)
}

/** For server components (and handlers without a NextRequest): checked once per request, however many ask. */
export const getSessionState = cache(async (): Promise<SessionState> => {
  // cookies() first: it is what marks the page as rendered per request, not at build time.
  const store = await cookies()
  const userAgent = (await headers()).get('user-agent')
  return checkSession(readSessionCookie(store, getConfig().session), userAgent)
})

/**
 * For pages that show who is signed in (the header, the home page): the
 * session state, but only where middleware gave the response its policy (with
 * a nonce; in development a relaxed one).
 * A page middleware does not reach (a 404 under /_next/ or at an asset-like
 * path) renders signed out: no page that shows a user may lack the policy.
 */
export async function getShownSessionState(): Promise<SessionState> {
  // Middleware hands its policy on to the render in this request header (Next reads the nonce there).
  if (!(await headers()).get('content-security-policy')) return SIGNED_OUT
  return getSessionState()
}

/** The session, or null (signed out, or the store cannot say): for pages that show a user but do not need one. */
export async function getSession(): Promise<Session | null> {
  const state = await getShownSessionState()
  return state.status === 'active' ? state.session : null
}

/**
 * For private pages: the session, or a redirect. Signed out: to sign in, and
 * back here afterwards (/auth/login drops a dead cookie). Unverifiable: to the
 * 503 page, because App Router pages cannot answer with a status of their own.
 */
export async function requireSession(returnTo: string, loginOptions: Record<string, string> = {}): Promise<Session> {
  const state = await getSessionState()
  if (state.status === 'active') return state.session
  if (state.status === 'unverifiable') redirect(`${AUTH_ROUTES.unavailable}?${new URLSearchParams({ returnTo })}`)
  redirect(loginPath(returnTo, loginOptions))
}

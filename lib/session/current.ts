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
import { getConfig } from '../config'
import { AUTH_ROUTES, loginPath } from '../routes'
import { clearSessionCookie, readSessionCookie } from './cookies'
import { checkOpened } from './liveness'
import { openSession } from './sealed'
import type { Session } from './session'
import { SIGNED_OUT, type SessionState } from './state'

/** Opens the sealed cookie value and asks the store whether that session is still live. */
async function checkSession(sealed: string | undefined, userAgent: string | null): Promise<SessionState> {
  const config = getConfig().session
  return checkOpened(await openSession(sealed, config), sealed !== undefined, userAgent, config)
}

/**
 * One request's session, for route handlers: its cookie read and opened once,
 * at the edge of the handler, and handed down; the store asked at most once,
 * and only by a step that needs to know the session is still live.
 */
export interface RequestSession {
  /** Whether the request carried a session cookie at all (one that opens or not). */
  readonly hasCookie: boolean
  /** The cookie's session where it opens, whether or not it has ended elsewhere. */
  readonly session: Session | undefined
  /** Whether that session is live, asked of the store on first call only. */
  readonly state: () => Promise<SessionState>
}

export async function readRequestSession(request: NextRequest): Promise<RequestSession> {
  const config = getConfig().session
  const userAgent = request.headers.get('user-agent')
  const sealed = readSessionCookie(request.cookies, config)
  const opened = await openSession(sealed, config)
  let state: Promise<SessionState> | undefined
  return {
    hasCookie: sealed !== undefined,
    session: opened?.session,
    state: () => (state ??= checkOpened(opened, sealed !== undefined, userAgent, config)),
  }
}

/** For route handlers that need only the answer: the session behind this request's cookies, and whether it is live. */
export async function requestSessionState(request: NextRequest): Promise<SessionState> {
  return (await readRequestSession(request)).state()
}

/**
 * Drops the request's session cookie on `response` when it no longer opens or
 * its session has ended elsewhere: private pages send such a browser to sign
 * in, and the dead cookie should not outlive that.
 */
export async function dropDeadSessionCookie(current: RequestSession, response: NextResponse): Promise<void> {
  if (!current.hasCookie) return
  const state = await current.state()
  if (state.status === 'signed-out' && state.clearCookie) clearSessionCookie(response.cookies, getConfig().session)
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

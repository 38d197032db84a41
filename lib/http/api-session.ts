/**
 * The gate of the private APIs: the request's session, checked with the
 * session store, or the JSON answer to give instead; and, once answered, the
 * session's cookie when it is due to be resealed.
 */
import 'server-only'
import { cookies } from 'next/headers'
import type { NextResponse } from 'next/server'
import { getConfig } from '../config'
import { clearSessionCookie, saveSessionCookie } from '../session/cookies'
import { getSessionState } from '../session/current'
import { touched, type Session } from '../session/session'
import { sessionsUnavailableJson, unauthorizedJson } from './api-errors'

/** A live session, as the store confirmed it for this request. */
export interface ApiSession {
  readonly session: Session
  /** The idle clock should move on (or an older secret opened the cookie). */
  readonly resealDue: boolean
}

/**
 * For private APIs: the session, or the answer to give instead: 401 (a dead
 * cookie cleared with it), or 503 when the store cannot say.
 */
export async function apiSession(): Promise<ApiSession | { readonly refusal: NextResponse }> {
  const state = await getSessionState()
  if (state.status === 'active') return { session: state.session, resealDue: state.resealDue }
  if (state.status === 'unverifiable') return { refusal: sessionsUnavailableJson() }
  const refusal = unauthorizedJson()
  if (state.clearCookie) clearSessionCookie(refusal.cookies, getConfig().session)
  return { refusal }
}

/**
 * Writes the session's cookie on `response`, seen active now, when `current`
 * is due a reseal or `session` is not the one it began with (refreshed
 * tokens). Middleware never does this: only here, after the store said the
 * session is live, so a session ended elsewhere never gets a fresh cookie.
 */
export async function keepApiSession(
  response: NextResponse,
  current: ApiSession,
  session: Session = current.session,
): Promise<void> {
  if (!current.resealDue && session === current.session) return
  await saveSessionCookie(response.cookies, touched(session), getConfig().session, await cookies())
}

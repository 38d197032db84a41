/**
 * The gate of the private APIs: the request's session, checked with the
 * session store, or the JSON answer to give instead.
 */
import 'server-only'
import type { NextResponse } from 'next/server'
import { getConfig } from '../config'
import { clearSessionCookie } from '../session/cookies'
import { getSessionState } from '../session/current'
import type { Session } from '../session/session'
import { sessionsUnavailableJson, unauthorizedJson } from './api-errors'

/**
 * For private APIs: the session, or the answer to give instead: 401 (a dead
 * cookie cleared with it), or 503 when the store cannot say.
 */
export async function apiSession(): Promise<{ readonly session: Session } | { readonly refusal: NextResponse }> {
  const state = await getSessionState()
  if (state.status === 'active') return { session: state.session }
  if (state.status === 'unverifiable') return { refusal: sessionsUnavailableJson() }
  const refusal = unauthorizedJson()
  if (state.clearCookie) clearSessionCookie(refusal.cookies, getConfig().session)
  return { refusal }
}

/**
 * Our small pages that are not errors: the sign-out confirmation.
 */
import 'server-only'
import type { NextResponse } from 'next/server'
import type { SessionConfig } from '../config'
import { AUTH_ROUTES } from '../routes'
import { clearSessionCookie } from '../session/cookies'
import type { SessionState } from '../session/state'
import { htmlPage } from './responses'

/** GET /auth/logout: a button that POSTs, or word that there is nothing to end (a dead cookie is dropped). */
export function signOutPage(state: SessionState, config: SessionConfig): NextResponse {
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
        { kind: 'post', action: AUTH_ROUTES.logout, label: 'Sign out', primary: true },
        { kind: 'link', href: '/', label: 'Stay signed in' },
      ],
    },
    200,
    config.providerOrigins,
  )
}

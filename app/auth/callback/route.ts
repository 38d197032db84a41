/**
 * GET /auth/callback
 * The provider sends the browser back here. Find this login's transaction by
 * `state`, validate the response, exchange the code, validate the tokens, give
 * the session its id and record it in the session store, seal it into the
 * cookie, and go where the user was going.
 */
import type { NextRequest } from 'next/server'
import { loginFailure, redirectTo, storeSession } from '@/lib/auth-response'
import { getConfig } from '@/lib/config'
import { LoginError } from '@/lib/login-error'
import { completeLogin } from '@/lib/oidc'
import { returnToUrl } from '@/lib/return-to'
import { newSessionId, nowSeconds, sealSession, type Session } from '@/lib/session'
import { sessionRef } from '@/lib/session-ref'
import { getSessionStore } from '@/lib/session-store'
import { describeUserAgent } from '@/lib/user-agent'
import {
  isWellFormedState,
  transactionCookieName,
  transactionCookieOptions,
  unsealTransaction,
  type LoginTransaction,
} from '@/lib/transaction'

export async function GET(request: NextRequest) {
  const { session: config } = getConfig()
  const params = request.nextUrl.searchParams
  const state = params.get('state')
  let cookieName: string | undefined
  let transaction: LoginTransaction | undefined
  if (isWellFormedState(state)) {
    cookieName = transactionCookieName(state, config)
    transaction = await unsealTransaction(request.cookies.get(cookieName)?.value, state, config)
  }

  if (!cookieName || !transaction) {
    // Without a transaction we cannot tell the provider's genuine error from a
    // crafted link, so we show none of the query: only that this login is not ours.
    const error = new LoginError(
      'invalid_request',
      'This sign-in was not started in this browser, or it took longer than 10 minutes. Please sign in again.',
    )
    const response = loginFailure(error, config.appBaseUrl)
    if (cookieName) response.cookies.set(cookieName, '', transactionCookieOptions(config, 0))
    return response
  }

  // Whatever happens next, this transaction is spent: a second use of the same callback finds nothing.
  const spent = transactionCookieOptions(config, 0)
  try {
    const tokens = await completeLogin(params, transaction)
    const now = nowSeconds()
    const session: Session = { v: 1, id: newSessionId(), ...tokens, createdAt: now, expiresAt: now + config.absoluteTimeout, lastSeenAt: now }
    await sealSession(session, config) // too large for cookies? fail here, before any cookie is written
    // Live in the store before the browser holds it: with Redis, only sessions the store holds are live.
    await getSessionStore().begin(sessionRef(session), describeUserAgent(request.headers.get('user-agent')))
    const response = redirectTo(returnToUrl(transaction.returnTo, config.appBaseUrl))
    response.cookies.set(cookieName, '', spent)
    return await storeSession(response, session, config)
  } catch (error) {
    const response = loginFailure(error, config.appBaseUrl, transaction.returnTo)
    response.cookies.set(cookieName, '', spent)
    return response
  }
}

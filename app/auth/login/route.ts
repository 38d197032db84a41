/**
 * GET /auth/login?returnTo=/path[&prompt=…&max_age=…&acr_values=…&ui_locales=…&login_hint=…&claims=…]
 * Starts a login: remembers state, nonce, PKCE verifier and the options in a
 * sealed cookie of its own, then sends the browser to the provider's
 * authorization endpoint. Only the allow-listed options are passed on. A
 * session cookie that no longer opens, or whose session has ended, is dropped.
 * Opened on another host than APP_BASE_URL's (127.0.0.1 for localhost, say),
 * it first moves to the same address on APP_BASE_URL: the provider comes back
 * there, and the transaction cookie must be waiting on that host.
 */
import type { NextRequest } from 'next/server'
import * as oauth from 'oauth4webapi'
import { authorizationOptions } from '@/lib/auth-params'
import { loginFailure, redirectTo } from '@/lib/auth-response'
import { getConfig } from '@/lib/config'
import { requestSessionState } from '@/lib/current-session'
import { authorizationUrl } from '@/lib/oidc'
import { onAppHost } from '@/lib/app-host'
import { safeReturnTo } from '@/lib/return-to'
import { nowSeconds } from '@/lib/session'
import { clearSessionCookie, hasSessionCookie } from '@/lib/session-cookie'
import {
  sealTransaction,
  staleTransactionCookies,
  transactionCookieName,
  transactionCookieOptions,
  type LoginTransaction,
} from '@/lib/transaction'

export async function GET(request: NextRequest) {
  const { session: config } = getConfig()
  const move = onAppHost(request, config.appBaseUrl)
  if (move) return redirectTo(move)
  const returnTo = safeReturnTo(request.nextUrl.searchParams.get('returnTo'), config.appBaseUrl)

  const transaction: LoginTransaction = {
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    codeVerifier: oauth.generateRandomCodeVerifier(),
    returnTo,
    createdAt: nowSeconds(),
    options: authorizationOptions(request.nextUrl.searchParams),
  }

  let destination: URL
  try {
    destination = await authorizationUrl(transaction)
  } catch (error) {
    return loginFailure(error, config.appBaseUrl, returnTo)
  }

  const response = redirectTo(destination)
  // Private pages send a session that was ended elsewhere here: its dead cookie goes now.
  if (hasSessionCookie(request.cookies, config)) {
    const state = await requestSessionState(request)
    if (state.status === 'signed-out' && state.clearCookie) clearSessionCookie(response.cookies, config)
  }
  for (const name of await staleTransactionCookies(request.cookies.getAll(), config)) {
    response.cookies.set(name, '', transactionCookieOptions(config, 0))
  }
  response.cookies.set(
    transactionCookieName(transaction.state, config),
    await sealTransaction(transaction, config),
    transactionCookieOptions(config),
  )
  return response
}

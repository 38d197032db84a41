/**
 * GET /auth/callback
 * The provider sends the browser back here (OIDC Core §3.1.2.5). Take this
 * login's transaction by `state`, validate the response and the tokens
 * (lib/oidc/callback.ts), begin the session (ending the one it replaces), and
 * go where the user was going.
 */
import type { NextRequest, NextResponse } from 'next/server'
import { beginSession } from '@/lib/auth/sign-in'
import { getConfig } from '@/lib/config'
import { loginFailure, redirectTo } from '@/lib/http/responses'
import { returnToUrl } from '@/lib/http/return-to'
import { completeLogin } from '@/lib/oidc/callback'
import { LoginError } from '@/lib/oidc/errors'
import { getProvider } from '@/lib/oidc/provider'
import { readSessionCookie, writeSessionCookie } from '@/lib/session/cookies'
import { openSession } from '@/lib/session/sealed'
import { TRANSACTION_TTL_WORDS, TransactionStore } from '@/lib/transaction-store'

export async function GET(request: NextRequest) {
  const { session: config } = getConfig()
  const params = request.nextUrl.searchParams
  const { transaction, spend } = await new TransactionStore(config).take(params.get('state'), request.cookies)
  let response: NextResponse
  if (!transaction) {
    // Without a transaction we cannot tell the provider's genuine error from a
    // crafted link, so we show none of the query: only that this login is not ours.
    const detail = `This sign-in was not started in this browser, or it took longer than ${TRANSACTION_TTL_WORDS}. Please sign in again.`
    response = loginFailure(new LoginError('invalid_request', detail))
  } else {
    try {
      const tokens = await completeLogin(await getProvider(), params, transaction)
      // The session this browser held until now, if any: the new one replaces it.
      const replaced = (await openSession(readSessionCookie(request.cookies, config), config))?.session
      const { session, sealed } = await beginSession(tokens, request.headers.get('user-agent'), config, replaced)
      response = redirectTo(returnToUrl(transaction.returnTo, config.appBaseUrl))
      writeSessionCookie(response.cookies, sealed, session.expiresAt, config)
    } catch (error) {
      response = loginFailure(error, transaction.returnTo)
    }
  }
  // Whatever happened, this transaction is spent: a second use of the same callback finds nothing.
  spend(response.cookies)
  return response
}

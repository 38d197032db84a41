/**
 * GET /auth/login?returnTo=/path[&prompt=…&max_age=…&acr_values=…&ui_locales=…&login_hint=…&claims=…]
 * Starts a login (OIDC Core §3.1.2.1): a new transaction (state, nonce, PKCE
 * verifier and the allow-listed options) in a sealed cookie of its own, and a
 * redirect to the provider's authorization endpoint. Opened on another host
 * than APP_BASE_URL's, it first moves there: the provider comes back there,
 * and the transaction cookie must be waiting on that host.
 */
import type { NextRequest } from 'next/server'
import { newTransaction } from '@/lib/auth/sign-in'
import { getConfig } from '@/lib/config'
import { onAppHost } from '@/lib/http/app-host'
import { loginFailure, redirectTo } from '@/lib/http/responses'
import { safeReturnTo } from '@/lib/http/return-to'
import { authorizationOptions } from '@/lib/oidc/auth-params'
import { authorizationUrl } from '@/lib/oidc/authorization'
import { getProvider } from '@/lib/oidc/provider'
import { dropDeadSessionCookie } from '@/lib/session/current'
import { TransactionStore } from '@/lib/transaction-store'

export async function GET(request: NextRequest) {
  const { session: config } = getConfig()
  const move = onAppHost(request, config.appBaseUrl)
  if (move) return redirectTo(move)

  const returnTo = safeReturnTo(request.nextUrl.searchParams.get('returnTo'), config.appBaseUrl)
  const transaction = newTransaction(returnTo, authorizationOptions(request.nextUrl.searchParams))
  let destination: URL
  try {
    destination = await authorizationUrl(await getProvider(), transaction)
  } catch (error) {
    return loginFailure(error, returnTo)
  }

  const response = redirectTo(destination)
  await dropDeadSessionCookie(request, response)
  await new TransactionStore(config).save(transaction, request.cookies, response.cookies)
  return response
}

/**
 * The two requests of a login at one provider, as the auth routes answer them:
 * the start (a transaction bound to that provider, then its authorization
 * endpoint) and the callback (the transaction taken by `state`, its binding
 * checked, the code exchanged, the session begun). Each provider's routes
 * (`/auth/login/<id>`, `/auth/callback/<id>`; the default's `/auth/callback`)
 * call these with that provider's configuration.
 */
import 'server-only'
import type { NextRequest, NextResponse } from 'next/server'
import { getConfig, offersChoice, type OidcConfig } from '../config'
import { onAppHost } from '../http/app-host'
import { loginFailure, redirectTo } from '../http/responses'
import { returnToUrl, safeReturnTo } from '../http/return-to'
import { authorizationOptions } from '../oidc/auth-params'
import { authorizationUrl, type LoginTargets } from '../oidc/authorization'
import { completeLogin } from '../oidc/callback'
import { LoginError } from '../oidc/errors'
import { newDpopKey } from '../oidc/dpop'
import { bindingFor } from '../oidc/mix-up'
import { getProvider } from '../oidc/provider'
import { writeSessionCookie } from '../session/cookies'
import { dropDeadSessionCookie, readRequestSession } from '../session/current'
import { TRANSACTION_TTL_WORDS, TransactionStore } from './transaction-store'
import { beginSession, newTransaction } from './sign-in'

/**
 * The APIs whose tokens this provider mints with the refresh token, named by
 * resource indicator: asked for at login, so the grant covers them. An API
 * with no API_<NAME>_PROVIDER counts for the only provider; with several, it
 * is asked for at none (a provider that does not know it would refuse the login).
 */
function loginTargets(oidc: OidcConfig): LoginTargets {
  const { apis, providers } = getConfig()
  const mine = apis.filter(
    (api) =>
      api.token === 'refresh' &&
      api.audienceParam === 'resource' &&
      (api.provider === oidc.id || (api.provider === undefined && providers.list.length === 1)),
  )
  return { resources: mine.map((api) => api.resource), scopes: mine.flatMap((api) => api.scope?.split(' ') ?? []) }
}

/** Where the error page's "try again" starts: at this provider when there is a choice; with one, /auth/login as always. */
function retryAt(providerId: string): string | undefined {
  return offersChoice(getConfig().providers) ? providerId : undefined
}

/**
 * GET /auth/login/<id> (and /auth/login with one provider): a new transaction,
 * bound to `oidc`, in a sealed cookie of its own, and a 303 to its
 * authorization endpoint. A provider that cannot be discovered gets the error
 * page (503 when it is down), whose "try again" comes back here.
 */
export async function startLogin(request: NextRequest, oidc: OidcConfig): Promise<NextResponse> {
  const { session: config } = getConfig()
  const move = onAppHost(request, config.appBaseUrl)
  if (move) return redirectTo(move)

  const returnTo = safeReturnTo(request.nextUrl.searchParams.get('returnTo'), config.appBaseUrl)
  let transaction
  let destination: URL
  try {
    const provider = await getProvider(oidc)
    // With DPoP, the session's key is made now: the code will be bound to it.
    const dpopKey = oidc.dpop ? await newDpopKey() : undefined
    transaction = newTransaction(
      returnTo,
      authorizationOptions(request.nextUrl.searchParams),
      bindingFor(provider),
      dpopKey,
    )
    destination = await authorizationUrl(provider, transaction, loginTargets(oidc))
  } catch (error) {
    return loginFailure(error, returnTo, retryAt(oidc.id))
  }

  const response = redirectTo(destination)
  await dropDeadSessionCookie(await readRequestSession(request), response)
  await new TransactionStore(config).save(transaction, request.cookies, response.cookies)
  return response
}

/**
 * GET /auth/callback[/<id>]: the provider sends the browser back here (OIDC
 * Core §3.1.2.5). Take this login's transaction by `state`, check it was
 * started for this provider, validate the response and the tokens
 * (lib/oidc/callback.ts), begin the session (ending the one it replaces), and
 * go where the user was going.
 */
export async function finishLogin(request: NextRequest, oidc: OidcConfig): Promise<NextResponse> {
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
      const tokens = await completeLogin(await getProvider(oidc), params, transaction)
      // The session this browser held until now, if any: the new one replaces it.
      const { session: replaced } = await readRequestSession(request)
      const { session, sealed } = await beginSession(
        tokens,
        oidc.id,
        request.headers.get('user-agent'),
        config,
        replaced,
        transaction.dpopKey,
      )
      response = redirectTo(returnToUrl(transaction.returnTo, config.appBaseUrl))
      writeSessionCookie(response.cookies, sealed, session.expiresAt, config)
    } catch (error) {
      // "Try again" starts over where this login began, not at the provider that answered.
      response = loginFailure(error, transaction.returnTo, retryAt(transaction.provider))
    }
  }
  // Whatever happened, this transaction is spent: a second use of the same callback finds nothing.
  spend(response.cookies)
  return response
}

/**
 * POST /auth/backchannel-logout  (form field `logout_token`)
 * OpenID Connect Back-Channel Logout 1.0 §2.5-2.8: the provider tells us, server
 * to server, that the user's session there ended. A valid logout token ends
 * every session of that provider session (`sid`), or, without `sid`, every
 * session of that user (`sub`), on every instance: 200 with `Cache-Control:
 * no-store`. Anything else: 400 with an OAuth error JSON, ending nothing; 503
 * when it cannot be checked now (the provider's keys or the session store are
 * unreachable), so the provider may retry.
 */
import { NextResponse, type NextRequest } from 'next/server'
import { endByLogoutToken } from '@/lib/auth/backchannel'
import { backchannelRefusal, backchannelUnavailable } from '@/lib/http/api-errors'
import { readForm } from '@/lib/http/form'
import { verifyLogoutToken } from '@/lib/oidc/backchannel-logout'
import { LoginError } from '@/lib/oidc/errors'
import { LogoutTokenError, type LogoutClaims } from '@/lib/oidc/logout-token'
import { getProvider } from '@/lib/oidc/provider'
import { getSessionStore, isStoreUnavailable } from '@/lib/session/store'

/** Logout tokens are a few hundred bytes to a few kilobytes (a big ID-token-like JWT). */
const MAX_BODY = 64 * 1024

export async function POST(request: NextRequest) {
  const token = (await readForm(request, MAX_BODY))?.get('logout_token')
  if (!token) return backchannelRefusal('Expected a form-encoded body with a logout_token.')
  let claims: LogoutClaims
  try {
    claims = await verifyLogoutToken(await getProvider(), token)
  } catch (error) {
    if (error instanceof LogoutTokenError) return backchannelRefusal(error.message)
    if (error instanceof LoginError) return backchannelUnavailable(`the provider's keys could not be loaded (${error.kind})`)
    throw error
  }

  const store = getSessionStore()
  try {
    if ((await endByLogoutToken(store, claims)) === 'replay') return backchannelRefusal('This logout token was already used (jti).')
  } catch (error) {
    if (isStoreUnavailable(error)) return backchannelUnavailable('the session store cannot be reached')
    throw error
  }
  console.log(`[auth] back-channel logout: ended the sessions of ${claims.sid !== undefined ? 'a provider session' : 'a user'}`)
  return new NextResponse(null, { status: 200, headers: { 'cache-control': 'no-store' } })
}

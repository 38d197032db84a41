/**
 * POST /auth/backchannel-logout  (form field `logout_token`)
 * OpenID Connect Back-Channel Logout 1.0 §2.5-2.8: the provider tells us, server
 * to server, that the user's session there ended (signed out at the provider or
 * in another app of the same single sign-on, or disabled by an administrator).
 * A valid logout token ends every session of that provider session (`sid`), or,
 * without `sid`, every session of that user (`sub`), on every instance, and
 * answers 200 with `Cache-Control: no-store`. Anything else answers 400 with an
 * OAuth error JSON and ends nothing; 503 when we cannot check it right now (the
 * provider's keys or the session store are unreachable), so the provider may retry.
 * Register APP_BASE_URL/auth/backchannel-logout at the provider (docs/providers.md).
 */
import { NextResponse, type NextRequest } from 'next/server'
import { readForm } from '@/lib/form'
import { LoginError } from '@/lib/login-error'
import { JTI_MEMORY, LogoutTokenError, type LogoutClaims } from '@/lib/logout-token'
import { verifyLogoutToken } from '@/lib/backchannel-logout'
import { getSessionStore, isStoreUnavailable } from '@/lib/session-store'

const noStore = { 'cache-control': 'no-store' }
/** Logout tokens are a few hundred bytes to a few kilobytes (a big ID-token-like JWT). */
const MAX_BODY = 64 * 1024

function refuse(description: string) {
  console.warn(`[auth] back-channel logout refused: ${description}`)
  return NextResponse.json({ error: 'invalid_request', error_description: description }, { status: 400, headers: noStore })
}

function unavailable(description: string) {
  console.warn(`[auth] back-channel logout not processed: ${description}`)
  return NextResponse.json({ error: 'temporarily_unavailable', error_description: description }, { status: 503, headers: { ...noStore, 'retry-after': '5' } })
}

export async function POST(request: NextRequest) {
  const token = (await readForm(request, MAX_BODY))?.get('logout_token')
  if (!token) return refuse('Expected a form-encoded body with a logout_token.')

  let claims: LogoutClaims
  try {
    claims = await verifyLogoutToken(token)
  } catch (error) {
    if (error instanceof LogoutTokenError) return refuse(error.message)
    if (error instanceof LoginError) return unavailable(`the provider's keys could not be loaded (${error.kind})`)
    throw error
  }

  const store = getSessionStore()
  try {
    // §2.6: each logout token is used once; a replay (which could end sessions begun since) ends nothing.
    if (!(await store.firstUse(claims.jti, JTI_MEMORY))) return refuse('This logout token was already used (jti).')
    if (claims.sid !== undefined) await store.endProviderSession(claims.sid)
    else await store.endUserSessions(claims.sub!)
  } catch (error) {
    if (isStoreUnavailable(error)) return unavailable('the session store cannot be reached')
    throw error
  }
  console.log(`[auth] back-channel logout: ended the sessions of ${claims.sid !== undefined ? 'a provider session' : 'a user'}`)
  return new NextResponse(null, { status: 200, headers: noStore })
}

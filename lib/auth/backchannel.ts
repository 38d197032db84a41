/**
 * Back-channel logout at one provider (OIDC Back-Channel Logout 1.0
 * §2.5-2.8): the provider tells us, server to server, that the user's session
 * there ended. Each provider has its own route (`/auth/backchannel-logout` for
 * `default`, `/auth/backchannel-logout/<id>`), and a token is checked with
 * that provider's keys, issuer and our client id there, and ends only that
 * provider's sessions: a user is (provider, sub), a provider session is (provider, sid).
 */
import 'server-only'
import { NextResponse, type NextRequest } from 'next/server'
import type { OidcConfig, ProviderId } from '../config'
import { backchannelRefusal, backchannelUnavailable } from '../http/api-errors'
import { readForm } from '../http/form'
import { verifyLogoutToken } from '../oidc/backchannel-logout'
import { LoginError } from '../oidc/errors'
import { JTI_MEMORY, LogoutTokenError, type LogoutClaims } from '../oidc/logout-token'
import { getProvider } from '../oidc/provider'
import { getSessionStore, isStoreUnavailable, type SessionStore } from '../session/store'
import { log } from '../log/log'
import { count } from '../telemetry/metrics'

/** Logout tokens are a few hundred bytes to a few kilobytes (a big ID-token-like JWT). */
const MAX_BODY = 64 * 1024

/** A `jti` is unique per issuer: another provider's token with the same `jti` is another token. */
function usedTokenKey(provider: ProviderId, jti: string): string {
  return provider === 'default' ? jti : `${provider} ${jti}`
}

/**
 * What a valid logout token does: end every session of its provider session
 * (`sid`), or without `sid` every session of its user (`sub`), of `provider`
 * only, once per token (§2.6-2.7).
 *
 * `replay`: this token was used before, and a replay (which could end sessions
 * begun since) ends nothing. The `jti` is recorded only once the sessions are
 * ended: when ending fails (the store throws, the route answers 503), the
 * provider's retry of the same token must still be accepted.
 */
export async function endByLogoutToken(
  store: SessionStore,
  provider: ProviderId,
  claims: LogoutClaims,
): Promise<'ended' | 'replay'> {
  const used = usedTokenKey(provider, claims.jti)
  if (await store.isUsed(used)) return 'replay'
  if (claims.sid !== undefined) await store.endProviderSession(provider, claims.sid)
  else await store.endUserSessions({ provider, sub: claims.sub! })
  await store.recordUse(used, JTI_MEMORY)
  return 'ended'
}

/**
 * POST (form field `logout_token`): 200 with `Cache-Control: no-store` once its
 * sessions ended; 400 with an OAuth error JSON for a token to refuse, ending
 * nothing; 503 when it cannot be checked now (the provider's keys or the
 * session store are unreachable), so the provider may retry.
 */
export async function backchannelLogout(request: NextRequest, oidc: OidcConfig): Promise<NextResponse> {
  const response = await answerLogoutToken(request, oidc)
  count.backchannelLogout(
    oidc.id,
    response.status === 200 ? 'ended' : response.status === 503 ? 'unavailable' : 'refused',
  )
  return response
}

/** A logout token refused (400), said in the log too. */
function refuse(description: string): NextResponse {
  log.warn('auth.backchannel_refused', `back-channel logout refused: ${description}`)
  return backchannelRefusal(description)
}

/** A logout token that cannot be checked now (503), said in the log too. */
function unavailable(description: string): NextResponse {
  log.warn('auth.backchannel_unprocessed', `back-channel logout not processed: ${description}`)
  return backchannelUnavailable(description)
}

async function answerLogoutToken(request: NextRequest, oidc: OidcConfig): Promise<NextResponse> {
  const token = (await readForm(request, MAX_BODY))?.get('logout_token')
  if (!token) return refuse('Expected a form-encoded body with a logout_token.')
  let claims: LogoutClaims
  try {
    claims = await verifyLogoutToken(await getProvider(oidc), token)
  } catch (error) {
    if (error instanceof LogoutTokenError) return refuse(error.message)
    if (error instanceof LoginError) return unavailable(`the provider's keys could not be loaded (${error.kind})`)
    throw error
  }

  try {
    if ((await endByLogoutToken(getSessionStore(), oidc.id, claims)) === 'replay')
      return refuse('This logout token was already used (jti).')
  } catch (error) {
    if (isStoreUnavailable(error)) return unavailable('the session store cannot be reached')
    throw error
  }
  const whose = claims.sid !== undefined ? 'a provider session' : 'a user'
  log.info(
    'auth.backchannel_logout',
    `back-channel logout: ended the sessions of ${whose}${oidc.id === 'default' ? '' : ` at ${oidc.id}`}`,
    {
      provider: oidc.id,
    },
  )
  return new NextResponse(null, { status: 200, headers: { 'cache-control': 'no-store' } })
}

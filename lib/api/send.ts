/**
 * One request to an API with its token: Bearer (RFC 6750), or DPoP (RFC 9449
 * §7) with a fresh proof signed by the session's own key (`htm`, `htu`, `ath`
 * of this very token, a new `jti`), retried once, with the same token and key,
 * when the API asks for a nonce. Never sent outside the API's URL, never
 * following a redirect (the token is for this URL only).
 */
import 'server-only'
import * as oauth from 'oauth4webapi'
import type { ApiConfig } from '../config'
import { dpopHandle, nonceNotingFetch } from '../oidc/dpop'
import { OUTBOUND_TIMEOUT_MS } from '../oidc/http'
import type { DiscoveredProvider } from '../oidc/provider'
import type { CachedApiToken } from '../session/api-tokens'
import type { DpopKey } from '../session/session'
import { isUnderApi } from './target'

export interface ApiRequest {
  readonly method: string
  readonly target: URL
  /** Headers for the API; Authorization and DPoP are ours to set. */
  readonly headers: Headers
  /** Buffered, so the one retry (a nonce, a refreshed token) can send it again. */
  readonly body: Uint8Array | undefined
}

/** A token ready to send: the cached token, and the key that proves it where it is bound. */
export interface TokenInHand {
  readonly token: Pick<CachedApiToken, 'accessToken' | 'dpop'>
  readonly dpopKey: DpopKey | undefined
  readonly provider: DiscoveredProvider
}

export class ApiUnreachableError extends Error {
  override readonly name = 'ApiUnreachableError'
}

/** What sending needs of an API: its name for messages, the URL the token stays under. */
export type ApiTarget = Pick<ApiConfig, 'name' | 'url' | 'variable'>

async function once(api: ApiTarget, request: ApiRequest, inHand: TokenInHand): Promise<Response> {
  const { token, dpopKey, provider } = inHand
  if (token.dpop && !dpopKey)
    throw new ApiUnreachableError(`The token for ${api.name} is bound to a key this session does not hold.`)
  const DPoP = token.dpop && dpopKey ? await dpopHandle(provider.client, dpopKey) : undefined
  const headers = new Headers(request.headers)
  headers.delete('authorization')
  headers.delete('dpop')
  return oauth.protectedResourceRequest(
    token.accessToken,
    request.method,
    request.target,
    headers,
    request.body ?? null,
    {
      signal: AbortSignal.timeout(OUTBOUND_TIMEOUT_MS),
      ...(request.target.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {}),
      ...(DPoP ? { DPoP, [oauth.customFetch]: nonceNotingFetch } : {}),
    },
  )
}

/**
 * Sends `request` with the token. The API's answer comes back whatever its
 * status (a 401 with its challenge included); a network failure or timeout
 * throws ApiUnreachableError.
 */
export async function sendToApi(api: ApiTarget, request: ApiRequest, inHand: TokenInHand): Promise<Response> {
  // Configuration and apiTarget already hold it there; checked again where the token leaves.
  if (!isUnderApi(request.target, api))
    throw new ApiUnreachableError(`${request.target.origin} is not under ${api.variable('URL')}: the token stays here.`)
  for (let attempt = 0; ; attempt++) {
    try {
      return await once(api, request, inHand)
    } catch (error) {
      if (error instanceof oauth.WWWAuthenticateChallengeError) {
        // One retry for a nonce (the new nonce is noted by now); any other challenge is the API's answer.
        if (attempt === 0 && inHand.token.dpop && oauth.isDPoPNonceError(error)) continue
        return error.response
      }
      if (error instanceof ApiUnreachableError) throw error
      const timedOut = error instanceof Error && error.name === 'TimeoutError'
      throw new ApiUnreachableError(
        timedOut ? `${api.name} did not answer in time.` : `${api.name} could not be reached.`,
        { cause: error },
      )
    }
  }
}

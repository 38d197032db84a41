/**
 * One call to an API as the signed-in user: the API's token (lib/auth/api-tokens.ts),
 * the request (./send.ts), and when the API answers 401 to a token we thought
 * good, one new token and one retry, never more (a loop of refreshes against
 * an API that refuses everything would spend the refresh token on every call).
 */
import 'server-only'
import type { ApiConfig } from '../config'
import { tokenForApi, type ApiTokenOutcome } from '../auth/api-tokens'
import type { Session } from '../session/session'
import { ApiUnreachableError, sendToApi, type ApiRequest } from './send'

export type ApiCallOutcome =
  /** The API answered (any status). `session` is the one to keep. */
  | { readonly kind: 'answered'; readonly response: Response; readonly session: Session }
  /** The API could not be reached, or no token could be had; `reason` is for the person. */
  | { readonly kind: 'unreachable'; readonly reason: string; readonly session: Session }
  | { readonly kind: 'unavailable'; readonly reason: string; readonly session: Session }
  | Extract<ApiTokenOutcome, { kind: 'signed-out' | 'store-down' }>

export async function callApiAs(session: Session, api: ApiConfig, request: ApiRequest): Promise<ApiCallOutcome> {
  let current = session
  let refused: string | undefined
  // At most two sends: the first, and one after a 401 with a new token.
  for (let attempt = 0; attempt < 2; attempt++) {
    const got = await tokenForApi(current, api, { refused })
    if (got.kind !== 'token') return got
    current = got.session
    let response: Response
    try {
      response = await sendToApi(api, request, { token: got.token, dpopKey: current.dpopKey, provider: got.provider })
    } catch (error) {
      if (!(error instanceof ApiUnreachableError)) throw error
      return { kind: 'unreachable', reason: error.message, session: current }
    }
    if (response.status !== 401 || attempt === 1) return { kind: 'answered', response, session: current }
    // The token expired or was revoked early: one more, minted anew.
    await response.body?.cancel().catch(() => {})
    refused = got.token.accessToken
  }
  throw new Error('unreachable: the loop returns on its second pass')
}

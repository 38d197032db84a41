/**
 * Calling the configured API (API_ENDPOINT) with the user's access token as a
 * Bearer token (RFC 6750), or DPoP-bound where OIDC_DPOP is on (RFC 9449).
 * Node runtime: route handlers only. (APIS, each API with a token of its own: ./call.ts.)
 */
import 'server-only'
import { refreshSession } from '../auth/refresh'
import { readCapped } from '../http/body'
import { OUTBOUND_TIMEOUT_MS } from '../oidc/http'
import { configuredProvider, getProvider } from '../oidc/provider'
import type { Session } from '../session/session'
import { sendToApi, type ApiTarget } from './send'

export type ApiResult =
  | { readonly ok: true; readonly status: number; readonly body: unknown }
  | { readonly ok: false; readonly reason: string }

/** Bodies are shown to the user; a runaway one is cut. */
const MAX_BODY = 16 * 1024

/** API_ENDPOINT as the sending of a bound token names it. */
function endpointTarget(endpoint: URL): ApiTarget {
  return { name: 'The API', url: endpoint, variable: () => 'API_ENDPOINT' }
}

/**
 * Sends the session's access token: as a Bearer token, or, where the session
 * holds a DPoP key (OIDC_DPOP), bound to it with a proof (lib/api/send.ts).
 */
async function send(
  endpoint: URL,
  session: Pick<Session, 'accessToken' | 'dpopKey' | 'provider'> | undefined,
): Promise<Response> {
  if (session?.accessToken && session.dpopKey) {
    const provider = await getProvider(configuredProvider(session.provider))
    const request = {
      method: 'GET',
      target: endpoint,
      headers: new Headers({ accept: 'application/json' }),
      body: undefined,
    }
    return sendToApi(endpointTarget(endpoint), request, {
      token: { accessToken: session.accessToken, dpop: true },
      dpopKey: session.dpopKey,
      provider,
    })
  }
  return fetch(endpoint, {
    headers: {
      accept: 'application/json',
      ...(session?.accessToken ? { authorization: `Bearer ${session.accessToken}` } : {}),
    },
    signal: AbortSignal.timeout(OUTBOUND_TIMEOUT_MS),
    // The token is for this URL only: never follow a redirect elsewhere with it.
    redirect: 'manual',
    cache: 'no-store',
  })
}

export async function callApi(
  endpoint: URL,
  session: Pick<Session, 'accessToken' | 'dpopKey' | 'provider'> | undefined,
): Promise<ApiResult> {
  let response: Response
  try {
    response = await send(endpoint, session)
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || /in time/.test(error.message))
    return { ok: false, reason: timedOut ? 'The API did not answer in time.' : 'The API could not be reached.' }
  }
  let text: string
  try {
    text = await readCapped(response, MAX_BODY)
  } catch {
    return { ok: false, reason: 'The API did not finish its answer in time.' }
  }
  let body: unknown = text
  if (response.headers.get('content-type')?.includes('json')) {
    try {
      body = JSON.parse(text)
    } catch {
      // Not JSON after all: show the text.
    }
  }
  return { ok: true, status: response.status, body }
}

/** What calling the API as the user came to, and the session to keep afterwards. */
export type UserApiCall =
  | { readonly kind: 'answered'; readonly result: ApiResult; readonly session: Session }
  /** A refresh was needed and the provider refused it: the session is over. */
  | { readonly kind: 'signed-out' }
  /** …but the session store could not record that: nothing is decided, answer 503. */
  | { readonly kind: 'store-down' }

/**
 * Calls the API with the session's access token. A 401 from the API (the
 * token expired or was revoked early) triggers one refresh and one retry; the
 * session comes back refreshed when that happened.
 */
export async function callApiAs(endpoint: URL, session: Session): Promise<UserApiCall> {
  const result = await callApi(endpoint, session)
  if (!result.ok || result.status !== 401 || !session.refreshToken) return { kind: 'answered', result, session }
  const outcome = await refreshSession(session)
  if (outcome.kind === 'rejected') return { kind: 'signed-out' }
  if (outcome.kind === 'unendable') return { kind: 'store-down' }
  if (outcome.kind === 'failed') return { kind: 'answered', result, session: outcome.session }
  return { kind: 'answered', result: await callApi(endpoint, outcome.session), session: outcome.session }
}

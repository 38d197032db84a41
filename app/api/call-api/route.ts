/**
 * GET /api/call-api
 * Calls API_ENDPOINT with the session's access token and answers
 * `{ "status": <the API's status>, "body": <its body, parsed when JSON> }`.
 * A 401 from the API triggers one refresh and one retry. Without a live session:
 * 401 JSON; 503 JSON when the session store cannot be reached.
 *
 * GET /api/call-api?api=<name> (with APIS set): calls that API's URL with its
 * own token (minted, cached, retried once after a 401: lib/api/call.ts) and
 * answers the same, plus `"api"` and `"token"`: when it expires, its scopes,
 * whether it is DPoP-bound. Never the token itself. An API not configured: 404.
 */
import { NextResponse, type NextRequest } from 'next/server'
import { callApiAs } from '@/lib/api/endpoint'
import { callApiAs as callNamedApi } from '@/lib/api/call'
import { readCapped } from '@/lib/http/body'
import { apiByName, getConfig, type ApiConfig } from '@/lib/config'
import { notFoundJson, sessionsUnavailableJson, unauthorizedJson } from '@/lib/http/api-errors'
import { clearSessionCookie } from '@/lib/session/cookies'
import { apiSession, keepApiSession, type ApiSession } from '@/lib/http/api-session'

const noStore = { 'cache-control': 'no-store' }
/** Bodies are shown to the user; a runaway one is cut. */
const MAX_BODY = 16 * 1024

function failure(status: number, error: string, description: string) {
  return NextResponse.json(
    { status: null, body: null, error, error_description: description },
    { status, headers: noStore },
  )
}

async function callNamed(api: ApiConfig, signedIn: ApiSession) {
  const { session: config } = getConfig()
  const request = {
    method: 'GET',
    target: api.url,
    headers: new Headers({ accept: 'application/json' }),
    body: undefined,
  }
  const call = await callNamedApi(signedIn.session, api, request)
  if (call.kind === 'signed-out') {
    const response = unauthorizedJson()
    clearSessionCookie(response.cookies, config)
    return response
  }
  if (call.kind === 'store-down') return sessionsUnavailableJson()
  let response: NextResponse
  if (call.kind === 'answered') {
    const text = await readCapped(call.response, MAX_BODY).catch(() => '')
    let body: unknown = text
    if (call.response.headers.get('content-type')?.includes('json')) {
      try {
        body = JSON.parse(text)
      } catch {
        // Not JSON after all: show the text.
      }
    }
    const entry = call.session.apiTokens?.[api.name]
    const token =
      api.token === 'login'
        ? {
            source: 'login',
            expires_at: call.session.accessTokenExpiresAt ?? null,
            scope: call.session.scope ?? null,
            dpop: Boolean(call.session.dpopKey),
          }
        : entry?.kind === 'token'
          ? { source: api.token, expires_at: entry.expiresAt ?? null, scope: entry.scope ?? null, dpop: entry.dpop }
          : null
    response = NextResponse.json({ api: api.name, status: call.response.status, body, token }, { headers: noStore })
  } else {
    response = failure(502, call.kind === 'unreachable' ? 'api_unreachable' : 'token_unavailable', call.reason)
  }
  await keepApiSession(response, signedIn, call.session)
  return response
}

export async function GET(request: NextRequest) {
  const { session: config, apiEndpoint, apis } = getConfig()
  const name = apis.length > 0 ? request.nextUrl.searchParams.get('api') : null
  const api = name === null ? undefined : apiByName(apis, name)
  if (name !== null && !api) return notFoundJson()
  const signedIn = await apiSession()
  if ('refusal' in signedIn) return signedIn.refusal
  if (api) return callNamed(api, signedIn)
  if (!apiEndpoint) return failure(501, 'not_configured', 'Set API_ENDPOINT to the URL of the API to call.')

  const call = await callApiAs(apiEndpoint, signedIn.session)
  if (call.kind === 'signed-out') {
    const response = unauthorizedJson()
    clearSessionCookie(response.cookies, config)
    return response
  }
  if (call.kind === 'store-down') return sessionsUnavailableJson()
  const { result, session } = call
  const response = result.ok
    ? NextResponse.json({ status: result.status, body: result.body }, { headers: noStore })
    : NextResponse.json(
        { status: null, body: null, error: 'api_unreachable', error_description: result.reason },
        { status: 502, headers: noStore },
      )
  await keepApiSession(response, signedIn, session)
  return response
}

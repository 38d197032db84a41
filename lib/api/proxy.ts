/**
 * The backend-for-frontend proxy: `/api/proxy/<name>/<path…>` forwards a
 * browser's request to API_<NAME>_URL + path with that API's token, so the
 * page's scripts call the API without ever holding a token.
 *
 * - CSRF: only from our own origin (Fetch Metadata and Origin, lib/http/same-origin.ts)
 *   and only with `X-CSRF: 1`, a header no plain form or cross-site request
 *   can carry without a CORS preflight we never approve. Anything else is a
 *   403 before the API sees a thing.
 * - Only method, query, body, Content-Type and Accept go on; nothing of the
 *   browser's cookies or credentials. The path stays under the API's URL (./target.ts).
 * - The answer comes back with its status, Content-Type and body (streamed, cut
 *   at MAX_RESPONSE_BYTES), nothing else of its headers: never a token.
 */
import 'server-only'
import { NextResponse, type NextRequest } from 'next/server'
import { apiByName, getConfig, type ApiConfig } from '../config'
import { notFoundJson, sessionsUnavailableJson, unauthorizedJson } from '../http/api-errors'
import { apiSession, keepApiSession } from '../http/api-session'
import { readBody } from '../http/body'
import { isSameOriginRequest } from '../http/same-origin'
import { clearSessionCookie } from '../session/cookies'
import { callApiAs } from './call'
import { apiTarget } from './target'

/** Request bodies are buffered (the one retry sends them again): at most this much. */
export const MAX_REQUEST_BYTES = 1024 * 1024
/** Answers are streamed through, and cut here. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024

export const PROXY_PREFIX = '/api/proxy/'

const noStore = { 'cache-control': 'no-store' }

function jsonError(status: number, error: string, description: string): NextResponse {
  return NextResponse.json({ error, error_description: description }, { status, headers: noStore })
}

/** The API's body, passed through as it arrives, and cut (the stream errors) past the cap. */
function cappedStream(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  let passed = 0
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        passed += chunk.byteLength
        if (passed > MAX_RESPONSE_BYTES)
          controller.error(new Error(`the API's answer is over ${MAX_RESPONSE_BYTES} bytes`))
        else controller.enqueue(chunk)
      },
    }),
  )
}

/** The API's answer as the browser gets it: status, Content-Type, body; never its other headers. */
function passBack(answer: Response): NextResponse {
  if (answer.status >= 300 && answer.status < 400) {
    void answer.body?.cancel().catch(() => {})
    return jsonError(
      502,
      'api_redirected',
      'The API answered with a redirect, which is not followed: its token is for its own URL only.',
    )
  }
  if (Number(answer.headers.get('content-length') ?? '0') > MAX_RESPONSE_BYTES) {
    void answer.body?.cancel().catch(() => {})
    return jsonError(502, 'api_response_too_large', `The API's answer is over ${MAX_RESPONSE_BYTES} bytes.`)
  }
  const headers = new Headers(noStore)
  const type = answer.headers.get('content-type')
  if (type) headers.set('content-type', type)
  const empty = answer.status === 204 || answer.status === 205 || answer.status === 304 || !answer.body
  return new NextResponse(empty ? null : cappedStream(answer.body), { status: answer.status, headers })
}

/** The request's path below /api/proxy/<name>, as it came (still percent-encoded). */
function pathBelow(request: NextRequest, api: ApiConfig): string {
  const { pathname } = new URL(request.url)
  return pathname.slice(`${PROXY_PREFIX}${api.name}`.length)
}

export async function proxyToApi(request: NextRequest, name: string): Promise<NextResponse> {
  const { apis, session: config } = getConfig()
  const api = apiByName(apis, name)
  if (!api) return notFoundJson()
  if (!isSameOriginRequest(request.headers, config.appBaseUrl) || request.headers.get('x-csrf') !== '1') {
    return jsonError(403, 'forbidden', 'The proxy answers only this app\'s own pages, with the header "X-CSRF: 1".')
  }
  const target = apiTarget(api, pathBelow(request, api), new URL(request.url).search)
  if (!target)
    return jsonError(
      400,
      'invalid_path',
      `The path would leave ${api.name}'s URL (dot segments, encoded slashes): not forwarded.`,
    )

  const signedIn = await apiSession()
  if ('refusal' in signedIn) return signedIn.refusal
  const body = await readBody(request, MAX_REQUEST_BYTES)
  if (body === null)
    return jsonError(413, 'request_too_large', `The proxy forwards bodies of at most ${MAX_REQUEST_BYTES} bytes.`)
  const headers = new Headers()
  for (const header of ['content-type', 'accept']) {
    const value = request.headers.get(header)
    if (value) headers.set(header, value)
  }

  const call = await callApiAs(signedIn.session, api, {
    method: request.method,
    target,
    headers,
    body: body.byteLength > 0 ? body : undefined,
  })
  if (call.kind === 'signed-out') {
    const response = unauthorizedJson()
    clearSessionCookie(response.cookies, config)
    return response
  }
  if (call.kind === 'store-down') return sessionsUnavailableJson()
  const response =
    call.kind === 'answered'
      ? passBack(call.response)
      : jsonError(502, call.kind === 'unreachable' ? 'api_unreachable' : 'token_unavailable', call.reason)
  await keepApiSession(response, signedIn, call.session)
  return response
}

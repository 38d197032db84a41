/**
 * Calling an API (APIS) from the server, as the signed-in user:
 *
 * ```ts
 * const orders = await apiFetch('orders', '/items')            // a server component
 * const created = await apiFetchFromRoute('orders', '/items', { method: 'POST', body }) // a route handler or server action
 * if (orders.ok) orders.body
 * ```
 *
 * A server component cannot set cookies, and minting a token with the refresh
 * token can rotate it: a rotated refresh token that is not kept ends the
 * session at its next use. So `apiFetch` never mints: where the session holds
 * no token for the API yet (or it expired), it sends the browser through
 * `/auth/refresh?api=<name>`, which mints it, keeps it in the cookie and
 * comes back (the same detour middleware takes for the session's own token).
 * Route handlers and server actions can keep a changed session: there,
 * `apiFetchFromRoute` mints in place and, after a 401, tries once more.
 */
import 'server-only'
import { cookies, headers } from 'next/headers'
import { redirect } from 'next/navigation'
import { apiByName, getConfig } from '../config'
import { readCapped } from '../api-client'
import { safeReturnTo } from '../http/return-to'
import { AUTH_ROUTES, loginPath, RETURN_TO_HEADER } from '../routes'
import { clearSessionCookie, saveSessionCookie } from '../session/cookies'
import { getSessionState } from '../session/current'
import { touched, type Session } from '../session/session'
import { callApiAs, type ApiCallOutcome } from './call'
import { apiTarget } from './target'

/** Bodies read into a page: at most this much. */
const MAX_BODY = 256 * 1024

export interface ApiFetchInit {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** A query string (with or without its `?`), or parameters. */
  readonly query?: string | URLSearchParams | Readonly<Record<string, string>>
  /** JSON-encoded when it is not a string or bytes; Content-Type follows. */
  readonly body?: string | Uint8Array | object
  readonly headers?: HeadersInit
}

export type ApiFetchResult =
  /** The API answered: its status, and its body (parsed when JSON). */
  | { readonly ok: true; readonly status: number; readonly contentType: string | null; readonly body: unknown }
  /** No answer: the API is not configured, the path leaves its URL, no token could be had, or it could not be reached. */
  | {
      readonly ok: false
      readonly error: 'not_configured' | 'invalid_path' | 'token_unavailable' | 'api_unreachable'
      readonly message: string
    }

async function prepared(name: string, path: string, init: ApiFetchInit) {
  const api = apiByName(getConfig().apis, name)
  if (!api) return { failure: { ok: false, error: 'not_configured', message: `No API named "${name}" is configured (APIS).` } as const }
  const query = typeof init.query === 'string' ? init.query : new URLSearchParams(init.query).toString()
  const target = apiTarget(api, path, query)
  if (!target) return { failure: { ok: false, error: 'invalid_path', message: `"${path}" would leave ${api.name}'s URL.` } as const }
  const requestHeaders = new Headers(init.headers)
  let body: Uint8Array | undefined
  if (typeof init.body === 'string') body = new TextEncoder().encode(init.body)
  else if (init.body instanceof Uint8Array) body = init.body
  else if (init.body !== undefined) {
    body = new TextEncoder().encode(JSON.stringify(init.body))
    if (!requestHeaders.has('content-type')) requestHeaders.set('content-type', 'application/json')
  }
  if (!requestHeaders.has('accept')) requestHeaders.set('accept', 'application/json')
  return { api, request: { method: init.method ?? 'GET', target, headers: requestHeaders, body } }
}

async function resultOf(call: Extract<ApiCallOutcome, { kind: 'answered' | 'unreachable' | 'unavailable' }>): Promise<ApiFetchResult> {
  if (call.kind === 'unreachable') return { ok: false, error: 'api_unreachable', message: call.reason }
  if (call.kind === 'unavailable') return { ok: false, error: 'token_unavailable', message: call.reason }
  const contentType = call.response.headers.get('content-type')
  let text: string
  try {
    text = await readCapped(call.response, MAX_BODY)
  } catch {
    return { ok: false, error: 'api_unreachable', message: 'The API did not finish its answer in time.' }
  }
  let body: unknown = text
  if (contentType?.includes('json')) {
    try {
      body = JSON.parse(text)
    } catch {
      // Not JSON after all: the text.
    }
  }
  return { ok: true, status: call.response.status, contentType, body }
}

/** Where the page was going: middleware names it for private pages (RETURN_TO_HEADER). */
async function thisPage(): Promise<string> {
  return safeReturnTo((await headers()).get(RETURN_TO_HEADER), getConfig().session.appBaseUrl)
}

/** The signed-in session, or a redirect (to sign in, or to the 503 page), as requireSession does. */
async function sessionOrRedirect(): Promise<{ session: Session; resealDue: boolean }> {
  const state = await getSessionState()
  if (state.status === 'active') return state
  if (state.status === 'unverifiable') redirect(`${AUTH_ROUTES.unavailable}?${new URLSearchParams({ returnTo: await thisPage() })}`)
  redirect(loginPath(await thisPage()))
}

/** For server components: calls API `name` at `path` (under API_<NAME>_URL) with its token. Never mints (see above). */
export async function apiFetch(name: string, path: string, init: ApiFetchInit = {}): Promise<ApiFetchResult> {
  const ready = await prepared(name, path, init)
  if (ready.failure) return ready.failure
  const { session } = await sessionOrRedirect()
  const call = await callApiAs(session, ready.api, ready.request, false)
  if (call.kind === 'mint-needed') {
    redirect(`${AUTH_ROUTES.refresh}?${new URLSearchParams({ api: ready.api.name, returnTo: await thisPage() })}`)
  }
  if (call.kind === 'signed-out') redirect(loginPath(await thisPage()))
  if (call.kind === 'store-down') redirect(`${AUTH_ROUTES.unavailable}?${new URLSearchParams({ returnTo: await thisPage() })}`)
  return resultOf(call)
}

/**
 * For route handlers and server actions: as apiFetch, but a missing or refused
 * token is minted here, and the session's cookie is written on this response
 * (through next/headers' cookies()) when it changed.
 */
export async function apiFetchFromRoute(name: string, path: string, init: ApiFetchInit = {}): Promise<ApiFetchResult> {
  const ready = await prepared(name, path, init)
  if (ready.failure) return ready.failure
  const config = getConfig().session
  const state = await getSessionState()
  if (state.status !== 'active')
    return { ok: false, error: 'token_unavailable', message: state.status === 'signed-out' ? 'Not signed in.' : 'Sessions cannot be checked right now.' }
  const call = await callApiAs(state.session, ready.api, ready.request, true)
  const jar = await cookies()
  if (call.kind === 'signed-out' || call.kind === 'mint-needed') {
    clearSessionCookie(jar, config)
    return { ok: false, error: 'token_unavailable', message: 'The provider ended this session.' }
  }
  if (call.kind === 'store-down') return { ok: false, error: 'token_unavailable', message: 'Sessions cannot be checked right now.' }
  if (call.session !== state.session || state.resealDue) await saveSessionCookie(jar, touched(call.session), config, jar)
  return resultOf(call)
}

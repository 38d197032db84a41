/**
 * Calling an API (APIS) from the server, as the signed-in user:
 *
 * ```ts
 * const orders = await apiFetch('orders', '/items')            // a server component
 * const created = await apiFetchFromRoute('orders', '/items', { method: 'POST', body }) // a route handler or server action
 * if (orders.ok) orders.body
 * ```
 *
 * A server component cannot set cookies. It mints all the same: a refresh
 * token the mint rotated is noted in the session store
 * (lib/auth/latest-refresh-token.ts), where the next spend finds it whatever
 * the cookie holds; the API's token is kept in this process for the session
 * (`pageTokens`, a bounded memo) instead of the cookie, so the next render
 * does not mint again. Route handlers and server actions can keep a changed
 * session: there, `apiFetchFromRoute` keeps it in the cookie as the proxy does.
 * Both try once more after a 401, with a new token.
 */
import 'server-only'
import { cookies, headers } from 'next/headers'
import { redirect } from 'next/navigation'
import { apiByName, getConfig } from '../config'
import { readCapped } from './read-capped'
import { safeReturnTo } from '../http/return-to'
import { AUTH_ROUTES, loginPath, RETURN_TO_HEADER } from '../routes'
import { clearSessionCookie, saveSessionCookie } from '../session/cookies'
import { getSessionState } from '../session/current'
import type { ApiTokenEntry } from '../session/api-tokens'
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

/**
 * API tokens minted while rendering, which no cookie can carry: by session id
 * and API, at most PAGE_TOKENS of them, the least recently used dropped. Only a
 * request whose session the store just confirmed live reads them.
 */
const PAGE_TOKENS = 1000
const PAGE_TOKEN_MEMO = Symbol.for('nextjs-oidc-login.page-api-tokens')
const memoHolder = globalThis as { [PAGE_TOKEN_MEMO]?: Map<string, ApiTokenEntry> }
const pageTokens = (memoHolder[PAGE_TOKEN_MEMO] ??= new Map<string, ApiTokenEntry>())

function withPageToken(session: Session, api: string): Session {
  const kept = pageTokens.get(`${session.id} ${api}`)
  const inCookie = session.apiTokens?.[api]
  if (!kept || (inCookie && inCookie.usedAt >= kept.usedAt)) return session
  return { ...session, apiTokens: { ...session.apiTokens, [api]: kept } }
}

function keepPageToken(session: Session, api: string): void {
  const entry = session.apiTokens?.[api]
  if (!entry) return
  const key = `${session.id} ${api}`
  pageTokens.delete(key)
  pageTokens.set(key, entry)
  if (pageTokens.size > PAGE_TOKENS) pageTokens.delete(pageTokens.keys().next().value!)
}

/** For server components: calls API `name` at `path` (under API_<NAME>_URL) with its token, minted here when needed (see above). */
export async function apiFetch(name: string, path: string, init: ApiFetchInit = {}): Promise<ApiFetchResult> {
  const ready = await prepared(name, path, init)
  if (ready.failure) return ready.failure
  const { session } = await sessionOrRedirect()
  const call = await callApiAs(withPageToken(session, ready.api.name), ready.api, ready.request)
  if (call.kind === 'signed-out') redirect(loginPath(await thisPage()))
  if (call.kind === 'store-down') redirect(`${AUTH_ROUTES.unavailable}?${new URLSearchParams({ returnTo: await thisPage() })}`)
  keepPageToken(call.session, ready.api.name)
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
  const call = await callApiAs(state.session, ready.api, ready.request)
  const jar = await cookies()
  if (call.kind === 'signed-out') {
    clearSessionCookie(jar, config)
    return { ok: false, error: 'token_unavailable', message: 'The provider ended this session.' }
  }
  if (call.kind === 'store-down') return { ok: false, error: 'token_unavailable', message: 'Sessions cannot be checked right now.' }
  if (call.session !== state.session || state.resealDue) await saveSessionCookie(jar, touched(call.session), config, jar)
  return resultOf(call)
}

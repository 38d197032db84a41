/**
 * Calling an API (APIS) from the server, as the signed-in user:
 *
 * ```ts
 * const orders = await apiFetch('orders', '/items')
 * const created = await apiFetch('orders', '/items', { method: 'POST', body: { sku: 'A-1' } })
 * if (orders.ok) orders.body
 * ```
 *
 * From a server component, a route handler or a server action. A server
 * component cannot set cookies, and mints all the same: a refresh token the
 * mint rotated is noted in the session store (lib/auth/latest-refresh-token.ts),
 * where the next spend finds it whatever the cookie holds, and the API's token
 * is kept in this process for the session (`pageTokens`, a bounded memo), so
 * the next render does not mint again. Where cookies can be set (route
 * handlers, server actions) the token goes into the session cookie too. After
 * a 401 from the API, one new token and one retry.
 */
import 'server-only'
import { cookies, headers } from 'next/headers'
import { redirect } from 'next/navigation'
import { apiByName, getConfig } from '../config'
import { readCapped } from '../http/body'
import { safeReturnTo } from '../http/return-to'
import { AUTH_ROUTES, loginPath, RETURN_TO_HEADER } from '../routes'
import { saveSessionCookie } from '../session/cookies'
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
  if (!api)
    return {
      failure: { ok: false, error: 'not_configured', message: `No API named "${name}" is configured (APIS).` } as const,
    }
  const query = typeof init.query === 'string' ? init.query : new URLSearchParams(init.query).toString()
  const target = apiTarget(api, path, query)
  if (!target)
    return {
      failure: { ok: false, error: 'invalid_path', message: `"${path}" would leave ${api.name}'s URL.` } as const,
    }
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

async function resultOf(
  call: Extract<ApiCallOutcome, { kind: 'answered' | 'unreachable' | 'unavailable' }>,
): Promise<ApiFetchResult> {
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
  if (state.status === 'unverifiable')
    redirect(`${AUTH_ROUTES.unavailable}?${new URLSearchParams({ returnTo: await thisPage() })}`)
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

/** The session with every token this process kept for it that is newer than the one its cookie holds. */
function withPageTokens(session: Session): Session {
  return getConfig().apis.reduce((merged, api) => withPageToken(merged, api.name), session)
}

/** Cookie writes in progress, by session id: one after the other, so calls made at once do not overwrite each other's tokens. */
const writes = new Map<string, Promise<void>>()

async function writeCookie(session: Session): Promise<void> {
  try {
    const jar = await cookies()
    await saveSessionCookie(jar, touched(withPageTokens(session)), getConfig().session, jar)
  } catch {
    // A server component: Next refuses cookie writes while rendering; the memo keeps the tokens.
  }
}

/**
 * Keeps what a call changed (a minted token, a rotated refresh token): in this
 * process for the session in any case, and in the session cookie where this
 * request may set cookies (a route handler, a server action). Each write takes
 * every token kept so far, and writes wait for each other: of several calls
 * made at once (Promise.all), the last cookie written holds all their tokens.
 */
async function keep(session: Session, api: string): Promise<void> {
  keepPageToken(session, api)
  const write = (writes.get(session.id) ?? Promise.resolve()).then(() => writeCookie(session))
  writes.set(session.id, write)
  await write
  if (writes.get(session.id) === write) writes.delete(session.id)
}

/**
 * Calls API `name` at `path` (under API_<NAME>_URL) as the signed-in user, with
 * its token, minted here when needed: from a server component, a route handler
 * or a server action. Signed out, or the provider ended the session: a
 * redirect to sign in and back; the store down: to the 503 page (a route
 * handler that answers JSON asks lib/http/api-session.ts first).
 */
export async function apiFetch(name: string, path: string, init: ApiFetchInit = {}): Promise<ApiFetchResult> {
  const ready = await prepared(name, path, init)
  if (ready.failure) return ready.failure
  const { session } = await sessionOrRedirect()
  const call = await callApiAs(withPageToken(session, ready.api.name), ready.api, ready.request)
  if (call.kind === 'signed-out') redirect(loginPath(await thisPage()))
  if (call.kind === 'store-down')
    redirect(`${AUTH_ROUTES.unavailable}?${new URLSearchParams({ returnTo: await thisPage() })}`)
  if (call.session !== session) await keep(call.session, ready.api.name)
  return resultOf(call)
}

/**
 * Calling the configured API (API_ENDPOINT) with the user's access token as a
 * Bearer token (RFC 6750). Node runtime: route handlers only.
 */
import 'server-only'
import { OUTBOUND_TIMEOUT_MS } from './oidc'

export type ApiResult =
  | { readonly ok: true; readonly status: number; readonly body: unknown }
  | { readonly ok: false; readonly reason: string }

/** Bodies are shown to the user; a runaway one is cut. */
const MAX_BODY = 16 * 1024

export async function callApi(endpoint: URL, accessToken: string | undefined): Promise<ApiResult> {
  let response: Response
  try {
    response = await fetch(endpoint, {
      headers: { accept: 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
      signal: AbortSignal.timeout(OUTBOUND_TIMEOUT_MS),
      // The token is for this URL only: never follow a redirect elsewhere with it.
      redirect: 'manual',
      cache: 'no-store',
    })
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError'
    return { ok: false, reason: timedOut ? 'The API did not answer in time.' : 'The API could not be reached.' }
  }
  const text = (await response.text()).slice(0, MAX_BODY)
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

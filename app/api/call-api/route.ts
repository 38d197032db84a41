/**
 * GET /api/call-api
 * Calls API_ENDPOINT with the session's access token and answers
 * `{ "status": <the API's status>, "body": <its body, parsed when JSON> }`.
 * A 401 from the API triggers one refresh and one retry. Without a live session:
 * 401 JSON; 503 JSON when the session store cannot be reached.
 * The access token itself never reaches the browser.
 */
import { NextResponse } from 'next/server'
import { callApi } from '@/lib/api-client'
import { storeSession } from '@/lib/auth-response'
import { getConfig } from '@/lib/config'
import { apiSession } from '@/lib/current-session'
import { refreshSession } from '@/lib/refresh'
import type { Session } from '@/lib/session'
import { clearSessionCookie } from '@/lib/session-cookie'
import { unauthorizedJson } from '@/lib/unauthorized'

const noStore = { 'cache-control': 'no-store' }

export async function GET() {
  const { session: config, apiEndpoint } = getConfig()
  const signedIn = await apiSession()
  if ('refusal' in signedIn) return signedIn.refusal
  const { session } = signedIn
  if (!apiEndpoint) {
    return NextResponse.json(
      { status: null, body: null, error: 'not_configured', error_description: 'Set API_ENDPOINT to the URL of the API to call.' },
      { status: 501, headers: noStore },
    )
  }

  let current: Session = session
  let result = await callApi(apiEndpoint, current.accessToken)
  let refreshed = false
  if (result.ok && result.status === 401 && current.refreshToken) {
    const outcome = await refreshSession(current)
    if (outcome.kind === 'rejected') {
      const response = unauthorizedJson()
      clearSessionCookie(response.cookies, config)
      return response
    }
    current = outcome.session
    refreshed = outcome.kind === 'refreshed'
    if (refreshed) result = await callApi(apiEndpoint, current.accessToken)
  }

  const response = result.ok
    ? NextResponse.json({ status: result.status, body: result.body }, { headers: noStore })
    : NextResponse.json({ status: null, body: null, error: 'api_unreachable', error_description: result.reason }, { status: 502, headers: noStore })
  return current === session ? response : storeSession(response, current, config)
}

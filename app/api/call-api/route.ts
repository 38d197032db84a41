/**
 * GET /api/call-api
 * Calls API_ENDPOINT with the session's access token and answers
 * `{ "status": <the API's status>, "body": <its body, parsed when JSON> }`.
 * A 401 from the API triggers one refresh and one retry. Without a live session:
 * 401 JSON; 503 JSON when the session store cannot be reached.
 * The access token itself never reaches the browser.
 */
import { NextResponse } from 'next/server'
import { callApiAs } from '@/lib/api-client'
import { getConfig } from '@/lib/config'
import { sessionsUnavailableJson, unauthorizedJson } from '@/lib/http/api-errors'
import { clearSessionCookie } from '@/lib/session/cookies'
import { apiSession, keepApiSession } from '@/lib/http/api-session'

const noStore = { 'cache-control': 'no-store' }

export async function GET() {
  const { session: config, apiEndpoint } = getConfig()
  const signedIn = await apiSession()
  if ('refusal' in signedIn) return signedIn.refusal
  if (!apiEndpoint) {
    const error = { status: null, body: null, error: 'not_configured', error_description: 'Set API_ENDPOINT to the URL of the API to call.' }
    return NextResponse.json(error, { status: 501, headers: noStore })
  }

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
    : NextResponse.json({ status: null, body: null, error: 'api_unreachable', error_description: result.reason }, { status: 502, headers: noStore })
  await keepApiSession(response, signedIn, session)
  return response
}

/**
 * GET /auth/logout
 * Ends the session here, then at the provider (RP-Initiated Logout) so the next
 * login asks for credentials again. Signing out never fails: when the provider
 * cannot be reached or has no end_session_endpoint, the user lands on the home page.
 */
import type { NextRequest } from 'next/server'
import { redirectTo } from '@/lib/auth-response'
import { getConfig } from '@/lib/config'
import { endSessionUrl } from '@/lib/oidc'
import { sessionCookieOptions, unsealSession } from '@/lib/session'

export async function GET(request: NextRequest) {
  const { session: config } = getConfig()
  const session = await unsealSession(request.cookies.get(config.sessionCookieName)?.value, config)

  let destination = new URL('/', config.appBaseUrl)
  if (session) {
    try {
      destination = (await endSessionUrl(session.idToken)) ?? destination
    } catch (error) {
      console.warn(`[auth] signed out locally only; the provider's end_session_endpoint is unknown: ${String(error)}`)
    }
  }

  const response = redirectTo(destination)
  response.cookies.set(config.sessionCookieName, '', sessionCookieOptions(config, 0))
  return response
}

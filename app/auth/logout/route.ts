/**
 * GET /auth/logout
 * Ends the session here, revokes its tokens at the provider (RFC 7009) where it
 * can, then ends the provider's session too (RP-Initiated Logout) so the next
 * login asks for credentials again. Signing out never fails: when the provider
 * cannot be reached or has no end_session_endpoint, the user lands on the home page.
 */
import type { NextRequest } from 'next/server'
import { redirectTo } from '@/lib/auth-response'
import { getConfig } from '@/lib/config'
import { endSessionUrl, revokeTokens } from '@/lib/oidc'
import { unsealSession } from '@/lib/session'
import { clearSessionCookie, readSessionCookie } from '@/lib/session-cookie'

export async function GET(request: NextRequest) {
  const { session: config } = getConfig()
  const session = await unsealSession(readSessionCookie(request.cookies, config), config)

  // Where the provider cannot end its own session, the home page says so: the
  // next sign-in there may not ask for a password.
  const localOnly = new URL('/?signed_out=local', config.appBaseUrl)
  let destination = new URL('/', config.appBaseUrl)
  if (session) {
    await revokeTokens(session)
    try {
      destination = (await endSessionUrl(session.idToken)) ?? localOnly
    } catch (error) {
      console.warn(`[auth] signed out locally only; the provider's end_session_endpoint is unknown: ${String(error)}`)
      destination = localOnly
    }
  }

  const response = redirectTo(destination)
  clearSessionCookie(response.cookies, config)
  return response
}

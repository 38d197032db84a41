/**
 * GET /api/me
 * The signed-in user as JSON: `{ user, provider, session: { createdAt, expiresAt, idleExpiresAt } }`
 * (`provider`: the id in OIDC_PROVIDERS the user signed in with, `default` without it; a user is (provider, user.sub)),
 * or 401 with `{ error, error_description }` without a live session (a dead
 * cookie is cleared), or 503 when the session store cannot be reached. Tokens are never included.
 */
import { isoTime } from '@/lib/clock'
import { NextResponse } from 'next/server'
import { getConfig } from '@/lib/config'
import { sessionUser } from '@/lib/session/claims'
import { apiSession, keepApiSession } from '@/lib/http/api-session'
import { sessionEndsAt } from '@/lib/session/session'

export async function GET() {
  const current = await apiSession()
  if ('refusal' in current) return current.refusal
  const { session } = current
  const response = NextResponse.json(
    {
      user: sessionUser(session),
      provider: session.provider,
      session: {
        createdAt: isoTime(session.createdAt, 'milliseconds'),
        expiresAt: isoTime(session.expiresAt, 'milliseconds'),
        idleExpiresAt: isoTime(sessionEndsAt(session, getConfig().session), 'milliseconds'),
      },
    },
    { headers: { 'cache-control': 'no-store' } },
  )
  await keepApiSession(response, current)
  return response
}

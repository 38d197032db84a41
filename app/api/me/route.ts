/**
 * GET /api/me
 * The signed-in user as JSON: `{ user, session: { createdAt, expiresAt, idleExpiresAt } }`,
 * or 401 with `{ error, error_description }` without a valid session. Tokens are never included.
 */
import { NextResponse } from 'next/server'
import { getSessionConfig } from '@/lib/config'
import { getSession } from '@/lib/current-session'
import { sessionEndsAt, sessionUser } from '@/lib/session'
import { unauthorizedJson } from '@/lib/unauthorized'

const iso = (seconds: number) => new Date(seconds * 1000).toISOString()

export async function GET() {
  const session = await getSession()
  if (!session) return unauthorizedJson()
  return NextResponse.json(
    {
      user: sessionUser(session),
      session: {
        createdAt: iso(session.createdAt),
        expiresAt: iso(session.expiresAt),
        idleExpiresAt: iso(sessionEndsAt(session, getSessionConfig())),
      },
    },
    { headers: { 'cache-control': 'no-store' } },
  )
}

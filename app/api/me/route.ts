/**
 * GET /api/me
 * The signed-in user as JSON: `{ user, session: { expiresAt } }`, or 401 with
 * `{ error, error_description }` without a valid session. Tokens are never included.
 */
import { NextResponse } from 'next/server'
import { getSession } from '@/lib/current-session'
import { unauthorizedJson } from '@/lib/unauthorized'

export async function GET() {
  const session = await getSession()
  if (!session) return unauthorizedJson()
  return NextResponse.json(
    {
      user: session.user,
      session: {
        createdAt: new Date(session.createdAt * 1000).toISOString(),
        expiresAt: new Date(session.expiresAt * 1000).toISOString(),
      },
    },
    { headers: { 'cache-control': 'no-store' } },
  )
}

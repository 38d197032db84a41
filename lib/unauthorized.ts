/**
 * The 401 that API routes answer without a session. Shared by middleware (Edge)
 * and the route handlers themselves, so both say exactly the same thing.
 */
import { NextResponse } from 'next/server'

export function unauthorizedJson(): NextResponse {
  return NextResponse.json(
    { error: 'unauthorized', error_description: 'Sign in first: this request has no valid session.' },
    { status: 401, headers: { 'cache-control': 'no-store' } },
  )
}

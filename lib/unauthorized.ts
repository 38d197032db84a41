/**
 * What API routes answer without a usable session. The 401 is shared by
 * middleware (Edge) and the route handlers themselves, so both say exactly the
 * same thing; the 503 comes from the handlers, which ask the session store.
 */
import { NextResponse } from 'next/server'

const noStore = { 'cache-control': 'no-store' }

export function unauthorizedJson(): NextResponse {
  return NextResponse.json(
    { error: 'unauthorized', error_description: 'Sign in first: this request has no valid session.' },
    { status: 401, headers: noStore },
  )
}

/** The session store cannot be reached: nobody can tell whether this session was ended. */
export function sessionsUnavailableJson(): NextResponse {
  return NextResponse.json(
    { error: 'temporarily_unavailable', error_description: 'Sessions cannot be checked right now. Try again in a few seconds.' },
    { status: 503, headers: { ...noStore, 'retry-after': '5' } },
  )
}

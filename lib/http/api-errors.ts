/**
 * The JSON error answers of our APIs. The 401 is shared by middleware and the
 * route handlers themselves, so both say exactly the same thing; the 503s come
 * from the handlers, which ask the session store (or the provider's keys).
 * Middleware imports this: nothing of the session store, nor of logging (which reads the request
 * through next/headers), here.
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
    {
      error: 'temporarily_unavailable',
      error_description: 'Sessions cannot be checked right now. Try again in a few seconds.',
    },
    { status: 503, headers: { ...noStore, 'retry-after': '5' } },
  )
}

/** Back-channel logout (§2.8): a logout token refused, ending nothing. */
export function backchannelRefusal(description: string): NextResponse {
  return NextResponse.json(
    { error: 'invalid_request', error_description: description },
    { status: 400, headers: noStore },
  )
}

/** Back-channel logout: it cannot be checked now; the provider may retry. */
export function backchannelUnavailable(description: string): NextResponse {
  return NextResponse.json(
    { error: 'temporarily_unavailable', error_description: description },
    { status: 503, headers: { ...noStore, 'retry-after': '5' } },
  )
}

/** An API address that names nothing configured here (a provider id no one set up). */
export function notFoundJson(): NextResponse {
  return NextResponse.json(
    { error: 'not_found', error_description: 'Nothing is configured at this address.' },
    { status: 404, headers: noStore },
  )
}

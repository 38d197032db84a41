/**
 * Any other address under /api/: a JSON 404, as an API client expects, rather
 * than the app's HTML not-found page with the signed-in header.
 */
import { NextResponse } from 'next/server'

function notFound() {
  return NextResponse.json({ error: 'not_found' }, { status: 404, headers: { 'cache-control': 'no-store' } })
}

export const GET = notFound
export const POST = notFound

/**
 * GET /auth/unavailable?returnTo=/path
 * Where private pages send the browser when the session store cannot be
 * reached: App Router pages cannot answer 503 themselves, so they redirect here
 * and this answers it, with a way back to where the user was going.
 */
import type { NextRequest } from 'next/server'
import { getConfig } from '@/lib/config'
import { sessionsUnavailable } from '@/lib/http/responses'
import { safeReturnTo } from '@/lib/http/return-to'

export function GET(request: NextRequest) {
  const { session: config } = getConfig()
  return sessionsUnavailable(safeReturnTo(request.nextUrl.searchParams.get('returnTo'), config.appBaseUrl))
}

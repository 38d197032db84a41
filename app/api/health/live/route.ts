/**
 * GET /api/health/live
 * Liveness: `200 {"status":"live"}` for as long as this process serves
 * requests, whatever the provider or the session store are doing. For the
 * container's HEALTHCHECK and Kubernetes' livenessProbe: a restart cannot
 * bring a provider back, so liveness must not depend on it. Readiness (can
 * this instance sign people in right now?) is /api/health.
 */
import { NextResponse } from 'next/server'

// Answered by the running process on every call, never a copy made at build time.
export const dynamic = 'force-dynamic'

export function GET() {
  return NextResponse.json({ status: 'live' }, { headers: { 'cache-control': 'no-store' } })
}

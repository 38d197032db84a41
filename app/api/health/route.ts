/**
 * GET /api/health
 * Whether this instance can sign people in: `200 {"status":"ok", …}` when the
 * provider's discovery document is loaded (or loads now), `503 {"status":"degraded", …}`
 * when it cannot be reached. Public, for load balancers and uptime checks; it
 * says nothing secret (the issuer is public, the reason is the kind of failure).
 */
import { NextResponse } from 'next/server'
import { getConfig } from '@/lib/config'
import { LoginError } from '@/lib/login-error'
import { getProvider } from '@/lib/oidc'

export async function GET() {
  const issuer = getConfig().oidc.issuer.href
  const headers = { 'cache-control': 'no-store' }
  try {
    // Discovery is cached per process, so a healthy instance answers without a network call.
    await getProvider()
    return NextResponse.json({ status: 'ok', provider: { issuer, discovery: 'reachable' } }, { headers })
  } catch (error) {
    const reason = error instanceof LoginError ? error.kind : 'unknown'
    return NextResponse.json({ status: 'degraded', provider: { issuer, discovery: 'unreachable', reason } }, { status: 503, headers })
  }
}

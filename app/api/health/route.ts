/**
 * GET /api/health
 * Whether this instance can sign people in and keep them signed in:
 * `200 {"status":"ok", "provider": {…}, "store": {"kind", "status": "reachable"}}`,
 * or `503 {"status":"degraded", …}` when the provider's discovery cannot be
 * loaded or the session store cannot be reached. Public, for load balancers and
 * uptime checks; it says nothing secret (the issuer is public, the reason is
 * the kind of failure).
 */
import { NextResponse } from 'next/server'
import { getConfig } from '@/lib/config'
import { LoginError } from '@/lib/login-error'
import { getProvider } from '@/lib/oidc'
import { getSessionStore } from '@/lib/session-store'

async function providerHealth(issuer: string) {
  try {
    // Discovery is cached per process, so a healthy instance answers without a network call.
    await getProvider()
    return { issuer, discovery: 'reachable' as const }
  } catch (error) {
    return { issuer, discovery: 'unreachable' as const, reason: error instanceof LoginError ? error.kind : 'unknown' }
  }
}

async function storeHealth() {
  const store = getSessionStore()
  try {
    await store.ping()
    return { kind: store.kind, status: 'reachable' as const }
  } catch {
    return { kind: store.kind, status: 'unreachable' as const }
  }
}

export async function GET() {
  const [provider, store] = await Promise.all([providerHealth(getConfig().oidc.issuer.href), storeHealth()])
  const ok = provider.discovery === 'reachable' && store.status === 'reachable'
  return NextResponse.json({ status: ok ? 'ok' : 'degraded', provider, store }, { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } })
}

/**
 * GET /api/health
 * Whether this instance can sign people in and keep them signed in:
 * `200 {"status":"ok", "provider": {"issuer", "discovery": "reachable"}, "store": {"kind", "status": "reachable"}}`,
 * or `503 {"status":"degraded", …}` when the provider does not answer
 * (`"discovery": "unreachable"`, with `reason` and the `url` tried), answers
 * with an error (`"discovery": "error"`, with its HTTP `status` and the `url`),
 * or the session store cannot be reached. The provider is probed for real
 * (lib/oidc/health.ts: one probe at a time, a 2 s timeout, reused for 5 s),
 * so a provider that went down shows within seconds. Public, for load balancers
 * and uptime checks; it says nothing secret (the issuer and its discovery URL
 * are public).
 */
import { NextResponse } from 'next/server'
import { getConfig } from '@/lib/config'
import { providerHealth } from '@/lib/oidc/health'
import { getSessionStore } from '@/lib/session/store'

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
  const [provider, store] = await Promise.all([providerHealth(getConfig().oidc), storeHealth()])
  const ok = provider.discovery === 'reachable' && store.status === 'reachable'
  return NextResponse.json({ status: ok ? 'ok' : 'degraded', provider, store }, { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } })
}

/**
 * GET /api/health
 * Whether this instance can sign people in and keep them signed in:
 * `200 {"status":"ok", "provider": {"issuer", "discovery": "reachable"}, "providers": {"<id>": {"status": "reachable", "issuer"}}, "store": {"kind", "status": "reachable"}}`.
 * `providers` (where OIDC_PROVIDERS is set; without it the answer is as it always
 * was) has every provider it lists, `status` in the store's words: `reachable`, or `unreachable` with the
 * `reason` (and the discovery `url` tried; an HTTP `status` where it answered
 * with an error). `provider` is the first one in the detail of earlier releases
 * (`"discovery": "unreachable"` or `"error"`).
 * `503 {"status":"degraded", …}` when the session store cannot be reached or no
 * provider is reachable; one provider down among several is reported, not fatal.
 * Each provider is probed for real (lib/oidc/health.ts: one probe at a time
 * each, a 2 s timeout, reused for 5 s), so a provider that went down shows
 * within seconds. Public, for load balancers and uptime checks; it says nothing
 * secret (issuers and their discovery URLs are public).
 */
import { NextResponse } from 'next/server'
import { getConfig } from '@/lib/config'
import { providerHealth, type ProviderHealth } from '@/lib/oidc/health'
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

/** One provider in the store's words: an answer that is not a discovery document is as good as none. */
function status({ discovery, ...detail }: ProviderHealth) {
  return { status: discovery === 'reachable' ? ('reachable' as const) : ('unreachable' as const), ...detail }
}

export async function GET() {
  const { list, listed } = getConfig().providers
  const [store, ...health] = await Promise.all([storeHealth(), ...list.map((oidc) => providerHealth(oidc))])
  const providers = Object.fromEntries(list.map((oidc, i) => [oidc.id, status(health[i]!)]))
  const ok = store.status === 'reachable' && health.some((h) => h.discovery === 'reachable')
  return NextResponse.json(
    { status: ok ? 'ok' : 'degraded', provider: health[0], ...(listed ? { providers } : {}), store },
    { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  )
}

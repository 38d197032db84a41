/**
 * Is the provider up, right now? For /api/health, which load balancers and
 * uptime checks poll. Logins use the metadata discovered once (lib/oidc/provider.ts);
 * this asks the provider's discovery endpoint for real, because a cached
 * document says nothing about a provider that has since gone down.
 *
 * Bounded, so a health check can never become a load on the provider or hang:
 * one probe per provider in flight per process however many checks arrive,
 * each with a short timeout, and its result reused for a few seconds.
 *
 * Node runtime only.
 */
import 'server-only'
import type { OidcConfig } from '../config'
import { isTimeout } from './failures'

/** A health check answers within this, whatever the provider does. */
const PROBE_TIMEOUT_MS = 2_000
/** A probe's result is reused this long: a provider going down (or back up) shows within seconds. */
const FRESH_MS = 5_000

export type ProviderHealth =
  | { readonly issuer: string; readonly discovery: 'reachable' }
  /** No answer: refused, reset, a TLS failure, or too slow. */
  | {
      readonly issuer: string
      readonly discovery: 'unreachable'
      readonly reason: 'provider_unreachable' | 'provider_timeout'
      readonly url: string
    }
  /** It answered, but not with a discovery document: `status` is its HTTP status (0: not JSON). */
  | {
      readonly issuer: string
      readonly discovery: 'error'
      readonly reason: 'bad_provider_response'
      readonly status: number
      readonly url: string
    }

interface Probe {
  readonly at: number
  readonly result: Promise<ProviderHealth>
}

/** Shared by every bundle's copy of this module, as in lib/oidc/discovery.ts. */
const PROBE = Symbol.for('nextjs-oidc-login.provider-probe')
const shared = globalThis as { [PROBE]?: Map<string, Probe> }
const probes = (shared[PROBE] ??= new Map<string, Probe>())

/** Where discovery lives for this issuer (OIDC Discovery §4: the path is appended to the issuer's). */
function discoveryUrl(issuer: URL): URL {
  const url = new URL(issuer.href)
  url.pathname = `${url.pathname.replace(/\/$/, '')}/.well-known/openid-configuration`
  return url
}

async function probe(config: OidcConfig): Promise<ProviderHealth> {
  const issuer = config.issuerAsConfigured
  const url = discoveryUrl(config.issuer)
  let response: Response
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      cache: 'no-store',
      redirect: 'manual',
    })
  } catch (error) {
    return {
      issuer,
      discovery: 'unreachable',
      reason: isTimeout(error) ? 'provider_timeout' : 'provider_unreachable',
      url: url.href,
    }
  }
  try {
    if (response.status !== 200) {
      await response.body?.cancel()
      return { issuer, discovery: 'error', reason: 'bad_provider_response', status: response.status, url: url.href }
    }
    const body: unknown = await response.json()
    if (typeof body !== 'object' || body === null || typeof (body as { issuer?: unknown }).issuer !== 'string') {
      return { issuer, discovery: 'error', reason: 'bad_provider_response', status: 0, url: url.href }
    }
    return { issuer, discovery: 'reachable' }
  } catch (error) {
    if (isTimeout(error)) return { issuer, discovery: 'unreachable', reason: 'provider_timeout', url: url.href }
    return { issuer, discovery: 'error', reason: 'bad_provider_response', status: 0, url: url.href }
  }
}

/** The provider's health: a fresh probe, the one in flight, or one from the last few seconds. */
export function providerHealth(config: OidcConfig, now = Date.now()): Promise<ProviderHealth> {
  const key = config.issuer.href
  const last = probes.get(key)
  if (last && now - last.at < FRESH_MS) return last.result
  const result = probe(config)
  probes.set(key, { at: now, result })
  return result
}

/**
 * The transport rules of every call to the provider: a timeout on each, and
 * plain http only where configuration allowed it. With OpenTelemetry on, each
 * call is a span (`oidc.discovery`, `oidc.jwks`, `oidc.token`, `oidc.userinfo`,
 * `oidc.revocation`, `oidc.par`) naming the provider and how it ended.
 */
import { SpanKind } from '@opentelemetry/api'
import * as oauth from 'oauth4webapi'
import type { OidcConfig } from '../config'
import { inSpan, telemetryOn } from '../telemetry/trace'
import { nonceNotingFetch } from './dpop'

/** Long enough for a slow provider, short enough that a hung one frees the request. */
export const OUTBOUND_TIMEOUT_MS = 10_000

/** The transport options every outbound call gets; valid for each oauth4webapi request function. */
export interface HttpOptions {
  readonly signal: () => AbortSignal
  readonly [oauth.allowInsecureRequests]?: boolean
  readonly [oauth.customFetch]?: ProviderFetch
}

type ProviderFetch = (url: string, init: object) => Promise<Response>

export function httpOptions(config: OidcConfig): HttpOptions {
  // With DPoP, the nonce each answer carries is noted for the next proof to that origin.
  const send: ProviderFetch | undefined = config.dpop ? nonceNotingFetch : undefined
  const traced = telemetryOn() ? tracedFetch(config.id, send ?? ((url, init) => fetch(url, init))) : send
  return {
    signal: () => AbortSignal.timeout(OUTBOUND_TIMEOUT_MS),
    // Plain http is allowed only where config validation allowed it: loopback or an explicit opt-in.
    ...(config.allowHttp ? { [oauth.allowInsecureRequests]: true } : {}),
    ...(traced ? { [oauth.customFetch]: traced } : {}),
  }
}

/** Each traced fetch's names for its provider's endpoints, learnt from discovery (`learnEndpoints`). */
const endpointNames = new WeakMap<ProviderFetch, Map<string, string>>()

/** The metadata fields that name an endpoint, and what its spans are called. */
const ENDPOINTS = {
  token_endpoint: 'token',
  userinfo_endpoint: 'userinfo',
  revocation_endpoint: 'revocation',
  pushed_authorization_request_endpoint: 'par',
  jwks_uri: 'jwks',
} as const

function tracedFetch(providerId: string, send: ProviderFetch): ProviderFetch {
  const names = new Map<string, string>()
  const traced: ProviderFetch = (url, init) => {
    const target = new URL(url)
    // Never the query: an authorization or logout URL may carry what is not ours to record.
    const address = `${target.origin}${target.pathname}`
    const endpoint = names.get(address) ?? (target.pathname.includes('/.well-known/') ? 'discovery' : 'other')
    const method = (init as { method?: string }).method ?? 'GET'
    return inSpan(
      `oidc.${endpoint}`,
      {
        'oidc.provider': providerId,
        'oidc.endpoint': endpoint,
        'http.request.method': method,
        'url.full': address,
        'server.address': target.hostname,
      },
      () => send(url, init),
      (response) => (response.ok ? 'ok' : `http_${response.status}`),
      SpanKind.CLIENT,
    )
  }
  endpointNames.set(traced, names)
  return traced
}

/** Once discovery answered: the spans of calls to its endpoints are named for them. */
export function learnEndpoints(http: HttpOptions, as: oauth.AuthorizationServer): void {
  const send = http[oauth.customFetch]
  const names = send && endpointNames.get(send)
  if (!names) return
  for (const [field, name] of Object.entries(ENDPOINTS)) {
    const value = as[field as keyof typeof ENDPOINTS]
    if (typeof value === 'string') names.set(value.split('?')[0]!, name)
  }
}

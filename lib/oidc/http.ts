/**
 * The transport rules of every call to the provider: a timeout on each, and
 * plain http only where configuration allowed it.
 */
import * as oauth from 'oauth4webapi'
import type { OidcConfig } from '../config'
import { nonceNotingFetch } from './dpop'

/** Long enough for a slow provider, short enough that a hung one frees the request. */
export const OUTBOUND_TIMEOUT_MS = 10_000

/** The transport options every outbound call gets; valid for each oauth4webapi request function. */
export interface HttpOptions {
  readonly signal: () => AbortSignal
  readonly [oauth.allowInsecureRequests]?: boolean
  readonly [oauth.customFetch]?: typeof nonceNotingFetch
}

export function httpOptions(config: OidcConfig): HttpOptions {
  return {
    signal: () => AbortSignal.timeout(OUTBOUND_TIMEOUT_MS),
    // Plain http is allowed only where config validation allowed it: loopback or an explicit opt-in.
    ...(config.allowHttp ? { [oauth.allowInsecureRequests]: true } : {}),
    // With DPoP, the nonce each answer carries is noted for the next proof to that origin.
    ...(config.dpop ? { [oauth.customFetch]: nonceNotingFetch } : {}),
  }
}

/**
 * Mix-up defence (RFC 9700 §4.4): a login answers to the provider it was
 * started for, and to nothing else.
 *
 * With several providers, an attacker who runs one of them (or a partner's
 * tenant that was compromised) can send a browser that started a login there
 * back to another provider's callback, with a code or an `iss` of the other
 * provider, hoping the app spends the code at the wrong token endpoint or takes
 * the wrong provider's word for who signed in. So each login transaction is
 * sealed with the id of its provider and a fingerprint of what the app knew of
 * it (issuer, client id, endpoints, redirect URI), and the callback refuses any
 * mismatch before it sends anything to any token endpoint. RFC 9207's `iss`
 * parameter is then checked by oauth4webapi's validateAuthResponse: required
 * where discovery advertises it, refused when it names another issuer either way.
 */
import 'server-only'
import { createHash } from 'node:crypto'
import { LoginError } from './errors'
import type { DiscoveredProvider } from './provider'

/** What a login transaction is bound to: the provider's id, and a fingerprint of it as discovered. */
export interface ProviderBinding {
  readonly provider: string
  readonly fingerprint: string
}

/** 128 bits of SHA-256 over what identifies the provider and our client there. */
export function providerFingerprint(p: DiscoveredProvider): string {
  const parts = [
    p.as.issuer,
    p.config.clientId,
    p.as.authorization_endpoint ?? '',
    p.as.token_endpoint ?? '',
    p.config.redirectUri,
  ]
  return createHash('sha256').update(JSON.stringify(parts)).digest().subarray(0, 16).toString('base64url')
}

export function bindingFor(p: DiscoveredProvider): ProviderBinding {
  return { provider: p.config.id, fingerprint: providerFingerprint(p) }
}

/**
 * Throws unless `binding` (sealed into the transaction at /auth/login) names
 * the provider whose callback this is, as it is now: another provider's
 * callback, or a provider whose issuer, client or endpoints changed since.
 */
export function checkBinding(p: DiscoveredProvider, binding: ProviderBinding): void {
  if (binding.provider !== p.config.id) {
    throw new LoginError(
      'invalid_request',
      'This sign-in was started at another identity provider than the one answering it, so it was refused before anything was exchanged. Please sign in again.',
    )
  }
  if (binding.fingerprint !== providerFingerprint(p)) {
    throw new LoginError(
      'invalid_request',
      "The identity provider's configuration changed while you were signing in, so this sign-in was refused before anything was exchanged. Please sign in again.",
    )
  }
}

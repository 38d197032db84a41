/**
 * ID token validation beyond what oauth4webapi's response processing checks
 * (OIDC Core §3.1.3.7): its signature, its `iat`, the authentication context
 * asked for, and, for Entra ID's multi-tenant issuer template, which issuer it
 * must name.
 */
import { nowSeconds } from '../clock'
import 'server-only'
import * as oauth from 'oauth4webapi'
import { decodeJwt } from '../jwt'
import { LoginError } from './errors'
import { CLOCK_TOLERANCE, type DiscoveredProvider } from './provider'
import { isTenantTemplate, issuerForTenant } from './tenant-issuer'

/** True when oauth4webapi found no key of the set for the token (so the set may be out of date). */
function isNoMatchingKey(error: unknown): boolean {
  return (
    error instanceof oauth.OperationProcessingError &&
    error.code === oauth.KEY_SELECTION &&
    Array.isArray((error.cause as { candidates?: unknown[] } | undefined)?.candidates) &&
    (error.cause as { candidates: unknown[] }).candidates.length === 0
  )
}

/**
 * Verifies the ID token's signature with the provider's key set (§3.1.3.7 (6)),
 * even though it came straight from the token endpoint over TLS (oauth4webapi
 * skips that unless asked). When no key matches, the provider may have rotated
 * its keys since we cached them: drop the cache once and try again.
 */
export async function verifyIdTokenSignature(provider: DiscoveredProvider, tokenResponse: Response): Promise<void> {
  const { as, http, keys } = provider
  // A copy of `as` each time, so oauth4webapi's per-object cache defers to ours (lib/oidc/key-set.ts).
  const verify = () =>
    oauth
      .validateApplicationLevelSignature({ ...as }, tokenResponse, { ...http, [oauth.jwksCache]: keys.options() })
      .finally(() => keys.noteDownload())
  try {
    await verify()
  } catch (error) {
    if (!isNoMatchingKey(error)) throw error
    keys.forget()
    await verify()
  }
}

/** oauth4webapi requires `iat` but does not bound it; a token issued in the future is forged or from a broken clock (§3.1.3.7 (10)). */
export function checkIssuedAt(claims: oauth.IDToken, now = nowSeconds()): void {
  if (claims.iat > now + CLOCK_TOLERANCE) {
    throw new LoginError('bad_provider_response', "The provider's ID token says it was issued in the future.")
  }
}

/** We asked for these authentication context classes; the provider must say it used one (§3.1.2.1, §3.1.3.7 (11)). */
export function checkAcr(claims: oauth.IDToken, acrValues: string | undefined): void {
  const acr = typeof claims.acr === 'string' ? claims.acr : undefined
  if (acrValues && (acr === undefined || !acrValues.split(' ').includes(acr))) {
    throw new LoginError(
      'insufficient_authentication',
      `The provider signed you in with "${acr ?? 'no stated method'}", not one of the requested methods (${acrValues}).`,
    )
  }
}

/** A refreshed ID token must be about the same user (§12.2). */
export function checkSameSubject(claims: oauth.IDToken, previousIdToken: string): void {
  if (claims.sub !== decodeJwt(previousIdToken).claims.sub)
    throw new LoginError('bad_provider_response', 'A refreshed ID token was about another user.')
}

/**
 * The metadata to check a token response's ID token against. Usually the
 * provider's own; for an Entra ID issuer template, the template filled with the
 * token's `tid` (read before validation; the `iss` check then holds the token to it).
 * Only `issuer` differs, and only for the claims check: signatures use the cached metadata.
 */
export async function issuerForTokenResponse(
  as: oauth.AuthorizationServer,
  response: Response,
): Promise<oauth.AuthorizationServer> {
  if (!isTenantTemplate(as.issuer)) return as
  let tid: unknown
  try {
    const body = (await response.clone().json()) as { id_token?: unknown }
    tid = typeof body.id_token === 'string' ? decodeJwt(body.id_token).claims.tid : undefined
  } catch {
    return as // not JSON: the response check that follows reports it
  }
  const issuer = issuerForTenant(as.issuer, tid)
  if (!issuer)
    throw new LoginError(
      'bad_provider_response',
      "The provider's ID token names no tenant (tid), which its issuer template requires.",
    )
  return { ...as, issuer }
}

/**
 * Verifying a back-channel logout token from this app's provider: the rules
 * are lib/oidc/logout-token.ts's; this supplies the provider's issuer, algorithms
 * and keys, downloaded with the same transport rules as every other call.
 *
 * Node runtime only: the back-channel logout route handler imports this.
 */
import 'server-only'
import * as jose from 'jose'
import * as oauth from 'oauth4webapi'
import { LoginError } from './errors'
import { providerFailure } from './failures'
import { LogoutTokenError, validateLogoutToken, type LogoutClaims, type LogoutTokenRules } from './logout-token'
import { CLOCK_TOLERANCE, type DiscoveredProvider } from './provider'
import { isTenantTemplate, issuerForTenant } from './tenant-issuer'

/** An unknown `kid` makes us download the key set again at most this often: forged tokens must not make us hammer the provider. */
const KEY_REFETCH_INTERVAL_MS = 60_000
const lastKeyRefetch = new WeakMap<DiscoveredProvider, number>()

/** The provider's key set, downloaded with the same transport rules as every other call. */
async function downloadKeySet(p: DiscoveredProvider): Promise<oauth.JWKS> {
  const url = new URL(p.as.jwks_uri!)
  if (url.protocol !== 'https:' && !p.config.allowHttp) {
    throw new LoginError('misconfigured', `The provider's jwks_uri ${url.href} is not https.`)
  }
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/jwk-set+json, application/json' },
      redirect: 'manual',
      signal: p.http.signal(),
    })
    if (!response.ok)
      throw new oauth.OperationProcessingError(`key set answered ${response.status}`, {
        code: oauth.RESPONSE_IS_NOT_CONFORM,
        cause: response,
      })
    const body = (await response.json()) as oauth.JWKS
    if (!Array.isArray(body?.keys))
      throw new oauth.OperationProcessingError('key set has no "keys" array', {
        code: oauth.INVALID_RESPONSE,
        cause: response,
      })
    p.keys.keep(body)
    return body
  } catch (error) {
    throw providerFailure('signature', error)
  }
}

/**
 * Validates a back-channel logout token from this app's provider
 * (lib/oidc/logout-token.ts), with the provider's keys: the ones held, or downloaded
 * now; and once more when the token names a key we lack (key rotation), at most
 * once a minute. Throws LogoutTokenError for a token to refuse, LoginError when
 * the provider (its discovery or its keys) cannot be reached.
 */
export async function verifyLogoutToken(p: DiscoveredProvider, token: string): Promise<LogoutClaims> {
  const template = isTenantTemplate(p.as.issuer)
  const rules = (jwks: oauth.JWKS): LogoutTokenRules => ({
    // Entra ID's multi-tenant issuer: the template filled with the token's own tenant, as for ID tokens.
    issuer: (iss, claims) => iss === (template ? issuerForTenant(p.as.issuer, claims.tid) : p.as.issuer),
    clientId: p.config.clientId,
    algorithms: p.as.id_token_signing_alg_values_supported ?? ['RS256'],
    keys: jose.createLocalJWKSet(jwks),
    clockTolerance: CLOCK_TOLERANCE,
  })
  try {
    return await validateLogoutToken(token, rules(p.keys.current() ?? (await downloadKeySet(p))))
  } catch (error) {
    if (!(error instanceof jose.errors.JWKSNoMatchingKey)) throw error
    const noKey = new LogoutTokenError('No key of the provider matches the logout token.', { cause: error })
    if (Date.now() - (lastKeyRefetch.get(p) ?? 0) < KEY_REFETCH_INTERVAL_MS) throw noKey
    lastKeyRefetch.set(p, Date.now())
    try {
      return await validateLogoutToken(token, rules(await downloadKeySet(p)))
    } catch (again) {
      throw again instanceof jose.errors.JWKSNoMatchingKey ? noKey : again
    }
  }
}

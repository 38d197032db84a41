/**
 * OpenID Connect Discovery 1.0: the provider's metadata, fetched from
 * `{issuer}/.well-known/openid-configuration` and held to the issuer we expect.
 */
import 'server-only'
import * as oauth from 'oauth4webapi'
import type { OidcConfig } from '../config'
import { LoginError } from './errors'
import { providerFailure } from './failures'
import type { HttpOptions } from './http'
import { fitsTemplate, isTenantTemplate } from './tenant-issuer'

/**
 * Next bundles instrumentation.ts apart from the route handlers, each with its
 * own copy of this module (and of oauth4webapi): a module-level cache alone made
 * the start-up discovery warm a cache no login reads (the benchmark caught
 * discovery fetched twice). The discovered metadata, plain JSON, is shared on
 * globalThis, by issuer; the rest (options keyed by each oauth4webapi copy's own
 * symbols, error classes) stays per copy.
 */
const DISCOVERED = Symbol.for('nextjs-oidc-login.discovered')
const shared = globalThis as { [DISCOVERED]?: Map<string, oauth.AuthorizationServer> }
const discovered = (shared[DISCOVERED] ??= new Map<string, oauth.AuthorizationServer>())

/** Metadata is the issuer's, checked against the issuer we expect: two providers that expect differently share nothing. */
function cacheKey(config: OidcConfig): string {
  return `${config.issuer.href} ${config.expectedIssuer.href}`
}

/** Explains an issuer mismatch in terms of the variables that fix it. */
function issuerMismatch(config: OidcConfig, error: oauth.OperationProcessingError): LoginError {
  const body = (error.cause as { body?: { issuer?: unknown } } | undefined)?.body
  const announced = typeof body?.issuer === 'string' ? body.issuer : '(none)'
  const expectedVar = config.variable(config.tokenIssuerOverridden ? 'TOKEN_ISSUER' : 'ISSUER')
  return new LoginError(
    'misconfigured',
    `The provider's discovery document at ${config.issuer.href} names its issuer "${announced}", ` +
      `not ${expectedVar}="${config.expectedIssuer.href}". If the provider is right (Oracle IDCS and OCI Identity Domains ` +
      `answer https://identity.oraclecloud.com/), set ${config.variable('TOKEN_ISSUER')}=${announced}.`,
    { cause: error },
  )
}

/** The provider's metadata: from another bundle's discovery in this process, or fetched and checked now. */
export async function discoveredMetadata(config: OidcConfig, http: HttpOptions): Promise<oauth.AuthorizationServer> {
  const known = discovered.get(cacheKey(config))
  if (known) return known
  let as: oauth.AuthorizationServer
  try {
    const response = await oauth.discoveryRequest(config.issuer, { ...http, algorithm: 'oidc' })
    // The provider must name itself as we expect (OIDC Discovery §4.3); OIDC_TOKEN_ISSUER covers providers that don't.
    as = await oauth.processDiscoveryResponse(config.expectedIssuer, response)
  } catch (error) {
    if (error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      // Entra ID's multi-tenant endpoints name an issuer template; accepted where our issuer fits it.
      const body = (error.cause as { body?: oauth.AuthorizationServer } | undefined)?.body
      if (!body || !isTenantTemplate(body.issuer) || !fitsTemplate(body.issuer, config.expectedIssuer.href))
        throw issuerMismatch(config, error)
      as = body
    } else {
      throw providerFailure('discovery', error)
    }
  }
  if (!as.authorization_endpoint || !as.token_endpoint || !as.jwks_uri) {
    throw new LoginError(
      'bad_provider_response',
      "The provider's discovery document lacks an authorization, token or jwks_uri endpoint, so it cannot sign anyone in.",
    )
  }
  discovered.set(cacheKey(config), as)
  return as
}

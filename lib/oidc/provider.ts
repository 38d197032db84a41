/**
 * One OpenID provider as this app uses it: its configuration, its discovered
 * metadata, this client's identity and credentials there, its key set, and the
 * transport rules for every call to it. A value passed to each protocol step
 * (lib/oidc/*.ts), never a module singleton inside them, so several providers
 * at once need no rewrite: with OIDC_PROVIDERS each is one such value, and
 * `getProvider(config)` keeps each discovered one per process.
 *
 * Built on oauth4webapi, which does one protocol step per function and leaves
 * the choices to us. The choices made here:
 * - discovery and the key set are fetched once per process and reused; a failed
 *   discovery is forgotten so the next request tries again;
 * - every outbound request has a timeout (lib/oidc/http.ts);
 * - the key set is kept until a token names a key it lacks, then refetched once
 *   (key rotation), or until it is 12 hours old (lib/oidc/key-set.ts).
 *
 * Node runtime only: route handlers and instrumentation import lib/oidc/, middleware never does.
 */
import 'server-only'
import * as oauth from 'oauth4webapi'
import { getConfig, providerById, type OidcConfig } from '../config'
import { clientAuthentication } from './client-auth'
import { clientPrivateKey } from './client-key'
import { discoveredMetadata } from './discovery'
import { DPOP_ALGORITHM, supportsOurAlgorithm } from './dpop'
import { httpOptions, learnEndpoints, type HttpOptions } from './http'
import { LoginError } from './errors'
import { providerFailure, type ClientAuthContext, type ProviderStep } from './failures'
import { KeySetCache } from './key-set'

/** Seconds of clock difference tolerated on `exp`, `iat` and `nbf` (OIDC Core §3.1.3.7). */
export const CLOCK_TOLERANCE = 30

/**
 * One provider as this client knows it once discovered: its metadata (`as`),
 * our client there and how it authenticates, its key set, the transport rules.
 * (Not oidc-provider's `Provider`, the server the local provider runs on.)
 */
export interface DiscoveredProvider {
  readonly config: OidcConfig
  readonly as: oauth.AuthorizationServer
  readonly keys: KeySetCache
  readonly client: oauth.Client
  readonly clientAuth: oauth.ClientAuth
  /** How the client authenticates, in the words a refusal of it needs (./failures.ts). */
  readonly authContext: ClientAuthContext
  readonly http: HttpOptions
}

/** Discovers the provider `config` names and prepares this client's credentials for it. */
export async function discoverProvider(config: OidcConfig): Promise<DiscoveredProvider> {
  const http = httpOptions(config)
  const as = await discoveredMetadata(config, http)
  learnEndpoints(http, as)
  if (config.dpop && !supportsOurAlgorithm(as)) throw new DpopUnsupportedError(config, as)
  const client: oauth.Client = { client_id: config.clientId, [oauth.clockTolerance]: CLOCK_TOLERANCE }
  let clientAuth: oauth.ClientAuth
  let keyId: string | undefined
  try {
    clientAuth = await clientAuthentication(config, as)
    if (config.credentials.method === 'private_key_jwt') keyId = (await clientPrivateKey(config.privateKey!)).kid
  } catch (error) {
    throw new LoginError(
      'misconfigured',
      `This app's private key could not be used: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    )
  }
  const authContext = {
    method: config.credentials.method,
    assertionAudience: config.assertionAudience,
    keyId,
    variable: config.variable,
  }
  return { config, as, client, clientAuth, authContext, http, keys: new KeySetCache() }
}

/**
 * OIDC_DPOP is on, but the provider's discovery does not list our proof
 * algorithm: it would hand out Bearer tokens, the downgrade the setting
 * refuses. The app does not start with it (lib/startup.ts).
 */
export class DpopUnsupportedError extends LoginError {
  constructor(config: OidcConfig, as: oauth.AuthorizationServer) {
    const listed = as.dpop_signing_alg_values_supported
    super(
      'misconfigured',
      `${config.variable('DPOP')}=true, but the provider's discovery document ${listed ? `lists only ${listed.join(', ')} in` : 'has no'} ` +
        `dpop_signing_alg_values_supported, so it cannot bind tokens to this app's ${DPOP_ALGORITHM} keys. ` +
        `Turn DPoP on at the provider (and allow ${DPOP_ALGORITHM}), or unset ${config.variable('DPOP')}.`,
    )
    this.name = 'DpopUnsupportedError'
  }
}

const providers = new WeakMap<OidcConfig, Promise<DiscoveredProvider>>()

/**
 * The provider `config` names, discovered once per process. A failure is not
 * cached: the next caller discovers again, so a provider that was down at
 * start is used as soon as it is back. Each provider on its own: one that is
 * down never holds up another.
 */
export function getProvider(config: OidcConfig): Promise<DiscoveredProvider> {
  let provider = providers.get(config)
  if (!provider) {
    provider = discoverProvider(config).catch((error: unknown) => {
      providers.delete(config)
      throw error
    })
    providers.set(config, provider)
  }
  return provider
}

/** Runs one provider-facing step, turning its failure into a LoginError that names the step. */
export async function step<T>(name: ProviderStep, run: () => Promise<T>, client?: ClientAuthContext): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw providerFailure(name, error, client)
  }
}

/**
 * The configuration of the provider a session belongs to. One removed from
 * OIDC_PROVIDERS since is an error here: its sessions already read as signed
 * out (lib/session/sealed.ts), so nothing should ask.
 */
export function configuredProvider(id: string): OidcConfig {
  const config = providerById(getConfig().providers, id)
  if (!config)
    throw new LoginError('misconfigured', `The identity provider "${id}" is no longer configured (OIDC_PROVIDERS).`)
  return config
}

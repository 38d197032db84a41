/**
 * Start-up checks, Node runtime only. A bad or missing variable stops the app
 * with a message that says what to fix, instead of failing on the first login.
 * Then each provider is looked up once, so the first login does not pay for
 * discovery and a wrong issuer shows up in the log straight away (one provider
 * down never holds up another), and the session store in use is named (and,
 * for Redis, connected).
 */
import { ConfigError, getConfig, type OidcConfig } from './config'
import { clientKey } from './oidc/client-key'
import { LoginError } from './oidc/errors'
import { getProvider } from './oidc/provider'
import { describeStore, getSessionStore } from './session/store'

export async function checkAtStartup(): Promise<void> {
  let providers: readonly OidcConfig[]
  try {
    providers = getConfig().providers.list
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(`\n${error.message}\n`)
    process.exit(1)
  }

  const { info, warning } = describeStore()
  console.log(`[store] sessions are tracked ${info}`)
  if (warning) console.warn(`[store] ${warning}`)
  const store = getSessionStore()
  // Not awaited: the store connects in the background and says in the log whether it could.
  if (store.kind === 'redis') {
    store.ping().then(
      () => console.log('[store] Redis is reachable'),
      () => console.warn('[store] Redis is not reachable yet; private pages answer 503 until it is'),
    )
  }

  for (const provider of providers) checkProvider(provider, providers.length > 1)
}

/** Its private key and its discovery, each reported on its own line; nothing awaited. */
function checkProvider(oidc: OidcConfig, several: boolean): void {
  const keyVariable = oidc.variable('CLIENT_PRIVATE_KEY')
  if (oidc.privateKey) {
    clientKey(oidc.privateKey).then(
      ({ key, kidDerived }) => {
        if (kidDerived) {
          console.log(
            `[auth] ${keyVariable} names no kid; its RFC 7638 thumbprint "${key.kid}" is sent as the kid. ` +
              'Register the public key under that kid at the provider (or give the key a kid of your own as a JWK).',
          )
        }
      },
      (error: unknown) => console.warn(`[auth] ${keyVariable} cannot be used: ${error instanceof Error ? error.message : String(error)}`),
    )
  }

  // Not awaited: a provider that is down must not keep the app from serving its public pages, nor the other providers.
  const which = several ? `provider ${oidc.id}` : 'provider'
  getProvider(oidc).then(
    ({ as }) => console.log(`[auth] ${which} ready: ${as.issuer}`),
    (error: unknown) => {
      // A provider that cannot bind tokens while OIDC_DPOP asks for it: no session would be safe, so no start.
      if (error instanceof Error && error.name === 'DpopUnsupportedError') {
        console.error(`\n[auth] ${which}: ${(error as LoginError).detail}\n`)
        process.exit(1)
      }
      console.warn(
        `[auth] could not load the ${several ? `${oidc.id} provider's` : "provider's"} discovery document from ${oidc.issuer.href}. ` +
          `${error instanceof LoginError ? error.detail : String(error)} Logins will retry.`,
      )
    },
  )
}

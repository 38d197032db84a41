/**
 * Start-up checks, Node runtime only. A bad or missing variable stops the app
 * with a message that says what to fix, instead of failing on the first login.
 * Then the provider is looked up once, so the first login does not pay for
 * discovery and a wrong issuer shows up in the log straight away, and the
 * session store in use is named (and, for Redis, connected).
 */
import { ConfigError, getConfig } from './config'
import { clientKey } from './oidc/client-key'
import { LoginError } from './oidc/errors'
import { getProvider } from './oidc/provider'
import { describeStore, getSessionStore } from './session/store'

export async function checkAtStartup(): Promise<void> {
  let issuer: string
  try {
    issuer = getConfig().oidc.issuer.href
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

  const { privateKey } = getConfig().oidc
  if (privateKey) {
    clientKey(privateKey).then(
      ({ key, kidDerived }) => {
        if (kidDerived) {
          console.log(
            `[auth] OIDC_CLIENT_PRIVATE_KEY names no kid; its RFC 7638 thumbprint "${key.kid}" is sent as the kid. ` +
              'Register the public key under that kid at the provider (or give the key a kid of your own as a JWK).',
          )
        }
      },
      (error: unknown) => console.warn(`[auth] OIDC_CLIENT_PRIVATE_KEY cannot be used: ${error instanceof Error ? error.message : String(error)}`),
    )
  }

  // Not awaited: a provider that is down must not keep the app from serving its public pages.
  getProvider().then(
    ({ as }) => console.log(`[auth] provider ready: ${as.issuer}`),
    (error: unknown) =>
      console.warn(
        `[auth] could not load the provider's discovery document from ${issuer}. ` +
          `${error instanceof LoginError ? error.detail : String(error)} Logins will retry.`,
      ),
  )
}

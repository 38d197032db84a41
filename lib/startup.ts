/**
 * Start-up checks, Node runtime only. A bad or missing variable stops the app
 * with a message that says what to fix, instead of failing on the first login.
 *
 * Then, once the server has answered its first request (or after a second
 * without one), the warm-up: each provider is looked up once, so the first
 * login does not pay for discovery and a wrong issuer shows up in the log
 * straight away (one provider down never holds up another), and the session
 * store in use is named (and, for Redis, connected). Not before: loading the
 * OIDC client, the store and the Redis library, and the first fetch, cost a
 * cold process more than its first page does, and that page needs none of them.
 * A request that does need one loads it then, as it would anyway.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { ConfigError, getConfig, type OidcConfig } from './config'
import { LoginError } from './oidc/errors'
import { jsonLogs, log } from './log/log'

/** How long an idle server waits for its first request before it warms up all the same. */
const IDLE_WARM_UP_MS = 1_000

export async function checkAtStartup(): Promise<void> {
  let providers: readonly OidcConfig[]
  try {
    providers = getConfig().providers.list
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    if (jsonLogs()) log.error('config.invalid', error.message)
    else console.error(`\n${error.message}\n`)
    process.exit(1)
  }
  afterFirstAnswer(
    () =>
      void warmUp(providers).catch((error: unknown) =>
        log.error(
          'startup.warm_up_failed',
          `the warm-up failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      ),
  )
}

/** Runs `work` once, on the next turn after the server's first response has gone out, or after IDLE_WARM_UP_MS. */
function afterFirstAnswer(work: () => void): void {
  const channel = 'http.server.response.finish'
  let done = false
  const run = () => {
    if (done) return
    done = true
    unsubscribe(channel, run)
    clearTimeout(timer)
    setImmediate(work)
  }
  const timer = setTimeout(run, IDLE_WARM_UP_MS)
  subscribe(channel, run)
}

async function warmUp(providers: readonly OidcConfig[]): Promise<void> {
  const { describeStore, getSessionStore } = await import('./session/store')
  const { info, warning } = describeStore()
  log.info('store.ready', `sessions are tracked ${info}`)
  if (warning) log.warn('store.not_lasting', warning)
  const store = getSessionStore()
  // Not awaited: the store connects in the background and says in the log whether it could.
  if (store.kind === 'redis') {
    store.ping().then(
      () => log.info('store.redis_reachable', 'Redis is reachable'),
      () => log.warn('store.redis_unreachable', 'Redis is not reachable yet; private pages answer 503 until it is'),
    )
  }

  for (const provider of providers) await checkProvider(provider, providers.length > 1)
}

/** Its private key and its discovery, each reported on its own line; neither awaited. */
async function checkProvider(oidc: OidcConfig, several: boolean): Promise<void> {
  const [{ clientKey }, { getProvider }] = await Promise.all([import('./oidc/client-key'), import('./oidc/provider')])
  const keyVariable = oidc.variable('CLIENT_PRIVATE_KEY')
  if (oidc.privateKey) {
    clientKey(oidc.privateKey).then(
      ({ key, kidDerived }) => {
        if (kidDerived) {
          log.info(
            'auth.client_key_kid',
            `${keyVariable} names no kid; its RFC 7638 thumbprint "${key.kid}" is sent as the kid. ` +
              'Register the public key under that kid at the provider (or give the key a kid of your own as a JWK).',
            { provider: oidc.id },
          )
        }
      },
      (error: unknown) =>
        log.warn(
          'auth.client_key_unusable',
          `${keyVariable} cannot be used: ${error instanceof Error ? error.message : String(error)}`,
          { provider: oidc.id },
        ),
    )
  }

  // Not awaited: a provider that is down must not keep the app from serving its public pages, nor the other providers.
  const which = several ? `provider ${oidc.id}` : 'provider'
  getProvider(oidc).then(
    ({ as }) => log.info('auth.provider_ready', `${which} ready: ${as.issuer}`, { provider: oidc.id }),
    (error: unknown) => {
      // A provider that cannot bind tokens while OIDC_DPOP asks for it: no session would be safe, so no start.
      if (error instanceof Error && error.name === 'DpopUnsupportedError') {
        log.error('auth.dpop_unsupported', `${which}: ${(error as LoginError).detail}`, { provider: oidc.id })
        process.exit(1)
      }
      log.warn(
        'auth.discovery_failed',
        `could not load the ${several ? `${oidc.id} provider's` : "provider's"} discovery document from ${oidc.issuer.href}. ` +
          `${error instanceof LoginError ? error.detail : String(error)} Logins will retry.`,
        { provider: oidc.id },
      )
    },
  )
}

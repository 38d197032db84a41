/**
 * Start-up checks, Node runtime only. A bad or missing variable stops the app
 * with a message that says what to fix, instead of failing on the first login.
 * Then the provider is looked up once, so the first login does not pay for
 * discovery and a wrong issuer shows up in the log straight away.
 */
import { ConfigError, getConfig } from './config'
import { LoginError } from './login-error'
import { getProvider } from './oidc'

export async function checkAtStartup(): Promise<void> {
  let issuer: string
  try {
    issuer = getConfig().oidc.issuer.href
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(`\n${error.message}\n`)
    process.exit(1)
  }

  if (process.env.BENCH_TWIN === '1') {
    console.warn('[bench] BENCH_TWIN=1: /bench/profile and /bench/bare render the profile without the session check. For `npm run bench` only; never set it on a deployed app.')
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

/**
 * A provider and an app server that trusts it: the provider in this process
 * (so it can count what the app asks), the app as a child process.
 */
import { appBaseUrl, startAppServer, type AppServer } from './app-server.ts'
import { onCleanup, once } from './cleanup.ts'
import { startCountingProvider, type CountingProvider } from './provider.ts'
import { PAIRS, type PairName } from './settings.ts'

export interface Pair {
  readonly name: PairName
  readonly provider: CountingProvider
  readonly app: AppServer
  readonly stop: () => Promise<void>
}

/** Every app started so far, so a failure can show what each one logged. */
export const startedApps: AppServer[] = []

export async function startPair(
  name: PairName,
  redisUrl?: string,
  server?: string,
  nodeFlags?: readonly string[],
  env?: Readonly<Record<string, string>>,
): Promise<Pair> {
  const { appPort, idpPort, bigTokens } = PAIRS[name]
  const provider = await startCountingProvider(idpPort, appBaseUrl(appPort), bigTokens)
  const closeProvider = once(() => provider.idp.close())
  onCleanup(`${name} provider`, closeProvider)
  let stopApp: () => Promise<void> = async () => {}
  const app = await startAppServer(
    {
      name,
      port: appPort,
      issuer: provider.idp.issuer,
      apiEndpoint: provider.idp.apiEndpoint,
      redisUrl,
      server,
      nodeFlags,
      env,
    },
    (stop) => {
      stopApp = once(stop)
      onCleanup(`${name} app server`, stopApp)
    },
  )
  startedApps.push(app)
  return {
    name,
    provider,
    app,
    stop: async () => {
      await stopApp()
      await closeProvider()
    },
  }
}

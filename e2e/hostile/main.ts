/** Runs the misbehaving provider as its own process (Playwright starts it). */
import { HOSTILE_APPS, HOSTILE_FLAKY_PORT, HOSTILE_PORT, MULTI } from '../environment.ts'
import { startHostileProvider } from './server.ts'

const client = (app: (typeof HOSTILE_APPS)[keyof typeof HOSTILE_APPS]) => ({
  clientId: app.clientId,
  clientSecret: app.clientSecret,
  appBaseUrl: app.baseUrl,
})

const provider = await startHostileProvider({
  port: HOSTILE_PORT,
  multiMixUpTarget: { callback: `${MULTI.baseUrl}/auth/callback`, issuer: MULTI.defaultIssuer },
  flakyPort: HOSTILE_FLAKY_PORT,
  clients: {
    main: client(HOSTILE_APPS.main),
    mismatch: client(HOSTILE_APPS.mismatch),
    flaky: client(HOSTILE_APPS.flaky),
    oracle: client(HOSTILE_APPS.oracle),
    google: client(HOSTILE_APPS.google),
    cognito: client(HOSTILE_APPS.cognito),
    entra: client(HOSTILE_APPS.entra),
    restart: client(HOSTILE_APPS.restart),
    multi: client(HOSTILE_APPS.multi),
    downgrade: client(HOSTILE_APPS.downgrade),
  },
})
console.log(
  `Hostile provider: http://127.0.0.1:${HOSTILE_PORT}/{main,mismatch} and http://127.0.0.1:${HOSTILE_FLAKY_PORT}`,
)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void provider.close().then(() => process.exit(0)))
}

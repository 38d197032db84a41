/**
 * `npm run dev`: the app in development mode. Without OIDC_ISSUER (in the
 * environment or .env.local) it first starts the embedded local provider on
 * loopback and points the app at it, so there is nothing to set up.
 *
 * `npm run dev -- --two-providers` starts a second embedded provider too (the
 * same demo users, so the same `sub` at both: two users), configures both
 * (OIDC_PROVIDERS=default,partner; e-mail domains example.com and
 * partner.example) and so shows the sign-in page with its choice.
 *
 * `npm run dev -- --apis` starts two demo APIs as well (orders and reports,
 * idp/demo-resource-server.ts), registers them at the embedded provider as
 * resource servers, and configures APIS: orders with a token minted by the
 * refresh token, reports by token exchange, whoami with the sign-in's own
 * token. Add `--dpop` for DPoP-bound tokens (OIDC_DPOP=true; whoami, whose
 * demo API takes Bearer tokens only, is left out then).
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import nextEnv from '@next/env'
import { DEFAULT_APP_BASE_URL, DEFAULT_IDP_PORT, LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET } from '../idp/local-client.ts'
import { startDemoResourceServer, type DemoResourceServer } from '../idp/demo-resource-server.ts'
import { startLocalIdp, type LocalIdp } from '../idp/server.ts'
import { DEMO_USERS } from '../idp/users.ts'

nextEnv.loadEnvConfig(process.cwd(), true)

const env: NodeJS.ProcessEnv = { ...process.env }
env.APP_BASE_URL ??= DEFAULT_APP_BASE_URL
const appUrl = new URL(env.APP_BASE_URL)
const lines: string[] = []

let idp: LocalIdp | undefined
let partner: LocalIdp | undefined
const twoProviders = process.argv.includes('--two-providers')
const withApis = process.argv.includes('--apis')
const dpop = process.argv.includes('--dpop')
if ((twoProviders || withApis) && env.OIDC_ISSUER) {
  console.error(
    `${twoProviders ? '--two-providers' : '--apis'} configures the embedded provider; it cannot be combined with OIDC_ISSUER. Unset OIDC_ISSUER, or configure OIDC_PROVIDERS and APIS yourself.`,
  )
  process.exit(1)
}
const demoApiPort = Number(env.LOCAL_IDP_PORT ?? DEFAULT_IDP_PORT) + 10
const demoApis = { orders: `http://127.0.0.1:${demoApiPort}`, reports: `http://127.0.0.1:${demoApiPort + 1}` }
const apiServers: DemoResourceServer[] = []
if (!env.OIDC_ISSUER) {
  idp = await startLocalIdp({
    port: Number(env.LOCAL_IDP_PORT ?? DEFAULT_IDP_PORT),
    appBaseUrl: env.APP_BASE_URL,
    clientId: LOCAL_CLIENT_ID,
    clientSecret: LOCAL_CLIENT_SECRET,
    ...(withApis
      ? {
          resourceServers: [
            { resource: demoApis.orders, scope: 'orders:read' },
            { resource: demoApis.reports, scope: 'reports:read' },
          ],
        }
      : {}),
  })
  if (withApis) {
    for (const [name, url] of Object.entries(demoApis)) {
      apiServers.push(await startDemoResourceServer({ port: Number(new URL(url).port), name, issuer: idp.issuer }))
    }
    Object.assign(env, {
      APIS: dpop ? 'orders,reports' : 'orders,reports,whoami',
      API_ORDERS_URL: `${demoApis.orders}/v1`,
      API_ORDERS_SCOPE: 'orders:read',
      API_REPORTS_URL: demoApis.reports,
      API_REPORTS_SCOPE: 'reports:read',
      API_REPORTS_TOKEN: 'exchange',
      ...(dpop ? { OIDC_DPOP: 'true' } : { API_WHOAMI_URL: idp.apiEndpoint, API_WHOAMI_TOKEN: 'login' }),
    })
  }
  env.API_ENDPOINT ??= idp.apiEndpoint
  Object.assign(env, {
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: LOCAL_CLIENT_ID,
    OIDC_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
    OIDC_CLIENT_AUTH_METHOD: 'client_secret_basic',
  })
  if (twoProviders) {
    partner = await startLocalIdp({
      port: Number(env.LOCAL_IDP_PARTNER_PORT ?? DEFAULT_IDP_PORT + 1),
      appBaseUrl: env.APP_BASE_URL,
      clientId: LOCAL_CLIENT_ID,
      clientSecret: LOCAL_CLIENT_SECRET,
      providerId: 'partner',
    })
    Object.assign(env, {
      OIDC_PROVIDERS: 'default,partner',
      OIDC_NAME: 'Local provider',
      OIDC_DOMAINS: 'example.com',
      OIDC_PARTNER_ISSUER: partner.issuer,
      OIDC_PARTNER_CLIENT_ID: LOCAL_CLIENT_ID,
      OIDC_PARTNER_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
      OIDC_PARTNER_NAME: 'Partner (second local provider)',
      OIDC_PARTNER_DOMAINS: 'partner.example',
    })
  }
  lines.push(
    `Identity provider: ${idp.issuer} (embedded local provider; set OIDC_ISSUER to use your own)`,
    ...(partner
      ? [
          `Second provider: ${partner.issuer} ("partner"; the same demo users, who are other users there; e-mail domain partner.example)`,
        ]
      : []),
    `Demo API:          ${env.API_ENDPOINT}`,
    ...(withApis
      ? [
          `APIs (APIS):       orders ${demoApis.orders}/v1, reports ${demoApis.reports}${dpop ? ', with DPoP' : ', whoami'}: the profile has a row for each`,
        ]
      : []),
    'Demo users:',
    ...DEMO_USERS.map(
      (u) =>
        `  ${u.username.padEnd(8)} password: ${u.password.padEnd(16)} ${String(u.claims.name)} <${String(u.claims.email)}>`,
    ),
  )
} else {
  lines.push(`Identity provider: ${env.OIDC_ISSUER}`)
}

if (!env.SESSION_SECRET) {
  env.SESSION_SECRET = randomBytes(32).toString('base64url')
  lines.push('SESSION_SECRET is not set: using a random one, so sessions end when this process stops.')
}

console.log(['', `  Open ${appUrl.origin} and sign in.`, ...lines.map((l) => `  ${l}`), ''].join('\n'))

// Loopback only: a development server has no business on the network.
const next = spawn(
  process.execPath,
  ['node_modules/next/dist/bin/next', 'dev', '--hostname', appUrl.hostname, '--port', appUrl.port || '3000'],
  {
    env,
    stdio: 'inherit',
  },
)

async function stop(code: number): Promise<never> {
  await idp?.close()
  await partner?.close()
  await Promise.all(apiServers.map((api) => api.close()))
  process.exit(code)
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    next.kill(signal)
  })
}
next.once('exit', (code) => void stop(code ?? 0))

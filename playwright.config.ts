/**
 * Playwright runs against the production build (the standalone server, as `npm start` runs it, built by
 * e2e/build.ts) and real providers, each a real process on loopback:
 * - the embedded oidc-provider, with the app on :3100 (the login flows);
 * - the misbehaving provider (e2e/hostile), with the app instances that trust
 *   it: per-login defects, a discovery issuer mismatch, a flaky discovery, and
 *   the shapes of Oracle, Google, Cognito and Entra ID;
 * - a redis-server, and two app instances sharing it (the session store).
 *
 * Where Debian's Chromium is installed (CI here, many Linux boxes) it is used;
 * elsewhere Playwright's own browser (scripts/ensure-browser.ts fetches it).
 */
import { createHash, generateKeyPairSync } from 'node:crypto'
import { existsSync } from 'node:fs'
import { defineConfig, devices } from '@playwright/test'
import { LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET } from './idp/local-client.ts'
import {
  APIS_ENV,
  APP_BASE_URL,
  APP_PORT,
  CLIENT_STYLES,
  CLUSTER_PAIR,
  HOSTILE_APPS,
  HOSTILE_CONTROL,
  HOSTILE_OLD_SESSION_SECRET,
  HOSTILE_SESSION_SECRET,
  IDP_ISSUER,
  IDP_PORT,
  MULTI,
  pairUrls,
  PRIVATE_CA,
  REDIS_CONTROL,
  REDIS_URL,
  SHARED,
  SHARED_APIS,
  TEST_SESSION_SECRET,
  TOKEN_PAIRS,
  type HostileTenant,
  type TokenPair,
} from './e2e/environment.ts'
import { makeTestCertificates } from './e2e/tls.ts'

const SYSTEM_CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const useSystemChromium = existsSync(SYSTEM_CHROMIUM)

/** One app instance, configured only through its environment like a deployment. */
function app(name: string, port: number, env: Record<string, string>) {
  return {
    command: `node --experimental-strip-types e2e/run-app.ts ${name} ${port}`,
    url: `http://127.0.0.1:${port}/`,
    env: { NEXT_TELEMETRY_DISABLED: '1', ...env },
    reuseExistingServer: false,
    stdout: 'pipe' as const,
    timeout: 60_000,
  }
}

function hostileApp(tenant: HostileTenant, extra: Record<string, string> = {}) {
  const { port, baseUrl, issuer, clientId, clientSecret } = HOSTILE_APPS[tenant]
  return app(`hostile-${tenant}`, port, {
    ...extra,
    APP_BASE_URL: baseUrl,
    // Two secrets, newest first: cookies sealed with the old one still open.
    SESSION_SECRET: `${HOSTILE_SESSION_SECRET},${HOSTILE_OLD_SESSION_SECRET}`,
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: clientId,
    OIDC_CLIENT_SECRET: clientSecret,
    API_ENDPOINT: `${issuer}/api`,
  })
}

/**
 * The client key for private_key_jwt and signed request objects: made for this
 * run (the provider gets the public half), never committed.
 */
const clientKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const CLIENT_KEY_ID = 'e2e-client-key'
const clientPublicJwk = {
  ...clientKey.publicKey.export({ format: 'jwk' }),
  kid: CLIENT_KEY_ID,
  use: 'sig',
  alg: 'ES256',
}
const clientPrivatePem = clientKey.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
const clientPrivateJwk = JSON.stringify({ ...clientKey.privateKey.export({ format: 'jwk' }), kid: CLIENT_KEY_ID })
/**
 * The PEM names no kid, so the app sends the key's RFC 7638 thumbprint (its start-up log says which):
 * the private_key_jwt client registers the same public key under that kid, as a user would.
 */
const { crv, x, y } = clientPublicJwk as { crv: string; x: string; y: string }
const thumbprintKid = createHash('sha256')
  .update(JSON.stringify({ crv, kty: 'EC', x, y }))
  .digest('base64url')

const styleUrl = (port: number) => `http://localhost:${port}`

/** The clients the `short` provider registers for the client-style apps. */
function styleClients() {
  const common = (port: number) => ({
    redirect_uris: [`${styleUrl(port)}/auth/callback`],
    post_logout_redirect_uris: [`${styleUrl(port)}/`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  })
  const keys = {
    jwks: { keys: [clientPublicJwk] },
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
  }
  return [
    {
      client_id: CLIENT_STYLES.pkjwt.clientId,
      ...common(CLIENT_STYLES.pkjwt.port),
      ...keys,
      jwks: { keys: [{ ...clientPublicJwk, kid: thumbprintKid }] },
    },
    {
      client_id: CLIENT_STYLES.par.clientId,
      client_secret: CLIENT_STYLES.par.clientSecret,
      ...common(CLIENT_STYLES.par.port),
      require_pushed_authorization_requests: true,
    },
    {
      client_id: CLIENT_STYLES.jar.clientId,
      ...common(CLIENT_STYLES.jar.port),
      ...keys,
      require_signed_request_object: true,
      request_object_signing_alg: 'ES256',
    },
  ]
}

/** A local provider and an app that trusts it, for the token-life tests. */
function tokenPair(pair: TokenPair) {
  const { appPort, idpPort, accessTokenTtl } = TOKEN_PAIRS[pair]
  const urls = pairUrls(pair)
  return [
    {
      command: 'node --experimental-strip-types idp/main.ts',
      url: `${urls.issuer}/.well-known/openid-configuration`,
      env: {
        LOCAL_IDP_PORT: String(idpPort),
        APP_BASE_URL: urls.app,
        LOCAL_IDP_ACCESS_TOKEN_TTL: String(accessTokenTtl),
        LOCAL_IDP_BIG_TOKENS: String(pair === 'big'),
        // The big-token provider also requires PAR, so its app must notice that in discovery.
        LOCAL_IDP_REQUIRE_PAR: String(pair === 'big'),
        ...(pair === 'short' ? { LOCAL_IDP_EXTRA_CLIENTS: JSON.stringify(styleClients()) } : {}),
      },
      reuseExistingServer: false,
      stdout: 'pipe' as const,
      timeout: 30_000,
    },
    app(`tokens-${pair}`, appPort, {
      APP_BASE_URL: urls.app,
      SESSION_SECRET: TEST_SESSION_SECRET,
      OIDC_ISSUER: urls.issuer,
      OIDC_CLIENT_ID: LOCAL_CLIENT_ID,
      OIDC_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
      API_ENDPOINT: urls.api,
    }),
  ]
}

/** Apps using private_key_jwt, PAR and JAR against the `short` provider. */
function clientStyleApps() {
  const base = (port: number, clientId: string) => ({
    APP_BASE_URL: styleUrl(port),
    SESSION_SECRET: TEST_SESSION_SECRET,
    OIDC_ISSUER: pairUrls('short').issuer,
    OIDC_CLIENT_ID: clientId,
  })
  const { pkjwt, par, jar } = CLIENT_STYLES
  return [
    app('client-private-key-jwt', pkjwt.port, {
      ...base(pkjwt.port, pkjwt.clientId),
      OIDC_CLIENT_AUTH_METHOD: 'private_key_jwt',
      // One line, as many hosts store it: the app turns \n back into newlines.
      OIDC_CLIENT_PRIVATE_KEY: clientPrivatePem.replace(/\n/g, '\\n'),
    }),
    app('client-par', par.port, {
      ...base(par.port, par.clientId),
      OIDC_CLIENT_SECRET: par.clientSecret,
      OIDC_USE_PAR: 'true',
    }),
    app('client-jar', jar.port, {
      ...base(jar.port, jar.clientId),
      OIDC_CLIENT_AUTH_METHOD: 'private_key_jwt',
      OIDC_CLIENT_PRIVATE_KEY: clientPrivateJwk,
      OIDC_USE_REQUEST_OBJECT: 'true',
    }),
  ]
}

/** The Redis Cluster, its provider, and two instances of one app sharing the cluster (CLUSTER_PAIR). */
function clusterSessionServers() {
  const { instances } = CLUSTER_PAIR
  const env = {
    APP_BASE_URL: CLUSTER_PAIR.baseUrl,
    SESSION_SECRET: TEST_SESSION_SECRET,
    OIDC_ISSUER: CLUSTER_PAIR.issuer,
    OIDC_CLIENT_ID: LOCAL_CLIENT_ID,
    OIDC_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
    REDIS_CLUSTER_NODES: CLUSTER_PAIR.redisPorts.map((port) => `127.0.0.1:${port}`).join(','),
  }
  return [
    {
      command: 'node --experimental-strip-types e2e/redis-cluster-main.ts',
      url: `${CLUSTER_PAIR.control}/status`,
      reuseExistingServer: false,
      stdout: 'pipe' as const,
      timeout: 60_000,
    },
    {
      command: 'node --experimental-strip-types idp/main.ts',
      url: `${CLUSTER_PAIR.issuer}/.well-known/openid-configuration`,
      env: {
        LOCAL_IDP_PORT: String(CLUSTER_PAIR.idpPort),
        APP_BASE_URL: CLUSTER_PAIR.baseUrl,
        LOCAL_IDP_ACCESS_TOKEN_TTL: String(CLUSTER_PAIR.accessTokenTtl),
      },
      reuseExistingServer: false,
      stdout: 'pipe' as const,
      timeout: 30_000,
    },
    app('cluster-a', instances.a.port, env),
    app('cluster-b', instances.b.port, env),
  ]
}

/**
 * Redis (with its control server), a local provider, two instances of one app
 * that share the Redis, the secret and one public origin (APP_BASE_URL), and an
 * app on the in-process store at the same provider.
 */
function sharedSessionServers() {
  const { inProcess } = SHARED
  const env = {
    APP_BASE_URL: SHARED.baseUrl,
    SESSION_SECRET: TEST_SESSION_SECRET,
    OIDC_ISSUER: SHARED.issuer,
    OIDC_CLIENT_ID: LOCAL_CLIENT_ID,
    OIDC_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
    API_ENDPOINT: SHARED.api,
    REDIS_URL,
    // Two APIs, each with a token of its own minted with the refresh token: e2e/apis.spec.ts mints them on both instances at once.
    APIS: 'orders,reports',
    API_ORDERS_URL: `${SHARED_APIS.orders.url}/v1`,
    API_ORDERS_SCOPE: 'orders:read',
    API_REPORTS_URL: SHARED_APIS.reports.url,
    API_REPORTS_SCOPE: 'reports:read',
  }
  const inProcessClient = {
    client_id: inProcess.clientId,
    client_secret: inProcess.clientSecret,
    redirect_uris: [`${inProcess.url}/auth/callback`],
    post_logout_redirect_uris: [`${inProcess.url}/`],
    backchannel_logout_uri: `${inProcess.url}/auth/backchannel-logout`,
    backchannel_logout_session_required: true,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  }
  return [
    {
      command: 'node --experimental-strip-types e2e/redis-control.ts',
      url: `${REDIS_CONTROL}/status`,
      reuseExistingServer: false,
      stdout: 'pipe' as const,
      timeout: 30_000,
    },
    {
      command: 'node --experimental-strip-types idp/main.ts',
      url: `${SHARED.issuer}/.well-known/openid-configuration`,
      env: {
        LOCAL_IDP_PORT: String(SHARED.idpPort),
        APP_BASE_URL: SHARED.baseUrl,
        LOCAL_IDP_ACCESS_TOKEN_TTL: String(SHARED.accessTokenTtl),
        LOCAL_IDP_EXTRA_CLIENTS: JSON.stringify([inProcessClient]),
        LOCAL_IDP_RESOURCES: `${SHARED_APIS.orders.url}=orders:read;${SHARED_APIS.reports.url}=reports:read`,
      },
      reuseExistingServer: false,
      stdout: 'pipe' as const,
      timeout: 30_000,
    },
    demoApi('shared-orders', SHARED_APIS.orders.port, SHARED.issuer),
    demoApi('shared-reports', SHARED_APIS.reports.port, SHARED.issuer),
    app('shared-a', SHARED.instances.a.port, env),
    app('shared-b', SHARED.instances.b.port, env),
    app('in-process', inProcess.port, {
      ...env,
      APP_BASE_URL: inProcess.url,
      OIDC_CLIENT_ID: inProcess.clientId,
      OIDC_CLIENT_SECRET: inProcess.clientSecret,
      REDIS_URL: '',
    }),
  ]
}

/** A demo API (idp/demo-resource-server.ts) taking the tokens of `issuer`'s provider. */
function demoApi(name: string, port: number, issuer: string, env: Record<string, string> = {}) {
  return {
    command: 'node --experimental-strip-types idp/demo-api-main.ts',
    url: `http://127.0.0.1:${port}/_seen`,
    env: { DEMO_API_PORT: String(port), DEMO_API_NAME: name, DEMO_API_ISSUER: issuer, ...env },
    reuseExistingServer: false,
    stdout: 'pipe' as const,
    timeout: 30_000,
  }
}

/**
 * The apps that call several APIs (e2e/environment.ts's APIS_ENV): their
 * provider (resource servers, token exchange, DPoP nonces required), the two
 * demo APIs, an app with DPoP and one with Bearer tokens.
 */
function apisServers() {
  const { issuer, orders, reports, dpop, bearer } = APIS_ENV
  const many = Array.from({ length: APIS_ENV.manyApis }, (_, i) => `many${i + 1}`)
  const bearerClient = {
    client_id: bearer.clientId,
    client_secret: bearer.clientSecret,
    redirect_uris: [`${bearer.url}/auth/callback`],
    post_logout_redirect_uris: [`${bearer.url}/`],
    grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange'],
    response_types: ['code'],
  }
  const resources = [
    `${orders.url}=orders:read orders:write`,
    `${reports.url}=reports:read`,
    // Asked for as its own resource, minted for reports' audience: the policy fallback the app must refuse.
    `http://127.0.0.1:4612=misaimed:read>${reports.url}`,
    ...many.map((name) => `${reports.url}/${name}=`),
  ]
  const common = { SESSION_SECRET: TEST_SESSION_SECRET, OIDC_ISSUER: issuer }
  return [
    {
      command: 'node --experimental-strip-types idp/main.ts',
      url: `${issuer}/.well-known/openid-configuration`,
      env: {
        LOCAL_IDP_PORT: String(APIS_ENV.idpPort),
        APP_BASE_URL: dpop.url,
        LOCAL_IDP_ACCESS_TOKEN_TTL: String(APIS_ENV.accessTokenTtl),
        LOCAL_IDP_EXTRA_CLIENTS: JSON.stringify([bearerClient]),
        LOCAL_IDP_RESOURCES: resources.join(';'),
        LOCAL_IDP_DPOP: 'nonce',
        LOCAL_IDP_COUNT_REQUESTS: 'true',
      },
      reuseExistingServer: false,
      stdout: 'pipe' as const,
      timeout: 30_000,
    },
    demoApi('orders', orders.port, issuer, {
      DEMO_API_REQUIRE_NONCE: 'true',
      DEMO_API_NONCE_WINDOW_MS: String(APIS_ENV.nonceWindowMs),
    }),
    demoApi('reports', reports.port, issuer),
    app('apis-dpop', dpop.port, {
      ...common,
      APP_BASE_URL: dpop.url,
      OIDC_CLIENT_ID: LOCAL_CLIENT_ID,
      OIDC_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
      OIDC_DPOP: 'true',
      APIS: 'orders,reports',
      API_ORDERS_URL: `${orders.url}/v1`,
      API_ORDERS_SCOPE: 'orders:read',
      API_REPORTS_URL: reports.url,
      API_REPORTS_SCOPE: 'reports:read',
      API_REPORTS_TOKEN: 'exchange',
    }),
    app('apis-bearer', bearer.port, {
      ...common,
      APP_BASE_URL: bearer.url,
      OIDC_CLIENT_ID: bearer.clientId,
      OIDC_CLIENT_SECRET: bearer.clientSecret,
      APIS: ['orders', 'reports', 'whoami', 'misaimed', ...many].join(','),
      API_ORDERS_URL: `${orders.url}/v1`,
      API_ORDERS_SCOPE: 'orders:read',
      API_REPORTS_URL: reports.url,
      API_REPORTS_SCOPE: 'reports:read',
      API_WHOAMI_URL: `${issuer}/demo-api/whoami`,
      API_WHOAMI_TOKEN: 'login',
      API_MISAIMED_URL: `${orders.url}/misaimed`,
      API_MISAIMED_RESOURCE: 'http://127.0.0.1:4612',
      API_MISAIMED_SCOPE: 'misaimed:read',
      ...Object.fromEntries(
        many.flatMap((name) => [
          [`API_${name.toUpperCase()}_URL`, `${reports.url}/${name}`],
          [`API_${name.toUpperCase()}_RESOURCE`, `${reports.url}/${name}`],
        ]),
      ),
    }),
  ]
}

/**
 * The local provider on https, its certificate issued by a CA made for this run
 * (only in the main process: workers load this file too, but start no servers).
 */
function privateCaServers() {
  if (process.env.TEST_WORKER_INDEX) return []
  const tls = makeTestCertificates(PRIVATE_CA.dir)
  const appUrl = `http://localhost:${PRIVATE_CA.trustingPort}`
  const base = (port: number) => ({
    APP_BASE_URL: `http://localhost:${port}`,
    SESSION_SECRET: TEST_SESSION_SECRET,
    OIDC_ISSUER: PRIVATE_CA.issuer,
    OIDC_CLIENT_ID: LOCAL_CLIENT_ID,
    OIDC_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
  })
  return [
    {
      command: 'node --experimental-strip-types idp/main.ts',
      url: `${PRIVATE_CA.issuer}/.well-known/openid-configuration`,
      ignoreHTTPSErrors: true,
      env: {
        LOCAL_IDP_PORT: String(PRIVATE_CA.idpPort),
        APP_BASE_URL: appUrl,
        LOCAL_IDP_TLS_KEY: tls.key,
        LOCAL_IDP_TLS_CERT: tls.cert,
      },
      reuseExistingServer: false,
      stdout: 'pipe' as const,
      timeout: 30_000,
    },
    app('private-ca-trusted', PRIVATE_CA.trustingPort, {
      ...base(PRIVATE_CA.trustingPort),
      NODE_EXTRA_CA_CERTS: tls.ca,
    }),
    app('private-ca-untrusted', PRIVATE_CA.untrustingPort, base(PRIVATE_CA.untrustingPort)),
  ]
}

/**
 * The several-providers app and its two local providers, which share the demo
 * users (the same `sub` at both, on purpose); the hostile `multi` tenant is its
 * `evil` provider, and `down` a provider nothing answers for.
 */
function multiProviderServers() {
  const idp = (port: number, providerId: string, extra: Record<string, string> = {}) => ({
    command: 'node --experimental-strip-types idp/main.ts',
    url: `http://127.0.0.1:${port}/.well-known/openid-configuration`,
    env: {
      LOCAL_IDP_PORT: String(port),
      APP_BASE_URL: MULTI.baseUrl,
      LOCAL_IDP_PROVIDER_ID: providerId,
      LOCAL_IDP_COUNT_REQUESTS: 'true',
      ...extra,
    },
    reuseExistingServer: false,
    stdout: 'pipe' as const,
    timeout: 30_000,
  })
  const evil = HOSTILE_APPS.multi
  return [
    idp(MULTI.defaultIdpPort, 'default'),
    idp(MULTI.partnerIdpPort, 'partner', { LOCAL_IDP_ACCESS_TOKEN_TTL: String(MULTI.partnerAccessTokenTtl) }),
    app('multi', MULTI.port, {
      APP_BASE_URL: MULTI.baseUrl,
      SESSION_SECRET: TEST_SESSION_SECRET,
      OIDC_PROVIDERS: 'default,partner,evil,down',
      OIDC_ISSUER: MULTI.defaultIssuer,
      OIDC_CLIENT_ID: LOCAL_CLIENT_ID,
      OIDC_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
      OIDC_NAME: 'Corporate',
      OIDC_DOMAINS: 'example.com',
      OIDC_PARTNER_ISSUER: MULTI.partnerIssuer,
      OIDC_PARTNER_CLIENT_ID: LOCAL_CLIENT_ID,
      OIDC_PARTNER_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
      OIDC_PARTNER_NAME: 'Partner',
      OIDC_PARTNER_DOMAINS: 'partner.example',
      OIDC_EVIL_ISSUER: evil.issuer,
      OIDC_EVIL_CLIENT_ID: evil.clientId,
      OIDC_EVIL_CLIENT_SECRET: evil.clientSecret,
      OIDC_EVIL_NAME: 'Evil partner',
      OIDC_DOWN_ISSUER: MULTI.downIssuer,
      OIDC_DOWN_CLIENT_ID: 'down-client',
      OIDC_DOWN_NAME: 'Down provider',
    }),
  ]
}

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: APP_BASE_URL,
    trace: 'retain-on-failure',
    launchOptions: useSystemChromium ? { executablePath: SYSTEM_CHROMIUM } : {},
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: [
    {
      command: 'node --experimental-strip-types idp/main.ts',
      url: `${IDP_ISSUER}/.well-known/openid-configuration`,
      env: { LOCAL_IDP_PORT: String(IDP_PORT), APP_BASE_URL },
      reuseExistingServer: false,
      stdout: 'pipe',
      timeout: 30_000,
    },
    {
      command: 'node --experimental-strip-types e2e/hostile/main.ts',
      url: `${HOSTILE_CONTROL}/main/counts`,
      reuseExistingServer: false,
      stdout: 'pipe',
      timeout: 30_000,
    },
    app('local', APP_PORT, {
      APP_BASE_URL,
      SESSION_SECRET: TEST_SESSION_SECRET,
      OIDC_ISSUER: IDP_ISSUER,
      OIDC_CLIENT_ID: LOCAL_CLIENT_ID,
      OIDC_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
      API_ENDPOINT: `${IDP_ISSUER}/demo-api/whoami`,
    }),
    ...tokenPair('short'),
    ...tokenPair('big'),
    ...clientStyleApps(),
    ...privateCaServers(),
    ...sharedSessionServers(),
    ...clusterSessionServers(),
    ...multiProviderServers(),
    ...apisServers(),
    hostileApp('main'),
    hostileApp('mismatch'),
    hostileApp('flaky'),
    hostileApp('oracle', { OIDC_TOKEN_ISSUER: 'https://identity.oraclecloud.com/' }),
    hostileApp('google'),
    hostileApp('cognito', {
      OIDC_END_SESSION_ENDPOINT: `${HOSTILE_APPS.cognito.issuer}/cognito-logout`,
      OIDC_LOGOUT_STYLE: 'cognito',
    }),
    hostileApp('entra'),
    // OIDC_DPOP=true at a provider that lists DPoP in discovery and hands out Bearer tokens.
    hostileApp('downgrade', { OIDC_DPOP: 'true' }),
  ],
})

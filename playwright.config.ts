/**
 * Playwright runs against the production build (`next start`, built by
 * e2e/build.ts) and real providers, each a real process on loopback:
 * - the embedded oidc-provider, with the app on :3100 (the login flows);
 * - the misbehaving provider (e2e/hostile), with three more app instances that
 *   trust it: per-login defects, a discovery issuer mismatch, a flaky discovery.
 *
 * Where Debian's Chromium is installed (CI here, many Linux boxes) it is used;
 * elsewhere Playwright's own browser (scripts/ensure-browser.ts fetches it).
 */
import { existsSync } from 'node:fs'
import { defineConfig, devices } from '@playwright/test'
import { LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET } from './idp/local-client.ts'
import {
  APP_BASE_URL,
  APP_PORT,
  HOSTILE_APPS,
  HOSTILE_CONTROL,
  HOSTILE_OLD_SESSION_SECRET,
  HOSTILE_SESSION_SECRET,
  IDP_ISSUER,
  IDP_PORT,
  pairUrls,
  TEST_SESSION_SECRET,
  TOKEN_PAIRS,
  type HostileTenant,
  type TokenPair,
} from './e2e/environment.ts'

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
    hostileApp('main'),
    hostileApp('mismatch'),
    hostileApp('flaky'),
    hostileApp('oracle', { OIDC_TOKEN_ISSUER: 'https://identity.oraclecloud.com/' }),
    hostileApp('google'),
    hostileApp('cognito', { OIDC_END_SESSION_ENDPOINT: `${HOSTILE_APPS.cognito.issuer}/cognito-logout`, OIDC_LOGOUT_STYLE: 'cognito' }),
  ],
})

/**
 * Playwright runs the login flows against the production build (`next start`)
 * and the embedded local provider, each a real process on loopback.
 *
 * Where Debian's Chromium is installed (CI here, many Linux boxes) it is used;
 * elsewhere Playwright's own browser (`npx playwright install chromium`).
 */
import { existsSync } from 'node:fs'
import { defineConfig, devices } from '@playwright/test'
import { LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET } from './idp/local-client.ts'
import { APP_BASE_URL, APP_PORT, IDP_ISSUER, IDP_PORT, TEST_SESSION_SECRET } from './e2e/environment.ts'

const SYSTEM_CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const useSystemChromium = existsSync(SYSTEM_CHROMIUM)

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
      command: `node node_modules/next/dist/bin/next start --hostname 127.0.0.1 --port ${APP_PORT}`,
      url: `http://127.0.0.1:${APP_PORT}/`,
      env: {
        APP_BASE_URL,
        SESSION_SECRET: TEST_SESSION_SECRET,
        OIDC_ISSUER: IDP_ISSUER,
        OIDC_CLIENT_ID: LOCAL_CLIENT_ID,
        OIDC_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
      },
      reuseExistingServer: false,
      stdout: 'pipe',
      timeout: 60_000,
    },
  ],
})

/**
 * The environment of an app under test, for tests that load the app's modules
 * as a route handler would (configuration read once, from the environment): a
 * local base URL, a secret of its own, one provider, the embedded store in
 * this process only; `overrides` on top. vi.unstubAllEnvs() undoes it.
 */
import { vi } from 'vitest'

export function stubAppEnv(name: string, overrides: Readonly<Record<string, string>> = {}): void {
  const env: Record<string, string> = {
    APP_BASE_URL: 'http://localhost:3000',
    SESSION_SECRET: `${name}-test-secret-0123456789-abcdefghijklmnop`,
    OIDC_ISSUER: 'http://localhost:4400',
    OIDC_CLIENT_ID: `${name}-test`,
    SESSION_STORE_PATH: ':memory:',
    ...overrides,
  }
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value)
}

/**
 * The app's configuration and session store as a route handler sees them,
 * loaded after stubAppEnv(name, overrides): what a test of a flow needs to set
 * up sessions and look at the store. Modules of the flow under test are
 * imported the same way, after this.
 */
export async function loadApp(name: string, overrides: Readonly<Record<string, string>> = {}) {
  stubAppEnv(name, overrides)
  const [config, store, ref, sealed] = await Promise.all([
    import('../config'),
    import('../session/store'),
    import('../session/ref'),
    import('../session/sealed'),
  ])
  return {
    getConfig: config.getConfig,
    getSessionStore: store.getSessionStore,
    sessionRef: ref.sessionRef,
    sealSession: sealed.sealSession,
    openSession: sealed.openSession,
  }
}

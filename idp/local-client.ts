/**
 * The one client the local provider knows: this app. Shared by the provider,
 * `npm run dev` and the Playwright setup so they cannot drift apart.
 * These are development values for a provider that only listens on loopback.
 */
export const LOCAL_CLIENT_ID = 'nextjs-oidc-login'
export const LOCAL_CLIENT_SECRET = 'local-provider-secret-for-development-only'
export const DEFAULT_IDP_PORT = 4400
export const DEFAULT_APP_BASE_URL = 'http://localhost:3000'

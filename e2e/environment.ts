/** Where the test servers listen. Ports differ from `npm run dev`'s, so both can run at once. */
export const APP_PORT = 3100
export const IDP_PORT = 4500
export const APP_BASE_URL = `http://localhost:${APP_PORT}`
export const IDP_ISSUER = `http://127.0.0.1:${IDP_PORT}`
/** Only ever seals cookies in this test run. */
export const TEST_SESSION_SECRET = 'e2e-session-secret-0123456789-abcdefghij'

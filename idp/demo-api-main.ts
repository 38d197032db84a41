/**
 * Runs one demo API on its own: `node idp/demo-api-main.ts`.
 * DEMO_API_PORT, DEMO_API_NAME (e.g. orders), DEMO_API_ISSUER (the local
 * provider whose tokens it takes); DEMO_API_REQUIRE_NONCE=true asks DPoP
 * proofs for its own nonces, rotated every DEMO_API_NONCE_WINDOW_MS (default 2000).
 */
import { startDemoResourceServer } from './demo-resource-server.ts'

const api = await startDemoResourceServer({
  port: Number(process.env.DEMO_API_PORT ?? 4410),
  name: process.env.DEMO_API_NAME ?? 'orders',
  issuer: process.env.DEMO_API_ISSUER ?? 'http://127.0.0.1:4400',
  requireNonce: process.env.DEMO_API_REQUIRE_NONCE === 'true',
  ...(process.env.DEMO_API_NONCE_WINDOW_MS ? { nonceWindowMs: Number(process.env.DEMO_API_NONCE_WINDOW_MS) } : {}),
})
console.log(`Demo API ${process.env.DEMO_API_NAME ?? 'orders'}: ${api.url}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void api.close().then(() => process.exit(0))
  })
}

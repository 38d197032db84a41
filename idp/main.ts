/**
 * Runs the local provider on its own: `node idp/main.ts`.
 * LOCAL_IDP_PORT (default 4400) and APP_BASE_URL (default http://localhost:3000)
 * choose where it listens and which app it redirects back to;
 * LOCAL_IDP_ACCESS_TOKEN_TTL (seconds, default 300) how long access tokens live;
 * LOCAL_IDP_BIG_TOKENS=true makes it issue Oracle IDCS-sized tokens (~3 KB of groups in JWT ID and access tokens);
 * LOCAL_IDP_REQUIRE_PAR=true requires pushed authorization requests from every client;
 * LOCAL_IDP_PROVIDER_ID=<id> registers the app's routes for provider <id> of several (/auth/callback/<id>);
 * LOCAL_IDP_COUNT_REQUESTS=true counts requests by method and path, for tests, at GET /_requests;
 * LOCAL_IDP_RESOURCES="<url>=<scope> <scope>;<url>=<scope>" registers resource servers (JWT access tokens, token exchange);
 * LOCAL_IDP_DPOP=nonce requires a DPoP nonce on every proof, =off leaves DPoP out of discovery.
 */
import { readFileSync } from 'node:fs'
import type { ClientMetadata } from 'oidc-provider'
import { DEFAULT_APP_BASE_URL, DEFAULT_IDP_PORT, LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET } from './local-client.ts'
import { parseResourceServers } from './resources.ts'
import { startLocalIdp } from './server.ts'
import { DEMO_USERS } from './users.ts'

const port = Number(process.env.LOCAL_IDP_PORT ?? DEFAULT_IDP_PORT)
const appBaseUrl = process.env.APP_BASE_URL ?? DEFAULT_APP_BASE_URL

const accessTokenTtl = process.env.LOCAL_IDP_ACCESS_TOKEN_TTL
  ? Number(process.env.LOCAL_IDP_ACCESS_TOKEN_TTL)
  : undefined
const bigTokens = process.env.LOCAL_IDP_BIG_TOKENS === 'true'
/** JSON array of more clients' metadata (the tests register private_key_jwt, PAR and JAR clients so). */
/** LOCAL_IDP_TLS_KEY and LOCAL_IDP_TLS_CERT: PEM files to serve https with. */
const tls =
  process.env.LOCAL_IDP_TLS_KEY && process.env.LOCAL_IDP_TLS_CERT
    ? {
        key: readFileSync(process.env.LOCAL_IDP_TLS_KEY, 'utf8'),
        cert: readFileSync(process.env.LOCAL_IDP_TLS_CERT, 'utf8'),
      }
    : undefined
const extraClients = process.env.LOCAL_IDP_EXTRA_CLIENTS
  ? (JSON.parse(process.env.LOCAL_IDP_EXTRA_CLIENTS) as ClientMetadata[])
  : []

const idp = await startLocalIdp({
  port,
  appBaseUrl,
  clientId: LOCAL_CLIENT_ID,
  clientSecret: LOCAL_CLIENT_SECRET,
  ...(accessTokenTtl ? { accessTokenTtl } : {}),
  bigTokens,
  extraClients,
  ...(tls ? { tls } : {}),
  requirePar: process.env.LOCAL_IDP_REQUIRE_PAR === 'true',
  ...(process.env.LOCAL_IDP_PROVIDER_ID ? { providerId: process.env.LOCAL_IDP_PROVIDER_ID } : {}),
  countRequests: process.env.LOCAL_IDP_COUNT_REQUESTS === 'true',
  resourceServers: parseResourceServers(process.env.LOCAL_IDP_RESOURCES),
  ...(process.env.LOCAL_IDP_DPOP === 'nonce' || process.env.LOCAL_IDP_DPOP === 'off'
    ? { dpop: process.env.LOCAL_IDP_DPOP }
    : {}),
})
console.log(`Local identity provider: ${idp.issuer} (for ${appBaseUrl}${bigTokens ? ', big tokens' : ''})`)
console.log(`Demo API: ${idp.apiEndpoint}`)
console.log(`Demo users: ${DEMO_USERS.map((u) => `${u.username} / ${u.password}`).join(', ')}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void idp.close().then(() => process.exit(0))
  })
}

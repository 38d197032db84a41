/**
 * The embedded local OpenID provider: oidc-provider (OpenID Certified) with one
 * registered client (this app), the demo users, and login, consent and logout
 * pages a person can use. It listens on loopback only.
 *
 * This is a development and test fixture, not a production identity provider:
 * its signing key and cookie keys are generated at every start, and its state
 * lives in memory.
 */
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createLocalJWKSet } from 'jose'
import Provider from 'oidc-provider'
import { apiEndpoint, configuration, signingKey, type LocalIdpOptions } from './configuration.ts'
import { handleAvatar, handleDemoApi } from './demo-api.ts'
import { send } from './http.ts'
import { handleInteraction } from './interactions.ts'
import { registerTokenExchange } from './resources.ts'
import { errorPage } from './views.ts'

export { PASSWORD_ACR, type LocalIdpOptions } from './configuration.ts'

export interface LocalIdp {
  readonly issuer: string
  /** The protected demo API: GET with the access token as a Bearer token. */
  readonly apiEndpoint: string
  readonly close: () => Promise<void>
}

/** The provider's own icon (teal, where the app's is indigo), so its pages log no 404. */
const FAVICON = readFileSync(new URL('./favicon.ico', import.meta.url))

/** Starts the provider; resolves once it accepts connections. */
export async function startLocalIdp(options: LocalIdpOptions): Promise<LocalIdp> {
  const host = options.host ?? '127.0.0.1'
  // The issuer must be known before the port is; with port 0 we bind first, then build the provider.
  const server: Server = options.tls
    ? createTlsServer({ key: options.tls.key, cert: options.tls.cert })
    : createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const issuer = `${options.tls ? 'https' : 'http'}://${host}:${port}`
  const key = signingKey()
  const provider = new Provider(issuer, configuration(issuer, options, key))
  if (options.resourceServers?.length)
    registerTokenExchange(provider, options.resourceServers, options.accessTokenTtl ?? 300)
  // The demo API verifies JWT access tokens (big-token mode) with the provider's own public key.
  const apiKeys = createLocalJWKSet({
    keys: [{ kty: key.kty, n: key.n, e: key.e, kid: key.kid, alg: key.alg, use: key.use }],
  })
  const oidc = provider.callback()
  provider.on('backchannel.error', (_ctx, error, client) => {
    console.warn(
      `Back-channel logout to ${String(client.backchannelLogoutUri)} failed: ${error instanceof Error ? error.message : String(error)}`,
    )
  })

  const counted = new Map<string, number>()
  /** Why token requests were refused, in oidc-provider's own words (its answers say only "grant request is invalid"). */
  const grantErrors: string[] = []
  if (options.countRequests) {
    provider.on('grant.error', (_ctx, error: Error & { error_detail?: string }) => {
      grantErrors.push(error.error_detail ?? error.message)
      if (grantErrors.length > 100) grantErrors.shift()
    })
  }
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    options.onRequest?.(req)
    const url = new URL(req.url ?? '/', issuer)
    if (options.countRequests) {
      if (url.pathname === '/_requests')
        return send(res, 200, 'application/json', JSON.stringify(Object.fromEntries(counted)))
      if (url.pathname === '/_grant-errors') return send(res, 200, 'application/json', JSON.stringify(grantErrors))
      const key = `${req.method} ${url.pathname}`
      counted.set(key, (counted.get(key) ?? 0) + 1)
    }
    const path = url.pathname.split('/').filter(Boolean)
    if (path[0] === 'interaction') {
      handleInteraction(provider, req, res, path).catch((error: unknown) => {
        if (!res.headersSent)
          send(
            res,
            400,
            'text/html; charset=utf-8',
            errorPage({ error: error instanceof Error ? error.message : String(error) }),
          )
      })
      return
    }
    if (path[0] === 'avatars' && req.method === 'GET') return handleAvatar(res, url)
    if (url.pathname === '/favicon.ico' && req.method === 'GET') return send(res, 200, 'image/x-icon', FAVICON)
    if (url.pathname === '/demo-api/whoami' && req.method === 'GET') {
      handleDemoApi(provider, apiKeys, req, res).catch(() =>
        send(res, 500, 'application/json', '{"error":"server_error"}'),
      )
      return
    }
    void oidc(req, res)
  })

  return {
    issuer,
    apiEndpoint: apiEndpoint(issuer),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

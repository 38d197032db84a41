/**
 * A misbehaving OpenID provider: a real HTTP server that is correct by default
 * and can be told, per login (keyed by `state`), to get one thing wrong
 * (e2e/hostile/tenant.ts), through its /control endpoints (e2e/hostile/client.ts).
 *
 * Tenants, each with its own issuer and its own app instance under test:
 * - `main`:     per-login defects and faults;
 * - `mismatch`, `oracle`: discovery names another issuer (as Oracle IDCS does);
 * - `flaky`:    its own port, so its discovery can really be down, or fail, then recover.
 *               It starts down: its app must not have cached a discovery before the test;
 * - `google`, `cognito`, `entra`: those providers' shapes (no end-session endpoint,
 *   Cognito's /logout, Entra ID's issuer template).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Defect, DiscoveryMode, LoginQuirks, LogoutTokenDefect } from './defects.ts'
import { json, readBody } from './http.ts'
import { makeKey } from './id-tokens.ts'
import { Tenant, type HostileClient } from './tenant.ts'

export interface HostileOptions {
  readonly port: number
  readonly flakyPort: number
  readonly clients: Readonly<
    Record<
      'main' | 'mismatch' | 'flaky' | 'oracle' | 'google' | 'cognito' | 'entra' | 'restart' | 'multi' | 'downgrade',
      HostileClient
    >
  >
  /** The honest provider of the several-providers app, whose callback and issuer the `multi` tenant's mix-up defects borrow. */
  readonly multiMixUpTarget: { readonly callback: string; readonly issuer: string }
}

/** What the mismatch tenant's discovery calls itself: Oracle IDCS's shape. */
export const MISMATCHED_ISSUER = 'https://identity.oraclecloud.com/'

export interface HostileProvider {
  readonly close: () => Promise<void>
}

/** Starts the provider on loopback; resolves once both ports accept connections. */
export async function startHostileProvider(options: HostileOptions): Promise<HostileProvider> {
  const host = '127.0.0.1'
  const base = `http://${host}:${options.port}`
  const keys = {
    rsa1: await makeKey('rsa-1', 'RS256'),
    rsa2: await makeKey('rsa-2', 'RS256'),
    ec1: await makeKey('ec-1', 'ES256'),
  }
  const tenants = {
    main: new Tenant(`${base}/main`, options.clients.main, keys),
    mismatch: new Tenant(`${base}/mismatch`, options.clients.mismatch, keys, { announcedIssuer: MISMATCHED_ISSUER }),
    flaky: new Tenant(`http://${host}:${options.flakyPort}`, options.clients.flaky, keys),
    oracle: new Tenant(`${base}/oracle`, options.clients.oracle, keys, { announcedIssuer: MISMATCHED_ISSUER }),
    google: new Tenant(`${base}/google`, options.clients.google, keys, { endSession: false }),
    cognito: new Tenant(`${base}/cognito`, options.clients.cognito, keys, { endSession: false }),
    entra: new Tenant(`${base}/entra/common/v2.0`, options.clients.entra, keys, {
      announcedIssuer: `${base}/entra/{tenantid}/v2.0`,
      tenantTemplate: true,
    }),
    restart: new Tenant(`${base}/restart`, options.clients.restart, keys),
    multi: new Tenant(`${base}/multi`, options.clients.multi, keys, {
      providerId: 'evil',
      mixUpTarget: options.multiMixUpTarget,
    }),
    downgrade: new Tenant(`${base}/downgrade`, options.clients.downgrade, keys, { claimsDpop: true }),
  }
  const pathTenants = new Map<string, Tenant>(
    (['main', 'mismatch', 'oracle', 'google', 'cognito', 'entra', 'restart', 'multi', 'downgrade'] as const).map(
      (name) => [name, tenants[name]],
    ),
  )
  const hung = new Set<ServerResponse>()

  const onError = (res: ServerResponse) => (error: unknown) => {
    if (!res.headersSent) json(res, 500, { error: 'server_error', error_description: String(error) })
  }

  async function control(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
    const tenant = tenants[(parts[1] ?? '') as keyof typeof tenants]
    if (!tenant) return json(res, 404, { error: 'no such tenant' })
    const [, , what, key] = parts
    if (what === 'logins' && key && req.method === 'POST') {
      const { defect, sub } = JSON.parse(await readBody(req)) as { defect: Defect; sub?: string }
      Object.assign(tenant.login(key), { defect, ...(sub ? { sub } : {}) })
      return json(res, 200, { ok: true })
    }
    if (what === 'logins' && key) return json(res, 200, tenant.logins.get(key) ?? null)
    if (what === 'quirks' && key && req.method === 'POST') {
      tenant.quirks.set(key, JSON.parse(await readBody(req)) as LoginQuirks)
      return json(res, 200, { ok: true })
    }
    if (what === 'api-refuses' && key && req.method === 'POST') {
      tenant.refuseAtApi(key, (JSON.parse(await readBody(req)) as { all?: boolean }).all === true)
      return json(res, 200, { ok: true })
    }
    if (what === 'backchannel' && key && req.method === 'POST') {
      const { defect, again } = JSON.parse(await readBody(req)) as { defect: LogoutTokenDefect; again?: boolean }
      return json(res, 200, await tenant.backchannelLogout(key, defect, again === true))
    }
    if (what === 'counts') return json(res, 200, tenant.counts)
    if (what === 'issued') return json(res, 200, tenant.issued)
    if (what === 'cognito-logouts') return json(res, 200, tenant.cognitoLogouts)
    if (what === 'discovery' && req.method === 'POST') {
      const { mode } = JSON.parse(await readBody(req)) as { mode: DiscoveryMode }
      tenant.discoveryMode = mode
      await setFlakyListening(tenant === tenants.flaky ? mode !== 'down' : true)
      return json(res, 200, { ok: true })
    }
    json(res, 404, { error: 'unknown control' })
  }

  const main = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base)
    const parts = url.pathname.split('/').filter(Boolean)
    if (parts[0] === 'control') return void control(req, res, parts).catch(onError(res))
    const tenant = pathTenants.get(parts[0] ?? '')
    const issuerPath = tenant ? new URL(tenant.issuer).pathname : ''
    if (!tenant || !url.pathname.startsWith(issuerPath)) return json(res, 404, { error: 'not_found' })
    void tenant.handle(req, res, url.pathname.slice(issuerPath.length), url, hung).catch(onError(res))
  })
  const flaky = createServer((req, res) => {
    const url = new URL(req.url ?? '/', tenants.flaky.issuer)
    void tenants.flaky.handle(req, res, url.pathname, url, hung).catch(onError(res))
  })

  let flakyListening = false
  async function setFlakyListening(listening: boolean): Promise<void> {
    if (listening === flakyListening) return
    flakyListening = listening
    if (listening) await new Promise<void>((resolve) => flaky.listen(options.flakyPort, host, resolve))
    else {
      flaky.closeAllConnections()
      await new Promise((resolve) => flaky.close(resolve))
    }
  }

  await new Promise<void>((resolve) => main.listen(options.port, host, resolve))
  // The flaky tenant starts down, so its app cannot cache a discovery before the test that needs it.
  tenants.flaky.discoveryMode = 'down'

  return {
    close: async () => {
      for (const res of hung) res.socket?.destroy()
      main.closeAllConnections()
      await new Promise((resolve) => main.close(resolve))
      await setFlakyListening(false)
    },
  }
}

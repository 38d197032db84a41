/**
 * Calling APIs (APIS): what one call through the BFF proxy costs against
 * calling the API directly with the same token, with Bearer tokens and with
 * DPoP (a proof signed per call), and how big the session cookie gets holding
 * three APIs' tokens.
 *
 * A provider with three resource servers and three demo APIs run in this
 * process; two app servers, one with Bearer tokens and one with OIDC_DPOP=true,
 * each calling orders, reports and ledger with tokens of their own. Calls go
 * one at a time (latency, not throughput), the four kinds interleaved so drift
 * hits each alike.
 */
import { performance } from 'node:perf_hooks'
import { unsealData } from 'iron-session'
import * as oauth from 'oauth4webapi'
import { startDemoResourceServer, type DemoResourceServer } from '../../idp/demo-resource-server.ts'
import { LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET } from '../../idp/local-client.ts'
import { startLocalIdp } from '../../idp/server.ts'
import { inflateSync } from 'fflate'
import { appBaseUrl, startAppServer, type AppServer } from './app-server.ts'
import { onCleanup, once } from './cleanup.ts'
import type { CookieJar } from './cookie-jar.ts'
import { signIn } from './login.ts'
import { sessionSize, type SessionSize } from './session-size.ts'
import { ACCESS_TOKEN_TTL, BENCH_SESSION_SECRET, HOST } from './settings.ts'
import { percentile } from './stats.ts'

export const API_BENCH = {
  idpPort: 4705,
  apiPorts: [4706, 4707, 4708],
  bearerPort: 3305,
  dpopPort: 3306,
  warmup: 30,
  calls: 300,
} as const
const API_NAMES = ['orders', 'reports', 'ledger'] as const

/** Milliseconds, p50 and p99. */
export interface Latency {
  readonly p50: number
  readonly p99: number
}

export interface ApiCallCosts {
  readonly bearer: { readonly direct: Latency; readonly proxied: Latency }
  readonly dpop: { readonly direct: Latency; readonly proxied: Latency }
  /** GET /api/me on each app: a private API route that calls nothing, the floor of any proxied call. */
  readonly privateRoute: { readonly bearer: Latency; readonly dpop: Latency }
  /** The session cookie right after sign-in, and holding the three APIs' tokens. */
  readonly cookie: {
    readonly signedIn: SessionSize
    readonly threeApis: SessionSize
    readonly dpopThreeApis: SessionSize
  }
}

function latency(samples: readonly number[]): Latency {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) }
}

/** The app's environment for the three APIs. */
function apisEnv(apis: readonly DemoResourceServer[]): Record<string, string> {
  const env: Record<string, string> = { APIS: API_NAMES.join(',') }
  API_NAMES.forEach((name, i) => {
    env[`API_${name.toUpperCase()}_URL`] = `${apis[i]!.url}/v1`
    env[`API_${name.toUpperCase()}_SCOPE`] = `${name}:read`
  })
  return env
}

/** What the session cookie holds for `api`: its token, and the session's DPoP key. Read as the app reads it. */
async function heldFor(jar: CookieJar, baseUrl: string, api: string): Promise<{ token: string; key?: JsonWebKey }> {
  const header = jar.header(new URL('/profile', baseUrl)) ?? ''
  const sealed = header
    .split('; ')
    .filter((pair) => /^session(\.\d+)?=/.test(pair))
    .map((pair) => pair.slice(pair.indexOf('=') + 1))
    .join('')
  const { z } = await unsealData<{ z: string }>(sealed, { password: BENCH_SESSION_SECRET })
  // The compact form (lib/session/codec.ts): raw DEFLATE of JSON, a JWT kept as its header and payload text and signature.
  const session = JSON.parse(Buffer.from(inflateSync(Buffer.from(z, 'base64url'))).toString()) as {
    apiTokens?: Record<string, [string, string | [string, string, string]]>
    dpopKey?: JsonWebKey
  }
  const packed = session.apiTokens?.[api]?.[1]
  if (!packed) throw new Error(`The session holds no token for ${api}.`)
  const token =
    typeof packed === 'string'
      ? packed
      : `${Buffer.from(packed[0]).toString('base64url')}.${Buffer.from(packed[1]).toString('base64url')}.${packed[2]}`
  return { token, ...(session.dpopKey ? { key: session.dpopKey } : {}) }
}

async function timed(run: () => Promise<Response>): Promise<number> {
  const started = performance.now()
  const response = await run()
  await response.arrayBuffer()
  if (response.status !== 200) throw new Error(`An API call answered ${response.status}.`)
  return performance.now() - started
}

/** A direct call as a resource client of our own would make it: the token, and with DPoP a fresh proof by the session's key. */
async function directCaller(url: URL, token: string, key: JsonWebKey | undefined): Promise<() => Promise<Response>> {
  if (!key) return () => fetch(url, { headers: { authorization: `Bearer ${token}` } })
  const ec = { name: 'ECDSA', namedCurve: 'P-256' } as const
  const privateKey = await crypto.subtle.importKey('jwk', key, ec, false, ['sign'])
  const publicKey = await crypto.subtle.importKey('jwk', { kty: key.kty, crv: key.crv, x: key.x, y: key.y }, ec, true, [
    'verify',
  ])
  const DPoP = oauth.DPoP({}, { privateKey, publicKey })
  return () =>
    oauth.protectedResourceRequest(token, 'GET', url, undefined, null, { DPoP, [oauth.allowInsecureRequests]: true })
}

/** Signs in, calls each API once (minting its token), and measures a few hundred calls of orders. */
async function measureApp(app: AppServer, orders: DemoResourceServer) {
  const { jar } = await signIn(app.baseUrl)
  const signedIn = sessionSize(jar, app.baseUrl)
  for (const api of API_NAMES) {
    const url = new URL(`/api/call-api?api=${api}`, app.baseUrl)
    const response = await fetch(url, { headers: { cookie: jar.header(url) ?? '' } })
    jar.store(url, response)
    const body = (await response.json()) as { status?: number }
    if (response.status !== 200 || body.status !== 200)
      throw new Error(`Calling ${api} through ${app.name} answered ${response.status}/${body.status}.`)
  }
  const threeApis = sessionSize(jar, app.baseUrl)
  const held = await heldFor(jar, app.baseUrl, 'orders')
  const proxyUrl = new URL('/api/proxy/orders/item', app.baseUrl)
  const cookie = jar.header(proxyUrl) ?? ''
  const proxied = () => fetch(proxyUrl, { headers: { cookie, 'x-csrf': '1' } })
  // A private API route that calls nothing: what any request of the session costs the app, for comparison.
  const me = () => fetch(new URL('/api/me', app.baseUrl), { headers: { cookie } })
  const direct = await directCaller(new URL(`${orders.url}/v1/item`), held.token, held.key)
  return { signedIn, threeApis, proxied, direct, me }
}

export async function apiCallCosts(progress: (message: string) => void): Promise<ApiCallCosts> {
  const bearerBase = appBaseUrl(API_BENCH.bearerPort)
  const dpopBase = appBaseUrl(API_BENCH.dpopPort)
  const apis = await Promise.all(
    API_BENCH.apiPorts.map((port, i) =>
      startDemoResourceServer({ port, name: API_NAMES[i]!, issuer: `http://${HOST}:${API_BENCH.idpPort}` }),
    ),
  )
  const closeApis = once(async () => void (await Promise.all(apis.map((api) => api.close()))))
  onCleanup('demo APIs', closeApis)
  const idp = await startLocalIdp({
    port: API_BENCH.idpPort,
    host: HOST,
    appBaseUrl: bearerBase,
    clientId: LOCAL_CLIENT_ID,
    clientSecret: LOCAL_CLIENT_SECRET,
    accessTokenTtl: ACCESS_TOKEN_TTL,
    resourceServers: apis.map((api, i) => ({ resource: api.url, scope: `${API_NAMES[i]}:read` })),
    extraClients: [
      {
        client_id: 'bench-dpop',
        client_secret: 'bench-dpop-client-secret-0123456789abcdef',
        redirect_uris: [`${dpopBase}/auth/callback`],
        post_logout_redirect_uris: [`${dpopBase}/`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
  })
  const closeIdp = once(() => idp.close())
  onCleanup('API provider', closeIdp)
  const stops: Array<() => Promise<void>> = []
  const start = (name: string, port: number, env: Record<string, string>) =>
    startAppServer({ name, port, issuer: idp.issuer, apiEndpoint: idp.apiEndpoint, env }, (stop) => {
      const stopOnce = once(stop)
      stops.push(stopOnce)
      onCleanup(`${name} app server`, stopOnce)
    })
  try {
    const [bearerApp, dpopApp] = await Promise.all([
      start('apis-bearer', API_BENCH.bearerPort, apisEnv(apis)),
      start('apis-dpop', API_BENCH.dpopPort, {
        ...apisEnv(apis),
        OIDC_DPOP: 'true',
        OIDC_CLIENT_ID: 'bench-dpop',
        OIDC_CLIENT_SECRET: 'bench-dpop-client-secret-0123456789abcdef',
      }),
    ])
    const bearer = await measureApp(bearerApp, apis[0]!)
    const dpop = await measureApp(dpopApp, apis[0]!)
    progress(`API calls: ${API_BENCH.calls} of each kind, one at a time…`)
    const kinds = [bearer.direct, bearer.proxied, dpop.direct, dpop.proxied, bearer.me, dpop.me]
    const samples: number[][] = kinds.map(() => [])
    for (let i = 0; i < API_BENCH.warmup + API_BENCH.calls; i++) {
      for (const [k, call] of kinds.entries()) {
        const ms = await timed(call)
        if (i >= API_BENCH.warmup) samples[k]!.push(ms)
      }
    }
    return {
      bearer: { direct: latency(samples[0]!), proxied: latency(samples[1]!) },
      dpop: { direct: latency(samples[2]!), proxied: latency(samples[3]!) },
      privateRoute: { bearer: latency(samples[4]!), dpop: latency(samples[5]!) },
      cookie: { signedIn: bearer.signedIn, threeApis: bearer.threeApis, dpopThreeApis: dpop.threeApis },
    }
  } finally {
    await Promise.all(stops.map((stop) => stop()))
    await closeIdp()
    await closeApis()
  }
}

const ms = (value: number) => value.toFixed(2)

/** The report's section. */
export function apiCallSection(costs: ApiCallCosts): string {
  const row = (what: string, l: Latency) => `| ${what} | ${ms(l.p50)} | ${ms(l.p99)} |`
  const { bearer, dpop, cookie } = costs
  return [
    '## Calling APIs',
    '',
    `${API_BENCH.calls} GETs of each kind, one at a time, interleaved, after ${API_BENCH.warmup} of warm-up; the API answers a small JSON body. ` +
      '"direct": this benchmark calls the demo API itself with the token the session holds (and, with DPoP, a proof it signs with the session\'s key); ' +
      '"proxied": the browser\'s way, through /api/proxy/orders/… (session check, token from the cookie, a proof signed by the app).',
    '',
    '| call | p50 ms | p99 ms |',
    '| --- | --- | --- |',
    row('Bearer, direct', bearer.direct),
    row('Bearer, proxied', bearer.proxied),
    row('DPoP, direct', dpop.direct),
    row('DPoP, proxied', dpop.proxied),
    row('/api/me, Bearer app (a private route calling nothing)', costs.privateRoute.bearer),
    row('/api/me, DPoP app', costs.privateRoute.dpop),
    '',
    `The proxy adds ${ms(bearer.proxied.p50 - bearer.direct.p50)} ms at p50 (${ms(bearer.proxied.p99 - bearer.direct.p99)} at p99) to a direct call ` +
      `with Bearer tokens, of which a private route's own cost is ${ms(costs.privateRoute.bearer.p50)}; ` +
      `DPoP adds ${ms(dpop.proxied.p50 - bearer.proxied.p50)} ms at p50 to a proxied call (the app's proof and the API's check of it; ` +
      `${ms(dpop.direct.p50 - bearer.direct.p50)} ms on a direct call).`,
    '',
    `Session cookie: ${cookie.signedIn.sessionBytes} bytes after sign-in; holding three APIs' tokens, ${cookie.threeApis.sessionBytes} bytes in ` +
      `${cookie.threeApis.count} cookie(s) (${cookie.dpopThreeApis.sessionBytes} bytes with DPoP, its key included); whole Cookie header ` +
      `${cookie.threeApis.headerBytes} bytes.`,
  ].join('\n')
}

/** What calling APIs is held to. */
export function apiCallBudgets(costs: ApiCallCosts): Array<{ budget: string; measured: string; pass: boolean }> {
  const { bearer, dpop, cookie, privateRoute } = costs
  // The proxy's own work: what a proxied call costs beyond a private route that calls nothing and the API call itself
  // (with DPoP, the app's proof is part of it: the direct call's proof is the benchmark's).
  const own = (kind: typeof bearer, route: Latency) => kind.proxied.p50 - route.p50 - kind.direct.p50
  const ownBearer = own(bearer, privateRoute.bearer)
  const ownDpop = own(dpop, privateRoute.dpop)
  const beyond = (kind: typeof bearer, route: Latency, value: number) =>
    `${ms(value)} ms beyond (${ms(kind.proxied.p50)} against ${ms(route.p50)} + ${ms(kind.direct.p50)})`
  return [
    {
      budget: 'proxied API call, Bearer, p50: ≤ a private route + the direct call + 1.5 ms',
      measured: beyond(bearer, privateRoute.bearer, ownBearer),
      pass: ownBearer <= 1.5,
    },
    {
      budget: 'proxied API call, DPoP (the app signs a proof), p50: ≤ a private route + the direct call + 2.5 ms',
      measured: beyond(dpop, privateRoute.dpop, ownDpop),
      pass: ownDpop <= 2.5,
    },
    {
      budget: "three APIs' tokens (DPoP): whole Cookie header < 8192 bytes",
      measured: `${cookie.dpopThreeApis.headerBytes}`,
      pass: cookie.dpopThreeApis.headerBytes < 8192,
    },
  ]
}

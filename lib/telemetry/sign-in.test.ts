/**
 * The spans and counters of one sign-in, read with the SDK's in-memory
 * exporters. Real parts: the local oidc-provider on loopback, the app's own
 * login and callback handlers (lib/auth/login.ts) behind a small HTTP server,
 * and the benchmark's browser-less sign-in driving both over HTTP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace'
import { NextRequest, type NextResponse } from 'next/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET } from '../../idp/local-client.ts'
import { startLocalIdp, type LocalIdp } from '../../idp/server.ts'
import { signIn } from '../../scripts/bench/login.ts'
import { startTelemetry } from './setup'

const spans = new InMemorySpanExporter()
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
const metricReader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })
const telemetry = startTelemetry({
  spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  metricReaders: [metricReader],
})

let app: Server
let idp: LocalIdp
let base: string

/** Node's request as the NextRequest a route handler gets, and its NextResponse written back. */
function serve(handle: (request: NextRequest) => Promise<NextResponse | Response>) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value)
    const response = await handle(new NextRequest(new URL(req.url ?? '/', base), { method: req.method, headers }))
    const cookies = response.headers.getSetCookie()
    response.headers.forEach((value, name) => name !== 'set-cookie' && res.setHeader(name, value))
    if (cookies.length > 0) res.setHeader('set-cookie', cookies)
    res.writeHead(response.status)
    res.end(Buffer.from(await response.arrayBuffer()))
  }
}

beforeAll(async () => {
  app = createServer()
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`
  idp = await startLocalIdp({ port: 0, appBaseUrl: base, clientId: LOCAL_CLIENT_ID, clientSecret: LOCAL_CLIENT_SECRET })
  Object.assign(process.env, {
    APP_BASE_URL: base,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: LOCAL_CLIENT_ID,
    OIDC_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
    SESSION_SECRET: 'telemetry-test-secret-0123456789-abcdefghijklmn',
    SESSION_STORE_PATH: ':memory:',
    REDIS_URL: '',
  })
  const [{ startLogin, finishLogin }, { getConfig }] = await Promise.all([import('../auth/login'), import('../config')])
  const oidc = getConfig().providers.list[0]
  const routes: Record<string, (request: NextRequest) => Promise<NextResponse | Response>> = {
    '/auth/login': (request) => startLogin(request, oidc),
    '/auth/callback': (request) => finishLogin(request, oidc),
    '/profile': async () => new Response('the private page'),
  }
  app.on('request', (req, res) => {
    const route = routes[new URL(req.url ?? '/', base).pathname]
    if (route) void serve(route)(req, res)
    else res.writeHead(404).end()
  })
}, 30_000)

afterAll(async () => {
  await telemetry.shutdown()
  await idp.close()
  await new Promise((resolve) => app.close(resolve))
})

const attributesOf = (span: ReadableSpan) => span.attributes

describe('OpenTelemetry, one sign-in', () => {
  it('has a span for each provider call and each store call, naming the provider and the outcome, and counts the sign-in', async () => {
    await signIn(base)
    const finished = spans.getFinishedSpans()
    const names = finished.map((span) => span.name)
    for (const name of ['oidc.discovery', 'oidc.token', 'oidc.jwks', 'oidc.userinfo']) {
      const span = finished.find((s) => s.name === name)
      expect(span, `${name} among ${names.join(', ')}`).toBeDefined()
      expect(attributesOf(span!)).toMatchObject({
        'oidc.provider': 'default',
        outcome: 'ok',
        'server.address': '127.0.0.1',
      })
    }
    expect(finished.find((s) => s.name === 'oidc.token')!.attributes['http.request.method']).toBe('POST')
    expect(finished.find((s) => s.name === 'session_store.begin')?.attributes).toMatchObject({
      'session_store.kind': 'memory',
      outcome: 'ok',
    })

    // Nothing secret in any attribute: no token (a JWT, or the refresh token's words), no code, no client secret, no query.
    for (const span of finished) {
      for (const [key, value] of Object.entries(span.attributes)) {
        const text = String(value)
        expect(text, `${span.name} ${key}`).not.toMatch(/eyJ[\w-]+\.|code=|state=|\?/)
        expect(text, `${span.name} ${key}`).not.toContain(LOCAL_CLIENT_SECRET)
        expect(text.length, `${span.name} ${key}`).toBeLessThan(200)
      }
    }

    await metricReader.forceFlush()
    const points = metricExporter
      .getMetrics()
      .flatMap((batch) => batch.scopeMetrics)
      .flatMap((scope) => scope.metrics)
      .filter((metric) => metric.descriptor.name === 'oidc.sign_ins')
      .flatMap((metric) => metric.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value })))
    expect(points.at(-1)).toMatchObject({ attributes: { provider: 'default' }, value: 1 })
  })
})

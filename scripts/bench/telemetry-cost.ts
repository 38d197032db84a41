/**
 * What OpenTelemetry costs the private page when it is on: the same build served
 * twice side by side, once without OTEL_EXPORTER_OTLP_ENDPOINT and once with it
 * (every span and counter exported over OTLP/HTTP to a sink on loopback that
 * accepts and drops them), in alternating rounds, fresh pairs per run, as
 * ./store-compare.ts compares the stores.
 */
import { createServer } from 'node:http'
import { loadRound } from './load.ts'
import { signIn } from './login.ts'
import { startPair, type Pair } from './pair.ts'
import { sessionSize } from './session-size.ts'
import { HOST, TELEMETRY_COMPARE } from './settings.ts'
import { median } from './stats.ts'

export interface TelemetryCost {
  /** Median of the per-round ratios: /profile req/s with OpenTelemetry on over off. */
  readonly ratio: number
  readonly offRps: number
  readonly onRps: number
  /** OTLP requests the sink received: the spans did go out. */
  readonly exports: number
}

async function prepare(pair: Pair): Promise<string> {
  const cookie = sessionSize((await signIn(pair.app.baseUrl)).jar, pair.app.baseUrl).cookieHeader
  await loadRound('private', pair.app.baseUrl, '/profile', cookie, TELEMETRY_COMPARE.warmupSeconds)
  return cookie
}

export async function telemetryCost(onRound: (round: { off: number; on: number }) => void): Promise<TelemetryCost> {
  let exports = 0
  const sink = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      exports++
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => sink.listen(TELEMETRY_COMPARE.sinkPort, HOST, resolve))
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://${HOST}:${TELEMETRY_COMPARE.sinkPort}`,
    OTEL_METRIC_EXPORT_INTERVAL: '5000',
  }
  const rounds: { off: number; on: number }[] = []
  try {
    for (let run = 0; run < TELEMETRY_COMPARE.runs; run++) {
      const off = await startPair('inProcess')
      const on = await startPair('telemetry', undefined, undefined, undefined, env)
      try {
        const cookies = { off: await prepare(off), on: await prepare(on) }
        for (let i = 0; i < TELEMETRY_COMPARE.rounds; i++) {
          const order = (run + i) % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)
          const rps = { off: 0, on: 0 }
          for (const which of order) {
            const pair = which === 'on' ? on : off
            rps[which] = (
              await loadRound('private', pair.app.baseUrl, '/profile', cookies[which], TELEMETRY_COMPARE.roundSeconds)
            ).rps
          }
          rounds.push(rps)
          onRound(rps)
        }
      } finally {
        await on.stop()
        await off.stop()
      }
    }
  } finally {
    await new Promise((resolve) => sink.close(resolve))
  }
  return {
    ratio: median(rounds.map((r) => r.on / r.off)),
    offRps: median(rounds.map((r) => r.off)),
    onRps: median(rounds.map((r) => r.on)),
    exports,
  }
}

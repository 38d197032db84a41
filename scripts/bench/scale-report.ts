/**
 * The report's sections and budgets for a million sessions (./scale.ts) and for
 * OpenTelemetry's cost (./telemetry-cost.ts).
 */
import type { ScaleResult } from './scale.ts'
import { SCALE, TELEMETRY_COMPARE } from './settings.ts'
import type { TelemetryCost } from './telemetry-cost.ts'

type Budget = { budget: string; measured: string; pass: boolean }

/** The private page at a large store, against at 1,000 sessions: flat. */
export const SCALE_FLAT_BUDGET = 0.95
/** The private page with OpenTelemetry exporting every span, against it off. */
export const TELEMETRY_BUDGET = 0.8

const int = (n: number) => Math.round(n).toLocaleString('en-US')

export function scaleSection(s: ScaleResult): string {
  const rows = s.points.map(
    (p) =>
      `| ${int(p.sessions)} | ${int(p.rps)} | ${p.ratio.toFixed(2)} | ${p.relative.toFixed(2)} | ${int(p.bytesPerSession)} | ${int(p.parts.record)} / ${int(p.parts.userIndex)} / ${int(p.parts.providerIndex)} | ` +
      `${p.signOutEverywhereMs.toFixed(1)} | ${p.backchannelSidMs.toFixed(2)} | ${p.backchannelSubMs.toFixed(2)} |`,
  )
  return [
    '## A million sessions',
    '',
    `The Redis store filled through the app's own store code, under the app's keys, to each size in turn (a tenth of the users with ten sessions, ` +
      `the rest with one; ${s.fillSeconds.toFixed(0)} s of writing in all, ${SCALE.parallel} sign-ins at a time). At each size: \`/profile\` for a real sign-in ` +
      `against its bare twin (\`/bench/bare.html\`: no middleware, no store) in alternating rounds (medians of ${SCALE.rounds} of ${SCALE.roundSeconds} s each, ` +
      `once Redis has no background save running), so that the machine's own drift between sizes cancels out; Redis's \`used_memory\` per session and what it is made of (sampled \`MEMORY USAGE\`: ` +
      `the session's record / its share of its user's index / its provider session's index), "sign out everywhere" for a user with 1,000 sessions ` +
      `(median of 3), and back-channel logout by sid (one provider session) and by sub (a user with ten; medians of ${SCALE.operations}).`,
    '',
    '| sessions | /profile req/s | /profile / bare twin | against 1,000 | Redis bytes/session | record / user index / provider index | everywhere (1,000) ms | by sid ms | by sub ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `The embedded store (SQLite) at ${int(s.embedded.sessions)} sessions: **${int(s.embedded.fileBytesPerSession)} bytes per session** on disk ` +
      `(its file and write-ahead log), ${int(s.embedded.heapBytesPerSession)} bytes per session of JavaScript heap.`,
  ].join('\n')
}

export function scaleBudgets(s: ScaleResult): Budget[] {
  return s.points.slice(1).map((p) => ({
    budget: `private page at ${int(p.sessions)} sessions ≥ ${SCALE_FLAT_BUDGET.toFixed(2)} of its req/s at ${int(s.points[0]!.sessions)} (each against its bare twin)`,
    measured: p.relative.toFixed(2),
    pass: p.relative >= SCALE_FLAT_BUDGET,
  }))
}

export function telemetrySection(t: TelemetryCost): string {
  return [
    '## OpenTelemetry',
    '',
    `\`/profile\` on two fresh servers of the same build side by side, one with OTEL_EXPORTER_OTLP_ENDPOINT set (every span, Next's and the app's, ` +
      `exported over OTLP/HTTP to a sink on loopback: ${int(t.exports)} exports received) and one without; ${TELEMETRY_COMPARE.rounds} alternating ` +
      `${TELEMETRY_COMPARE.roundSeconds} s rounds per run, ${TELEMETRY_COMPARE.runs} runs. Off: ${int(t.offRps)} req/s; on: ${int(t.onRps)} req/s: ` +
      `**${t.ratio.toFixed(2)}** (budget ≥ ${TELEMETRY_BUDGET.toFixed(2)}).`,
  ].join('\n')
}

export function telemetryBudgets(t: TelemetryCost): Budget[] {
  return [
    {
      budget: `private page with OpenTelemetry on ≥ ${TELEMETRY_BUDGET.toFixed(2)} of its req/s with it off`,
      measured: t.ratio.toFixed(2),
      pass: t.ratio >= TELEMETRY_BUDGET,
    },
    {
      budget: 'OpenTelemetry on: spans and counters reach the collector',
      measured: `${int(t.exports)} exports`,
      pass: t.exports > 0,
    },
  ]
}

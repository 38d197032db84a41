/**
 * The benchmark's findings as one Markdown report: what was measured, how,
 * and the budgets each number is held to.
 */
import { apiCallBudgets, apiCallSection, type ApiCallCosts } from './api-calls.ts'
import type { ColdStart } from './cold-start.ts'
import type { ScaleResult } from './scale.ts'
import { scaleBudgets, scaleSection, telemetryBudgets, telemetrySection } from './scale-report.ts'
import type { TelemetryCost } from './telemetry-cost.ts'
import type { Target } from './load.ts'
import { FORGED_COOKIE_BUDGET, type ForgedCookieCost } from './forged-cookies.ts'
import type { Reach } from './middleware-reach.ts'
import type { LoginRun } from './logins.ts'
import type { MemoryProfile } from './memory.ts'
import type { MiddlewareSize } from './middleware-size.ts'
import { ENDPOINTS, type EndpointCounts } from './provider.ts'
import type { SessionSize } from './session-size.ts'
import type { StoreComparison } from './store-compare.ts'
import type { StoreMemory } from './store-memory.ts'
import type { Runtime, RuntimeComparison } from './runtimes.ts'
import { FORGED, LOAD, LOGIN_COUNT, MEMORY, RUNTIME_COMPARE, START_POLL_MS, STORE_COMPARE } from './settings.ts'
import { median, percentile } from './stats.ts'
import type { Cycle } from './throughput.ts'

export interface ServerStart {
  readonly name: string
  readonly ms: number
  readonly status: number
}

export interface Results {
  readonly date: Date
  readonly machine: {
    readonly cpus: number
    readonly cpuModel: string
    readonly memoryGb: number
    readonly platform: string
    readonly node: string
    readonly next: string
  }
  /** 1-minute load averages before and after the run: other work on the machine skews every number. */
  readonly load: { readonly before: number; readonly after: number }
  readonly runSeconds: number
  /** The runtime this build's middleware runs on (middleware.ts). */
  readonly runtime: Runtime
  /** Calling APIs (APIS): the proxy and DPoP per call, the cookie with three APIs' tokens. */
  readonly apiCalls: ApiCallCosts
  readonly middleware: MiddlewareSize
  /** Where middleware ran, probed from outside (scripts/bench/middleware-reach.ts). */
  readonly reach: readonly Reach[]
  readonly starts: readonly ServerStart[]
  /** Spawn to first 200, the app against a bare Next.js app, in turn. */
  readonly coldStart: ColdStart
  /** The Redis store at 1,000, 100,000 and 1,000,000 sessions; the embedded one at 100,000. */
  readonly scale: ScaleResult
  /** The private page with OpenTelemetry on against off. */
  readonly telemetry: TelemetryCost
  readonly logins: LoginRun
  readonly big: { readonly startup: EndpointCounts; readonly firstLogin: EndpointCounts; readonly loginMs: number }
  readonly otherPaths: readonly string[]
  readonly sessions: { readonly normal: SessionSize; readonly big: SessionSize }
  readonly cycles: readonly Cycle[]
  /** A login start with a pile of forged transaction cookies against a normal one. */
  readonly forged: ForgedCookieCost
  /** The session stores: the private page with Redis against the in-process store; Redis's memory per session. */
  readonly store: { readonly comparison: StoreComparison; readonly memory: StoreMemory }
  /** The server's resident memory around a heavy load. */
  readonly memory: MemoryProfile
  /** Both middleware runtimes side by side (BENCH_COMPARE_RUNTIMES=1 only). */
  readonly runtimes: RuntimeComparison | undefined
}

/** What the budgets hold the private page to, against its bare twin (no middleware, no session check). */
export const PRIVATE_BARE_BUDGET = 0.7
/** The public page for a visitor without a session, against the same page where nothing else reaches (both built ahead). */
export const PUBLIC_BARE_BUDGET = 0.9
/** A cold process's first answer, against a bare Next.js app's. */
export const COLD_START_BUDGET = 1.15

interface Budget {
  readonly budget: string
  readonly measured: string
  readonly pass: boolean
}

const TARGETS: ReadonlyArray<{ target: Target; label: string; path: string; cookie: string }> = [
  { target: 'private', label: 'private page', path: '/profile', cookie: 'session' },
  { target: 'bare', label: 'bare twin: no middleware, no session check', path: '/bench/bare.html', cookie: 'session' },
  {
    target: 'twin',
    label: 'twin: middleware for the nonce, no session check',
    path: '/bench/profile',
    cookie: 'session',
  },
  { target: 'public', label: 'public page', path: '/', cookie: 'none' },
  {
    target: 'publicBare',
    label: 'bare public page (where nothing else reaches)',
    path: '/bench/home.html',
    cookie: 'none',
  },
  { target: 'publicSignedIn', label: 'public page, signed in (nonce-only middleware)', path: '/', cookie: 'session' },
  { target: 'api', label: 'JSON API', path: '/api/me', cookie: 'session' },
]

const int = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => n.toFixed(1)
const ratio = (n: number) => n.toFixed(2)

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** Median of one measure of one target over all cycles. */
function medianOf(cycles: readonly Cycle[], target: Target, measure: 'rps' | 'p50' | 'p99'): number {
  return median(cycles.map((c) => c.rounds[target][measure]))
}

function ratios(cycles: readonly Cycle[]) {
  const bare = cycles.map((c) => c.bareRatio)
  return {
    bare: median(bare),
    bareMin: Math.min(...bare),
    bareMax: Math.max(...bare),
    twin: median(cycles.map((c) => c.ratio)),
    public: median(cycles.map((c) => c.publicRatio)),
  }
}

const RUNTIME_NAMES: Record<Runtime, string> = { nodejs: 'Node.js', edge: 'Edge' }

/** "always N" when every login asked the same; otherwise the range and the mean. */
function describeCounts(perLogin: readonly EndpointCounts[], endpoint: (typeof ENDPOINTS)[number]): string {
  const values = perLogin.map((c) => c[endpoint])
  const min = Math.min(...values)
  const max = Math.max(...values)
  if (min === max) return `always ${min}`
  return `${min}–${max} (mean ${(values.reduce((a, b) => a + b, 0) / values.length).toFixed(2)})`
}

function countsRow(phase: string, counts: EndpointCounts): string[] {
  return [phase, ...ENDPOINTS.map((e) => String(counts[e]))]
}

function header(r: Results): string {
  const m = r.machine
  return [
    '# Benchmark: the production build',
    '',
    `- Date: ${r.date.toISOString()}`,
    `- Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb.toFixed(1)} GB RAM, ${m.platform}`,
    `- Node ${m.node}, Next.js ${m.next}; everything on 127.0.0.1`,
    `- Run time: ${r.runSeconds.toFixed(0)} s`,
    `- Load average (1 min) before / after: ${r.load.before.toFixed(2)} / ${r.load.after.toFixed(2)}` +
      (r.load.before > r.machine.cpus / 4 ? ' (something else was running: expect noisy numbers)' : ''),
  ].join('\n')
}

/** The honest figure first: the private page against a page with no middleware and no session check at all. */
function forgedSection(f: ForgedCookieCost): string {
  return [
    '## A login start under a pile of forged transaction cookies',
    '',
    `GET /auth/login carrying ${FORGED.cookies} cookies named like login transactions (${int(f.cookieBytes)} bytes of Cookie header, a crafted request: ` +
      `no browser holds more than three of ours) took **${ms(f.forgedMs)} ms** against **${ms(f.normalMs)} ms** for a normal one ` +
      `(medians of ${FORGED.requests} each, one request at a time, alternating): **${f.ratio.toFixed(2)}×** (budget ≤ ${FORGED_COOKIE_BUDGET}×). ` +
      'None of the forged seals is opened, and each response deletes at most six of them.',
  ].join('\n')
}

function headlineSection(r: Results): string {
  const x = ratios(r.cycles)
  return [
    '## The private page, in all',
    '',
    `\`/profile\` serves **${ratio(x.bare)}** of the requests/s of its bare twin (median of ${r.cycles.length} per-cycle ratios; ` +
      `cycles from ${ratio(x.bareMin)} to ${ratio(x.bareMax)}; budget ≥ ${ratio(PRIVATE_BARE_BUDGET)}), with middleware on the ` +
      `**${RUNTIME_NAMES[r.runtime]}** runtime: ${int(medianOf(r.cycles, 'private', 'rps'))} against ${int(medianOf(r.cycles, 'bare', 'rps'))} req/s. ` +
      'The bare twin (`/bench/bare.html`) renders the same profile from the same cookie, at an asset-like path no middleware runs on, ' +
      'with no session check: the difference is everything a private page pays for being private (the middleware hop, ' +
      'the guard opening the cookie, the page asking the session store).',
  ].join('\n')
}

function throughputSection(r: Results): string {
  const rows = TARGETS.map(({ target, label, path, cookie }) => [
    label,
    `\`${path}\``,
    cookie,
    int(medianOf(r.cycles, target, 'rps')),
    ms(medianOf(r.cycles, target, 'p50')),
    ms(medianOf(r.cycles, target, 'p99')),
  ])
  const x = ratios(r.cycles)
  const perRound = r.cycles.map((c, i) => [
    String(i + 1),
    c.order.join(', '),
    int(c.rounds.private.rps),
    int(c.rounds.bare.rps),
    ratio(c.bareRatio),
    int(c.rounds.twin.rps),
    ratio(c.ratio),
    int(c.rounds.public.rps),
    int(c.rounds.publicBare.rps),
    ratio(c.publicRatio),
    int(c.rounds.publicSignedIn.rps),
    int(c.rounds.api.rps),
  ])
  return [
    '## Throughput',
    '',
    `autocannon, ${LOAD.connections} connections, GET, every response checked for 200. ` +
      `A ${LOAD.warmupSeconds} s warm-up cycle, then ${r.cycles.length} cycles of one ${LOAD.roundSeconds} s round per page; medians over the cycles.`,
    '',
    table(['page', 'path', 'cookie', 'req/s', 'p50 ms', 'p99 ms'], rows),
    '',
    `Private/bare twin: **${ratio(x.bare)}** (above). Private/twin: ${ratio(x.twin)}: the twin passes through middleware for its CSP ` +
      'nonce like any page a signed-in user sees, but middleware opens no cookie for it and the page asks no store, so this is what the ' +
      'session check costs; the rest of the gap to the bare twin is the middleware hop itself. ' +
      `Public/bare public: ${ratio(x.public)}: the home page without a session runs no middleware, so it should cost what the same page costs where nothing else reaches.`,
    '',
    table(
      [
        'cycle',
        'order',
        'private req/s',
        'bare req/s',
        'private/bare',
        'twin req/s',
        'private/twin',
        'public req/s',
        'bare public req/s',
        'public/bare',
        'public signed-in req/s',
        'api req/s',
      ],
      perRound,
    ),
    '',
    "Each cycle signs in afresh, so the idle clock in the cookie stays under the middleware's one-minute rewrite interval " +
      '(checked after each cycle: no Set-Cookie on `/profile`); a browser would store the rewritten cookie once a minute, a load generator would not.',
  ].join('\n')
}

function memorySection(r: Results): string {
  const m = r.memory
  return [
    '## Server memory',
    '',
    `Resident memory (RSS) of a fresh server process: after start-up and one sign-in; the peak while ${m.connections} ` +
      `connections load \`/profile\` for ${m.seconds} s (${int(m.rps)} req/s); and ${MEMORY.settleSeconds} s after the load ends.`,
    '',
    table(
      ['before', 'peak under load', 'after'],
      [[`${int(m.beforeMb)} MB`, `${int(m.peakMb)} MB`, `${int(m.afterMb)} MB`]],
    ),
  ].join('\n')
}

function runtimeSection(c: RuntimeComparison | undefined): string {
  if (!c) return ''
  const row = (runtime: Runtime) => {
    const s = c.summary[runtime]
    return [
      RUNTIME_NAMES[runtime],
      int(s.privateRps),
      int(s.bareRps),
      `**${ratio(s.ratio)}** (${ratio(s.min)}–${ratio(s.max)})`,
    ]
  }
  return [
    '## Middleware runtimes side by side',
    '',
    'BENCH_COMPARE_RUNTIMES=1: this commit built a second time with middleware on the other runtime (one line of `middleware.ts`), ' +
      `in a temporary folder; both servers side by side, ${RUNTIME_COMPARE.rounds} alternating rounds of ${RUNTIME_COMPARE.roundSeconds} s ` +
      'on `/profile` and its bare twin, each server with a fresh sign-in per round.',
    '',
    table(['middleware runtime', 'private req/s', 'bare req/s', 'private/bare (rounds)'], [row('nodejs'), row('edge')]),
    '',
    `Node.js/Edge on the private page: ${ratio(c.summary.nodejs.privateRps / c.summary.edge.privateRps)}.`,
  ].join('\n')
}

function loginSection(r: Results): string {
  const { times } = r.logins
  const later = times.slice(1)
  const rows = [
    ['first login after server start', ms(times[0]!)],
    [`p50 of all ${times.length}`, ms(percentile(times, 50))],
    [`p95 of all ${times.length}`, ms(percentile(times, 95))],
    [`p50 / p95 without the first`, `${ms(percentile(later, 50))} / ${ms(percentile(later, 95))}`],
    ['min / max', `${ms(Math.min(...times))} / ${ms(Math.max(...times))}`],
    ['big-token server, first login', ms(r.big.loginMs)],
  ]
  return [
    '## Login',
    '',
    `${LOGIN_COUNT} sequential full logins as alice over HTTP (fetch, manual redirects): ` +
      '`/auth/login` → provider authorize → login form (POST) → consent form (POST) → `/auth/callback` → `/profile` 200.',
    '',
    table(['login', 'ms'], rows),
    '',
    '*Every login uses a fresh cookie jar for the app and the provider alike, so the provider remembers no session or consent: ' +
      'the login form and the consent form appear every time, the whole flow a new visitor goes through.*',
  ].join('\n')
}

function providerSection(r: Results): string {
  const later = r.logins.perLogin.slice(1)
  const rows = [
    countsRow('start-up (spawn → first login)', r.logins.startup),
    countsRow('first login', r.logins.perLogin[0]!),
    [`each later login (${later.length})`, ...ENDPOINTS.map((e) => describeCounts(later, e))],
    countsRow('big-token server: start-up', r.big.startup),
    countsRow('big-token server: first login', r.big.firstLogin),
  ]
  const notes: string[] = []
  if (r.logins.startup.discovery > 0 && r.logins.perLogin[0]!.discovery > 0) {
    notes.push(
      'The app fetched discovery at start-up and again at its first login: the start-up lookup did not warm the cache the login uses.',
    )
  }
  if (r.otherPaths.length > 0) notes.push(`Counted as other: ${r.otherPaths.map((p) => `\`${p}\``).join(', ')}.`)
  const others = notes.map((n) => `\n\n${n}`).join('')
  return (
    [
      '## What the app asks of the provider',
      '',
      "Requests the provider received from the app (oauth4webapi), by endpoint; the benchmark's own browser requests are not counted.",
      '',
      table(['phase', ...ENDPOINTS], rows),
    ].join('\n') + others
  )
}

function sessionSection(r: Results): string {
  const row = (label: string, s: SessionSize) => [
    label,
    String(s.count),
    int(s.sessionBytes),
    int(s.largestCookieBytes),
    int(s.headerBytes),
  ]
  return [
    '## Session cookie',
    '',
    'Bytes of the Cookie header a browser sends for the session (`name=value` pairs joined by `; `), after one login.',
    '',
    table(
      ['tokens', 'cookies', 'session bytes', 'largest cookie bytes', 'whole Cookie header on /profile'],
      [row('normal', r.sessions.normal), row('big (`bigTokens: true`)', r.sessions.big)],
    ),
  ].join('\n')
}

function storeSection(r: Results): string {
  const { comparison: c, memory: m } = r.store
  return [
    '## Session stores',
    '',
    `\`/profile\` on two fresh servers of the same build side by side, one with the in-process store and one with REDIS_URL ` +
      `(a local redis-server), each signed in ${STORE_COMPARE.sessions} times (the profile lists the user's sessions) and warmed on the same pages; ` +
      `${STORE_COMPARE.rounds} alternating ${STORE_COMPARE.roundSeconds} s rounds per run, ${STORE_COMPARE.runs} runs, each with a new pair. ` +
      'With Redis every render asks whether the session is live (one round trip: a Lua script that also notes the last sight at most once a minute) ' +
      "and lists the user's sessions (two round trips).",
    '',
    table(
      ['store', 'req/s (median)'],
      [
        ['in-process', int(c.inProcessRps)],
        ['Redis', int(c.redisRps)],
      ],
    ),
    '',
    `Redis/in-process: **${ratio(c.ratio)}** (median of the per-round ratios). The private page with Redis against its bare twin in the same ` +
      `server (each round also loads \`/bench/bare.html\` there): **${ratio(c.redisBareRatio)}** (budget ≥ ${ratio(PRIVATE_BARE_BUDGET)}, as with the in-process store).`,
    '',
    table(
      ['run', 'in-process req/s', 'Redis req/s', 'Redis/in-process', 'Redis bare twin req/s', 'Redis/bare twin'],
      c.rounds.map((x) => [
        String(x.run + 1),
        int(x.inProcess),
        int(x.redis),
        ratio(x.ratio),
        int(x.redisBare),
        ratio(x.redis / x.redisBare),
      ]),
    ),
    '',
    `Redis memory: \`used_memory\` before and after ${m.sessions} sign-ins (each a live session, and a provider session of its own): ` +
      `**${int(m.bytesPerSession)} bytes per session**, ${m.keysPerSession.toFixed(2)} keys per session (its record and its provider session's index; the user's index is shared).`,
  ].join('\n')
}

function buildSection(r: Results): string {
  const mw = r.middleware
  const starts = r.starts.map((s) => [s.name, ms(s.ms), String(s.status)])
  return [
    '## Middleware bundle',
    '',
    table(
      ['files', 'raw bytes', 'gzip bytes (level 9, per file, summed)', 'contains oauth4webapi'],
      [
        [
          String(mw.files),
          int(mw.rawBytes),
          int(mw.gzipBytes),
          mw.oidcClientMarkers.length > 0 ? `yes (${mw.oidcClientMarkers.join(', ')})` : 'no',
        ],
      ],
    ),
    '',
    '## Server start',
    '',
    `From spawning \`node .next-bench/standalone/server.js\` to the first answer of \`GET /\` (polled every ${START_POLL_MS} ms).`,
    '',
    table(['server', 'ms', 'first status'], starts),
    '',
    `Cold start against a bare Next.js app (scripts/bench/bare-app/: one static page, the same Next, a standalone server), ` +
      `spawned in turn ${r.coldStart.rounds} times each, medians: the app's home page without a session **${ms(r.coldStart.appMs)}**, ` +
      `the bare page ${ms(r.coldStart.bareMs)}: **${r.coldStart.ratio.toFixed(2)}×** (budget ≤ ${COLD_START_BUDGET}×).`,
  ].join('\n')
}

export function budgets(r: Results): Budget[] {
  const later = r.logins.perLogin.slice(1)
  const all = (endpoint: (typeof ENDPOINTS)[number], n: number) => later.every((c) => c[endpoint] === n)
  const extra = later.every((c) => c.revocation === 0 && c.other === 0)
  const { normal, big } = r.sessions
  const x = ratios(r.cycles)
  return [
    {
      budget: `private/bare twin req/s ≥ ${ratio(PRIVATE_BARE_BUDGET)} (middleware on ${RUNTIME_NAMES[r.runtime]})`,
      measured: `${ratio(x.bare)} (cycles ${ratio(x.bareMin)}–${ratio(x.bareMax)})`,
      pass: x.bare >= PRIVATE_BARE_BUDGET,
    },
    {
      budget: `public page without a session / its bare twin req/s ≥ ${ratio(PUBLIC_BARE_BUDGET)}`,
      measured: ratio(x.public),
      pass: x.public >= PUBLIC_BARE_BUDGET,
    },
    {
      budget: `login start with ${FORGED.cookies} forged transaction cookies / a normal one ≤ ${FORGED_COOKIE_BUDGET}×`,
      measured: `${r.forged.ratio.toFixed(2)}× (${ms(r.forged.forgedMs)} against ${ms(r.forged.normalMs)} ms, medians)`,
      pass: r.forged.ratio <= FORGED_COOKIE_BUDGET,
    },
    {
      budget: `cold start: spawn to first 200 ≤ ${COLD_START_BUDGET}× a bare Next.js app's`,
      measured: `${r.coldStart.ratio.toFixed(2)}× (${ms(r.coldStart.appMs)} against ${ms(r.coldStart.bareMs)})`,
      pass: r.coldStart.ratio <= COLD_START_BUDGET,
    },
    { budget: 'later logins: 1 token request each', measured: describeCounts(later, 'token'), pass: all('token', 1) },
    {
      budget: 'later logins: 1 userinfo request each',
      measured: describeCounts(later, 'userinfo'),
      pass: all('userinfo', 1),
    },
    { budget: 'later logins: no discovery', measured: describeCounts(later, 'discovery'), pass: all('discovery', 0) },
    { budget: 'later logins: no jwks', measured: describeCounts(later, 'jwks'), pass: all('jwks', 0) },
    {
      budget: 'later logins: nothing else',
      measured: extra ? 'none' : 'revocation or other requests seen',
      pass: extra,
    },
    { budget: 'normal session: ≤ 1 cookie', measured: String(normal.count), pass: normal.count <= 1 },
    { budget: 'normal session: < 4096 bytes', measured: int(normal.sessionBytes), pass: normal.sessionBytes < 4096 },
    {
      budget: 'big session: whole Cookie header < 8192 bytes',
      measured: int(big.headerBytes),
      pass: big.headerBytes < 8192,
    },
    {
      budget: 'big session: whole Cookie header ≤ 16384 bytes',
      measured: int(big.headerBytes),
      pass: big.headerBytes <= 16384,
    },
    { budget: 'private/twin req/s ≥ 0.90 (the session check)', measured: ratio(x.twin), pass: x.twin >= 0.9 },
    {
      budget: `private page with the Redis store / its bare twin req/s ≥ ${ratio(PRIVATE_BARE_BUDGET)}`,
      measured: ratio(r.store.comparison.redisBareRatio),
      pass: r.store.comparison.redisBareRatio >= PRIVATE_BARE_BUDGET,
    },
    {
      budget: 'private page with the Redis store ≥ 0.90 of its req/s with the in-process store',
      measured: ratio(r.store.comparison.ratio),
      pass: r.store.comparison.ratio >= 0.9,
    },
    ...r.reach.map((probe) => ({
      budget: `${probe.request}: middleware ${probe.expected ? 'runs' : 'does not run'}`,
      measured: probe.ran ? 'ran' : 'did not run',
      pass: probe.ran === probe.expected,
    })),
    {
      budget: 'middleware bundle without oauth4webapi',
      measured:
        r.middleware.oidcClientMarkers.length > 0 ? `found ${r.middleware.oidcClientMarkers.join(', ')}` : 'not found',
      pass: r.middleware.oidcClientMarkers.length === 0,
    },
    ...apiCallBudgets(r.apiCalls),
    ...scaleBudgets(r.scale),
    ...telemetryBudgets(r.telemetry),
  ]
}

function budgetSection(list: readonly Budget[]): string {
  const misses = list.filter((b) => !b.pass).length
  return [
    '## Budgets',
    '',
    table(
      ['budget', 'measured', 'result'],
      list.map((b) => [b.budget, b.measured, b.pass ? 'pass' : '**MISS**']),
    ),
    '',
    misses === 0 ? 'All budgets met.' : `**MISS: ${misses} of ${list.length} budgets missed.**`,
  ].join('\n')
}

export function renderReport(r: Results): string {
  const sections = [
    header(r),
    headlineSection(r),
    throughputSection(r),
    runtimeSection(r.runtimes),
    memorySection(r),
    loginSection(r),
    forgedSection(r.forged),
    providerSection(r),
    sessionSection(r),
    storeSection(r),
    apiCallSection(r.apiCalls),
    scaleSection(r.scale),
    telemetrySection(r.telemetry),
    buildSection(r),
    budgetSection(budgets(r)),
  ]
  return sections.filter(Boolean).join('\n\n') + '\n'
}

/**
 * `npm run bench`: measures a production build of its own (scripts/bench-build.ts) on
 * loopback and prints one Markdown report, also written to bench-results.md:
 * - first, the private page against its bare twin (no middleware, no session check);
 * - requests/s and latency of the private page, of its twins (in the benchmark's
 *   own build, BENCH_BUILD=1: scripts/bench-build.ts), of the public page (without
 *   a session, against its own bare twin, and with one) and of the JSON API;
 * - the server's resident memory before, during and after a heavy load;
 * - with BENCH_COMPARE_RUNTIMES=1, the same commit with middleware on the other
 *   runtime, built into a temporary folder and measured side by side;
 * - the private page with the Redis session store (a local redis-server), against the in-process
 *   store and against its bare twin, and Redis's memory per session;
 * - full logins over HTTP, and what each asks of the provider;
 * - what a login start carrying 300 forged transaction cookies costs against a normal one;
 * - the session cookie's size with normal and with Oracle-sized tokens;
 * - the compiled middleware's size, and that the OIDC client stays out of it;
 * - how long the server takes from spawn to its first answer, and a cold start
 *   against a bare Next.js app's (scripts/bench/bare-app/);
 * - calling APIs (APIS): a call through the BFF proxy against a direct one, with
 *   Bearer tokens and with DPoP, and the cookie holding three APIs' tokens;
 * - the private page with OpenTelemetry on against off;
 * - a million sessions: the private page, Redis's memory and the sign-outs at
 *   1,000, 100,000 and 1,000,000 sessions, and the embedded store at 100,000.
 * Exits 0 when it measured (budgets missed included: they are printed as MISS),
 * 1 when it could not (no build, a failed login, a page that did not answer 200).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { apiCallCosts } from './bench/api-calls.ts'
import { AppServerError } from './bench/app-server.ts'
import { measureColdStart } from './bench/cold-start.ts'
import { measureScale } from './bench/scale.ts'
import { telemetryCost } from './bench/telemetry-cost.ts'
import { cleanUp, cleanUpOnSignals, onCleanup } from './bench/cleanup.ts'
import { stopRunningLoad } from './bench/load.ts'
import { forgedCookieCost } from './bench/forged-cookies.ts'
import { countedLogin, runLogins } from './bench/logins.ts'
import { middlewareReach } from './bench/middleware-reach.ts'
import { measureMemory } from './bench/memory.ts'
import { measureMiddleware } from './bench/middleware-size.ts'
import { startedApps, startPair } from './bench/pair.ts'
import { budgets, renderReport, type Results } from './bench/report.ts'
import { sessionSize } from './bench/session-size.ts'
import {
  BENCH_STORE_DIR,
  COLD_START,
  LOGIN_COUNT,
  RESULTS_FILE,
  STANDALONE_SERVER,
  STORE_COMPARE,
  STORE_SESSIONS,
} from './bench/settings.ts'
import { compareStores } from './bench/store-compare.ts'
import { storeMemory } from './bench/store-memory.ts'
import { compareRuntimes, middlewareRuntime } from './bench/runtimes.ts'
import { runThroughput } from './bench/throughput.ts'
import { freePort, startRedisServer } from './redis-server.ts'

function requireBuild(): void {
  if (!existsSync(STANDALONE_SERVER) || !existsSync(COLD_START.bareServer)) {
    console.error(
      `No benchmark build found (${STANDALONE_SERVER} or ${COLD_START.bareServer} is missing): run \`npm run bench\`, which builds it first.`,
    )
    process.exit(1)
  }
}

function progress(message: string): void {
  console.error(`[bench] ${message}`)
}

function machine(): Results['machine'] {
  const next = JSON.parse(readFileSync('node_modules/next/package.json', 'utf8')) as { version: string }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryGb: totalmem() / 1024 ** 3,
    platform: `${platform()} ${release()}`,
    node: process.version,
    next: next.version,
  }
}

/** A redis-server of the benchmark's own, on a free loopback port, removed afterwards. */
async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'))
  const redis = await startRedisServer({ port: await freePort(), dir })
  const stop = async () => {
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  onCleanup('redis-server', stop)
  return { url: redis.url, stop }
}

/** Everything measured with normal tokens: start-up, logins, throughput. */
async function measureNormal() {
  const pair = await startPair('normal')
  progress(`normal server answered after ${pair.app.startMs.toFixed(0)} ms; ${LOGIN_COUNT} logins…`)
  const logins = await runLogins(pair, LOGIN_COUNT)
  const session = sessionSize(logins.last.jar, pair.app.baseUrl)
  const reach = await middlewareReach(pair.app.baseUrl, session.cookieHeader)
  progress('throughput rounds…')
  const cycles = await runThroughput(pair, (i, c) =>
    progress(
      `cycle ${i + 1}: private ${c.rounds.private.rps.toFixed(0)} req/s, bare twin ${c.rounds.bare.rps.toFixed(0)} req/s (${c.bareRatio.toFixed(2)}); ` +
        `twin ${c.rounds.twin.rps.toFixed(0)} req/s (${c.ratio.toFixed(2)}); public ${c.publicRatio.toFixed(2)} of its bare twin`,
    ),
  )
  const start = { name: 'normal tokens', ms: pair.app.startMs, status: pair.app.firstStatus }
  const otherPaths = pair.provider.otherPaths()
  progress('login starts with and without forged transaction cookies…')
  const forged = await forgedCookieCost(pair.app.baseUrl)
  // Stopped before the big-token pair starts, so its start-up time has the machine to itself too.
  await pair.stop()
  return { start, logins, session, cycles, otherPaths, reach, forged }
}

/** The server's memory, from a fresh start: idle with one session, the peak under a heavy load, and after it. */
async function measureServerMemory() {
  const pair = await startPair('normal')
  progress('server memory under load…')
  const memory = await measureMemory(pair)
  await pair.stop()
  return memory
}

/** The session stores: the private page with Redis against the in-process store, and Redis's memory per session. */
async function measureStores() {
  const redis = await startRedis()
  progress(`session store comparison: ${STORE_COMPARE.runs} runs of fresh server pairs…`)
  const comparison = await compareStores(redis.url, (r) =>
    progress(
      `run ${r.run + 1}: in-process ${r.inProcess.toFixed(0)} req/s, Redis ${r.redis.toFixed(0)} req/s (${r.ratio.toFixed(2)})`,
    ),
  )
  progress(`${STORE_SESSIONS} sign-ins for Redis's memory per session…`)
  const pair = await startPair('redis', redis.url)
  const memory = await storeMemory(redis.url, pair, STORE_SESSIONS)
  await pair.stop()
  await redis.stop()
  return { comparison, memory }
}

/** With Oracle-sized tokens: start-up, one login, the session's size. */
async function measureBig() {
  const pair = await startPair('big')
  progress(`big-token server answered after ${pair.app.startMs.toFixed(0)} ms; one login…`)
  const startup = pair.provider.counts()
  const { login, counts } = await countedLogin(pair)
  const session = sessionSize(login.jar, pair.app.baseUrl)
  const start = { name: 'big tokens', ms: pair.app.startMs, status: pair.app.firstStatus }
  const otherPaths = pair.provider.otherPaths()
  await pair.stop()
  return { start, startup, firstLogin: counts, loginMs: login.ms, session, otherPaths }
}

/** After the build `npm run bench` runs first, the load average takes a minute to fall: wait for it (at most a minute). */
async function settle(): Promise<void> {
  const quiet = cpus().length / 4
  for (let waited = 0; waited < 60 && loadavg()[0]! > quiet; waited += 5) {
    if (waited === 0) progress(`waiting for the machine to settle (load ${loadavg()[0]!.toFixed(2)})…`)
    await sleep(5_000)
  }
}

async function measure(): Promise<Results> {
  await settle()
  const began = performance.now()
  const date = new Date()
  const loadBefore = loadavg()[0]!
  const middleware = measureMiddleware()
  progress('cold starts, the app and a bare Next.js app in turn…')
  const coldStart = await measureColdStart(STANDALONE_SERVER, progress)
  const normal = await measureNormal()
  const memory = await measureServerMemory()
  const big = await measureBig()
  const store = await measureStores()
  const apiCalls = await apiCallCosts(progress)
  progress('OpenTelemetry on against off…')
  const telemetry = await telemetryCost((r) =>
    progress(
      `OpenTelemetry: off ${r.off.toFixed(0)} req/s, on ${r.on.toFixed(0)} req/s (${(r.on / r.off).toFixed(2)})`,
    ),
  )
  const scale = await measureScale(progress)
  const runtimes = process.env.BENCH_COMPARE_RUNTIMES === '1' ? await compareRuntimes(progress) : undefined
  return {
    date,
    machine: machine(),
    load: { before: loadBefore, after: loadavg()[0]! },
    runSeconds: (performance.now() - began) / 1000,
    runtime: middlewareRuntime(),
    middleware,
    reach: normal.reach,
    starts: [normal.start, big.start],
    coldStart,
    scale,
    telemetry,
    logins: normal.logins,
    big: { startup: big.startup, firstLogin: big.firstLogin, loginMs: big.loginMs },
    otherPaths: [...normal.otherPaths, ...big.otherPaths],
    sessions: { normal: normal.session, big: big.session },
    cycles: normal.cycles,
    forged: normal.forged,
    store,
    memory,
    runtimes,
    apiCalls,
  }
}

/** What each server printed, for a failure that may be the server's. */
function printServerLogs(error: unknown): void {
  const logs =
    error instanceof AppServerError
      ? [{ name: 'failed server', log: error.serverLog }]
      : startedApps.map((a) => ({ name: a.name, log: a.log() }))
  for (const { name, log } of logs) {
    console.error(`\n--- ${name} server output (last 100 lines) ---\n${log.split('\n').slice(-100).join('\n')}`)
  }
}

async function main(): Promise<number> {
  requireBuild()
  rmSync(BENCH_STORE_DIR, { recursive: true, force: true })
  cleanUpOnSignals(stopRunningLoad)
  try {
    const results = await measure()
    const report = renderReport(results)
    writeFileSync(RESULTS_FILE, report)
    console.log(report)
    const misses = budgets(results).filter((b) => !b.pass).length
    progress(
      misses === 0
        ? `all budgets met; report in ${RESULTS_FILE}`
        : `MISS: ${misses} budget(s) missed; report in ${RESULTS_FILE}`,
    )
    return 0
  } catch (error) {
    console.error(`\nThe benchmark failed: ${error instanceof Error ? error.message : String(error)}`)
    printServerLogs(error)
    return 1
  } finally {
    await cleanUp()
  }
}

process.exitCode = await main()

/**
 * Where `npm run bench` listens and how long it measures. Ports lie outside the
 * e2e suite's (3100-3190, 4500-4590) and `npm run dev`'s (3000, 4400), so the
 * benchmark can run while either does.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const HOST = '127.0.0.1'

/**
 * Provider/app pairs: normal tokens, Oracle IDCS-sized tokens, and for the
 * session store comparison two more with normal tokens: the in-process store
 * and the Redis store (REDIS_URL).
 */
export const PAIRS = {
  normal: { appPort: 3300, idpPort: 4700, bigTokens: false },
  big: { appPort: 3301, idpPort: 4701, bigTokens: true },
  redis: { appPort: 3302, idpPort: 4702, bigTokens: false },
  inProcess: { appPort: 3303, idpPort: 4703, bigTokens: false },
  /** BENCH_COMPARE_RUNTIMES=1: the same app built with middleware on the other runtime. */
  otherRuntime: { appPort: 3304, idpPort: 4704, bigTokens: false },
  /** OpenTelemetry on (OTEL_EXPORTER_OTLP_ENDPOINT at a sink on loopback), against `inProcess` with it off. */
  telemetry: { appPort: 3308, idpPort: 4709, bigTokens: false },
  /** A million sessions (scripts/bench/scale.ts): its own Redis, filled under this app's keys. */
  scale: { appPort: 3309, idpPort: 4711, bigTokens: false },
} as const

export type PairName = keyof typeof PAIRS

/** Exists only for this run; any 32+ characters do. */
export const BENCH_SESSION_SECRET = 'bench-session-secret-0123456789-abcdefghijkl'

/** What the benchmark's own "browser" calls itself, so the provider can tell its requests from the app's. */
export const BROWSER_USER_AGENT = 'bench-browser'

/** An hour: no access token falls due mid-benchmark (middleware would detour through /auth/refresh). */
export const ACCESS_TOKEN_TTL = 3600

/** The benchmark's own build (scripts/bench-build.ts): the app plus its twins of /profile. */
export const BENCH_DIST_DIR = '.next-bench'
export const STANDALONE_SERVER = `${BENCH_DIST_DIR}/standalone/server.js`
export const MIDDLEWARE_MANIFEST = `${BENCH_DIST_DIR}/server/middleware-manifest.json`
export const RESULTS_FILE = 'bench-results.md'
/** The embedded session stores of the benchmark's servers (git-ignored with every .data/). */
export const BENCH_STORE_DIR = '.data/bench'

/**
 * Login starts timed one after another, alternating a normal one with one
 * carrying FORGED_COOKIES forged transaction cookies (scripts/bench/forged-cookies.ts).
 */
export const FORGED = { requests: 150, cookies: 300 } as const

export const LOGIN_COUNT = 30
/** Sign-ins whose Redis memory is measured, to report the store's bytes per live session. */
export const STORE_SESSIONS = 50
/**
 * The session store comparison (scripts/bench/store-compare.ts): fresh server
 * pairs per run, each with a few sessions of the same user (the profile lists them).
 */
export const STORE_COMPARE = { runs: 3, rounds: 4, sessions: 4, warmupSeconds: 1, roundSeconds: 3 } as const
export const LOAD = {
  connections: 32,
  warmupSeconds: 2,
  roundSeconds: 3,
  /** Even, so each of the two orders (see throughput.ts) runs equally often. */
  cycles: 6,
} as const

/**
 * The server's resident memory: sampled every `sampleMs` before, during a
 * heavier load on the private page, and `settleSeconds` after it.
 */
export const MEMORY = { connections: 64, seconds: 15, sampleMs: 250, settleSeconds: 5 } as const
/** BENCH_COMPARE_RUNTIMES=1: alternating rounds of the private page and its bare twin on both builds. */
export const RUNTIME_COMPARE = { rounds: 6, roundSeconds: 3 } as const

/** How often and how long to poll a starting server. */
export const START_POLL_MS = 5
export const START_TIMEOUT_MS = 30_000
/** How long a server gets to stop after SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 5_000

/**
 * Once a session's idle clock is this old, middleware sends page requests
 * through /auth/refresh to move it; a browser would follow and store the new
 * cookie, a load generator does not. Every measured cycle starts with a fresh
 * login and must end sooner.
 */
export const TOUCH_INTERVAL_S = 60

/**
 * Cold starts (scripts/bench/cold-start.ts): the app's standalone server and a bare
 * Next.js app's (scripts/bench/bare-app/, built by `npm run bench` in `bareDir`: outside
 * the project, or Next would build the project's middleware and instrumentation into it),
 * spawned in turn `rounds` times each on `port`, timed from spawn to the first 200 of `/`.
 */
const bareDir = join(tmpdir(), 'nextjs-oidc-login-bench-bare-app')
export const COLD_START = {
  rounds: 9,
  port: 3307,
  bareDir,
  bareServer: join(bareDir, '.next/standalone/server.js'),
} as const

/**
 * What OpenTelemetry costs the private page (scripts/bench/telemetry-cost.ts): a
 * server with it on and one with it off, alternating rounds as in STORE_COMPARE;
 * the spans go to a sink on `sinkPort` that accepts and drops them.
 */
export const TELEMETRY_COMPARE = { runs: 3, rounds: 4, roundSeconds: 3, warmupSeconds: 1, sinkPort: 4710 } as const

/**
 * A million sessions (scripts/bench/scale.ts): the sizes the Redis store is filled to, in
 * turn; `parallel` sign-ins written at once; at each size `rounds` load rounds of the private
 * page and `operations` timed back-channel logouts; the embedded store at `embeddedSessions`.
 */
export const SCALE = {
  sizes: [1_000, 100_000, 1_000_000],
  parallel: 500,
  rounds: 4,
  roundSeconds: 3,
  operations: 20,
  embeddedSessions: 100_000,
} as const

/**
 * Where `npm run bench` listens and how long it measures. Ports lie outside the
 * e2e suite's (3100-3190, 4500-4590) and `npm run dev`'s (3000, 4400), so the
 * benchmark can run while either does.
 */
export const HOST = '127.0.0.1'

/** Two provider/app pairs: normal tokens, and Oracle IDCS-sized tokens. */
export const PAIRS = {
  normal: { appPort: 3300, idpPort: 4700, bigTokens: false },
  big: { appPort: 3301, idpPort: 4701, bigTokens: true },
} as const

export type PairName = keyof typeof PAIRS

/** Exists only for this run; any 32+ characters do. */
export const BENCH_SESSION_SECRET = 'bench-session-secret-0123456789-abcdefghijkl'

/** What the benchmark's own "browser" calls itself, so the provider can tell its requests from the app's. */
export const BROWSER_USER_AGENT = 'bench-browser'

/** An hour: no access token falls due mid-benchmark (middleware would detour through /auth/refresh). */
export const ACCESS_TOKEN_TTL = 3600

export const STANDALONE_SERVER = '.next/standalone/server.js'
export const MIDDLEWARE_MANIFEST = '.next/server/middleware-manifest.json'
export const RESULTS_FILE = 'bench-results.md'

export const LOGIN_COUNT = 30
export const LOAD = {
  connections: 10,
  warmupSeconds: 2,
  roundSeconds: 3,
  /** Even, so each of the two orders (see throughput.ts) runs equally often. */
  cycles: 6,
} as const

/** How often and how long to poll a starting server. */
export const START_POLL_MS = 20
export const START_TIMEOUT_MS = 30_000
/** How long a server gets to stop after SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 5_000

/**
 * Middleware rewrites the session cookie (a reseal per request) once its idle
 * clock is this old; a browser would store the new cookie, a load generator
 * does not. Every measured cycle starts with a fresh login and must end sooner.
 */
export const TOUCH_INTERVAL_S = 60

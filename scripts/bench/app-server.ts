/**
 * One production server (the standalone build, as `npm start` and the Docker
 * image run it) on loopback, configured only through its environment, with
 * everything it prints kept so a failure can show it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET } from '../../idp/local-client.ts'
import { stopper } from '../stop-child.ts'
import {
  BENCH_SESSION_SECRET,
  BENCH_STORE_DIR,
  HOST,
  START_POLL_MS,
  START_TIMEOUT_MS,
  STANDALONE_SERVER,
  STOP_GRACE_MS,
} from './settings.ts'

/** The log is for diagnosis; the last 256 KB are plenty. */
const MAX_LOG_CHARS = 256 * 1024

export interface AppServer {
  readonly name: string
  /** The server process, whose resident memory the benchmark samples. */
  readonly pid: number
  readonly baseUrl: string
  /** Milliseconds from spawn to the first answered request. */
  readonly startMs: number
  /** The status of that first answer (GET /). */
  readonly firstStatus: number
  readonly log: () => string
  readonly stop: () => Promise<void>
}

interface AppOptions {
  readonly name: string
  readonly port: number
  readonly issuer: string
  readonly apiEndpoint: string
  /** The Redis session store; without it, the in-process one. */
  readonly redisUrl?: string | undefined
  /** Another build's standalone server (the other middleware runtime); the benchmark's own build by default. */
  readonly server?: string | undefined
  /** Node flags for the server process (a heap setting under trial, say). */
  readonly nodeFlags?: readonly string[] | undefined
  /** More of the app's configuration (APIS, OIDC_DPOP, another client). */
  readonly env?: Readonly<Record<string, string>> | undefined
}

export function appBaseUrl(port: number): string {
  return `http://${HOST}:${port}`
}

/**
 * A clean environment rather than ours: a variable in the shell that runs the
 * benchmark (OIDC_USE_PAR, say) must not change what is measured.
 */
function serverEnv(options: AppOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    HOSTNAME: HOST,
    PORT: String(options.port),
    APP_BASE_URL: appBaseUrl(options.port),
    SESSION_SECRET: BENCH_SESSION_SECRET,
    OIDC_ISSUER: options.issuer,
    OIDC_CLIENT_ID: LOCAL_CLIENT_ID,
    OIDC_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
    API_ENDPOINT: options.apiEndpoint,
    // The embedded store in a file of each server's own (a fresh start measures a fresh store), as a deployment keeps one.
    // Absolute: the standalone server changes into its own directory.
    SESSION_STORE_PATH: resolve(BENCH_STORE_DIR, `${options.port}-${Date.now()}.sqlite`),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...options.env,
  }
}

/** Any HTTP answer counts (a 503 health is still an answer); a refused connection does not. */
async function answers(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2_000) })
    await response.arrayBuffer()
    return response.status
  } catch {
    return undefined
  }
}

/** Refuses to start where something already listens: we would measure a stranger. */
async function ensurePortFree(baseUrl: string): Promise<void> {
  const status = await answers(`${baseUrl}/`)
  if (status !== undefined)
    throw new Error(`Something already answers at ${baseUrl} (status ${status}); stop it and run the benchmark again.`)
}

function captureOutput(child: ChildProcess): () => string {
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-MAX_LOG_CHARS)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return () => log
}

/** Polls until the server answers, the process exits, or the time is up. */
async function waitForFirstAnswer(
  child: ChildProcess,
  url: string,
  spawnedAt: number,
): Promise<{ ms: number; status: number }> {
  const attempts = Math.ceil(START_TIMEOUT_MS / START_POLL_MS)
  for (let i = 0; i < attempts; i++) {
    const status = await answers(url)
    if (status !== undefined) return { ms: performance.now() - spawnedAt, status }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The server exited (${child.exitCode ?? child.signalCode}) before answering.`)
    }
    if (performance.now() - spawnedAt > START_TIMEOUT_MS) break
    await sleep(START_POLL_MS)
  }
  throw new Error(`The server did not answer ${url} within ${START_TIMEOUT_MS} ms.`)
}

/**
 * Starts the server and resolves once it answers. `register` receives the stop
 * function at once, so an interrupt during start-up still stops the process.
 */
export async function startAppServer(
  options: AppOptions,
  register: (stop: () => Promise<void>) => void,
): Promise<AppServer> {
  const baseUrl = appBaseUrl(options.port)
  await ensurePortFree(baseUrl)
  const spawnedAt = performance.now()
  // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops (where a budget is missed, this says why).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  const child = spawn(
    process.execPath,
    [...profile, ...(options.nodeFlags ?? []), options.server ?? STANDALONE_SERVER],
    {
      env: serverEnv(options),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const log = captureOutput(child)
  const stop = stopper(child, STOP_GRACE_MS)
  register(stop)
  try {
    // The public page, not /api/health: the health check loads the provider's discovery, which would
    // warm the very cache whose first use the login measurements are meant to show.
    const first = await waitForFirstAnswer(child, `${baseUrl}/`, spawnedAt)
    return { name: options.name, pid: child.pid!, baseUrl, startMs: first.ms, firstStatus: first.status, log, stop }
  } catch (error) {
    await stop()
    throw new AppServerError(options.name, error, log())
  }
}

/** A failure that carries the server's output, so the benchmark can print it. */
export class AppServerError extends Error {
  readonly serverLog: string

  constructor(name: string, cause: unknown, serverLog: string) {
    super(`App server "${name}": ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.name = 'AppServerError'
    this.serverLog = serverLog
  }
}

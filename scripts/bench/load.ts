/**
 * Load rounds with autocannon: a fixed number of connections hammering one
 * URL for a few seconds, every response's status checked.
 */
import autocannon from 'autocannon'
import { LOAD } from './settings.ts'

export type Target = 'private' | 'twin' | 'bare' | 'public' | 'publicBare' | 'publicSignedIn' | 'api'

export interface Round {
  readonly target: Target
  readonly path: string
  /** Completed requests per second over the round. */
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly requests: number
}

export class LoadFailed extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LoadFailed'
  }
}

/** The one round in flight, so an interrupt can stop it. */
let running: autocannon.Instance | undefined

export function stopRunningLoad(): void {
  running?.stop()
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    running = autocannon(options, (error: unknown, result: autocannon.Result) => {
      running = undefined
      if (error) reject(error instanceof Error ? error : new Error('autocannon failed', { cause: error }))
      else resolve(result)
    })
  })
}

/** Anything but a 200 means the measurement measured something else (a redirect: the session was lost). */
function checkStatuses(target: Target, url: string, result: autocannon.Result): void {
  const codes = Object.entries(result.statusCodeStats ?? {})
    .map(([code, { count }]) => `${code}×${count ?? 0}`)
    .join(', ')
  const non200 = Object.keys(result.statusCodeStats ?? {}).some((code) => code !== '200')
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || non200 || result.requests.total === 0) {
    throw new LoadFailed(
      `GET ${url} (${target}) did not answer 200 throughout: statuses ${codes || 'none'}, ` +
        `${result.errors} errors, ${result.timeouts} timeouts.` +
        (target === 'private' || target === 'api' ? ' A 3xx or 401 means the session cookie was refused.' : ''),
    )
  }
}

/** One round against `baseUrl + path`, with `cookie` (or none) on every request. */
export async function loadRound(
  target: Target,
  baseUrl: string,
  path: string,
  cookie: string | undefined,
  seconds: number,
  connections: number = LOAD.connections,
): Promise<Round> {
  const url = `${baseUrl}${path}`
  const result = await run({
    url,
    connections,
    duration: seconds,
    timeout: 10,
    headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) },
  })
  checkStatuses(target, url, result)
  // total/duration rather than the per-second samples' average: a 3-second round has only 3 samples.
  return {
    target,
    path,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
  }
}

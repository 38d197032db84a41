/**
 * The page benchmark, in alternating rounds so slow drift (thermal, GC, JIT)
 * spreads over every page instead of favouring one:
 * - the private page against its bare twin, with no middleware and no session
 *   check at all: what a private page costs in all (the headline);
 * - against its twin that still passes through middleware for the nonce but
 *   has no session check: what the check costs;
 * - the public page without a session against the same page at a path nothing
 *   else reaches: what a visitor without a session pays for our machinery;
 * - the public page with a session, and the JSON API.
 */
import { performance } from 'node:perf_hooks'
import { loadRound, LoadFailed, type Round, type Target } from './load.ts'
import { signIn } from './login.ts'
import type { Pair } from './pair.ts'
import { sessionSize } from './session-size.ts'
import { LOAD, TOUCH_INTERVAL_S } from './settings.ts'

const PATHS: Record<Target, string> = {
  private: '/profile',
  twin: '/bench/profile',
  bare: '/bench/bare.html',
  public: '/',
  publicBare: '/bench/home.html',
  publicSignedIn: '/',
  api: '/api/me',
}

/**
 * The order reverses every cycle (ABBA), so neither of a compared pair always runs first.
 */
function cycleOrder(cycle: number): Target[] {
  const order: Target[] = ['private', 'twin', 'bare', 'public', 'publicBare', 'publicSignedIn', 'api']
  return cycle % 2 === 0 ? order : order.reverse()
}

export interface Cycle {
  readonly order: readonly Target[]
  readonly rounds: Readonly<Record<Target, Round>>
  /** Private requests/s over the bare twin's (no middleware, no session check) in this cycle: the headline. */
  readonly bareRatio: number
  /** Private requests/s over the twin's (middleware for the nonce, no session check): the check's cost. */
  readonly ratio: number
  /** The public page without a session over its bare twin's requests/s. */
  readonly publicRatio: number
}

/**
 * A session just signed in, so the idle clock in its cookie stays younger than
 * middleware's rewrite interval for the whole cycle: a browser stores the
 * rewritten cookie once a minute; a load generator would resend the old one
 * and make every request pay for a reseal.
 */
async function freshSession(pair: Pair): Promise<{ cookie: string; at: number }> {
  const login = await signIn(pair.app.baseUrl)
  return { cookie: sessionSize(login.jar, pair.app.baseUrl).cookieHeader, at: performance.now() }
}

/** Proves the cookie was never rewritten during the cycle: no Set-Cookie now means none before either. */
async function expectNoRewrite(pair: Pair, cookie: string, since: number): Promise<void> {
  const age = (performance.now() - since) / 1000
  const response = await fetch(`${pair.app.baseUrl}/profile`, { headers: { cookie }, redirect: 'manual' })
  await response.arrayBuffer()
  if (response.status !== 200)
    throw new LoadFailed(`GET /profile answered ${response.status} after a cycle: the session was lost.`)
  const rewritten = response.headers.getSetCookie().some((c) => c.startsWith('session'))
  if (rewritten || age >= TOUCH_INTERVAL_S) {
    throw new LoadFailed(
      `The session cookie was due for a rewrite ${age.toFixed(0)} s into a cycle; shorten the rounds.`,
    )
  }
}

async function runCycle(pair: Pair, cycle: number, seconds: number): Promise<Cycle> {
  const session = await freshSession(pair)
  const rounds: Partial<Record<Target, Round>> = {}
  const order = cycleOrder(cycle)
  for (const target of order) {
    const cookie = target === 'public' || target === 'publicBare' ? undefined : session.cookie
    rounds[target] = await loadRound(target, pair.app.baseUrl, PATHS[target], cookie, seconds)
  }
  await expectNoRewrite(pair, session.cookie, session.at)
  const complete = rounds as Record<Target, Round>
  return {
    order,
    rounds: complete,
    bareRatio: complete.private.rps / complete.bare.rps,
    ratio: complete.private.rps / complete.twin.rps,
    publicRatio: complete.public.rps / complete.publicBare.rps,
  }
}

/** One short unrecorded cycle to warm the JIT and the page caches, then the measured cycles. */
export async function runThroughput(pair: Pair, onCycle: (index: number, cycle: Cycle) => void): Promise<Cycle[]> {
  await runCycle(pair, 0, LOAD.warmupSeconds)
  const cycles: Cycle[] = []
  for (let i = 0; i < LOAD.cycles; i++) {
    const cycle = await runCycle(pair, i, LOAD.roundSeconds)
    cycles.push(cycle)
    onCycle(i, cycle)
  }
  return cycles
}

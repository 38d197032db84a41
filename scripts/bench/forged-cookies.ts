/**
 * What a pile of forged transaction cookies costs a login start: GET
 * /auth/login with none, and with FORGED.cookies cookies named like
 * transactions (a crafted request; no browser holds more than three of ours),
 * one request at a time, alternating, so both meet the same machine. The
 * median of each and their ratio; the budget holds the forged one to ≤ 3×.
 */
import { performance } from 'node:perf_hooks'
import { FORGED } from './settings.ts'
import { median } from './stats.ts'

export interface ForgedCookieCost {
  readonly normalMs: number
  readonly forgedMs: number
  readonly ratio: number
  readonly cookieBytes: number
}

/** The budget: a login start with a forged pile costs at most this many times a normal one. */
export const FORGED_COOKIE_BUDGET = 3

const forgedHeader = Array.from(
  { length: FORGED.cookies },
  (_, i) => `txn.${String(i).padStart(16, 'x')}=Fe26.2*1*s*i*e**h*d~2`,
).join('; ')

async function timeLoginStart(baseUrl: string, cookie: string | undefined): Promise<number> {
  const started = performance.now()
  const response = await fetch(`${baseUrl}/auth/login?returnTo=/profile`, {
    headers: cookie ? { cookie } : {},
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  })
  await response.arrayBuffer()
  const elapsed = performance.now() - started
  if (response.status !== 303) throw new Error(`a login start answered ${response.status}, not 303`)
  return elapsed
}

export async function forgedCookieCost(baseUrl: string): Promise<ForgedCookieCost> {
  // Warm both paths first: the first requests pay for compiling them.
  for (let i = 0; i < 10; i++) {
    await timeLoginStart(baseUrl, undefined)
    await timeLoginStart(baseUrl, forgedHeader)
  }
  const normal: number[] = []
  const forged: number[] = []
  for (let i = 0; i < FORGED.requests; i++) {
    normal.push(await timeLoginStart(baseUrl, undefined))
    forged.push(await timeLoginStart(baseUrl, forgedHeader))
  }
  const [normalMs, forgedMs] = [median(normal), median(forged)]
  return { normalMs, forgedMs, ratio: forgedMs / normalMs, cookieBytes: forgedHeader.length }
}

/**
 * The app server's resident memory (RSS), sampled from outside: before a heavy
 * load on the private page, its peak during it, and where it settles after.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadRound } from './load.ts'
import { signIn } from './login.ts'
import type { Pair } from './pair.ts'
import { sessionSize } from './session-size.ts'
import { MEMORY } from './settings.ts'

export interface MemoryProfile {
  readonly connections: number
  readonly seconds: number
  /** MB, a fresh server after start-up and one sign-in. */
  readonly beforeMb: number
  /** MB, the largest sample during the load. */
  readonly peakMb: number
  /** MB, after the load and MEMORY.settleSeconds of quiet. */
  readonly afterMb: number
  readonly rps: number
}

/** Resident set size in MB: /proc on Linux, ps elsewhere. */
export function rssMb(pid: number): number {
  const status = `/proc/${pid}/status`
  if (existsSync(status)) {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(status, 'utf8'))?.[1]
    if (kb) return Number(kb) / 1024
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024
}

export async function measureMemory(pair: Pair): Promise<MemoryProfile> {
  const { pid, baseUrl } = pair.app
  const cookie = sessionSize((await signIn(baseUrl)).jar, baseUrl).cookieHeader
  const beforeMb = rssMb(pid)
  let peakMb = beforeMb
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, rssMb(pid))), MEMORY.sampleMs)
  let rps: number
  try {
    rps = (await loadRound('private', baseUrl, '/profile', cookie, MEMORY.seconds, MEMORY.connections)).rps
  } finally {
    clearInterval(sampler)
  }
  await sleep(MEMORY.settleSeconds * 1000)
  return {
    connections: MEMORY.connections,
    seconds: MEMORY.seconds,
    beforeMb,
    peakMb: Math.max(peakMb, rssMb(pid)),
    afterMb: rssMb(pid),
    rps,
  }
}

/**
 * Cold start: how long a fresh process takes to answer its first request, the
 * app's home page for a visitor without a session against a bare Next.js app's
 * static page (scripts/bench/bare-app/). Every cold function on Vercel pays it.
 * The two are spawned in turn, so a machine that slows down slows both.
 */
import { startAppServer } from './app-server.ts'
import { median } from './stats.ts'
import { COLD_START, HOST } from './settings.ts'

export interface ColdStart {
  /** Milliseconds from spawn to the first 200, median of the rounds. */
  readonly appMs: number
  readonly bareMs: number
  readonly ratio: number
  readonly rounds: number
}

/** One spawn, timed to its first answer, then stopped. */
async function timeOne(name: string, server: string): Promise<number> {
  let stop: () => Promise<void> = async () => {}
  const app = await startAppServer(
    // Nothing listens at this issuer: the app looks its provider up only after its first answer, so that changes nothing here.
    { name, port: COLD_START.port, issuer: `http://${HOST}:9/`, apiEndpoint: `http://${HOST}:9/api`, server },
    (s) => (stop = s),
  )
  await stop()
  if (app.firstStatus !== 200) throw new Error(`${name}: the first answer was ${app.firstStatus}, not 200`)
  return app.startMs
}

export async function measureColdStart(appServer: string, progress: (message: string) => void): Promise<ColdStart> {
  const app: number[] = []
  const bare: number[] = []
  for (let round = 0; round < COLD_START.rounds; round++) {
    app.push(await timeOne('cold start', appServer))
    bare.push(await timeOne('bare app', COLD_START.bareServer))
    progress(
      `cold start ${round + 1}/${COLD_START.rounds}: app ${app.at(-1)!.toFixed(0)} ms, bare ${bare.at(-1)!.toFixed(0)} ms`,
    )
  }
  const [appMs, bareMs] = [median(app), median(bare)]
  return { appMs, bareMs, ratio: appMs / bareMs, rounds: COLD_START.rounds }
}

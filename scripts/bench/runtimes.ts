/**
 * BENCH_COMPARE_RUNTIMES=1: the same commit with middleware on the other
 * runtime (Node.js ⇄ Edge: one line of middleware.ts), built into a temporary
 * folder, and both builds served side by side, in alternating rounds of the
 * private page and its bare twin on each.
 */
import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  cpSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { onCleanup } from './cleanup.ts'
import { loadRound } from './load.ts'
import { signIn } from './login.ts'
import { startPair, type Pair } from './pair.ts'
import { sessionSize } from './session-size.ts'
import { BENCH_DIST_DIR, LOAD, RUNTIME_COMPARE, STANDALONE_SERVER } from './settings.ts'
import { median } from './stats.ts'

export type Runtime = 'nodejs' | 'edge'

export interface RuntimeRound {
  readonly round: number
  readonly runtime: Runtime
  readonly privateRps: number
  readonly bareRps: number
  readonly ratio: number
}

export interface RuntimeComparison {
  readonly rounds: readonly RuntimeRound[]
  /** Per runtime: median private req/s, bare req/s, and the median of the per-round ratios with their range. */
  readonly summary: Readonly<
    Record<Runtime, { privateRps: number; bareRps: number; ratio: number; min: number; max: number }>
  >
}

const RUNTIME_LINE = /^ {2}runtime: 'nodejs',\n/m

/** The runtime middleware.ts asks for: Node.js with the runtime line, Edge (the default for middleware.ts) without. */
export function middlewareRuntime(source = readFileSync('middleware.ts', 'utf8')): Runtime {
  return RUNTIME_LINE.test(source) ? 'nodejs' : 'edge'
}

function otherRuntimeSource(source: string): string {
  if (RUNTIME_LINE.test(source)) return source.replace(RUNTIME_LINE, '')
  return source.replace(/^export const config = \{\n/m, "export const config = {\n  runtime: 'nodejs',\n")
}

/** Top-level entries the temporary build neither needs nor should see. */
const LEFT_OUT = new Set(['node_modules', '.git', '.next', BENCH_DIST_DIR, 'test-results', 'playwright-report'])

/**
 * node_modules as hard links: Turbopack follows no symlink out of the project,
 * and a copy of half a gigabyte is slow. Where links cannot be made (another
 * file system), files are copied.
 */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true })
  for (const entry of readdirSync(from)) {
    const source = join(from, entry)
    const target = join(to, entry)
    const stat = lstatSync(source)
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), target)
    else if (stat.isDirectory()) linkTree(source, target)
    else {
      try {
        linkSync(source, target)
      } catch {
        copyFileSync(source, target)
      }
    }
  }
}

/** Builds this commit with middleware on the other runtime into a temporary folder; removed at clean-up. */
export function buildOtherRuntime(progress: (message: string) => void): { runtime: Runtime; server: string } {
  const root = resolve('.')
  const other: Runtime = middlewareRuntime() === 'nodejs' ? 'edge' : 'nodejs'
  const dir = mkdtempSync(join(tmpdir(), 'bench-runtime-'))
  onCleanup(`the ${other} build`, async () => rmSync(dir, { recursive: true, force: true }))
  progress(`building the app with middleware on the ${other} runtime into ${dir}…`)
  cpSync(root, dir, { recursive: true, filter: (source) => !LEFT_OUT.has(relative(root, source).split(/[\\/]/)[0]!) })
  writeFileSync(join(dir, 'middleware.ts'), otherRuntimeSource(readFileSync('middleware.ts', 'utf8')))
  linkTree(join(root, 'node_modules'), join(dir, 'node_modules'))
  const env = { ...process.env, BENCH_BUILD: '1', NEXT_TELEMETRY_DISABLED: '1' }
  execFileSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  execFileSync(process.execPath, ['--experimental-strip-types', 'scripts/prepare-standalone.ts', BENCH_DIST_DIR], {
    cwd: dir,
    env,
    stdio: 'inherit',
  })
  return { runtime: other, server: join(dir, STANDALONE_SERVER) }
}

async function cookieFor(pair: Pair): Promise<string> {
  return sessionSize((await signIn(pair.app.baseUrl)).jar, pair.app.baseUrl).cookieHeader
}

/** One round on one server: the private page and its bare twin, in either order. */
async function measureRound(pair: Pair, cookie: string, privateFirst: boolean, seconds: number) {
  const rps: Record<'private' | 'bare', number> = { private: 0, bare: 0 }
  for (const target of privateFirst ? (['private', 'bare'] as const) : (['bare', 'private'] as const)) {
    rps[target] = (
      await loadRound(target, pair.app.baseUrl, target === 'private' ? '/profile' : '/bench/bare.html', cookie, seconds)
    ).rps
  }
  return rps
}

export async function compareRuntimes(progress: (message: string) => void): Promise<RuntimeComparison> {
  const built = buildOtherRuntime(progress)
  const ours = await startPair('normal')
  const theirs = await startPair('otherRuntime', undefined, built.server)
  const servers: Record<Runtime, Pair> =
    built.runtime === 'edge' ? { nodejs: ours, edge: theirs } : { nodejs: theirs, edge: ours }
  const rounds: RuntimeRound[] = []
  try {
    for (const pair of [ours, theirs]) await measureRound(pair, await cookieFor(pair), true, LOAD.warmupSeconds)
    for (let round = 0; round < RUNTIME_COMPARE.rounds; round++) {
      // ABBA over the servers, and over the pages within each: nobody always goes first.
      const order: Runtime[] = round % 2 === 0 ? ['nodejs', 'edge'] : ['edge', 'nodejs']
      for (const runtime of order) {
        const pair = servers[runtime]
        // A fresh sign-in per round: the idle clock never reaches middleware's rewrite interval.
        const rps = await measureRound(pair, await cookieFor(pair), round % 4 < 2, RUNTIME_COMPARE.roundSeconds)
        const measured = { round, runtime, privateRps: rps.private, bareRps: rps.bare, ratio: rps.private / rps.bare }
        rounds.push(measured)
        progress(
          `runtimes, round ${round + 1}: ${runtime} private ${rps.private.toFixed(0)} req/s, bare ${rps.bare.toFixed(0)} req/s (${measured.ratio.toFixed(2)})`,
        )
      }
    }
  } finally {
    await theirs.stop()
    await ours.stop()
  }
  const summarise = (runtime: Runtime) => {
    const own = rounds.filter((r) => r.runtime === runtime)
    const ratios = own.map((r) => r.ratio)
    return {
      privateRps: median(own.map((r) => r.privateRps)),
      bareRps: median(own.map((r) => r.bareRps)),
      ratio: median(ratios),
      min: Math.min(...ratios),
      max: Math.max(...ratios),
    }
  }
  return { rounds, summary: { nodejs: summarise('nodejs'), edge: summarise('edge') } }
}

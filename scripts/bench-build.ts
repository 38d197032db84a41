/**
 * The benchmark's own build: `next build` with BENCH_BUILD=1, into .next-bench
 * (next.config.ts), so the twins of /profile the benchmark compares against
 * (app/bench/) exist there and nowhere else. Then its standalone server is
 * completed as `npm run build` completes its own. And the bare Next.js app the
 * cold start is held to (scripts/bench/bare-app/), built the same way.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { BENCH_DIST_DIR, COLD_START } from './bench/settings.ts'

const env = { ...process.env, BENCH_BUILD: '1', NEXT_TELEMETRY_DISABLED: '1' }
execFileSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { stdio: 'inherit', env })
execFileSync(process.execPath, ['--experimental-strip-types', 'scripts/prepare-standalone.ts', BENCH_DIST_DIR], {
  stdio: 'inherit',
  env,
})
buildBareApp()

/**
 * The bare app is built in a folder of its own outside the project, with the project's
 * node_modules linked in (hard links: Turbopack follows nothing outside its root), copied where links cannot be made.
 */
function buildBareApp(): void {
  const dir = COLD_START.bareDir
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  cpSync('scripts/bench/bare-app', dir, { recursive: true })
  try {
    execFileSync('cp', ['-al', resolve('node_modules'), join(dir, 'node_modules')])
  } catch {
    cpSync('node_modules', join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true })
  }
  // Its own copy of Next, which finds React in the same node_modules (one React, as in any app).
  execFileSync(process.execPath, [join(dir, 'node_modules/next/dist/bin/next'), 'build'], {
    stdio: 'inherit',
    cwd: dir,
    env: { ...env, BENCH_BUILD: '' },
  })
}

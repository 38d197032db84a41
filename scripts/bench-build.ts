/**
 * The benchmark's own build: `next build` with BENCH_BUILD=1, into .next-bench
 * (next.config.ts), so the twins of /profile the benchmark compares against
 * (app/bench/) exist there and nowhere else. Then its standalone server is
 * completed as `npm run build` completes its own. And the bare Next.js app the
 * cold start is held to (scripts/bench/bare-app/), built the same way.
 */
import { execFileSync } from 'node:child_process'
import { BENCH_DIST_DIR } from './bench/settings.ts'

const env = { ...process.env, BENCH_BUILD: '1', NEXT_TELEMETRY_DISABLED: '1' }
execFileSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { stdio: 'inherit', env })
execFileSync(process.execPath, ['--experimental-strip-types', 'scripts/prepare-standalone.ts', BENCH_DIST_DIR], { stdio: 'inherit', env })
execFileSync(process.execPath, ['node_modules/next/dist/bin/next', 'build', 'scripts/bench/bare-app'], { stdio: 'inherit', env: { ...env, BENCH_BUILD: '' } })

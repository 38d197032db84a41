/**
 * The compiled middleware's weight, from the build output: every file it
 * loads, raw and gzipped, and whether the OIDC client (oauth4webapi) leaked
 * into it. Middleware runs before every private page, so it should hold the
 * session code and nothing more. On the Edge runtime the middleware manifest
 * lists its files; on Node.js, server/middleware.js names the chunks it loads.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { BENCH_DIST_DIR, MIDDLEWARE_MANIFEST } from './settings.ts'

/** Strings only oauth4webapi's code contains (its name, and an export the app uses at login). */
const OIDC_CLIENT_MARKERS = ['oauth4webapi', 'processAuthorizationCodeResponse', 'authorizationCodeGrantRequest']

export interface MiddlewareSize {
  readonly files: number
  readonly rawBytes: number
  /** Each file gzipped at level 9 on its own, summed: how they travel and are stored. */
  readonly gzipBytes: number
  /** Which of OIDC_CLIENT_MARKERS the bundle contains (none, we hope). */
  readonly oidcClientMarkers: readonly string[]
}

interface Manifest {
  readonly middleware?: Record<string, { readonly files?: readonly string[] }>
}

/** Node.js middleware: server/middleware.js, Turbopack's runtime it requires, and the chunks it loads (`R.c("server/chunks/…")`). */
function nodeMiddlewareFiles(): string[] {
  const entry = join(BENCH_DIST_DIR, 'server', 'middleware.js')
  if (!existsSync(entry)) throw new Error(`Neither ${MIDDLEWARE_MANIFEST} nor ${entry} names the middleware's files.`)
  const source = readFileSync(entry, 'utf8')
  const required = [...source.matchAll(/require\("\.\/([^"]+)"\)/g)].map((m) => join(BENCH_DIST_DIR, 'server', m[1]!))
  const chunks = [...source.matchAll(/R\.c\("([^"]+)"\)/g)].map((m) => join(BENCH_DIST_DIR, m[1]!))
  return [entry, ...required, ...chunks]
}

function middlewareFiles(): string[] {
  const manifest = JSON.parse(readFileSync(MIDDLEWARE_MANIFEST, 'utf8')) as Manifest
  const files = manifest.middleware?.['/']?.files
  if (!files || files.length === 0) return nodeMiddlewareFiles()
  // Paths in the manifest are relative to the build's folder.
  return files.map((file) => join(BENCH_DIST_DIR, file))
}

export function measureMiddleware(): MiddlewareSize {
  const files = middlewareFiles()
  let rawBytes = 0
  let gzipBytes = 0
  const found = new Set<string>()
  for (const file of files) {
    const content = readFileSync(file)
    rawBytes += content.length
    gzipBytes += gzipSync(content, { level: 9 }).length
    const text = content.toString('utf8')
    for (const marker of OIDC_CLIENT_MARKERS) if (text.includes(marker)) found.add(marker)
  }
  return { files: files.length, rawBytes, gzipBytes, oidcClientMarkers: [...found] }
}

/**
 * The Docker build context: no environment file but the example reaches the
 * image. Next copies `.env*` files it finds into the standalone output, so a
 * `.env.production` in the context would ship its secrets in the image.
 * Matched as Docker does: each line a glob from the context root, the last
 * matching line wins, `!` takes a path back in, and a directory's exclusion
 * covers what is inside it.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const rules = readFileSync(new URL('../.dockerignore', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'))
  .map((line) => {
    const keep = line.startsWith('!')
    const glob = line.replace(/^!/, '').replace(/^\/+/, '').replace(/\/+$/, '')
    const source = glob
      .split(/(\*\*|\*|\?)/)
      .map((part) =>
        part === '**'
          ? '.*'
          : part === '*'
            ? '[^/]*'
            : part === '?'
              ? '[^/]'
              : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
      )
      .join('')
    return { keep, pattern: new RegExp(`^${source}(/.*)?$`) }
  })

function excluded(path: string): boolean {
  let out = false
  for (const rule of rules) if (rule.pattern.test(path)) out = !rule.keep
  return out
}

describe('.dockerignore', () => {
  it.each(['.data/sessions.sqlite', '.data/sessions.sqlite-wal'])(
    'keeps the local session store %s out of the image',
    (path) => {
      expect(excluded(path)).toBe(true)
    },
  )

  it.each([
    '.env',
    '.env.local',
    '.env.production',
    '.env.production.local',
    '.env.development',
    '.env.staging',
    '.env.test.local',
  ])('keeps %s out of the image', (path) => {
    expect(excluded(path)).toBe(true)
  })

  it.each(['.env.example', 'package.json', 'app/layout.tsx', 'lib/config/index.ts', 'idp/server.ts'])(
    'lets %s in',
    (path) => {
      expect(excluded(path)).toBe(false)
    },
  )

  it.each(['node_modules/next/package.json', '.next/standalone/server.js', '.git/HEAD'])('keeps %s out', (path) => {
    expect(excluded(path)).toBe(true)
  })
})

// Lets a benchmark script run the app's own lib/ modules under Node's type stripping, as the
// unit tests do under vitest: `./module` finds `./module.ts` (or `./module/index.ts`), `@/` is the
// project's root, `server-only` (a guard for bundles) is an empty module, and a package's subpath
// without an exports map (next/headers) finds its .js file.
// Used as: node --import ./scripts/bench/lib-loader.mjs --experimental-strip-types <script>
import { existsSync } from 'node:fs'
import { register } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

register(import.meta.url, { data: { root: pathToFileURL(fileURLToPath(new URL('../../', import.meta.url))).href } })

let root = ''
export function initialize(data) {
  root = data?.root ?? ''
}

export async function resolve(specifier, context, next) {
  if (specifier === 'server-only') return { url: 'data:text/javascript,export {}', shortCircuit: true }
  const local = specifier.startsWith('@/') ? new URL(specifier.slice(2), root).href : specifier
  if ((local.startsWith('.') || local.startsWith('file:')) && !/\.[cm]?[jt]sx?$/.test(local)) {
    for (const suffix of ['.ts', '.tsx', '/index.ts']) {
      const candidate = new URL(local + suffix, context.parentURL)
      if (existsSync(fileURLToPath(candidate))) return next(candidate.href, context)
    }
  }
  try {
    return await next(local, context)
  } catch (error) {
    // A package subpath without an exports map (next/headers): Node's ESM wants its file's extension.
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && !local.startsWith('.') && local.includes('/'))
      return next(`${local}.js`, context)
    throw error
  }
}

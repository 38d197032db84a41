/**
 * The folders' rules that eslint.config.mjs enforces (docs/architecture.md,
 * "Rules the folders keep"): an import that breaks one fails `npm run lint`.
 * Each case lints a one-line file at a path inside the folder, with the
 * project's own configuration.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({
  cwd: process.cwd(),
  // The files below exist only as text: no type information for them, and only the import rule asked.
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
})

/** The rule's messages for `source` as if it were the file at `path`. */
async function importProblems(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport {}\n`, { filePath: path })
  return result!.messages.map((message) => `${message.ruleId}: ${message.message}`)
}

describe('the folders rules, as ESLint applies them', () => {
  it.each([
    ['lib/oidc/fixture.ts', "import { loginErrorPage } from '../http/pages'", /lib\/oidc\/ is the protocol/],
    ['lib/oidc/fixture.ts', "import { readSessionCookie } from '../session/cookies'", /lib\/oidc\/ is the protocol/],
    ['lib/session/fixture.ts', "import { createHash } from 'node:crypto'", /Web APIs only/],
    [
      'lib/session/fixture.ts',
      "import { getSessionStore } from './store'",
      /may not reach the network, the session store/,
    ],
    ['middleware.ts', "import { log } from './lib/log/log'", /may not reach the network, the session store or the log/],
    ['middleware.ts', "import { getProvider } from './lib/oidc/provider'", /may not reach the network/],
    ['lib/cookies/fixture.ts', "import 'server-only'", /Web APIs only/],
    [
      'lib/config/fixture.ts',
      "import { seal } from '../seal'",
      /lib\/config\/ imports nothing of ours but lib\/routes.ts/,
    ],
    ['lib/config/fixture.ts', "import { readFileSync } from 'node:fs'", /Web APIs only/],
    ['app/fixture.ts', "import { unsignedJwt } from '@/lib/testing/tokens'", /lib\/testing\/ is for tests only/],
  ])('%s may not `%s`', async (path, source, expected) => {
    const problems = await importProblems(path, source)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(expected)
  })

  it.each([
    ['lib/config/fixture.ts', "import { AUTH_ROUTES } from '../routes'"],
    ['lib/session/fixture.ts', "import type { DiscoveredProvider } from '../oidc/provider'"],
    ['lib/session/current-like.ts', "import { openSession } from './sealed'"],
    ['lib/session/current.ts', "import { getSessionStore } from './store'"],
    ['lib/auth/fixture.ts', "import { getProvider } from '../oidc/provider'"],
    ['lib/oidc/fixture.ts', "import { log } from '../log/log'"],
    ['lib/session/fixture.test.ts', "import { unsignedJwt } from '../testing/tokens'"],
  ])('%s may `%s`', async (path, source) => {
    expect(await importProblems(path, source)).toEqual([])
  })
})

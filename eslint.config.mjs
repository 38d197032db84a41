// ESLint, flat config: Next's rules (core web vitals, TypeScript), typescript-eslint's
// type-checked rules, and nothing that Prettier (.prettierrc.json) decides. `npm test` runs it.
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs'
import prettier from 'eslint-config-prettier/flat'
import nextVitals from 'eslint-config-next/core-web-vitals'
import nextTypeScript from 'eslint-config-next/typescript'
import { defineConfig, globalIgnores } from 'eslint/config'
import tseslint from 'typescript-eslint'

/** Tests and their helpers may import anything. */
const TESTS = ['**/*.test.ts', 'lib/testing/**']
/** lib/testing/ builds unsigned tokens and test servers: never part of the app. */
const TESTING_ONLY = { group: ['**/testing/*', '@/lib/testing/*'], message: 'lib/testing/ is for tests only.' }
/** What middleware.ts runs (it must stay so): lib/session/ but the store and the request's session, and what they use. */
const EDGE = [
  'middleware.ts',
  'lib/session/*.ts',
  'lib/cookies/**',
  'lib/config/**',
  'lib/routes.ts',
  'lib/seal.ts',
  'lib/jwt.ts',
  'lib/base64url.ts',
  'lib/clock.ts',
  'lib/http/api-errors.ts',
  'lib/http/csp.ts',
  'lib/http/hsts.ts',
]

/** The request's session and the store's answer: the part of lib/session/ that middleware never runs. */
const NOT_EDGE = ['lib/session/current.ts', 'lib/session/liveness.ts']
const EDGE_ONLY = [
  {
    group: ['node:*', 'server-only', 'next/headers', 'redis', 'oauth4webapi', '@opentelemetry/*'],
    allowTypeImports: true,
    message: 'Middleware runs this, on either runtime: Web APIs only, no network call (docs/architecture.md).',
  },
  {
    group: [
      '**/oidc/*',
      '**/auth/*',
      '**/api/*',
      '**/telemetry/*',
      '**/log/log',
      '**/session/store',
      '**/session/store/*',
      '**/session/current',
      '**/session/liveness',
      '**/startup',
    ],
    allowTypeImports: true,
    message:
      'Middleware runs this: it may not reach the network, the session store or the log (which reads the request scope).',
  },
]

/** The import rule for a group of files: lib/testing/ refused everywhere, and `patterns` besides. */
function importsRefused(...patterns) {
  return { 'no-restricted-imports': ['error', { patterns: [TESTING_ONLY, ...patterns] }] }
}

export default defineConfig([
  globalIgnores(['**/.next/', '.next-bench/', 'test-results/', 'playwright-report/', 'next-env.d.ts']),
  ...nextVitals,
  ...nextTypeScript,
  {
    files: ['**/*.{ts,tsx,mts}'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `async` on methods that implement a promise-returning interface (the session stores,
      // oidc-provider's hooks, next.config's headers()) turns a throw into a rejection, as callers expect.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore marks a value left out on purpose (a rest sibling, an unused parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Links to private and auth routes are plain <a> on purpose (app/components/header.tsx: a
      // client-side navigation that bounces to the provider is blocked by connect-src). The rule
      // also takes app/(site)/[...rest] (the not-found page in the site's frame) for a page at every address.
      '@next/next/no-html-link-for-pages': 'off',
    },
  },
  {
    // Playwright's fixtures hand over with a function named `use`, which is not React's hook.
    files: ['e2e/**'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  {
    // Every eslint-disable says why, on its own line: `// eslint-disable-next-line rule -- because …`.
    extends: [comments.recommended],
    rules: { '@eslint-community/eslint-comments/require-description': 'error' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  // The folders' rules (docs/architecture.md, "Rules the folders keep"), checked on every import.
  // One entry per group of files; a file in several gets the last one, which repeats what it needs.
  {
    files: ['app/**', 'lib/**', 'middleware.ts', 'instrumentation.ts', 'next.config.ts'],
    ignores: TESTS,
    rules: importsRefused(),
  },
  {
    // lib/oidc/ is the protocol: it answers with values and errors, never with a page or a cookie.
    files: ['lib/oidc/**'],
    ignores: TESTS,
    rules: importsRefused({
      group: ['**/http/*', '**/cookies/*', '**/session/*', '**/auth/*', '**/api/*', 'next/*'],
      message: 'lib/oidc/ is the protocol: it knows nothing of pages, cookies, sessions or the flows that use it.',
    }),
  },
  {
    // Everything middleware runs, on either runtime: Web APIs only, no network call, nothing that needs a request scope.
    files: EDGE,
    ignores: [...TESTS, ...NOT_EDGE],
    rules: importsRefused(...EDGE_ONLY),
  },
  {
    // lib/session/ itself, but the request's session and the store's answer: the same, spelled from inside.
    files: ['lib/session/*.ts'],
    ignores: [...TESTS, ...NOT_EDGE],
    rules: importsRefused(...EDGE_ONLY, {
      group: ['./store', './store/*', './current', './liveness'],
      allowTypeImports: true,
      message: EDGE_ONLY[1].message,
    }),
  },
  {
    // lib/config/ is read first and by everything (middleware too): it imports nothing of ours but the app's own addresses.
    files: ['lib/config/**'],
    ignores: TESTS,
    rules: importsRefused(...EDGE_ONLY, {
      group: ['../*', '!../routes', '@/*', '../../*'],
      message: 'lib/config/ imports nothing of ours but lib/routes.ts.',
    }),
  },
  prettier,
])

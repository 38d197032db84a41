// ESLint, flat config: Next's rules (core web vitals, TypeScript), typescript-eslint's
// type-checked rules, and nothing that Prettier (.prettierrc.json) decides. `npm test` runs it.
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs'
import prettier from 'eslint-config-prettier/flat'
import nextVitals from 'eslint-config-next/core-web-vitals'
import nextTypeScript from 'eslint-config-next/typescript'
import { defineConfig, globalIgnores } from 'eslint/config'
import tseslint from 'typescript-eslint'

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
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
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
  {
    // lib/testing/ builds unsigned tokens and test servers: never part of the app.
    files: ['app/**', 'lib/**', 'middleware.ts', 'instrumentation.ts', 'next.config.ts'],
    ignores: ['**/*.test.ts', 'lib/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/testing/*', '@/lib/testing/*'], message: 'lib/testing/ is for tests only.' }] }],
    },
  },
  prettier,
])

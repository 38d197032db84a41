import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    alias: {
      'server-only': fileURLToPath(new URL('./scripts/vitest-empty-module.ts', import.meta.url)),
      // tsconfig's path: route handlers import the app's modules as @/lib/…
      '@': fileURLToPath(new URL('./', import.meta.url)),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'idp/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // A real redis-server for the session store's tests (never a mock).
    globalSetup: ['scripts/vitest-global-setup.ts'],
  },
})

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'idp/**/*.test.ts'],
    environment: 'node',
    // A real redis-server for the session store's tests (never a mock).
    globalSetup: ['scripts/vitest-global-setup.ts'],
  },
})

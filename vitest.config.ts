import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'idp/**/*.test.ts'],
    environment: 'node',
  },
})

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Note: fixed zone and locale so dates render the same on every machine.
    env: { TZ: 'UTC', LANG: 'C', NO_COLOR: '1' },
    testTimeout: 30_000,
  },
})

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // DuckDB files, Temporal dev servers and Chromium are heavy: two suites at a time on 2 cores.
    maxWorkers: 2,
  },
});

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * What a test needs beyond Node and DuckDB, declared in its file (`// @module-tag temporal`) or on
 * a test (`{ tags: ['browser'] }`). `npm test` runs everything; `npm run test:unit`
 * (`vitest run --mode unit`) leaves out whatever needs one of them.
 */
const SERVICE_TAGS = [
  { name: 'temporal', description: 'starts a Temporal dev server (embedded or through @temporalio/testing)' },
  { name: 'browser', description: 'launches the bundled Chromium (PDF printing, page checks)' },
  { name: 'site', description: 'builds the dashboard site with Observable Framework' },
];

const TEST_DIR = join(dirname(fileURLToPath(import.meta.url)), 'test');

/** The test files tagged with a service as a whole: left out of a unit run before they are even imported. */
function filesNeedingAService(): string[] {
  const tagged = new RegExp(`@module-tag\\s+(${SERVICE_TAGS.map((t) => t.name).join('|')})\\b`);
  return readdirSync(TEST_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts') && tagged.test(readFileSync(join(TEST_DIR, file), 'utf8')))
    .map((file) => join('test', file));
}

export default defineConfig(({ mode }) => ({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // DuckDB files, Temporal dev servers and Chromium are heavy: two suites at a time on 2 cores.
    maxWorkers: 2,
    // ...each with DuckDB on one thread: on the tests' small warehouses a thread per core costs a quarter more CPU
    env: { SAFECAMPUS_DUCKDB_THREADS: '1' },
    tags: SERVICE_TAGS,
    ...(mode === 'unit'
      ? {
          exclude: [...configDefaults.exclude, ...filesNeedingAService()],
          // one module graph per worker instead of one per file: imports cost 60 s of a 146 s unit run otherwise
          isolate: false,
          tagsFilter: [SERVICE_TAGS.map((t) => `!${t.name}`).join(' && ')],
        }
      : {}),
  },
}));

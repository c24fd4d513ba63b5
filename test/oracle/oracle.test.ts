/**
 * The marts against a second implementation. Seeded demo cities (clean and dirty, with the
 * story's renames, moves, merges and closures) are generated, landed and transformed for real;
 * test/oracle/oracle.ts scores the same cities from the generator's rows in plain TypeScript;
 * every period's indicator values and points, school and unit scorecards, ranks and short boards
 * must agree exactly. A disagreement means the SQL, the oracle or docs/scoring.md is wrong: find
 * which, never loosen the comparison.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCity, storyPath } from '../../demo/index.ts';
import { ingestPath } from '../../sources/ingest.ts';
import { runTransform } from '../../transforms/runner.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { initialisedWarehouse, tempDir } from '../helpers.ts';
import { RowCollector } from './city.ts';
import { diff, expectedOf, keyed, martsOf, TABLES, type Row } from './compare.ts';
import { oracle } from './oracle.ts';

interface City {
  name: string;
  schools: number;
  fromYear: number;
  toYear: number;
  seed: number;
  dirtyRate: number;
}

// 45 schools make every indicator status, grade, tie and short-board shape that 90 did (the clean
// city was 90); the dirty two-year city is the one with a special-education school
const CITIES: City[] = [
  { name: 'clean, three years (closure, merge, move, rename)', schools: 45, fromYear: 2023, toYear: 2025, seed: 11, dirtyRate: 0 },
  { name: 'dirty, two years', schools: 70, fromYear: 2024, toYear: 2025, seed: 7, dirtyRate: 0.03 },
  { name: 'dirty, one year, another seed', schools: 45, fromYear: 2025, toYear: 2025, seed: 20260101, dirtyRate: 0.06 },
];

describe.each(CITIES)('the marts agree exactly with the oracle: $name', (city) => {
  const root = tempDir('safecampus-oracle-');
  let db: Warehouse;
  let marts: Awaited<ReturnType<typeof martsOf>>;
  let expected: ReturnType<typeof expectedOf>;

  beforeAll(async () => {
    const collector = new RowCollector();
    await generateCity({ ...city, outDir: join(root, 'inbox'), onLanded: collector.listener });
    db = await initialisedWarehouse(join(root, 'w.duckdb'));
    await ingestPath(db, join(root, 'inbox'), { holdThreshold: 1, now: new Date('2026-06-01T00:00:00Z') });
    const transform = await runTransform(db);
    expect(transform.failures).toEqual([]);
    marts = await martsOf(db);
    expected = expectedOf(oracle(collector.rows()));
  }, 600_000);
  afterAll(() => db?.close());

  it('has the story it is meant to test: a closed and a merged school, judged only before they closed', async () => {
    const story = JSON.parse(readFileSync(storyPath(join(root, 'inbox')), 'utf8')) as {
      closed: { school_code: string; closed_on: string } | null;
      merged: { absorbed_code: string; closed_on: string } | null;
    };
    const closures = [story.closed && [story.closed.school_code, story.closed.closed_on], story.merged && [story.merged.absorbed_code, story.merged.closed_on]].filter(
      (c): c is [string, string] => c !== null,
    );
    if (city.name.startsWith('clean')) expect(closures).toHaveLength(2);
    for (const [code, closedOn] of closures) {
      const periods = await db.all<{ period: string; start_on: string; window_end_on: string }>(
        `select s.period, p.start_on::varchar as start_on, w.window_end_on::varchar as window_end_on
         from marts.school_scorecard s join core.dim_periods p on p.period_id = s.period
         join core.int_school_periods w on w.period_id = s.period and w.school_code = s.school_code where s.school_code = $1`,
        [code],
      );
      expect(periods.length, code).toBeGreaterThan(0);
      for (const p of periods) {
        expect(p.start_on < closedOn, `${code} in ${p.period}`).toBe(true);
        expect(p.window_end_on < closedOn, `${code} in ${p.period}`).toBe(true);
      }
    }
  });

  const strip = (rows: Row[]) => keyed(rows, (r) => String(r.key));
  for (const table of TABLES) {
    it(`${table}`, () => {
      const problems = diff(table, strip(marts[table]), strip(expected[table]));
      expect(problems.slice(0, 25), `${problems.length} disagreements`).toEqual([]);
      expect(marts[table].length).toBeGreaterThan(0);
    });
  }
});

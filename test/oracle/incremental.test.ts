/**
 * The incremental transform against the full one, on random small cities landed in two waves:
 * the rows dated before a random cut day first, then the rest together with corrected re-exports
 * of some earlier records. After the second wave's incremental transform the marts must equal
 * what `transform --full` makes of the same warehouse, and the periods it rebuilt must be exactly
 * those the changed rows reach: ending on or after the earliest day of the changed records (the
 * corrected versions and the ones they replace), or with an as-of day that moved.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row as CanonicalRow } from '../../demo/format.ts';
import { ingestFile } from '../../sources/ingest.ts';
import { runTransform } from '../../transforms/runner.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { initialisedWarehouse, tempDir } from '../helpers.ts';
import { dayOf, iso, SECONDS_PER_DAY, type Day } from './calendar.ts';
import { RowCollector, type CityRows, type Source } from './city.ts';
import { disagreements, martsOf } from './compare.ts';
import { oracle } from './oracle.ts';
import { randomCity, writeCity } from './random-city.ts';

const SEED = Number(process.env.SAFECAMPUS_PROPERTY_SEED ?? 20261205);
const RUNS = Number(process.env.SAFECAMPUS_PROPERTY_RUNS ?? 3);

/** The day a record happened (what puts it in the first or the second wave). */
const PRIMARY: Record<Source, string> = {
  schools: 'reported_on',
  inspections: 'inspected_on',
  sensors: 'event_at',
  alerts: 'raised_at',
  cases: 'occurred_at',
  activities: 'activity_on',
};
const TIMES = new Set(['event_at', 'raised_at', 'acknowledged_at', 'closed_at', 'occurred_at', 'reported_at', 'investigation_closed_at']);
const DATES = new Set(['opened_on', 'closed_on', 'reported_on', 'inspected_on', 'due_on', 'rectified_on', 'activity_on', 'deadline_on', 'replied_on']);
const dayOfValue = (key: string, value: CanonicalRow[string]): Day | null =>
  value === null || value === undefined ? null : TIMES.has(key) ? Math.floor(Number(value) / SECONDS_PER_DAY) : DATES.has(key) ? Number(value) : null;

/** The earliest day a record's dates reach. */
const earliest = (row: CanonicalRow) => Math.min(...Object.entries(row).map(([k, v]) => dayOfValue(k, v) ?? Infinity));

interface Waves {
  first: CityRows;
  second: CityRows;
  /** The earliest day the second wave changes (Infinity: none). */
  changedFrom: number;
}

/** Splits a city at `cut`; every `correctEvery`-th inspection and alert of the first wave comes again in the second, corrected. */
function waves(rows: CityRows, cut: Day, correctEvery: number): Waves {
  const first = { schools: [], inspections: [], sensors: [], alerts: [], cases: [], activities: [] } as CityRows;
  const second = { schools: [], inspections: [], sensors: [], alerts: [], cases: [], activities: [] } as CityRows;
  let changedFrom = Infinity;
  // every school's first report comes in the first wave: the other exports are checked against the registry
  const firstReports = new Set<CanonicalRow>();
  const bySchool = new Map<string, CanonicalRow>();
  for (const r of rows.schools) if (!bySchool.has(String(r.school_code)) || Number(r.reported_on) < Number(bySchool.get(String(r.school_code))!.reported_on)) bySchool.set(String(r.school_code), r);
  for (const r of bySchool.values()) firstReports.add(r);
  for (const source of Object.keys(rows) as Source[]) {
    for (const row of rows[source]) {
      const day = dayOfValue(PRIMARY[source], row[PRIMARY[source]])!;
      (day < cut || firstReports.has(row) ? first : second)[source].push(row);
    }
  }
  // the registry: a school's first report stands for all the time before it; a later one changes things from its day
  // (or from an opening or closing day it changes)
  const reports = new Map<string, CanonicalRow[]>();
  for (const r of [...first.schools, ...second.schools]) reports.set(String(r.school_code), [...(reports.get(String(r.school_code)) ?? []), r]);
  for (const r of second.schools) {
    const earlier = reports.get(String(r.school_code))!.filter((o) => Number(o.reported_on) < Number(r.reported_on)).sort((a, b) => Number(b.reported_on) - Number(a.reported_on))[0];
    changedFrom = Math.min(changedFrom, Number(r.reported_on));
    for (const key of ['opened_on', 'closed_on']) if (earlier[key] !== r[key]) changedFrom = Math.min(changedFrom, ...[earlier[key], r[key]].filter((v) => v !== null).map(Number));
  }
  for (const source of ['inspections', 'sensors', 'alerts', 'cases', 'activities'] as Source[]) for (const row of second[source]) changedFrom = Math.min(changedFrom, earliest(row));
  // corrected re-exports: the same records, one field changed; both versions count
  first.inspections.forEach((row, i) => {
    if (i % correctEvery !== 0) return;
    const corrected = { ...row, result: row.result === '合格' ? '不适用' : '合格', hazard_level: null, due_on: null, rectified_on: null, recheck_result: null };
    second.inspections.push(corrected);
    changedFrom = Math.min(changedFrom, earliest(row), earliest(corrected));
  });
  first.alerts.forEach((row, i) => {
    if (i % correctEvery !== 0) return;
    const corrected = { ...row, acknowledged_at: row.acknowledged_at === null ? Number(row.raised_at) + 120 : null };
    second.alerts.push(corrected);
    changedFrom = Math.min(changedFrom, earliest(row), earliest(corrected));
  });
  return { first, second, changedFrom };
}

/** Both waves as they stand after landing: a corrected record replaces the earlier version. */
function landedTogether({ first, second }: Waves): CityRows {
  const collector = new RowCollector();
  for (const [wave, rows] of [['1', first], ['2', second]] as const) for (const source of Object.keys(rows) as Source[]) for (const row of rows[source]) collector.listener(wave, source, row);
  return collector.rows();
}

async function land(db: Warehouse, rows: CityRows, dir: string): Promise<void> {
  for (const { path, source } of writeCity(rows, dir)) {
    const result = await ingestFile(db, path, { source, holdThreshold: 1, now: new Date('2026-06-01T00:00:00Z') });
    expect([result.status, result.rowsRejected, result.message]).toEqual(['landed', 0, undefined]);
  }
}

describe('incremental transform', () => {
  it('rebuilds exactly the periods the new and corrected records reach, and gives the marts a full rebuild gives', async () => {
    await fc.assert(
      fc.asyncProperty(randomCity, fc.integer({ min: 30, max: 360 }), fc.integer({ min: 3, max: 9 }), async (rows, cutDay, correctEvery) => {
        const split = waves(rows, dayOf(2025, 1, 1) + cutDay, correctEvery);
        const root = tempDir('safecampus-incremental-');
        const db = await initialisedWarehouse(join(root, 'w.duckdb'));
        try {
          await land(db, split.first, join(root, 'first'));
          expect((await runTransform(db)).scope.full).toBe(true);
          await land(db, split.second, join(root, 'second'));
          const incremental = await runTransform(db);
          expect(incremental.failures).toEqual([]);
          expect(incremental.scope.full).toBe(false);

          // the periods rebuilt: those the changed records reach, or whose as-of day moved
          const before = oracle(split.first).periods;
          const after = oracle(landedTogether(split)).periods;
          const untilBefore = Math.max(...before.map((p) => p.asOf));
          const untilAfter = Math.max(...after.map((p) => p.asOf));
          const expected = after
            .filter((p) => p.end >= split.changedFrom || (untilBefore !== untilAfter && p.end >= Math.min(untilBefore, untilAfter)))
            .map((p) => p.id)
            .sort();
          const rebuilt = (await db.all<{ period_id: string }>('select period_id from core.int_build_periods order by 1')).map((r) => r.period_id);
          expect({ changedFrom: incremental.scope.changedFrom, rebuilt }).toEqual({
            changedFrom: Number.isFinite(split.changedFrom) ? iso(split.changedFrom) : '9999-12-31',
            rebuilt: expected,
          });

          const marts = await martsOf(db);
          const full = await runTransform(db, { full: true });
          expect(full.failures).toEqual([]);
          expect(disagreements(marts, await martsOf(db)).slice(0, 25)).toEqual([]);

          // nothing changed since: no staging model is rebuilt, and the run still answers for every data test
          const again = await runTransform(db);
          expect(again.models.filter((id) => id.startsWith('staging.'))).toEqual([]);
          const outcome = (r: typeof full) => r.tests.map((t) => `${t.model} ${t.test} ${t.failingRows}`).sort();
          expect(outcome(again)).toEqual(outcome(full));
          expect(await db.value<number>('select count(*) from audit.data_tests where run_id = $1', [again.runId])).toBe(full.tests.length);
        } finally {
          db.close();
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 900_000);
});

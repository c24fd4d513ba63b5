/**
 * Properties of the scoring on random small cities (test/oracle/random-city.ts), each landed and
 * transformed for real: the marts agree exactly with the oracle; shuffling the rows of every
 * export changes nothing; adding a school to one unit changes no other unit's school mean or
 * score; a closed school is never judged after it closed; scores lie in 0..100, grades follow the
 * bands and vetoes, ranks are competition ranks within their group.
 *
 * The search is seeded so a run is repeatable; SAFECAMPUS_PROPERTY_SEED and
 * SAFECAMPUS_PROPERTY_RUNS widen it (fast-check prints the seed and the shrunk city of a failure).
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row as CanonicalRow } from '../../demo/format.ts';
import { ingestFile } from '../../sources/ingest.ts';
import { runTransform } from '../../transforms/runner.ts';
import { loadDefinition } from '../../transforms/definitions/load.ts';
import { initialisedWarehouse, tempDir } from '../helpers.ts';
import type { CityRows } from './city.ts';
import { disagreements, expectedOf, martsOf, type Row, type Tables } from './compare.ts';
import { oracle } from './oracle.ts';
import { randomCity, writeCity } from './random-city.ts';

const SEED = Number(process.env.SAFECAMPUS_PROPERTY_SEED ?? 20261204);
const RUNS = Number(process.env.SAFECAMPUS_PROPERTY_RUNS ?? 4);

let cities = 0;

/** Lands the rows as files into a fresh warehouse and transforms: the marts as plain records. */
async function pipeline(rows: CityRows): Promise<Tables> {
  const root = tempDir('safecampus-property-');
  const db = await initialisedWarehouse(join(root, `city-${cities++}.duckdb`));
  try {
    for (const { path, source } of writeCity(rows, join(root, 'inbox'))) {
      const result = await ingestFile(db, path, { source, holdThreshold: 1, now: new Date('2026-06-01T00:00:00Z') });
      expect([result.file, result.status, result.rowsRejected, result.message]).toEqual([path, 'landed', 0, undefined]);
    }
    const transform = await runTransform(db);
    expect(transform.failures).toEqual([]);
    return await martsOf(db);
  } finally {
    db.close();
  }
}

/** A seeded shuffle: every export's rows in another order. */
function shuffled(rows: CityRows, seed: number): CityRows {
  let state = seed >>> 0 || 1;
  const next = () => ((state = (state * 1_103_515_245 + 12_345) >>> 0), state / 2 ** 32);
  const shuffle = (list: CanonicalRow[]) => {
    const copy = list.slice();
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  };
  return Object.fromEntries(Object.entries(rows).map(([source, list]) => [source, shuffle(list)])) as CityRows;
}

/** The city with one more school, a copy of its first school's registry under a new code, in `unit`. */
function withExtraSchool(rows: CityRows, unit: string): CityRows {
  const first = rows.schools[0];
  const code = `${String(first.school_code).slice(0, 4)}999999`;
  const reports = rows.schools.filter((r) => r.school_code === first.school_code).map((r) => ({ ...r, school_code: code, school_name: '新增学校', unit_code: unit }));
  return { ...rows, schools: [...rows.schools, ...reports] };
}

const definition = loadDefinition(2025);

function checkInvariants(marts: Tables): void {
  const bands = definition.grade_bands;
  const bandOf = (score: number) => bands.find((b) => score >= b.min_score * 100)!.grade;
  for (const s of marts.schools) {
    const score = Number(s.score);
    expect(score, `${s.key} score`).toBeGreaterThanOrEqual(0);
    expect(score, `${s.key} score`).toBeLessThanOrEqual(10_000);
    expect(s.grade, `${s.key} grade`).toBe(s.veto_reason ? '不合格' : bandOf(score));
    // a closed school is judged only while it was open: never in a period that began on or after its closing day
    if (s.closed_on !== null) expect(String(marts.periods.find((p) => p.key === s.period)!.start_on) < String(s.closed_on), `${s.key} after closing`).toBe(true);
  }
  for (const u of marts.units) {
    const score = Number(u.score);
    expect(score).toBeGreaterThanOrEqual(0);
    expect(score).toBeLessThanOrEqual(10_000);
    const band = bandOf(score);
    expect(u.grade, `${u.key} grade`).toBe(Number(u.n_vetoed_schools) > 0 && band === '优秀' ? '良好' : band);
  }
  // ranks: competition ranks within (period, type, separately ranked) and among the ranked units
  const groups = new Map<string, Row[]>();
  for (const s of marts.schools) groups.set(`${s.period}|${s.school_type}|${s.unit_code === '411000'}`, [...(groups.get(`${s.period}|${s.school_type}|${s.unit_code === '411000'}`) ?? []), s]);
  for (const u of marts.units.filter((u) => u.rank !== null)) groups.set(`unit ${u.period}`, [...(groups.get(`unit ${u.period}`) ?? []), u]);
  for (const [group, members] of groups) {
    for (const m of members) {
      const better = members.filter((o) => Number(o.score) > Number(m.score)).length;
      expect(m.rank, `${group} ${m.key}`).toBe(better + 1);
    }
  }
}

describe('scoring properties on random cities', () => {
  it(
    'agrees with the oracle, ignores row order, keeps other units apart, never judges a closed school after it closed',
    async () => {
      await fc.assert(
        fc.asyncProperty(randomCity, fc.constantFrom(...['411002', '411024', '411000']), fc.integer({ min: 1, max: 2 ** 30 }), async (rows, unit, shuffleSeed) => {
          const marts = await pipeline(rows);
          expect(disagreements(marts, expectedOf(oracle(rows))).slice(0, 25)).toEqual([]);
          checkInvariants(marts);
          expect(disagreements(await pipeline(shuffled(rows, shuffleSeed)), marts).slice(0, 25)).toEqual([]);
          const grown = await pipeline(withExtraSchool(rows, unit));
          const others = (table: Row[], field: string) => table.filter((r) => r.unit_code !== unit && r.key !== undefined).map((r) => `${r.key} ${r[field]}`).sort();
          expect(others(grown.units, 'school_mean')).toEqual(others(marts.units, 'school_mean'));
          expect(others(grown.units, 'score')).toEqual(others(marts.units, 'score'));
          expect(others(grown.schools, 'score')).toEqual(others(marts.schools, 'score'));
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    },
    900_000,
  );
});

/**
 * The evidence queries (transforms/evidence.ts) read one scope for the assessment report and every
 * scope at once for the site: on the scoring city (test/scoring/city.ts), each school's and each
 * unit's tables read in one batch are exactly the tables read for it alone — rows, order and
 * totals — and a short limit keeps the first rows with the whole total.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE, evidenceByScope, type RunSql } from '../../transforms/evidence.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { landScoringCity, P1, SCHOOLS } from '../scoring/city.ts';

let db: Warehouse;
let run: RunSql;
const UNITS = ['411000', '411002', '411003', '411024'];

beforeAll(async () => {
  db = await landScoringCity();
  run = (sql, params) => db.all(sql, params);
}, 120_000);

afterAll(() => db?.close());

describe('evidence read for every scope at once', () => {
  it('gives each school and each unit the tables it gets alone', async () => {
    let compared = 0;
    for (const query of EVIDENCE) {
      for (const [level, codes] of [['school', SCHOOLS], ['unit', UNITS]] as const) {
        const batch = await evidenceByScope(run, query, { period: '2025', code: null, level });
        for (const code of codes) {
          const alone = (await evidenceByScope(run, query, { period: '2025', code, level })).get(code);
          expect(batch.get(code), `${query.indicators.join()} ${code}`).toEqual(alone);
          if (alone) compared++;
        }
        expect([...batch.keys()].every((k) => (codes as readonly string[]).includes(k)), `${query.indicators.join()} ${level}`).toBe(true);
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('keeps the first rows and the whole total under a limit', async () => {
    const a2 = EVIDENCE.find((q) => q.indicators.includes('A2'))!;
    const all = (await evidenceByScope(run, a2, { period: '2025', code: P1, level: 'school' })).get(P1)!;
    expect(all.total).toBeGreaterThan(2);
    const first = (await evidenceByScope(run, a2, { period: '2025', code: null, level: 'school', limit: 2 })).get(P1)!;
    expect(first).toEqual({ ...all, rows: all.rows.slice(0, 2) });
  });
});

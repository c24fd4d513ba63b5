/**
 * The hand-made mini city (test/fixtures/mini-city): seven schools in five units and 19
 * inspection rows in a GBK CSV with mixed date styles and vendor codes. Every expected
 * number below was worked out by hand from the fixture files.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../warehouse/connection.ts';
import { initWarehouse } from '../sources/init.ts';
import { ingestPath } from '../sources/ingest.ts';
import { runTransform } from '../transforms/runner.ts';
import { FIXTURES, tempDir } from './helpers.ts';

const CITY = join(FIXTURES, 'mini-city');
let db: Warehouse;

beforeAll(async () => {
  db = await Warehouse.open(join(tempDir(), 'w.duckdb'));
  await initWarehouse(db);
});
afterAll(() => db.close());

describe('mini city: ingest', () => {
  it('lands the registry first, then the GBK inspections with one reject', async () => {
    const results = await ingestPath(db, CITY, { now: new Date('2026-01-15T00:00:00Z') });
    expect(results.map((r) => [r.source, r.format, r.status, r.rowsRead, r.rowsLanded, r.rowsRejected])).toEqual([
      ['schools', 'csv-utf8', 'landed', 7, 7, 0],
      ['inspections', 'csv-gbk', 'landed', 19, 18, 1],
    ]);
    expect(results[1].rejectsByReason).toEqual({ unknown_school: 1 });
  });

  it('keeps the rejected row with its row number, reason and raw content', async () => {
    const rejects = await db.all('select row_number, reason_code, message, raw from audit.rejects');
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ row_number: 18, reason_code: 'unknown_school' });
    expect(rejects[0].message).toContain('2141099999');
    expect(JSON.parse(rejects[0].raw as string)).toMatchObject({ 检查编号: 'J2516-099', 学校标识码: '2141099999' });
  });

  it('reads every date style, vendor code and repairs a code that lost its leading digits', async () => {
    const rows = await db.all(
      `select inspection_id, item_code, school_code, cast(inspected_on as varchar) as inspected_on, hazard_level,
              cast(due_on as varchar) as due_on, cast(rectified_on as varchar) as rectified_on
       from raw.inspections where inspection_id in ('J2501-001', 'J2502-001', 'J2503-001', 'J2507-002', 'J2517-005')
       order by inspection_id, item_code`,
    );
    expect(rows).toEqual([
      { inspection_id: 'J2501-001', item_code: 'XF01', school_code: '2141000001', inspected_on: '2025-03-05', hazard_level: '一般', due_on: '2025-03-20', rectified_on: '2025-03-18' },
      { inspection_id: 'J2501-001', item_code: 'XF02', school_code: '2141000001', inspected_on: '2025-03-05', hazard_level: null, due_on: null, rectified_on: null },
      { inspection_id: 'J2502-001', item_code: 'XS02', school_code: '2141000001', inspected_on: '2025-04-08', hazard_level: '一般', due_on: '2025-04-30', rectified_on: '2025-04-30' },
      { inspection_id: 'J2503-001', item_code: 'XF05', school_code: '2141000001', inspected_on: '2025-06-02', hazard_level: '重大', due_on: '2025-06-09', rectified_on: '2025-06-12' },
      { inspection_id: 'J2507-002', item_code: 'SP02', school_code: '2141000002', inspected_on: '2025-09-01', hazard_level: '较大', due_on: '2025-09-15', rectified_on: '2025-09-15' },
      { inspection_id: 'J2517-005', item_code: 'XF01', school_code: '2141000005', inspected_on: '2025-05-01', hazard_level: null, due_on: null, rectified_on: null },
    ]);
  });

  it('types the registry: school type codes, booleans, Chinese dates', async () => {
    const schools = await db.all(
      `select school_code, school_type, ownership, enrollment, is_near_water, cast(opened_on as varchar) as opened_on
       from raw.schools where school_code in ('2141000002', '1141000003', '3141000004') order by school_code`,
    );
    expect(schools).toEqual([
      { school_code: '1141000003', school_type: '幼儿园', ownership: '民办', enrollment: 210, is_near_water: true, opened_on: '2012-09-01' },
      { school_code: '2141000002', school_type: '小学', ownership: '公办', enrollment: 1260, is_near_water: false, opened_on: '1985-09-01' },
      { school_code: '3141000004', school_type: '初中', ownership: '公办', enrollment: 960, is_near_water: false, opened_on: '1978-09-01' },
    ]);
  });

  it('skips files it has already landed', async () => {
    const again = await ingestPath(db, CITY);
    expect(again.map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(await db.value('select count(*) from raw.inspections')).toBe(18);
    expect(await db.value('select count(*) from audit.batches')).toBe(2);
  });
});

describe('mini city: A3 on-time rectification', () => {
  beforeAll(async () => {
    const result = await runTransform(db);
    expect(result.failures).toEqual([]);
  });

  it('computes each school’s 2025 value from the hazards due in 2025', async () => {
    const values = await db.all(
      `select school_code, numerator, denominator, value, status from marts.indicator_values
       where period = '2025' and indicator_id = 'A3' order by school_code`,
    );
    expect(values).toEqual([
      // 1 major hazard due 2025-05-20, never rectified
      { school_code: '1141000003', numerator: 0, denominator: 1, value: 0, status: 'ok' },
      // 4 due in 2025 (3-20, 4-30 same day, 6-09 late, 12-31 same day): 3 on time
      { school_code: '2141000001', numerator: 3, denominator: 4, value: 0.75, status: 'ok' },
      // due 2024-12-20 and 2026-01-10 fall outside 2025; 2 due in 2025, both on time
      { school_code: '2141000002', numerator: 2, denominator: 2, value: 1, status: 'ok' },
      { school_code: '2141000005', numerator: 1, denominator: 2, value: 0.5, status: 'ok' },
      { school_code: '2141000007', numerator: 1, denominator: 2, value: 0.5, status: 'ok' },
      // no hazard at all: nothing to judge
      { school_code: '3141000004', numerator: 0, denominator: 0, value: null, status: 'not_applicable' },
      { school_code: '3441000006', numerator: 1, denominator: 1, value: 1, status: 'ok' },
    ]);
  });

  it('ranks units on their pooled rate with shared ranks for ties, 市直 unranked', async () => {
    const ranking = await db.all(
      `select unit_code, numerator, denominator, round(value, 4) as value, n_schools, rank from marts.unit_indicator_ranking
       where period = '2025' and indicator_id = 'A3' order by rank nulls last, unit_code`,
    );
    expect(ranking).toEqual([
      { unit_code: '411002', numerator: 5, denominator: 6, value: 0.8333, n_schools: 2, rank: 1 },
      { unit_code: '411024', numerator: 1, denominator: 2, value: 0.5, n_schools: 1, rank: 2 },
      { unit_code: '411025', numerator: 1, denominator: 2, value: 0.5, n_schools: 1, rank: 2 },
      { unit_code: '411003', numerator: 0, denominator: 1, value: 0, n_schools: 2, rank: 4 },
      { unit_code: '411000', numerator: 1, denominator: 1, value: 1, n_schools: 1, rank: null },
    ]);
  });

  it('splits the year into quarters at the due dates', async () => {
    const q2 = await db.all(
      `select school_code, numerator, denominator from marts.indicator_values
       where period = '2025-Q2' and indicator_id = 'A3' and status = 'ok' order by school_code`,
    );
    // Q2 (Apr–Jun): 2141000001 due 4-30 (on time) and 6-09 (late); 1141000003 due 5-20; 3441000006 due 4-30
    expect(q2).toEqual([
      { school_code: '1141000003', numerator: 0, denominator: 1 },
      { school_code: '2141000001', numerator: 1, denominator: 2 },
      { school_code: '3441000006', numerator: 1, denominator: 1 },
    ]);
  });
});

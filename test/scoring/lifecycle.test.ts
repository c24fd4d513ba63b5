/**
 * Schools that close or merge, and rectifications that fail their re-check, on a hand-made
 * three-school city (test/fixtures/lifecycle-city), all in 禹州市 (411081):
 *
 *   C  2141000503  禹州市褚河小学      120 pupils; closed 2024-07-10 (reported 2024-09-01)
 *   M1 2141000501  禹州市郭连小学      300 pupils; merged, closed 2025-07-31 (reported 2025-09-01)
 *   M2 2141000502  禹州市第一实验小学  900 pupils, 1,200 from its 2025-09-01 report (M1's pupils)
 *
 * The data runs to 2025-12-31 (M2's last lesson); the registry's reports make 2024 a year with
 * data too. docs/scoring.md: a school is judged on its window — the period's days it was open
 * (the day before its closing day is its last), up to the as-of day.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvidence } from '../../reports/assessment/evidence.ts';
import { ingestPath } from '../../sources/ingest.ts';
import { runTransform } from '../../transforms/runner.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { FIXTURES, tempDir } from '../helpers.ts';
import { expectIndicator } from './city.ts';

const C = '2141000503';
const M1 = '2141000501';
const M2 = '2141000502';
let db: Warehouse;

beforeAll(async () => {
  db = await Warehouse.open(join(tempDir(), 'lifecycle.duckdb'));
  await initWarehouse(db);
  const results = await ingestPath(db, join(FIXTURES, 'lifecycle-city'), { now: new Date('2026-01-15T00:00:00Z') });
  expect(results.map((r) => [r.source, r.rowsRejected])).toEqual([
    ['schools', 0],
    ['activities', 0],
    ['inspections', 0],
    ['sensors', 0],
  ]);
  expect((await runTransform(db)).failures).toEqual([]);
}, 180_000);
afterAll(() => db.close());

describe('a closed school', () => {
  it('is judged only on the days it was open, and in no period after it closed', async () => {
    const windows = await db.all<{ period_id: string; school_code: string; window: string }>(
      `select period_id, school_code, window_start_on || ' … ' || window_end_on as window
       from core.int_school_periods where school_code in ($1, $2) and (period_kind <> 'month' or period_id like '%-07')
       order by school_code, start_on, period_id`,
      [C, M1],
    );
    expect(windows.map((w) => `${w.school_code === C ? 'C' : 'M1'} ${w.period_id} ${w.window}`)).toEqual([
      // M1: every 2024 period whole, 2025 up to 30 July (closed 31 July), nothing from August
      'M1 2024 2024-01-01 … 2024-12-31',
      'M1 2024-Q1 2024-01-01 … 2024-03-31',
      'M1 2024-T1 2024-02-01 … 2024-07-31',
      'M1 2024-Q2 2024-04-01 … 2024-06-30',
      'M1 2024-07 2024-07-01 … 2024-07-31',
      'M1 2024-Q3 2024-07-01 … 2024-09-30',
      'M1 2024-T2 2024-09-01 … 2025-01-31',
      'M1 2024-Q4 2024-10-01 … 2024-12-31',
      'M1 2025 2025-01-01 … 2025-07-30',
      'M1 2025-Q1 2025-01-01 … 2025-03-31',
      'M1 2025-T1 2025-02-01 … 2025-07-30',
      'M1 2025-Q2 2025-04-01 … 2025-06-30',
      'M1 2025-07 2025-07-01 … 2025-07-30',
      'M1 2025-Q3 2025-07-01 … 2025-07-30',
      // C: closed 10 July 2024, so its last day was the 9th; not in 2025, though its closing report came in September
      'C 2024 2024-01-01 … 2024-07-09',
      'C 2024-Q1 2024-01-01 … 2024-03-31',
      'C 2024-T1 2024-02-01 … 2024-07-09',
      'C 2024-Q2 2024-04-01 … 2024-06-30',
      'C 2024-07 2024-07-01 … 2024-07-09',
      'C 2024-Q3 2024-07-01 … 2024-07-09',
    ]);
    expect(await db.value<number>(`select count(*) from marts.school_scorecard where school_code = $1 and period like '2025%'`, [C])).toBe(0);
  });

  it('measures its months, device time and terms over its window: what falls after closing is not required', async () => {
    await expectIndicator(db, '2025', 'A1', {
      // self-inspections in January, February, March, May and July of the seven months open: 5 × (5/7 − 0.5) / 0.5 = 15/7
      [M1]: [5, 7, 5 / 7, 'ok', 2.1429],
    });
    await expectIndicator(db, '2025', 'B3', {
      // one camera online from 1 January to the end of 30 July: 211 days = 5,064 hours, not the year's 8,760
      [M1]: [5064, 5064, 1, 'ok', 4],
    });
    await expectIndicator(db, '2025', 'D1', {
      // one term ends in the window (autumn 2024, ending 31 January); the spring term ends on 31 July, after it closed.
      // 270 receipts / (300 pupils × 1 term) = 0.9 → 4 × (0.9 − 0.8) / 0.2 = 2
      [M1]: [270, 300, 0.9, 'ok', 2],
    });
    await expectIndicator(db, '2025-07', 'D1', {
      [M1]: [0, 0, null, 'not_applicable', null],
    });
  });
});

describe('a merge', () => {
  it('weighs pupils once: the unit mean is weighted by pupil-days, and the unit counts only pupils still enrolled', async () => {
    const days = await db.all<{ school_code: string; student_days: number }>(
      `select school_code, student_days from marts.school_scorecard where period = '2025' order by school_code`,
    );
    // M1: 300 pupils × 211 days = 63,300. M2: 900 × 59 (Jan–Feb) + 900 × 184 (Mar–Aug) + 1,200 × 122 (Sep–Dec) = 365,100
    expect(days).toEqual([
      { school_code: M1, student_days: 63_300 },
      { school_code: M2, student_days: 365_100 },
    ]);
    const scores = await db.all<{ score: number; student_days: number }>(`select score, student_days from marts.school_scorecard where period = '2025'`);
    const exactMean = scores.reduce((s, r) => s + Math.round(r.score * 100) * r.student_days, 0) / (63_300 + 365_100);
    const unit = await db.one<{ n_schools: number; enrollment: number; school_mean: number }>(
      `select n_schools, enrollment, school_mean from marts.unit_scorecard where period = '2025' and unit_code = '411081'`,
    );
    // both schools scored in 2025; on 31 December only M2's 1,200 pupils are enrolled (M1's are among them)
    expect(unit).toEqual({ n_schools: 2, enrollment: 1200, school_mean: Math.round(exactMean) / 100 });
  });
});

describe('a rectification that failed its re-check', () => {
  it('is not a rectification: A3 not on time, A4 still open, and no recurrence is counted from it', async () => {
    // M2's six hazards of 2025, all due in the year. XS01 (重大, due 13 May) was reported fixed on 12 May but failed
    // its re-check. The others were fixed on time and passed (XF02 not re-checked yet).
    await expectIndicator(db, '2025', 'A3', {
      // 5 / 6 on time → 6 × (5/6 − 0.7) / 0.3 = 8/3
      [M2]: [5, 6, 5 / 6, 'ok', 2.6667],
    });
    await expectIndicator(db, '2025', 'A4', {
      // XS01 is still open on 31 December, past its due date: one item, 6 − 3 = 3 (its second failure on 10 June,
      // fixed and passed, does not close the first)
      [M2]: [1, null, 1, 'ok', 3],
    });
    await expectIndicator(db, '2025', 'A5', {
      // XF01 failed again on 1 July, 82 days after its passed rectification on 10 April: a recurrence. XS01 failing on
      // 10 June, 29 days after the failed one of 12 May, is not (that hazard never ended). 1 / 6 → 3 × (1/6 − 0.2) / −0.2 = 0.5
      [M2]: [1, 6, 1 / 6, 'ok', 0.5],
    });
  });
});

describe('the assessment report’s evidence', () => {
  it('lists the rows the indicators counted: a closed school’s missed months in its window, a failed re-check as open', async () => {
    const m1 = await readEvidence(db, '2025', M1, ['A1']);
    expect(m1.get('A1')![0].rows).toEqual([
      ['禹州市郭连小学', '2025年04月'],
      ['禹州市郭连小学', '2025年06月'],
    ]);
    const m2 = await readEvidence(db, '2025', M2, ['A3', 'A4']);
    const xs01 = ['禹州市第一实验小学', 'XS01 校舍无危房或裂缝', '墙体出现裂缝', '重大', '2025-05-06', '2025-05-13'];
    expect(m2.get('A3')![0].rows).toEqual([[...xs01, '复查不合格']]);
    expect(m2.get('A4')![0].rows).toEqual([[...xs01, 232]]);
  });
});

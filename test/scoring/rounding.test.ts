/**
 * Rounding, exactly once and half up (docs/scoring.md). Each case puts hand-made numbers into
 * one model's inputs in the scoring city's warehouse and rebuilds that model from its SQL: the
 * numbers sit on a rounding boundary where doubles fall on the wrong side.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildModel, loadModels } from '../../transforms/runner.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { landScoringCity, P1, P3, P4 } from './city.ts';

let db: Warehouse;
beforeAll(async () => {
  db = await landScoringCity();
}, 180_000);
afterAll(() => db.close());

const models = loadModels();

async function rebuild(id: string): Promise<void> {
  await buildModel(db, models.find((m) => m.id === id)!, models, true);
}

it('rounds indicator points half up to 4 decimals from the exact value: 5 × (0.8900018 − 0.8) / 0.18 = 2.50005 → 2.5001', async () => {
  // in doubles the same arithmetic gives 2.50004999… and 2.5000; the measure models are temporary: built again to be changed
  for (const model of models.filter((m) => m.isTemporary)) await rebuild(model.id);
  await db.run(
    `update temp.main.int_measures_inspections set value_numerator = 8900018, value_denominator = 10000000
     where period_id = '2025' and school_code = $1 and formula = 'checklist_pass_rate'`,
    [P1],
  );
  await rebuild('core.int_indicator_points');
  expect(await db.value(`select points from marts.indicator_values where period = '2025' and school_code = $1 and indicator_id = 'A2'`, [P1])).toBe(2.5001);
});

it('rounds a school score once, half up: 100 × 83.9664 / 96 = 87.465 → 87.47', async () => {
  // in doubles: 87.46499999… → 87.46
  await db.run(`update core.int_indicator_points set points = null, max_points = null, status = 'not_applicable' where period_id = '2025' and school_code = $1`, [P1]);
  await db.run(`update core.int_indicator_points set points = 83.9664, max_points = 96, status = 'ok' where period_id = '2025' and school_code = $1 and indicator_id = 'A1'`, [P1]);
  await rebuild('core.int_school_scores');
  await rebuild('marts.school_scorecard');
  expect(await db.value(`select score from marts.school_scorecard where period = '2025' and school_code = $1`, [P1])).toBe(87.47);
});

it('combines a unit score from the exact school mean and supervision score, rounding once: 70.50, not 70.49 from the rounded parts', async () => {
  // 鄢陵县's two schools: 70.22 over 51 pupil-days and 70.23 over 49 → mean 70.2249 (shown 70.22); supervision 72.0549 of
  // 100 (shown 72.05). 0.85 × 70.2249 + 0.15 × 72.0549 = 70.4994 → 70.50; from the shown parts 70.4945 → 70.49.
  await db.run(`update core.int_school_scores set score = 70.22, student_days = 51 where period = '2025' and school_code = $1`, [P3]);
  await db.run(`update core.int_school_scores set score = 70.23, student_days = 49 where period = '2025' and school_code = $1`, [P4]);
  await db.run(`update core.int_indicator_points set points = null, max_points = null, status = 'not_applicable' where period_id = '2025' and unit_code = '411024' and school_code is null`);
  await db.run(`update core.int_indicator_points set points = 72.0549, max_points = 100, status = 'ok' where period_id = '2025' and unit_code = '411024' and school_code is null and indicator_id = 'I1'`);
  await rebuild('core.int_unit_scores');
  await rebuild('marts.unit_scorecard');
  expect(await db.one(`select school_mean, supervision_score, score from marts.unit_scorecard where period = '2025' and unit_code = '411024'`)).toEqual({
    school_mean: 70.22,
    supervision_score: 72.05,
    score: 70.5,
  });
});

/**
 * School and unit scorecards, vetoes, grades, ranks and short boards on the scoring city (see
 * ./city.ts), with the indicator points of inspections-devices.test.ts and
 * programmes-alerts-cases.test.ts added up by hand; and a cross-check of the SQL engine against
 * the TypeScript reference rules (indicatorPoints, gradeFor).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.ts';
import { gradeFor, indicatorPoints, loadDefinition } from '../../transforms/definitions/load.ts';
import { J1, K1, landScoringCity, P1, P2, P3, P4, S1 } from './city.ts';

let db: Warehouse;
beforeAll(async () => {
  db = await landScoringCity();
}, 120_000);
afterAll(() => db.close());

describe('school scorecard 2025', () => {
  it('adds up domain points, rescales to 100 over the applicable points, grades, vetoes and ranks within type', async () => {
    const rows = await db.all(
      `select school_code, points_a, points_b, points_c, points_d, points_e, points_f, points_g, points_h,
              earned_points, applicable_points, score, grade, is_vetoed, veto_reason, rank, previous_rank, rank_change, is_separately_ranked
       from marts.school_scorecard where period = '2025' order by school_code`,
    );
    expect(rows).toEqual([
      // K1 (幼儿园): E and F do not apply; A3, A5, B5, C2, D2, G1, G2 have nothing to judge.
      // A 5 + 5 + 6 = 16/16; B 5 + 0 + 0 + 0 (no devices: no data) = 5/17; C 1 + 5 = 6/8; D 1.3077 + 3 = 4.3077/7; H 5/5
      // → 36.3077 / 53 = 68.51 → 合格. Alone in its type: rank 1, as in 2024.
      {
        school_code: K1, points_a: 16, points_b: 5, points_c: 6, points_d: 4.3077, points_e: null, points_f: null, points_g: null, points_h: 5,
        earned_points: 36.3077, applicable_points: 53, score: 68.51, grade: '合格', is_vetoed: false, veto_reason: null,
        rank: 1, previous_rank: 1, rank_change: 0, is_separately_ranked: false,
      },
      // P1: A 2.2727 + 0.6944 + 0.2857 + 3 + 0.8571 = 7.1099/25; B 5 + 4 + 2.7729 + 4 = 15.7729/17; C 1.8 + 0.96 + 0 = 2.76/10;
      // D 2.5 + 2.25 = 4.75/7; E 1.5/3; F 2.6667 + 2.3333 + 2 = 7/10; G 0.9259 + 4.1176 = 5.0435/10; H 5/5
      // → 48.9363 / 87 = 56.25 → 不合格. Fourth of the four primary schools; third in 2024 (33.80).
      {
        school_code: P1, points_a: 7.1099, points_b: 15.7729, points_c: 2.76, points_d: 4.75, points_e: 1.5, points_f: 7, points_g: 5.0435, points_h: 5,
        earned_points: 48.9363, applicable_points: 87, score: 56.25, grade: '不合格', is_vetoed: false, veto_reason: null,
        rank: 4, previous_rank: 3, rank_change: -1, is_separately_ranked: false,
      },
      // P2: A 16/16; B 5 + 3.9286 + 4 + 4 + 1.5 = 18.4286/20; C 3 + 5 = 8/8; D 4 + 1.9091 + 3 = 8.9091/10;
      // E 3 + 1.5 + 1.7143 = 6.2143/10; F 4 + 2 = 6/6 (F2 nobody warned); G 0.9259 + 0 = 0.9259/10; H 0/5
      // → 64.4779 / 85 = 75.86 → 合格. Third; fourth in 2024 (32.31) → up 1.
      {
        school_code: P2, points_a: 16, points_b: 18.4286, points_c: 8, points_d: 8.9091, points_e: 6.2143, points_f: 6, points_g: 0.9259, points_h: 0,
        earned_points: 64.4779, applicable_points: 85, score: 75.86, grade: '合格', is_vetoed: false, veto_reason: null,
        rank: 3, previous_rank: 4, rank_change: 1, is_separately_ranked: false,
      },
      // P3 and P4, the same template: A 16/16; B 17/17; C 8/8; D 7/7; E 3/3; F 10/10; no alert (G null); H 3.75/5
      // → 64.75 / 66 = 98.11, a tie: both rank 1 (as in 2024 at 33.87). P3's death case caps it at 不合格 (V1).
      {
        school_code: P3, points_a: 16, points_b: 17, points_c: 8, points_d: 7, points_e: 3, points_f: 10, points_g: null, points_h: 3.75,
        earned_points: 64.75, applicable_points: 66, score: 98.11, grade: '不合格', is_vetoed: true, veto_reason: 'V1 发生涉校安全事故致人死亡（C-P3-1）',
        rank: 1, previous_rank: 1, rank_change: 0, is_separately_ranked: false,
      },
      {
        school_code: P4, points_a: 16, points_b: 17, points_c: 8, points_d: 7, points_e: 3, points_f: 10, points_g: null, points_h: 3.75,
        earned_points: 64.75, applicable_points: 66, score: 98.11, grade: '优秀', is_vetoed: false, veto_reason: null,
        rank: 1, previous_rank: 1, rank_change: 0, is_separately_ranked: false,
      },
      // J1: A 5 + 3.4188 + 0 + 6 + 3 = 17.4188/25; B 0 + 4 + 4 + 3.08 + 0 = 11.08/20; C 3 + 5 = 8/8; D 3.0909 + 3 = 6.0909/7;
      // E 1.5/3; F 2.7879 + 1.3333 + 0 = 4.1212/10; H 0.4545/5 → 48.6654 / 78 = 62.39, a 合格 score capped to 不合格
      // by V2 (较大 case reported 48 h after it happened).
      {
        school_code: J1, points_a: 17.4188, points_b: 11.08, points_c: 8, points_d: 6.0909, points_e: 1.5, points_f: 4.1212, points_g: null, points_h: 0.4545,
        earned_points: 48.6654, applicable_points: 78, score: 62.39, grade: '不合格', is_vetoed: true, veto_reason: 'V2 瞒报、迟报较大及以上事故（C-J1-1）',
        rank: 1, previous_rank: 1, rank_change: 0, is_separately_ranked: false,
      },
      // S1 (市直): A 16/16; B 17/17; C 8/8; D 4 + 0.75 = 4.75/7; E 3/3; F 10/10; G 0 + 2.9412/10; H 2.5/5
      // → 64.1912 / 76 = 84.46 → 良好. Its 较大 case was reported exactly 24 h later: no veto. Ranked in the 市直 group.
      {
        school_code: S1, points_a: 16, points_b: 17, points_c: 8, points_d: 4.75, points_e: 3, points_f: 10, points_g: 2.9412, points_h: 2.5,
        earned_points: 64.1912, applicable_points: 76, score: 84.46, grade: '良好', is_vetoed: false, veto_reason: null,
        rank: 1, previous_rank: 1, rank_change: 0, is_separately_ranked: true,
      },
    ]);
  });

  it('scores 2024 from its few rows, which gives the previous ranks', async () => {
    // 2024 (complete): no devices yet (B2–B4 no data), no drill, letter, lesson, survey or course in the terms ending in
    // 2024, no case (H1 5), no hazard except P1's. P3, P4, S1: A4 6 + B1 5 + C3 5 + H1 5 = 21 over
    // A 16 + B 17 + C 8 + D 7 + E 3 + F 6 + H 5 = 62 → 33.87. P2 adds D2 (0/3) → 21/65 = 32.31.
    // P1: + A3 0/6 and A5 3/3 → 24/71 = 33.80. K1: no guard quota met (1 < 2) → 16/53 = 30.19.
    // J1: B1 no, F2 8/10 = floor → 16/66 = 24.24.
    const rows = await db.all(
      `select school_code, earned_points, applicable_points, score, grade, rank from marts.school_scorecard where period = '2024' order by school_code`,
    );
    expect(rows).toEqual([
      { school_code: K1, earned_points: 16, applicable_points: 53, score: 30.19, grade: '不合格', rank: 1 },
      { school_code: P1, earned_points: 24, applicable_points: 71, score: 33.8, grade: '不合格', rank: 3 },
      { school_code: P2, earned_points: 21, applicable_points: 65, score: 32.31, grade: '不合格', rank: 4 },
      { school_code: P3, earned_points: 21, applicable_points: 62, score: 33.87, grade: '不合格', rank: 1 },
      { school_code: P4, earned_points: 21, applicable_points: 62, score: 33.87, grade: '不合格', rank: 1 },
      { school_code: J1, earned_points: 16, applicable_points: 66, score: 24.24, grade: '不合格', rank: 1 },
      { school_code: S1, earned_points: 21, applicable_points: 62, score: 33.87, grade: '不合格', rank: 1 },
    ]);
  });

  it('vetoes only in the periods holding the case', async () => {
    // C-P3-1 occurred 2025-05-05, C-J1-1 2025-06-01.
    const rows = await db.all(`select period, school_code from marts.school_scorecard where is_vetoed order by period, school_code`);
    expect(rows).toEqual([
      { period: '2025', school_code: P3 },
      { period: '2025', school_code: J1 },
      { period: '2025-05', school_code: P3 },
      { period: '2025-06', school_code: J1 },
      { period: '2025-Q2', school_code: P3 },
      { period: '2025-Q2', school_code: J1 },
      { period: '2025-T1', school_code: P3 },
      { period: '2025-T1', school_code: J1 },
    ]);
  });
});

describe('unit scorecard', () => {
  it('is 85% enrollment-weighted school mean + 15% supervision, a vetoed unit barred from 优秀, 市直 unranked', async () => {
    const rows = await db.all(
      `select period, unit_code, school_mean, supervision_score, score, grade, is_vetoed, rank, previous_rank, rank_change, n_schools, enrollment
       from marts.unit_scorecard where period in ('2024', '2025') order by period, unit_code`,
    );
    expect(rows).toEqual([
      // 2024: no 督查 yet (I2 0/30), no letter (I1 not applicable), I3 30 → supervision 50, except 鄢陵县's 约谈
      // (I3 29.4 → 49). 市直 0.85 × 33.87 + 7.5 = 36.29.
      { period: '2024', unit_code: '411000', school_mean: 33.87, supervision_score: 50, score: 36.29, grade: '不合格', is_vetoed: false, rank: null, previous_rank: null, rank_change: null, n_schools: 1, enrollment: 3000 },
      // 魏都区 0.85 × 33.80 + 0.15 × 50 = 36.23 → first.
      { period: '2024', unit_code: '411002', school_mean: 33.8, supervision_score: 50, score: 36.23, grade: '不合格', is_vetoed: false, rank: 1, previous_rank: null, rank_change: null, n_schools: 1, enrollment: 800 },
      // 建安区 (240 × 30.19 + 1200 × 32.31 + 1650 × 24.24) / 3090 = 27.84 → 0.85 × 27.84 + 7.5 = 31.16 → third.
      { period: '2024', unit_code: '411003', school_mean: 27.84, supervision_score: 50, score: 31.16, grade: '不合格', is_vetoed: false, rank: 3, previous_rank: null, rank_change: null, n_schools: 3, enrollment: 3090 },
      // 鄢陵县 0.85 × 33.87 + 0.15 × 49 = 36.14 → second.
      { period: '2024', unit_code: '411024', school_mean: 33.87, supervision_score: 49, score: 36.14, grade: '不合格', is_vetoed: false, rank: 2, previous_rank: null, rank_change: null, n_schools: 2, enrollment: 4000 },
      // 2025 市直: I2 30 + I3 30 over 60 → 100; 0.85 × 84.46 + 15 = 86.79 → 良好, unranked.
      { period: '2025', unit_code: '411000', school_mean: 84.46, supervision_score: 100, score: 86.79, grade: '良好', is_vetoed: false, rank: null, previous_rank: null, rank_change: null, n_schools: 1, enrollment: 3000 },
      // 魏都区: supervision (6.6667 + 30 + 30) / 100 = 66.67; 0.85 × 56.25 + 0.15 × 66.67 = 57.81 → third, down 2.
      { period: '2025', unit_code: '411002', school_mean: 56.25, supervision_score: 66.67, score: 57.81, grade: '不合格', is_vetoed: false, rank: 3, previous_rank: 1, rank_change: -2, n_schools: 1, enrollment: 800 },
      // 建安区: (260 × 68.51 + 1200 × 75.86 + 1650 × 62.39) / 3110 = 68.10; supervision (0 + 10 + 28.5) / 100 = 38.5;
      // 0.85 × 68.10 + 0.15 × 38.5 = 63.66 → 合格 (J1's veto changes nothing below 优秀) → second, up 1.
      { period: '2025', unit_code: '411003', school_mean: 68.1, supervision_score: 38.5, score: 63.66, grade: '合格', is_vetoed: true, rank: 2, previous_rank: 3, rank_change: 1, n_schools: 3, enrollment: 3110 },
      // 鄢陵县: 98.11; supervision (I1 not applicable) (0 + 30) / 60 = 50; 0.85 × 98.11 + 7.5 = 90.89 → 优秀 band, but P3 is
      // vetoed → 良好. First, up 1.
      { period: '2025', unit_code: '411024', school_mean: 98.11, supervision_score: 50, score: 90.89, grade: '良好', is_vetoed: true, rank: 1, previous_rank: 2, rank_change: 1, n_schools: 2, enrollment: 4000 },
    ]);
  });
});

describe('short boards', () => {
  it('lists up to three indicators furthest below the city median attainment, with suggestions', async () => {
    const rows = await db.all<{ suggestion: string; suggestions: string[] }>(
      `select unit_code, school_code, board_rank, indicator_id, attainment, city_median_attainment, gap, suggestion, suggestions
       from marts.short_boards where period = '2025' order by unit_code, school_code nulls first, board_rank`,
    );
    const boards = rows.map((r) => {
      const { suggestion, suggestions, ...rest } = r;
      expect(suggestion).toBe(suggestions[0]);
      return rest;
    });
    // School medians over the 7 schools (not-applicable rows left out; no data counts as 0):
    //   A1 1 (P1 0.4545), A2 1 (P1 0.1389), C3 1 (P1 0), B1 1 (J1 0), B2/B3/B4 1 (K1 0), F3 1 (J1 0), F2 1 (P1 0.5833, J1 0.3333),
    //   D3 1 (S1 0.25), H1 0.75 (P2 0, J1 0.0909, S1 0.5, P3 = P4 = 0.75, P1 = K1 = 1), G2 over P1 0.8235, S1 0.5882, P2 0 → 0.5882,
    //   G1 over P1 = P2 0.1852, S1 0 → 0.1852. Ties in gap go by indicator order (K1's B2, B3, B4; J1's B1 before F3).
    // Unit medians over the 4 units, each pooled Σ points / Σ max: A2 魏都区 0.1389, 建安区 (5 + 5 + 3.4188) / 15 = 0.8946,
    //   others 1 → 0.9473; D3 市直 0.25, 魏都区 0.75, others 1 → 0.875; H1 市直 0.5, 鄢陵县 0.75, 建安区 0.3636, 魏都区 1 → 0.625;
    //   F3 建安区 (2 + 0) / 4 = 0.5 vs 1; F2 建安区 0.3333, 魏都区 0.5833, others 1 → 0.7917.
    expect(boards).toEqual([
      { unit_code: '411000', school_code: null, board_rank: 1, indicator_id: 'D3', attainment: 0.25, city_median_attainment: 0.875, gap: 0.625 },
      { unit_code: '411000', school_code: null, board_rank: 2, indicator_id: 'G1', attainment: 0, city_median_attainment: 0.1852, gap: 0.1852 },
      { unit_code: '411000', school_code: null, board_rank: 3, indicator_id: 'H1', attainment: 0.5, city_median_attainment: 0.625, gap: 0.125 },
      { unit_code: '411000', school_code: S1, board_rank: 1, indicator_id: 'D3', attainment: 0.25, city_median_attainment: 1, gap: 0.75 },
      { unit_code: '411000', school_code: S1, board_rank: 2, indicator_id: 'H1', attainment: 0.5, city_median_attainment: 0.75, gap: 0.25 },
      { unit_code: '411000', school_code: S1, board_rank: 3, indicator_id: 'G1', attainment: 0, city_median_attainment: 0.1852, gap: 0.1852 },
      { unit_code: '411002', school_code: null, board_rank: 1, indicator_id: 'C3', attainment: 0, city_median_attainment: 1, gap: 1 },
      { unit_code: '411002', school_code: null, board_rank: 2, indicator_id: 'A2', attainment: 0.1389, city_median_attainment: 0.9473, gap: 0.8084 },
      { unit_code: '411002', school_code: null, board_rank: 3, indicator_id: 'A1', attainment: 0.4545, city_median_attainment: 1, gap: 0.5455 },
      { unit_code: '411002', school_code: P1, board_rank: 1, indicator_id: 'C3', attainment: 0, city_median_attainment: 1, gap: 1 },
      { unit_code: '411002', school_code: P1, board_rank: 2, indicator_id: 'A2', attainment: 0.1389, city_median_attainment: 1, gap: 0.8611 },
      { unit_code: '411002', school_code: P1, board_rank: 3, indicator_id: 'A1', attainment: 0.4545, city_median_attainment: 1, gap: 0.5455 },
      { unit_code: '411003', school_code: null, board_rank: 1, indicator_id: 'G2', attainment: 0, city_median_attainment: 0.5882, gap: 0.5882 },
      { unit_code: '411003', school_code: null, board_rank: 2, indicator_id: 'F3', attainment: 0.5, city_median_attainment: 1, gap: 0.5 },
      { unit_code: '411003', school_code: null, board_rank: 3, indicator_id: 'F2', attainment: 0.3333, city_median_attainment: 0.7917, gap: 0.4583 },
      { unit_code: '411003', school_code: K1, board_rank: 1, indicator_id: 'B2', attainment: 0, city_median_attainment: 1, gap: 1 },
      { unit_code: '411003', school_code: K1, board_rank: 2, indicator_id: 'B3', attainment: 0, city_median_attainment: 1, gap: 1 },
      { unit_code: '411003', school_code: K1, board_rank: 3, indicator_id: 'B4', attainment: 0, city_median_attainment: 1, gap: 1 },
      // P2: H1 0 vs 0.75; G2 0 vs 0.5882; B2 3.9286/4 = 0.98215 vs 1 → 0.0179 (0.01785 rounded half up).
      { unit_code: '411003', school_code: P2, board_rank: 1, indicator_id: 'H1', attainment: 0, city_median_attainment: 0.75, gap: 0.75 },
      { unit_code: '411003', school_code: P2, board_rank: 2, indicator_id: 'G2', attainment: 0, city_median_attainment: 0.5882, gap: 0.5882 },
      { unit_code: '411003', school_code: P2, board_rank: 3, indicator_id: 'B2', attainment: 0.9822, city_median_attainment: 1, gap: 0.0179 },
      { unit_code: '411003', school_code: J1, board_rank: 1, indicator_id: 'B1', attainment: 0, city_median_attainment: 1, gap: 1 },
      { unit_code: '411003', school_code: J1, board_rank: 2, indicator_id: 'F3', attainment: 0, city_median_attainment: 1, gap: 1 },
      { unit_code: '411003', school_code: J1, board_rank: 3, indicator_id: 'F2', attainment: 0.3333, city_median_attainment: 1, gap: 0.6667 },
    ]);
    // P3 and P4 are at or above the median everywhere (H1 0.75 = the median): no short board, nor for 鄢陵县.
  });

  it('suggests the first entry of the definition’s catalogue', async () => {
    const row = await db.one<{ suggestion: string }>(`select suggestion from marts.short_boards where period = '2025' and school_code = $1 and indicator_id = 'C3'`, [P1]);
    expect(row?.suggestion).toMatch(/^立即拆除教室、宿舍等人员密集场所窗户上影响逃生的防盗网/);
  });
});

describe('cross-check against the TypeScript reference rules', () => {
  const definition = loadDefinition(2025);

  it('every ok indicator row scores what indicatorPoints says, in every period', async () => {
    const indicators = new Map([...definition.domains.flatMap((d) => d.indicators), ...definition.supervision.indicators].map((i) => [i.id, i]));
    const rows = await db.all<{ period: string; code: string; indicator_id: string; value: number; points: number }>(
      `select period, coalesce(school_code, unit_code) as code, indicator_id, value, points
       from marts.indicator_values where status = 'ok'`,
    );
    expect(rows.length).toBeGreaterThan(1000);
    expect(new Set(rows.map((r) => r.indicator_id)).size).toBe(indicators.size);
    for (const row of rows) {
      expect(row.points, `${row.period} ${row.code} ${row.indicator_id}`).toBeCloseTo(indicatorPoints(indicators.get(row.indicator_id)!, row.value), 4);
    }
  });

  it('every non-vetoed school’s grade is gradeFor(score)', async () => {
    const rows = await db.all<{ score: number; grade: string; is_vetoed: boolean }>(`select score, grade, is_vetoed from marts.school_scorecard`);
    for (const row of rows) expect(row.grade).toBe(gradeFor(definition, row.score, row.is_vetoed));
  });
});

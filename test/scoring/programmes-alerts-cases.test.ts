/**
 * Domains D (drowning), E (bullying), F (mental health), G (alerts), H (incidents) and the unit
 * supervision indicators I1–I3 on the scoring city (see ./city.ts). Every expected number is
 * derived in the comment above it from the rows of test/fixtures/scoring-city.
 *
 * Terms judged in 2025 (to 2025-11-30) are those that END in it: 2024-T2 (Sep 2024–Jan 2025)
 * and 2025-T1 (Feb–Jul 2025); 2025-T2 ends in January 2026.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.ts';
import { expectIndicator, J1, K1, landScoringCity, P1, P2, P3, P4, S1 } from './city.ts';

let db: Warehouse;
beforeAll(async () => {
  db = await landScoringCity();
}, 120_000);
afterAll(() => db.close());

const OK = 'ok' as const;
const NA = 'not_applicable' as const;
const ND = 'no_data' as const;

describe('the term calendar (core.dim_terms)', () => {
  it('lists every term of the years with data (2024, 2025) and the autumn term ending in January 2024', async () => {
    expect(await db.all("select term_id, term_year, start_on::varchar as start_on, end_on::varchar as end_on from core.dim_terms order by start_on")).toEqual([
      { term_id: '2023-T2', term_year: 2023, start_on: '2023-09-01', end_on: '2024-01-31' },
      { term_id: '2024-T1', term_year: 2024, start_on: '2024-02-01', end_on: '2024-07-31' },
      { term_id: '2024-T2', term_year: 2024, start_on: '2024-09-01', end_on: '2025-01-31' },
      { term_id: '2025-T1', term_year: 2025, start_on: '2025-02-01', end_on: '2025-07-31' },
      { term_id: '2025-T2', term_year: 2025, start_on: '2025-09-01', end_on: '2026-01-31' },
    ]);
  });
});

describe('D drowning prevention', () => {
  it('D1 is receipts over one letter per student per term ending in the window', async () => {
    // P1: 700 receipts (2025-01-10, term 2024-T2) + 780 (07-01, T1) = 1480 / (800 × 2) = 0.925 → 4 × 0.125 / 0.2 = 2.5.
    // K1 is judged on 260 students (registry of 2025-09-01): 200 + 250 = 450 / 520 → 4 × (450/520 − 0.8) / 0.2 = 1.3077.
    // J1: 1500 + 1650 = 3150 / 3300 → 4 × (3150/3300 − 0.8) / 0.2 = 3.0909.
    await expectIndicator(db, '2025', 'D1', {
      [P1]: [1480, 1600, 0.925, OK, 2.5],
      [K1]: [450, 520, 450 / 520, OK, 1.3077],
      [J1]: [3150, 3300, 3150 / 3300, OK, 3.0909],
      [P2]: [2400, 2400, 1, OK, 4],
      [S1]: [6000, 6000, 1, OK, 4],
    });
    // 2025-Q1: only 2024-T2 ends in it → 700/800 = 0.875 → 1.5. 2025-T1: 780/800 = 0.975 → 3.5.
    // 2025-T2 has not ended by the as-of day: nothing required.
    await expectIndicator(db, '2025-Q1', 'D1', { [P1]: [700, 800, 0.875, OK, 1.5] });
    await expectIndicator(db, '2025-T1', 'D1', { [P1]: [780, 800, 0.975, OK, 3.5] });
    await expectIndicator(db, '2025-T2', 'D1', { [P1]: [0, 0, null, NA, null] });
    // 2024: 2023-T2 (ends 2024-01-31) and 2024-T1 end in it; no letters then → 0 / (1200 × 2).
    await expectIndicator(db, '2024', 'D1', { [P2]: [0, 2400, 0, OK, 0] });
  });

  it('D2 counts Monday-to-Sunday weeks of May–Sep with a patrol, near-water schools only', async () => {
    // Weeks whose Monday is in May–Sep 2025: May 5–26 (4), Jun 2–30 (5), Jul 7–28 (4), Aug 4–25 (4), Sep 1–29 (5) = 22.
    // P2 patrolled every week of May, June and July (13; two patrols in the week of May 5 count once), the week of
    // Aug 25 (a Sunday patrol on Aug 31) and Sep 1–22 (4) → 18; the patrol of Monday Apr 28 is outside the months.
    // 18/22 → 3 × (18/22 − 0.5) / 0.5 = 1.9091. The other schools are not near water: not applicable.
    await expectIndicator(db, '2025', 'D2', {
      [P2]: [18, 22, 18 / 22, OK, 1.9091],
      [P1]: [0, 22, null, NA, null],
      [K1]: [0, 22, null, NA, null],
    });
    // 2025-Q3: weeks with Monday in Jul (4), Aug (4), Sep (5) = 13; patrolled Jul (4), Aug 25, Sep (4) = 9
    // → 3 × (9/13 − 0.5) / 0.5 = 1.1538. August alone: 1 of 4 → 0. Q1 has no patrol week: not required.
    await expectIndicator(db, '2025-Q3', 'D2', { [P2]: [9, 13, 9 / 13, OK, 1.1538] });
    await expectIndicator(db, '2025-08', 'D2', { [P2]: [1, 4, 0.25, OK, 0] });
    await expectIndicator(db, '2025-Q1', 'D2', { [P2]: [0, 0, null, NA, null] });
  });

  it('D3 counts up to two drowning lessons per term ending in the window', async () => {
    // P1: 2024-T2 one lesson (2024-12-12) → 1; T1 three (Apr, May, Jun) → capped at 2; its 消防 lesson does not count.
    // (1 + 2) / 4 = 0.75 → floor 0: 3 × 0.75 = 2.25. S1: none in 2024-T2, one in T1 → 1/4 → 0.75.
    await expectIndicator(db, '2025', 'D3', {
      [P1]: [3, 4, 0.75, OK, 2.25],
      [S1]: [1, 4, 0.25, OK, 0.75],
      [K1]: [4, 4, 1, OK, 3],
    });
    // 2025-Q1 judges 2024-T2 only: P1 1/2 → 1.5.
    await expectIndicator(db, '2025-Q1', 'D3', { [P1]: [1, 2, 0.5, OK, 1.5] });
  });
});

describe('E bullying prevention', () => {
  it('E1 is the share of terms ending in the window with a survey; kindergartens are not judged', async () => {
    // P1 and J1 surveyed in T1 only → 1/2 → 3 × 0.5 = 1.5. K1 logged a survey, but E does not apply to kindergartens.
    await expectIndicator(db, '2025', 'E1', {
      [P1]: [1, 2, 0.5, OK, 1.5],
      [J1]: [1, 2, 0.5, OK, 1.5],
      [P2]: [2, 2, 1, OK, 3],
      // K1's counts are kept (1 of 2 terms), its value and points are not.
      [K1]: [1, 2, null, NA, null],
    });
    await expectIndicator(db, '2025-T2', 'E1', { [P1]: [0, 0, null, NA, null] });
  });

  it('E2 is bullying cases investigated within 10 days; an open case inside its limit waits', async () => {
    // P2: C-P2-1 5 days ✓, C-P2-6 exactly 10 days ✓, C-P2-3 8 days ✓, C-P2-5 (09-01) still open long past 10 days ✗,
    // C-P2-4 (11-25) open but its 10 days run past the as-of day → not judged. 3/4 → 4 × (0.75 − 0.6) / 0.4 = 1.5.
    await expectIndicator(db, '2025', 'E2', { [P2]: [3, 4, 0.75, OK, 1.5], [P1]: [0, 0, null, NA, null] });
    // 2025-Q4: C-P2-3 ✓, C-P2-4 waits → 1/1 → 4.
    await expectIndicator(db, '2025-Q4', 'E2', { [P2]: [1, 1, 1, OK, 4] });
  });

  it('E3 is voice-AI alerts acknowledged within 5 minutes; one never acknowledged counts against', async () => {
    // P2: 2, 3, 4, 5 (inclusive) minutes and one never acknowledged → 4/5 → 3 × (0.8 − 0.6) / 0.35 = 1.7143.
    await expectIndicator(db, '2025', 'E3', { [P2]: [4, 5, 0.8, OK, 1.7143], [P1]: [0, 0, null, NA, null] });
  });
});

describe('F mental health', () => {
  it('F1 is students screened in the 12 months to the as-of day over enrollment', async () => {
    // J1 in 2025: 2024-12-15 (600) and 2025-10-15 (900); 2024-11-30 is exactly 12 months back and falls out
    // → 1500/1650 → 4 × (1500/1650 − 0.7) / 0.3 = 2.7879. P1 720/800 = 0.9 → 2.6667.
    await expectIndicator(db, '2025', 'F1', {
      [J1]: [1500, 1650, 1500 / 1650, OK, 2.7879],
      [P1]: [720, 800, 0.9, OK, 2.6667],
      [P2]: [1200, 1200, 1, OK, 4],
    });
    // 2025-Q1 looks back to 2024-03-31: 100 (2024-11-30) + 600 → 700/1650 < 0.7 → 0.
    await expectIndicator(db, '2025-Q1', 'F1', { [J1]: [700, 1650, 700 / 1650, OK, 0] });
  });

  it('F2 is warned students with a tracking plan over warned students; nobody warned is not applicable', async () => {
    // J1: (18 + 8) / (20 + 10) = 26/30 → 4 × (26/30 − 0.8) / 0.2 = 1.3333. P1 11/12 → 2.3333. P2 warned nobody.
    await expectIndicator(db, '2025', 'F2', {
      [J1]: [26, 30, 26 / 30, OK, 1.3333],
      [P1]: [11, 12, 11 / 12, OK, 2.3333],
      [P2]: [0, 0, null, NA, null],
      [S1]: [30, 30, 1, OK, 4],
    });
  });

  it('F3 needs a course in every term ending in the window (yes/no)', async () => {
    // J1: a course in 2024-T2 (2024-10-20), none in T1 → 1 of 2 terms → no → 0. P1 both → 2.
    await expectIndicator(db, '2025', 'F3', { [J1]: [1, 2, 0, OK, 0], [P1]: [2, 2, 1, OK, 2] });
    await expectIndicator(db, '2025-T1', 'F3', { [J1]: [0, 1, 0, OK, 0] });
  });
});

describe('G alert handling', () => {
  it('G1 is alerts closed within 24 h, duplicates left out, recent open alerts not judged yet', async () => {
    // P1: 7 alerts, A-P1-5 重复 out; A-P1-2 closed after 48 h → 5/6 → 5 × (5/6 − 0.8) / 0.18 = 0.9259.
    // P2: A-P2-5 never closed ✗; A-P2-7 raised 11-30 20:00 is still inside its 24 h → 5/6 → 0.9259.
    // S1: A-S1-3 raised 11-29 20:00, 24 h passed by the end of 11-30, open ✗; A-S1-4 重复 out → 2/3 → 0.
    await expectIndicator(db, '2025', 'G1', {
      [P1]: [5, 6, 5 / 6, OK, 0.9259],
      [P2]: [5, 6, 5 / 6, OK, 0.9259],
      [S1]: [2, 3, 2 / 3, OK, 0],
      [K1]: [0, 0, null, NA, null],
    });
  });

  it('G2 is the median minutes to acknowledge red and orange alerts, silence counted to the end of the as-of day', async () => {
    // P1: 橙 20, 红 4, 橙 6 → 6 → 5 × (6 − 20) / (3 − 20) = 4.1176.
    // S1: 红 2, 红 10, 红 raised 11-29 20:00 never acknowledged = 28 h = 1680 → median 10 → 5 × 10/17 = 2.9412.
    // P2: one 红 raised 11-30 20:00, unacknowledged → 240 minutes → 0.
    await expectIndicator(db, '2025', 'G2', {
      [P1]: [null, 3, 6, OK, 4.1176],
      [S1]: [null, 3, 10, OK, 2.9412],
      [P2]: [null, 1, 240, OK, 0],
      [J1]: [null, 0, null, NA, null],
    });
    await expectIndicator(db, '2025-11', 'G2', { [S1]: [null, 1, 1680, OK, 0] });
  });
});

describe('H incidents', () => {
  it('H1 is severity-weighted cases per 10,000 students', async () => {
    // J1: one 较大 (3) / 1650 × 10000 = 18.18 → 5 × (18.18 − 20) / (0 − 20) = 0.4545.
    // S1: one 较大 (3) / 3000 → 10 → 2.5. P3, P4: one 一般 / 2000 → 5 → 3.75. P2: five 一般 / 1200 → 41.7 → 0.
    // P1 and K1 had no case → 0 → 5 (measured, not missing: enrollment is known).
    await expectIndicator(db, '2025', 'H1', {
      [J1]: [3, 1650, 30000 / 1650, OK, 0.4545],
      [S1]: [3, 3000, 10, OK, 2.5],
      [P3]: [1, 2000, 5, OK, 3.75],
      [P4]: [1, 2000, 5, OK, 3.75],
      [P2]: [5, 1200, 50000 / 1200, OK, 0],
      [P1]: [0, 800, 0, OK, 5],
      [K1]: [0, 260, 0, OK, 5],
    });
  });
});

describe('I supervision (units)', () => {
  it('I1 is assignment letters with a deadline in the window answered by it', async () => {
    // 魏都区: deadlines 3-31 (answered 3-28 ✓), 6-30 (answered that day ✓), 9-30 (answered 10-08 ✗); 12-15 is after
    // the as-of day; the 提示函 is no assignment letter → 2/3 → 40 × (2/3 − 0.6) / 0.4 = 6.6667.
    // 建安区: 5-31 answered 6-05 → 0/1 → 0. 鄢陵县 and 市直 had none: not applicable.
    await expectIndicator(db, '2025', 'I1', {
      '411002': [2, 3, 2 / 3, OK, 6.6667],
      '411003': [0, 1, 0, OK, 0],
      '411024': [0, 0, null, NA, null],
      '411000': [0, 0, null, NA, null],
    });
    await expectIndicator(db, '2025-Q3', 'I1', { '411002': [0, 1, 0, OK, 0] });
  });

  it('I2 is the unit’s schools with a 督查 in the 12 months to the as-of day', async () => {
    // 建安区: K1 (04-15) and J1 (05-20), not P2 → 2/3 → 30 × (2/3 − 0.5) / 0.5 = 10. 鄢陵县: P4 only → 0.5 → 0.
    // 魏都区: P1 (10-20) → 30. A unit without schools has nothing to measure: no data.
    await expectIndicator(db, '2025', 'I2', {
      '411002': [1, 1, 1, OK, 30],
      '411003': [2, 3, 2 / 3, OK, 10],
      '411024': [1, 2, 0.5, OK, 0],
      '411000': [1, 1, 1, OK, 30],
      '411025': [0, 0, null, ND, 0],
    });
  });

  it('I3 deducts 2 per 约谈 and 3 per 处罚 from a base of 100, scaled to 30 points', async () => {
    // 建安区 2025: one 约谈, one 处罚 → 5 → 30 × 95 / 100 = 28.5. 鄢陵县's 约谈 of 2024-06-01 counts in 2024 only:
    // 2 → 30 × 98 / 100 = 29.4.
    await expectIndicator(db, '2025', 'I3', {
      '411003': [2, null, 5, OK, 28.5],
      '411024': [0, null, 0, OK, 30],
      '411002': [0, null, 0, OK, 30],
    });
    await expectIndicator(db, '2024', 'I3', { '411024': [1, null, 2, OK, 29.4] });
  });
});

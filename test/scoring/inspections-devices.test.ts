/**
 * Domains A (hazard management), B (guards and devices) and C (fire safety and drills) on the
 * scoring city (see ./city.ts). Every expected number is derived in the comment above it from
 * the rows of test/fixtures/scoring-city and the 2025 definition.
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

describe('periods', () => {
  it('judges 2025 as of the latest fact (2025-11-30) and lists no period that starts after it', async () => {
    const periods = await db.all(
      `select period_id, cast(as_of_on as varchar) as as_of_on, is_complete, previous_period_id from core.dim_periods
       where period_id in ('2024', '2025', '2025-Q4', '2025-11', '2025-12', '2025-T2') order by period_id`,
    );
    expect(periods).toEqual([
      { period_id: '2024', as_of_on: '2024-12-31', is_complete: true, previous_period_id: null },
      { period_id: '2025', as_of_on: '2025-11-30', is_complete: false, previous_period_id: '2024' },
      { period_id: '2025-11', as_of_on: '2025-11-30', is_complete: true, previous_period_id: '2025-10' },
      { period_id: '2025-Q4', as_of_on: '2025-11-30', is_complete: false, previous_period_id: '2025-Q3' },
      { period_id: '2025-T2', as_of_on: '2025-11-30', is_complete: false, previous_period_id: '2025-T1' },
    ]);
  });
});

describe('A hazard management', () => {
  it('A1 counts months with a self-inspection up to the as-of month', async () => {
    // Jan–Nov = 11 months. P1 self-inspected in Jan, Feb, Mar, May, Jun, Aug, Sep, Nov (8); its October
    // inspection is a 督查, which does not count. 8/11 → 5 × (8/11 − 0.5) / 0.5 = 2.2727.
    // Everyone else self-inspects on the 10th of every month: 11/11.
    await expectIndicator(db, '2025', 'A1', {
      [P1]: [8, 11, 8 / 11, OK, 2.2727],
      [K1]: [11, 11, 1, OK, 5],
      [P2]: [11, 11, 1, OK, 5],
      [J1]: [11, 11, 1, OK, 5],
      [S1]: [11, 11, 1, OK, 5],
    });
    // 2025-Q4 runs to the as-of day: October and November. P1: November only → 1/2 = 0.5 = floor → 0.
    await expectIndicator(db, '2025-Q4', 'A1', { [P1]: [1, 2, 0.5, OK, 0], [P3]: [2, 2, 1, OK, 5] });
    // 2024: P1 self-inspected in November and December (2 of 12); nobody else inspected at all → no data.
    await expectIndicator(db, '2024', 'A1', { [P1]: [2, 12, 2 / 12, OK, 0], [P2]: [0, 12, null, ND, 0] });
  });

  it('A2 is items passed over items judged, 不适用 left out, any inspection kind', async () => {
    // P1 2025 items: P1-01 4 ✓ 1 ✗, P1-02 4 ✓, P1-03 4 ✓ 1 ✗, P1-05 4 ✓, P1-06 4 ✓ 1 ✗, P1-08 3 ✓ 1 ✗,
    // P1-09 3 ✓ 1 ✗, P1-D10 (督查) 4 ✓ 1 ✗, P1-11 3 ✓ 1 ✗ 1 不适用 → 33 passed of 40 judged = 0.825
    // → 5 × (0.825 − 0.8) / 0.18 = 0.6944.
    // J1: 11 self-inspections ✓ + 督查 ✓ + XF08 ✗ on 2025-09-10 → 12/13 → 5 × (12/13 − 0.8) / 0.18 = 3.4188.
    // K1, P4, S1: 11 ✓ + one 督查 ✓ = 12/12; P2, P3: 11/11.
    await expectIndicator(db, '2025', 'A2', {
      [P1]: [33, 40, 0.825, OK, 0.6944],
      [J1]: [12, 13, 12 / 13, OK, 3.4188],
      [K1]: [12, 12, 1, OK, 5],
      [P2]: [11, 11, 1, OK, 5],
      [P3]: [11, 11, 1, OK, 5],
      [P4]: [12, 12, 1, OK, 5],
      [S1]: [12, 12, 1, OK, 5],
    });
  });

  it('A3 judges the hazards due in the period by whether they were fixed by their due date', async () => {
    // P1 hazards due 2025-01-01..11-30: XF03 due 1-31 fixed 1-25 ✓, XF07 due 4-15 never ✗, XF03 due 6-30 fixed 6-28 ✓,
    // XF02 due 8-31 fixed 8-20 ✓, XS02 due 9-30 fixed 9-25 ✓, XF05 due 10-31 never ✗, XS03 due 11-25 fixed 11-20 ✓
    // → 5/7 → 6 × (5/7 − 0.7) / 0.3 = 0.2857. (The 2024 XF05 due 2024-12-31 is not due in 2025.)
    // J1: XF08 due 9-30 fixed 10-05, late → 0/1 → 0. Schools with nothing due: not applicable.
    await expectIndicator(db, '2025', 'A3', {
      [P1]: [5, 7, 5 / 7, OK, 0.2857],
      [J1]: [0, 1, 0, OK, 0],
      [P2]: [0, 0, null, NA, null],
      [K1]: [0, 0, null, NA, null],
    });
    // 2024: P1's XF03 due 2024-11-30 fixed 11-28 ✓, XF05 due 2024-12-31 never ✗ → 1/2 = 0.5 < 0.7 → 0.
    await expectIndicator(db, '2024', 'A3', { [P1]: [1, 2, 0.5, OK, 0] });
  });

  it('A4 counts distinct items with a major hazard open past its due date on the as-of day', async () => {
    // P1: XF05 重大 found 2024-12-10 (due 2024-12-31) and again by the 督查 of 2025-10-20 (due 10-31), neither fixed:
    // one item → 1 → 6 − 3 = 3. In 2024 (as of 12-31) it is due that very day, so not overdue yet → 0 → 6.
    await expectIndicator(db, '2025', 'A4', { [P1]: [1, null, 1, OK, 3], [J1]: [0, null, 0, OK, 6], [K1]: [0, null, 0, OK, 6] });
    await expectIndicator(db, '2025-Q1', 'A4', { [P1]: [1, null, 1, OK, 3] });
    await expectIndicator(db, '2024', 'A4', { [P1]: [0, null, 0, OK, 6] });
  });

  it('A5 counts hazards found within 90 days after the same item was last rectified', async () => {
    // P1 found 7 hazards in 2025. XF03 on 2025-01-15 comes 48 days after its rectification of 2024-11-28 → recurrence;
    // XF03 again on 6-15 comes 141 days after the 1-25 rectification → not; XF05 on 10-20 follows no rectification.
    // 1/7 → lower is better: 3 × (1/7 − 0.2) / (0 − 0.2) = 0.8571. J1: one hazard, no earlier one → 0 → 3.
    await expectIndicator(db, '2025', 'A5', {
      [P1]: [1, 7, 1 / 7, OK, 0.8571],
      [J1]: [0, 1, 0, OK, 3],
      [P3]: [0, 0, null, NA, null],
    });
  });
});

describe('B guards and technical protection', () => {
  it('B1 compares guards with the GB/T 29315 bands for the registry state on the as-of day', async () => {
    // P1 800 students → 2, has 2. P2 1200 → 3 + floor(200/500) = 3, has 3. P3/P4 2000 → 3 + 2 = 5, have 5.
    // J1 1650 students, 420 boarders → 3 + floor(650/500) + ceil(420/300) = 3 + 1 + 2 = 6, has 5 → no.
    // S1 3000 students, 600 boarders → 3 + 4 + 2 = 9, has 9. K1 as of 2025-11-30 (report of 2025-09-01): 260 → 2, has 2.
    await expectIndicator(db, '2025', 'B1', {
      [P1]: [2, 2, 1, OK, 5],
      [K1]: [2, 2, 1, OK, 5],
      [P2]: [3, 3, 1, OK, 5],
      [J1]: [5, 6, 0, OK, 0],
      [P3]: [5, 5, 1, OK, 5],
      [S1]: [9, 9, 1, OK, 5],
    });
    // 2025-Q1 is judged on K1's report of 2025-03-01: 1 guard for 240 students → no.
    await expectIndicator(db, '2025-Q1', 'B1', { [K1]: [1, 2, 0, OK, 0] });
  });

  it('B2 is device-hours online over device-hours, each device from its first event', async () => {
    // 2025-01-01 00:00 to the end of 2025-11-30 = 334 days = 8016 h.
    // P2-YJ1: faults 03-01→03-02 (24 h) and 07-01→07-04 (72 h) → 7920 of 8016 online.
    // P2-YJ2: first event 06-01 → 183 days = 4392 h, offline 10-01→10-03 (48 h) → 4344 online.
    // 12264 / 12408 → 4 × (12264/12408 − 0.9) / 0.09 = 3.9286. K1 has no device: no data, 0 points.
    await expectIndicator(db, '2025', 'B2', {
      [P2]: [12264, 12408, 12264 / 12408, OK, 3.9286],
      [P1]: [8016, 8016, 1, OK, 4],
      [K1]: [0, null, null, ND, 0],
    });
    // Q1 (2160 h): only YJ1, one 24 h fault → 2136/2160 → 4 × (2136/2160 − 0.9) / 0.09 = 3.9506.
    await expectIndicator(db, '2025-Q1', 'B2', { [P2]: [2136, 2160, 2136 / 2160, OK, 3.9506] });
  });

  it('B3 camera uptime: P1’s camera offline 06-01→06-21', async () => {
    // 8016 − 480 = 7536 → 4 × (7536/8016 − 0.85) / 0.13 = 2.7729.
    await expectIndicator(db, '2025', 'B3', {
      [P1]: [7536, 8016, 7536 / 8016, OK, 2.7729],
      [J1]: [8016, 8016, 1, OK, 4],
      [K1]: [0, null, null, ND, 0],
    });
  });

  it('B4 fire devices: fault and offline are unhealthy, an alarm is not', async () => {
    // J1 has 3 fire devices × 8016 h = 24048. J1-DQ: fault 02-01→02-21 (480 h) and offline from 11-01 to the end of
    // the as-of day (720 h); J1-SY's 报警 then 恢复 is online. 22848/24048 → 4 × (22848/24048 − 0.85) / 0.13 = 3.08.
    await expectIndicator(db, '2025', 'B4', {
      [J1]: [22848, 24048, 22848 / 24048, OK, 3.08],
      [P2]: [8016, 8016, 1, OK, 4],
      [K1]: [0, null, null, ND, 0],
    });
  });

  it('B5 is the median hours of the faults repaired in the period', async () => {
    // P2: 24 h and 72 h → 48 → 3 × (48 − 72) / (24 − 72) = 1.5. J1: one repair of 480 h ≥ 72 → 0.
    // No repair: not applicable.
    await expectIndicator(db, '2025', 'B5', {
      [P2]: [null, 2, 48, OK, 1.5],
      [J1]: [null, 1, 480, OK, 0],
      [P1]: [null, 0, null, NA, null],
      [K1]: [null, 0, null, NA, null],
    });
  });
});

describe('C fire safety and drills', () => {
  it('C1 schools: each month in term needs a drill; August is no window', async () => {
    // Windows to 2025-11-30: Jan (autumn term 2024-T2), Feb–Jul (T1), Sep–Nov (T2) = 10.
    // P1 drilled in Jan, Mar, Apr, May, Jun, Sep, Oct, Nov (8) and in August (no window) → 0.8 → 3 × 0.3 / 0.5 = 1.8.
    await expectIndicator(db, '2025', 'C1', { [P1]: [8, 10, 0.8, OK, 1.8], [P2]: [10, 10, 1, OK, 3] });
    // 2025-Q3: July and September; P1 drilled in September only → 0.5 → 0.
    await expectIndicator(db, '2025-Q3', 'C1', { [P1]: [1, 2, 0.5, OK, 0] });
    // 2025-08 holds no requirement at all.
    await expectIndicator(db, '2025-08', 'C1', { [P1]: [0, 0, null, NA, null] });
    // 2024, the first year with data: January 2024 lies in the autumn term 2023-T2 (calendar terms) → 11 windows.
    await expectIndicator(db, '2024', 'C1', { [P2]: [0, 11, 0, OK, 0] });
  });

  it('C1 kindergartens: each quarter ending in the window needs a drill anywhere in it', async () => {
    // Quarters ending by 2025-11-30: Q1, Q2, Q3. K1 drilled 02-20 (Q1) and 08-15 (Q3) → 2/3 → 3 × (2/3 − 0.5) / 0.5 = 1.
    await expectIndicator(db, '2025', 'C1', { [K1]: [2, 3, 2 / 3, OK, 1] });
    await expectIndicator(db, '2025-Q3', 'C1', { [K1]: [1, 1, 1, OK, 3] });
    // Q4 ends after the as-of day: nothing required yet.
    await expectIndicator(db, '2025-Q4', 'C1', { [K1]: [0, 0, null, NA, null] });
  });

  it('C2 is the 90th percentile of minutes to acknowledge fire-IoT alerts', async () => {
    // P1's three 消防物联 alerts: 2, 10, 20 min → continuous p90 at rank 1.8: 10 + 0.8 × 10 = 18
    // → 2 × (18 − 30) / (5 − 30) = 0.96. No fire alerts: not applicable.
    await expectIndicator(db, '2025', 'C2', { [P1]: [null, 3, 18, OK, 0.96], [P2]: [null, 0, null, NA, null] });
  });

  it('C3 counts escape-obstacle items failed and not rectified on the as-of day', async () => {
    // P1 XF07 (bars on windows) failed 2025-03-15, never fixed → 1 → 5 − 5 = 0.
    // J1 XF08 (dorm window mesh) failed 09-10, fixed 10-05: open on 2025-09-30, closed by 2025-11-30.
    await expectIndicator(db, '2025', 'C3', { [P1]: [1, null, 1, OK, 0], [J1]: [0, null, 0, OK, 5] });
    await expectIndicator(db, '2025-Q1', 'C3', { [P1]: [1, null, 1, OK, 0] });
    await expectIndicator(db, '2025-09', 'C3', { [J1]: [1, null, 1, OK, 0] });
  });
});

/**
 * The hand-made scoring city (test/fixtures/scoring-city): seven schools in four units, every
 * export, dates in 2024–2025. The latest thing any export records is an alert raised
 * 2025-11-30 20:00, so period 2025 is judged as of 2025-11-30 (334 days, 8016 device-hours).
 *
 *   school                     code        unit              type    enrollment  notes
 *   P1 魏都区第一小学           2141000101  411002 魏都区     小学    800         hazards, alerts, partial credit almost everywhere
 *   K1 建安区阳光幼儿园         1141000201  411003 建安区     幼儿园  240 → 260   registry changes 2025-09-01; no devices
 *   P2 建安区河畔小学           2141000202  411003 建安区     小学    1200        near water; device faults; bullying cases; voice AI
 *   J1 建安区第一初级中学       3141000203  411003 建安区     初中    1650        420 boarders; V2 late-reported 较大 case
 *   P3 鄢陵县实验小学           2141000301  411024 鄢陵县     小学    2000        the "good school" template; V1 death
 *   P4 鄢陵县城关小学           2141000302  411024 鄢陵县     小学    2000        the same template, no death: ties with P3
 *   S1 许昌市第一高级中学       3441000401  411000 市直       高中    3000        600 boarders; ranked in the 市直 group
 *
 * Each test derives its expected numbers from the fixture rows in its comments; the
 * arithmetic uses the definition file data/indicators/2025.json (points, target, floor).
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { ingestPath } from '../../sources/ingest.ts';
import { runTransform } from '../../transforms/runner.ts';
import { FIXTURES, tempDir } from '../helpers.ts';

export const P1 = '2141000101';
export const K1 = '1141000201';
export const P2 = '2141000202';
export const J1 = '3141000203';
export const P3 = '2141000301';
export const P4 = '2141000302';
export const S1 = '3441000401';
export const SCHOOLS = [K1, P1, P2, P3, P4, J1, S1].sort();

/** A fresh warehouse with the scoring city landed (no rejects) and every model built (no failing test). */
export async function landScoringCity(): Promise<Warehouse> {
  const db = await Warehouse.open(join(tempDir(), 'scoring.duckdb'));
  await initWarehouse(db);
  const results = await ingestPath(db, join(FIXTURES, 'scoring-city'), { now: new Date('2026-01-15T00:00:00Z') });
  expect(results.map((r) => [r.source, r.rowsRejected])).toEqual([
    ['schools', 0],
    ['activities', 0],
    ['alerts', 0],
    ['cases', 0],
    ['inspections', 0],
    ['sensors', 0],
  ]);
  const transform = await runTransform(db);
  expect(transform.failures).toEqual([]);
  return db;
}

export type Status = 'ok' | 'not_applicable' | 'no_data';
/** [numerator, denominator, value, status, points] as in marts.indicator_values. */
export type Expected = [number | null, number | null, number | null, Status, number | null];

/**
 * Checks one indicator of one period for the given schools (or units): counts exactly, the value
 * to 1e-9, the status exactly and the points to the mart's 4 decimals.
 */
export async function expectIndicator(db: Warehouse, period: string, indicatorId: string, expected: Record<string, Expected>): Promise<void> {
  const rows = await db.all<{ code: string; numerator: number | null; denominator: number | null; value: number | null; status: string; points: number | null }>(
    `select coalesce(school_code, unit_code) as code, numerator, denominator, value, status, points
     from marts.indicator_values where period = $1 and indicator_id = $2`,
    [period, indicatorId],
  );
  const byCode = new Map(rows.map((r) => [r.code, r]));
  for (const [code, [numerator, denominator, value, status, points]] of Object.entries(expected)) {
    const row = byCode.get(code);
    const where = `${indicatorId} ${period} ${code}`;
    expect(row, where).toBeDefined();
    expect({ numerator: row!.numerator, denominator: row!.denominator, status: row!.status }, where).toEqual({ numerator, denominator, status });
    if (value === null) expect(row!.value, where).toBeNull();
    else expect(row!.value, where).toBeCloseTo(value, 9);
    if (points === null) expect(row!.points, where).toBeNull();
    else expect(row!.points, where).toBeCloseTo(points, 4);
  }
}

// The 县区评分卡 loader (dashboards/src/data/units/[unit].json.gz.ts): each indicator of a unit with
// the city median and its status band under the shipped definition's status_bands (达标 ≥ 95%,
// 接近 ≥ 80% attainment), and the floor flag. The hand-made fixture snapshot plus one row: 魏都区
// A2 2025 at 78% (below its 80% floor) with attainment 0.85, so a 接近 below the floor; the loader
// run as the build runs it (node --import tsx, SAFECAMPUS_SNAPSHOT), real DuckDB.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureSnapshot } from '../browser/fixture.ts';
import { tempDir } from '../helpers.ts';

const LOADER = join(import.meta.dirname, '../../dashboards/src/data/units/[unit].json.gz.ts');
const work = tempDir('safecampus-unit-');
const path = join(work, 'snapshot.duckdb');

interface Indicator {
  indicator_id: string;
  value: number | null;
  target: number | null;
  city_median: number | null;
  attainment: number | null;
  band: string | null;
  below_floor: boolean;
}
interface Unit {
  by_period: Record<string, { status_bands: { met: number; near: number } | null; indicators: Indicator[] }>;
}
let data: Unit;

beforeAll(async () => {
  await createFixtureSnapshot(path);
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run(`
    insert into marts.unit_indicator_ranking (period, unit_code, unit_name, indicator_id, indicator_name, value, numerator, denominator, n_schools, rank, attainment, n_schools_applicable)
    values ('2025', '411002', '魏都区', 'A2', '检查项合格率', 0.78, 78, 100, 3, 2, 0.85, 3)`);
  connection.closeSync();
  instance.closeSync();
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', LOADER, '--unit=411002'], {
    env: { ...process.env, SAFECAMPUS_SNAPSHOT: path },
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  data = JSON.parse(gunzipSync(stdout).toString('utf8'));
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the 县区评分卡 loader', () => {
  it("gives each indicator the city median of the units' values and its band by the definition's thresholds", () => {
    const period = data.by_period['2025']!;
    expect(period.status_bands).toEqual({ met: 0.95, near: 0.8 });
    expect(period.indicators.map(({ indicator_id, value, target, city_median, attainment, band, below_floor }) => [indicator_id, value, target, city_median, attainment, band, below_floor])).toEqual([
      // A2: 78% against 经开区 99% → median 88.5%; attainment 0.85 is 接近, 78% is past the 80% floor
      ['A2', 0.78, 0.98, 0.885, 0.85, 'near', true],
      // A3: 90% (禹州 98, 魏都 90, 鄢陵 90, 经开区 70, 市直 90 → median 90%); 13/18 = 0.722 < 0.8: 落后
      ['A3', 0.9, 1, 0.9, 13 / 18, 'behind', false],
      // B2: full points, 99% against 禹州 98% → median 98.5%
      ['B2', 0.99, 0.99, 0.985, 1, 'met', false],
      // I1, a supervision indicator: 3.75 of 5 points = 0.75: 落后
      ['I1', 0.9, 1, 0.9, 0.75, 'behind', false],
    ]);
  });

  it('gives no band to an indicator without data', () => {
    expect(data.by_period['2024']!.indicators.map((d) => [d.indicator_id, d.band, d.below_floor])).toEqual([['A3', null, false]]);
  });
});

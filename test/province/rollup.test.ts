/**
 * The province roll-up on hand-made city snapshots (only the unit scorecard a roll-up reads),
 * every figure worked out by hand below: the city score is the enrollment-weighted mean of the
 * unit scores, rounded once half up; a vetoed city loses 优秀; tied units share a rank; a city
 * without a snapshot for the year, or scored with another edition, is listed and not ranked.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../warehouse/connection.ts';
import { loadProvinceDefinition } from '../../transforms/definitions/province.ts';
import { buildProvinceWarehouse, findPublication, type ProvinceCity } from '../../transforms/province/rollup.ts';
import { tempDir } from '../helpers.ts';
import { publishedCity } from './fixture.ts';
import { rankFromSnapshots } from './ranking-oracle.ts';

const root = tempDir('safecampus-province-rollup-');
const definition = loadProvinceDefinition(2025);

let cities: ProvinceCity[];

beforeAll(async () => {
  cities = [
    // (91.00×1000 + 85.50×3000 + 70.00×1000) / 5000 = 83.50 → 良好; published after the deadline
    await publishedCity(root, '4110', '许昌市', [['411002', '魏都区', 91, 1000, true, 0, 1], ['411003', '建安区', 85.5, 3000, true, 0, 2], ['411000', '市直', 70, 1000, false, 0, null]], '2026-02-02T01:00:00.000Z'),
    // (95.00×2000 + 93.33×1000) / 3000 = 94.4433… → 94.44, 优秀 barred by the veto → 良好
    await publishedCity(root, '4111', '漯河市', [['411102', '源汇区', 95, 2000, true, 1, 1], ['411103', '郾城区', 93.33, 1000, true, 0, 2]], '2026-01-20T02:00:00.000Z'),
    // (91.00×100 + 90.01×100) / 200 = 90.505 → 90.51 (half up) → 优秀
    await publishedCity(root, '4114', '平顶山市', [['411402', '新华区', 91, 100, true, 0, 1], ['411403', '卫东区', 90.01, 100, true, 0, 2]], '2026-01-30T02:00:00.000Z'),
    // scored with last year's edition
    await publishedCity(root, '4113', '南阳市', [['411302', '宛城区', 99, 100, true, 0, 1]], '2026-01-10T02:00:00.000Z', 2024),
    // nothing published
    { code: '4112', name: '三门峡市', warehousePath: join(root, '4112', 'warehouse.duckdb'), siteDir: join(root, '4112', 'site') },
  ];
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('province roll-up', () => {
  it('ranks the cities and every county of the province by the province file, and lists the cities it could not rank', async () => {
    const publications = await Promise.all(cities.map((city) => findPublication(city, 2025, definition.city_edition)));
    expect(publications.map((p) => [p.code, p.status, p.definitionEdition])).toEqual([
      ['4110', 'published', 2025],
      ['4111', 'published', 2025],
      ['4114', 'published', 2025],
      ['4113', 'edition_mismatch', 2024],
      ['4112', 'missing', null],
    ]);
    const outPath = join(root, 'province', 'province.duckdb');
    mkdirSync(join(root, 'province'), { recursive: true });
    // the deadline: the end of 2026-01-31 in Shanghai
    const rollup = await buildProvinceWarehouse({ outPath, province: { code: '41', name: '河南省' }, year: 2025, definition, deadline: '2026-01-31T16:00:00.000Z', publications });
    expect(rollup.cities).toEqual([
      { code: '4111', name: '漯河市', status: 'published', isLate: false, rank: 1, score: 94.44, grade: '良好' },
      { code: '4114', name: '平顶山市', status: 'published', isLate: false, rank: 2, score: 90.51, grade: '优秀' },
      { code: '4110', name: '许昌市', status: 'published', isLate: true, rank: 3, score: 83.5, grade: '良好' },
      { code: '4112', name: '三门峡市', status: 'missing', isLate: false, rank: null, score: null, grade: null },
      { code: '4113', name: '南阳市', status: 'edition_mismatch', isLate: false, rank: null, score: null, grade: null },
    ]);
    const db = await Warehouse.open(outPath, { readOnly: true });
    try {
      expect(await db.all('select unit_code, city_code, score::double as score, rank, city_rank from province.unit_ranking order by rank, unit_code')).toEqual([
        { unit_code: '411102', city_code: '4111', score: 95, rank: 1, city_rank: 1 },
        { unit_code: '411103', city_code: '4111', score: 93.33, rank: 2, city_rank: 2 },
        { unit_code: '411002', city_code: '4110', score: 91, rank: 3, city_rank: 1 },
        { unit_code: '411402', city_code: '4114', score: 91, rank: 3, city_rank: 1 },
        { unit_code: '411403', city_code: '4114', score: 90.01, rank: 5, city_rank: 2 },
        { unit_code: '411003', city_code: '4110', score: 85.5, rank: 6, city_rank: 2 },
      ]);
      // the second reading, from the snapshots' rows, agrees with the hand-worked figures above
      const oracle = await rankFromSnapshots(publications.filter((p) => p.status === 'published').map((p) => ({ code: p.code, snapshotPath: p.snapshotPath! })), 2025, definition);
      expect(oracle.cities).toEqual([
        { code: '4111', score: '94.44', grade: '良好', rank: 1 },
        { code: '4114', score: '90.51', grade: '优秀', rank: 2 },
        { code: '4110', score: '83.50', grade: '良好', rank: 3 },
      ]);
      expect(oracle.units).toEqual(await db.all("select city_code, unit_code, score::varchar as score, rank from province.unit_ranking order by rank, unit_code"));
      expect(await db.all('select city_code, is_vetoed, n_vetoed_units, n_units, n_schools, enrollment::integer as enrollment from province.city_ranking order by rank')).toEqual([
        { city_code: '4111', is_vetoed: true, n_vetoed_units: 1, n_units: 2, n_schools: 6, enrollment: 3000 },
        { city_code: '4114', is_vetoed: false, n_vetoed_units: 0, n_units: 2, n_schools: 6, enrollment: 200 },
        { city_code: '4110', is_vetoed: false, n_vetoed_units: 0, n_units: 3, n_schools: 9, enrollment: 5000 },
      ]);
      expect(await db.one("select province_name, year, city_edition, strftime(deadline_at, '%Y-%m-%d %H:%M') as deadline from province.rollup")).toEqual({
        province_name: '河南省',
        year: 2025,
        city_edition: 2025,
        deadline: '2026-02-01 00:00',
      });
    } finally {
      db.close();
    }
  });
});

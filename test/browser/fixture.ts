// A small, hand-made snapshot DuckDB file for the dashboard tests.
//
// Four ranked units with known A3 values (including a tie: ranks 1, 2, 2, 4),
// 市直 (not ranked), a previous period and another indicator that the overview
// page must ignore, and school-level rows whose sums equal the unit rows.
import { DuckDBInstance } from '@duckdb/node-api';

export interface FixtureUnitRow {
  unit_code: string;
  unit_name: string;
  numerator: number;
  denominator: number;
  n_schools: number;
  rank: number | null;
}

export interface FixtureSchoolRow {
  school_code: string;
  school_name: string;
  unit_code: string;
  numerator: number | null;
  denominator: number | null;
  status: 'ok' | 'no_data' | 'not_applicable';
}

export const FIXTURE_PERIOD = '2025';

export const FIXTURE_UNITS: Array<[string, string, string, string, boolean, boolean]> = [
  ['411002', '魏都区', 'Weidu', 'district', true, true],
  ['411003', '建安区', "Jian'an", 'district', true, true],
  ['411024', '鄢陵县', 'Yanling', 'county', true, true],
  ['411025', '襄城县', 'Xiangcheng', 'county', true, true],
  ['411081', '禹州市', 'Yuzhou', 'county-level city', true, true],
  ['411082', '长葛市', 'Changge', 'county-level city', true, true],
  ['411071', '许昌经济技术开发区', 'Jingkai', 'functional zone', true, true],
  ['411072', '城乡一体化示范区', 'Shifanqu', 'functional zone', true, false],
  ['411073', '东城区', 'Dongcheng', 'functional zone', true, false],
  ['411000', '市直', 'Shizhi', 'city-direct', false, false],
];

/** A3 2025 per unit: 禹州 98%, 魏都 90%, 鄢陵 90% (tie), 经开区 70%, 市直 90% unranked. */
export const FIXTURE_RANKING: FixtureUnitRow[] = [
  { unit_code: '411081', unit_name: '禹州市', numerator: 49, denominator: 50, n_schools: 3, rank: 1 },
  { unit_code: '411002', unit_name: '魏都区', numerator: 45, denominator: 50, n_schools: 3, rank: 2 },
  { unit_code: '411024', unit_name: '鄢陵县', numerator: 36, denominator: 40, n_schools: 2, rank: 2 },
  { unit_code: '411071', unit_name: '许昌经济技术开发区', numerator: 21, denominator: 30, n_schools: 2, rank: 4 },
  { unit_code: '411000', unit_name: '市直', numerator: 18, denominator: 20, n_schools: 2, rank: null },
];

export const FIXTURE_SCHOOLS: FixtureSchoolRow[] = [
  { school_code: '2141081001', school_name: '禹州市第一小学', unit_code: '411081', numerator: 25, denominator: 25, status: 'ok' },
  { school_code: '3141081002', school_name: '禹州市第二初级中学', unit_code: '411081', numerator: 24, denominator: 25, status: 'ok' },
  { school_code: '1141081003', school_name: '禹州市实验幼儿园', unit_code: '411081', numerator: null, denominator: null, status: 'no_data' },
  { school_code: '2141002001', school_name: '魏都区实验小学', unit_code: '411002', numerator: 20, denominator: 20, status: 'ok' },
  { school_code: '2141002002', school_name: '魏都区育才小学', unit_code: '411002', numerator: 15, denominator: 20, status: 'ok' },
  { school_code: '3141002003', school_name: '魏都区第一初级中学', unit_code: '411002', numerator: 10, denominator: 10, status: 'ok' },
  { school_code: '2141024001', school_name: '鄢陵县城关小学', unit_code: '411024', numerator: 18, denominator: 20, status: 'ok' },
  { school_code: '3441024002', school_name: '鄢陵县第一高级中学', unit_code: '411024', numerator: 18, denominator: 20, status: 'ok' },
  { school_code: '2141071001', school_name: '经开区长村张小学', unit_code: '411071', numerator: 9, denominator: 15, status: 'ok' },
  { school_code: '2141071002', school_name: '经开区实验学校', unit_code: '411071', numerator: 12, denominator: 15, status: 'ok' },
  { school_code: '3441000001', school_name: '许昌高级中学', unit_code: '411000', numerator: 10, denominator: 10, status: 'ok' },
  { school_code: '3641000002', school_name: '许昌职业技术学校', unit_code: '411000', numerator: 8, denominator: 10, status: 'ok' },
];

// Asia/Shanghai wall time, as the warehouse stores every timestamp
export const FIXTURE_PUBLISHED_AT = '2026-01-05 10:10:00';

function sqlString(value: string | null): string {
  return value === null ? 'NULL' : `'${value.replaceAll("'", "''")}'`;
}

function sqlNumber(value: number | null): string {
  return value === null ? 'NULL' : String(value);
}

function ratio(numerator: number | null, denominator: number | null): number | null {
  return numerator === null || !denominator ? null : numerator / denominator;
}

/** Writes the fixture snapshot to `path` (which must not exist yet). */
export async function createFixtureSnapshot(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    const unitValues = FIXTURE_UNITS.map(
      ([code, name, pinyin, kind, ranked, official]) =>
        `(${sqlString(code)}, ${sqlString(name)}, ${sqlString(pinyin)}, ${sqlString(kind)}, ${ranked}, ${official})`,
    ).join(',\n');
    const rankingValues = [
      ...FIXTURE_RANKING.map(
        (r) =>
          `('2025', ${sqlString(r.unit_code)}, ${sqlString(r.unit_name)}, 'A3', ${sqlNumber(ratio(r.numerator, r.denominator))}, ` +
          `${r.numerator}, ${r.denominator}, ${r.n_schools}, ${sqlNumber(r.rank)})`,
      ),
      // Noise the overview page must ignore: a previous period and another indicator.
      `('2024', '411002', '魏都区', 'A3', 0.5, 5, 10, 3, 4)`,
      `('2024', '411081', '禹州市', 'A3', 0.6, 6, 10, 3, 3)`,
      `('2025', '411071', '许昌经济技术开发区', 'A2', 0.99, 99, 100, 2, 1)`,
    ].join(',\n');
    const schoolValues = FIXTURE_SCHOOLS.map(
      (s) =>
        `('2025', ${sqlString(s.unit_code)}, ${sqlString(s.school_code)}, ${sqlString(s.school_name)}, 'A3', ` +
        `${sqlNumber(ratio(s.numerator, s.denominator))}, ${sqlNumber(s.numerator)}, ${sqlNumber(s.denominator)}, ${sqlString(s.status)})`,
    );
    const unitLevelValues = FIXTURE_RANKING.map(
      (r) =>
        `('2025', ${sqlString(r.unit_code)}, NULL, NULL, 'A3', ${sqlNumber(ratio(r.numerator, r.denominator))}, ${r.numerator}, ${r.denominator}, 'ok')`,
    );
    await connection.run(`
      create schema ref;
      create schema marts;
      create schema audit;
      create table ref.units (
        unit_code varchar, unit_name varchar, unit_pinyin varchar, unit_kind varchar,
        is_ranked boolean, has_official_code boolean);
      insert into ref.units values ${unitValues};
      create table marts.indicator_values (
        period varchar, unit_code varchar, school_code varchar, school_name varchar,
        indicator_id varchar, value double, numerator double, denominator double, status varchar);
      insert into marts.indicator_values values ${[...schoolValues, ...unitLevelValues].join(',\n')};
      create table marts.unit_indicator_ranking (
        period varchar, unit_code varchar, unit_name varchar, indicator_id varchar,
        value double, numerator double, denominator double, n_schools integer, rank integer);
      insert into marts.unit_indicator_ranking values ${rankingValues};
      create table audit.runs (run_id varchar, started_at timestamp, finished_at timestamp, status varchar);
      insert into audit.runs values
        ('run-0001', '2026-01-04 02:00:00', '2026-01-04 02:09:00', 'succeeded'),
        ('run-0002', '2026-01-05 02:00:00', ${sqlString(FIXTURE_PUBLISHED_AT)}, 'succeeded'),
        ('run-0003', '2026-01-06 02:00:00', NULL, 'failed');
    `);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

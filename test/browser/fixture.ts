// A small, hand-made snapshot DuckDB file for the dashboard tests.
//
// Four ranked units with known A3 values (including a tie: ranks 1, 2, 2, 4),
// 市直 (not ranked), a previous period and another indicator that the overview
// page must ignore, and school-level rows whose sums equal the unit rows.
// The school registry (core.dim_schools), one staging table per source, and an audit
// trail with a held, a released and a failed batch, rejects and two data-test runs
// (FIXTURE_BATCHES …) feed the 数据质量 page and the unit-scope tests. Row contents
// (rejects' raw rows and messages, test samples) carry RAW_MARKER so tests can check
// that no page ever shows them.
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

/** Text inside row contents (audit.rejects.raw/message, audit.data_tests.sample) that no page may show. */
export const RAW_MARKER = 'ROW-CONTENT-NEVER-PUBLISHED';

export interface FixtureBatch {
  batch_id: string;
  file: string;
  source: string | null;
  status: 'landed' | 'held' | 'released' | 'failed';
  rows_read: number;
  rows_rejected: number;
  /** reason code → rejected rows (a file-level reason counts one reject with no row number). */
  rejects: Record<string, number>;
}

/** 202 rows read, 25 rejected (12.4%); one batch held, one released, one failed. */
export const FIXTURE_BATCHES: FixtureBatch[] = [
  { batch_id: 'b-01', file: '/inbox/schools/schools_2025.xlsx', source: 'schools', status: 'landed', rows_read: 12, rows_rejected: 0, rejects: {} },
  { batch_id: 'b-02', file: '/inbox/inspections/inspections_2025.csv', source: 'inspections', status: 'landed', rows_read: 100, rows_rejected: 5, rejects: { unknown_school: 3, bad_date: 2 } },
  { batch_id: 'b-03', file: '/inbox/alerts/alerts_2025.ndjson', source: 'alerts', status: 'held', rows_read: 40, rows_rejected: 10, rejects: { missing_required: 10 } },
  { batch_id: 'b-04', file: '/inbox/sensors/sensors_2025.csv', source: 'sensors', status: 'released', rows_read: 46, rows_rejected: 10, rejects: { out_of_range: 10 } },
  { batch_id: 'b-05', file: '/inbox/cases/cases_2025_retry.csv', source: null, status: 'failed', rows_read: 0, rows_rejected: 0, rejects: { empty_file: 1 } },
  { batch_id: 'b-06', file: '/inbox/activities/activities_2025.json', source: 'activities', status: 'landed', rows_read: 4, rows_rejected: 0, rejects: {} },
];

/** Latest business date per source: city-wide and for 魏都区 (411002) alone; alerts and cases have no landed rows. */
export const FIXTURE_FRESHNESS: Record<string, { city: string | null; weidu: string | null }> = {
  schools: { city: '2025-09-01', weidu: '2025-09-01' },
  inspections: { city: '2025-12-20', weidu: '2025-12-10' },
  sensors: { city: '2025-12-31', weidu: '2025-12-30' },
  alerts: { city: null, weidu: null },
  cases: { city: null, weidu: null },
  activities: { city: '2025-11-30', weidu: '2025-11-02' },
};

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
      create schema core;
      create schema staging;
      create table core.dim_schools (school_code varchar, school_name varchar, unit_code varchar, valid_from date);
      insert into core.dim_schools values ${FIXTURE_SCHOOLS.map((s) => `(${sqlString(s.school_code)}, ${sqlString(s.school_name)}, ${sqlString(s.unit_code)}, '2024-09-01')`).join(',\n')};
      create table staging.stg_schools (school_code varchar, school_name varchar, unit_code varchar, reported_on date);
      insert into staging.stg_schools select school_code, school_name, unit_code, '2025-09-01' from core.dim_schools;
      create table staging.stg_inspections (inspection_id varchar, school_code varchar, inspected_on date, hazard_text varchar);
      insert into staging.stg_inspections values
        ('JC-1', '2141081001', '2025-12-20', '消防通道堆放杂物'), ('JC-2', '2141002001', '2025-12-10', NULL), ('JC-3', '2141002002', '2025-11-01', NULL);
      create table staging.stg_sensors (device_id varchar, school_code varchar, event_at timestamp);
      insert into staging.stg_sensors values ('D-1', '3141002003', '2025-12-30 08:00:00'), ('D-2', '3441000001', '2025-12-31 23:00:00');
      create table staging.stg_alerts (alert_id varchar, school_code varchar, raised_at timestamp, handler varchar);
      create table staging.stg_cases (case_id varchar, school_code varchar, occurred_at timestamp);
      -- unit-level rows (school_code null): a letter from 禹州 to one of its schools, an interview noted in free text
      create table staging.stg_activities (activity_id varchar, school_code varchar, unit_code varchar, activity_on date,
        activity_kind varchar, target_school_code varchar, note varchar);
      insert into staging.stg_activities values
        ('A-1', '2141002001', '411002', '2025-11-02', '应急演练', NULL, NULL),
        ('A-2', NULL, '411002', '2025-10-08', '督导', '2141002002', '魏都区育才小学隐患整改交办函'),
        ('A-3', NULL, '411081', '2025-11-30', '督导', '2141081001', '禹州市第一小学隐患整改交办函'),
        ('A-4', NULL, '411081', '2025-11-15', '督导', NULL, '约谈禹州市第二初级中学校长'),
        ('A-5', '2141081001', '411081', '2025-11-20', '应急演练', NULL, NULL);
      create table audit.batches (batch_id varchar, batch_seq bigint, file varchar, source varchar, format varchar,
        sha256 varchar, bytes bigint, archive_path varchar, rows_read integer, rows_landed integer, rows_rejected integer,
        status varchar, message varchar, started_at timestamp, finished_at timestamp);
      insert into audit.batches values ${FIXTURE_BATCHES.map(
        (b, i) =>
          `(${sqlString(b.batch_id)}, ${i + 1}, ${sqlString(b.file)}, ${sqlString(b.source)}, ${sqlString(b.source ? b.file.split('.').at(-1)! : null)}, ` +
          `'sha${i}', 1000, NULL, ${b.rows_read}, ${b.rows_read - b.rows_rejected}, ${b.rows_rejected}, ${sqlString(b.status)}, NULL, ` +
          `'2026-01-05 02:0${i}:00', '2026-01-05 02:0${i}:30')`,
      ).join(',\n')};
      create table audit.rejects (batch_id varchar, file varchar, row_number integer, reason_code varchar, message varchar, raw varchar);
      insert into audit.rejects
        select b.batch_id, b.file, case when r.reason in ('empty_file') then null else n end, r.reason,
               '${RAW_MARKER} message quoting 2141081001', '{"学校标识码":"3141081002","备注":"${RAW_MARKER}"}'
        from (values ${FIXTURE_BATCHES.flatMap((b) => Object.entries(b.rejects).map(([reason, n]) => `(${sqlString(b.batch_id)}, ${sqlString(reason)}, ${n})`)).join(', ')})
             as r(batch_id, reason, n_rows)
        join (select batch_id, file from (values ${FIXTURE_BATCHES.map((b) => `(${sqlString(b.batch_id)}, ${sqlString(b.file)})`).join(', ')}) as t(batch_id, file)) as b using (batch_id),
             range(1, r.n_rows + 1) as rows(n);
      create table audit.data_tests (run_id varchar, model varchar, test varchar, severity varchar, failing_rows integer, sample varchar, tested_at timestamp);
      insert into audit.data_tests values
        ('t-1', 'core.dim_schools', 'unique(school_code, valid_from)', 'error', 0, NULL, '2026-01-04 02:05:00'),
        ('t-1', 'staging.stg_alerts', 'expect: acknowledged_at >= raised_at', 'warn', 7, '[{"school_code":"2141081001"}]', '2026-01-04 02:05:00'),
        ('t-2', 'core.dim_schools', 'unique(school_code, valid_from)', 'error', 0, NULL, '2026-01-05 02:05:00'),
        ('t-2', 'marts.indicator_values', 'not_null(status)', 'error', 0, NULL, '2026-01-05 02:05:00'),
        ('t-2', 'staging.stg_alerts', 'expect: acknowledged_at >= raised_at', 'warn', 2, '[{"school_code":"2141081001","note":"${RAW_MARKER}"}]', '2026-01-05 02:05:00');
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

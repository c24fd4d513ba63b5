/**
 * Typed access through Kysely on a real warehouse built from the mini city (test/fixtures/
 * mini-city: seven schools, 19 inspection rows, one of them rejected) through the CLI, and
 * the drift test of the generated table types. Expected rows are read off the fixture files.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../warehouse/connection.ts';
import { typedWarehouse } from '../../warehouse/kysely.ts';
import { describeDrift, generateSchemaTypes, SCHEMA_TYPES_PATH, tsType } from '../../cli/schema-types.ts';
import { FIXTURES, runCli, tempDir } from '../helpers.ts';

const path = join(tempDir(), 'w.duckdb');
let db: Warehouse;
let status: Awaited<ReturnType<typeof runCli>>;

beforeAll(async () => {
  for (const args of [['init'], ['ingest', join(FIXTURES, 'mini-city')], ['transform']]) {
    const result = await runCli([...args, '--db', path]);
    expect(result.code, result.stderr).toBe(0);
  }
  // before this file opens the warehouse itself: a process opens a DuckDB file once
  status = await runCli(['status', '--db', path, '--json']);
  db = await Warehouse.open(path);
});
afterAll(() => db?.close());

describe('the Kysely dialect over a Warehouse', () => {
  it('selects with a bound parameter, orders, and returns values as Warehouse.all does', async () => {
    const schools = await typedWarehouse(db)
      .selectFrom('core.dim_schools')
      .select(['school_code', 'school_name', 'school_type', 'enrollment', 'is_near_water', 'opened_on'])
      .where('unit_code', '=', '411003')
      .orderBy('school_code')
      .execute();
    // schools.csv: the two 建安区 (411003) schools; "2012/9/1" and "1978年9月1日" read as dates
    expect(schools).toEqual([
      { school_code: '1141000003', school_name: '建安区阳光幼儿园', school_type: '幼儿园', enrollment: 210, is_near_water: true, opened_on: '2012-09-01' },
      { school_code: '3141000004', school_name: '建安区第二初级中学', school_type: '初中', enrollment: 960, is_near_water: false, opened_on: '1978-09-01' },
    ]);
  });

  it('joins two tables', async () => {
    const major = await typedWarehouse(db)
      .selectFrom('core.fct_hazards as h')
      .innerJoin('core.dim_units as u', 'u.unit_code', 'h.unit_code')
      .select(['h.hazard_id', 'u.unit_name', 'h.found_on', 'h.due_on', 'h.rectified_on', 'h.is_rectified_on_time'])
      .where('h.hazard_level', '=', '重大')
      .orderBy('h.found_on')
      .execute();
    // inspections.csv: hazard level 5 (重大) on J2509-003 (never rectified) and J2503-001 (rectified 3 days late)
    expect(major).toEqual([
      { hazard_id: 'J2509-003:XS01', unit_name: '建安区', found_on: '2025-05-06', due_on: '2025-05-20', rectified_on: null, is_rectified_on_time: false },
      { hazard_id: 'J2503-001:XF05', unit_name: '魏都区', found_on: '2025-06-02', due_on: '2025-06-09', rectified_on: '2025-06-12', is_rectified_on_time: false },
    ]);
  });

  it('groups and counts, comparing a DATE column with a date given as text', async () => {
    const autumn = await typedWarehouse(db)
      .selectFrom('core.fct_inspection_items')
      .select((eb) => ['school_code', eb.fn.countAll<number>().as('n_items')])
      .where('inspected_on', '>=', '2025-10-01')
      .groupBy('school_code')
      .orderBy('school_code')
      .execute();
    // J2504-001 (11-20), J2508-002 (12-25), J2513-007 and J2514-007 (both 10-10)
    expect(autumn).toEqual([
      { school_code: '2141000001', n_items: 1 },
      { school_code: '2141000002', n_items: 1 },
      { school_code: '2141000007', n_items: 2 },
    ]);
  });

  it('types a query end to end: the result type is checked against the generated tables', async () => {
    const row = await typedWarehouse(db)
      .selectFrom('marts.indicator_values')
      .select(['school_code', 'numerator', 'denominator', 'value'])
      .where('period', '=', '2025')
      .where('indicator_id', '=', 'A3')
      .where('school_code', '=', '2141000001')
      .executeTakeFirstOrThrow();
    const share: number | null = row.value;
    const code: string | null = row.school_code; // null on the unit-level (supervision) rows
    // 4 hazards due in 2025, 3 rectified on time (worked out in test/mini-city.test.ts)
    expect({ code, share, numerator: row.numerator, denominator: row.denominator }).toEqual({ code: '2141000001', share: 0.75, numerator: 3, denominator: 4 });
  });

  it('returns timestamps as Shanghai wall-time text', async () => {
    const batches = await typedWarehouse(db).selectFrom('audit.batches').select(['source', 'started_at']).orderBy('batch_seq').execute();
    expect(batches.map((b) => b.source)).toEqual(['schools', 'inspections']);
    for (const b of batches) expect(b.started_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/);
  });

  it('counts changed rows and rolls a failed transaction back', async () => {
    const q = typedWarehouse(db);
    const attempt = q.transaction().execute(async (trx) => {
      const deleted = await trx.deleteFrom('audit.rejects').where('reason_code', '=', 'unknown_school').executeTakeFirst();
      expect(deleted.numDeletedRows).toBe(1n);
      expect(await trx.selectFrom('audit.rejects').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()).toEqual({ n: 0 });
      throw new Error('changed my mind');
    });
    await expect(attempt).rejects.toThrow('changed my mind');
    expect(await q.selectFrom('audit.rejects').select(['row_number', 'reason_code']).execute()).toEqual([{ row_number: 18, reason_code: 'unknown_school' }]);
  });

  it('runs concurrent queries one at a time on the one connection', async () => {
    const q = typedWarehouse(db);
    const counts = await Promise.all([
      q.selectFrom('core.dim_schools').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      q.selectFrom('ref.units').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      q.selectFrom('audit.rejects').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    // 7 schools with one registry report each; 10 units in data/reference; 1 reject
    expect(counts).toEqual([{ n: 7 }, { n: 10 }, { n: 1 }]);
  });

  it('runs raw SQL through the same driver', async () => {
    const { rows } = await sql<{ n: number }>`select count(*) as n from core.fct_hazards where school_code = ${'2141000001'}`.execute(typedWarehouse(db));
    // 2141000001: XF01, XS02, XF05 and JF02 failed with a hazard
    expect(rows).toEqual([{ n: 4 }]);
  });

  it('refuses a Date parameter and says how to pass a date', async () => {
    const query = typedWarehouse(db)
      .selectFrom('core.dim_schools')
      .select('school_code')
      .where('opened_on', '>', new Date('2000-01-01') as unknown as string);
    await expect(query.execute()).rejects.toThrow("query parameter $1 is a Date; the warehouse dialect binds text, numbers, booleans and null only — pass dates and timestamps as text ('2025-09-01'");
  });

  it('lists tables and columns through the introspector', async () => {
    const tables = await typedWarehouse(db).introspection.getTables();
    const units = tables.find((t) => t.schema === 'ref' && t.name === 'units');
    expect(units?.isView).toBe(false);
    expect(units?.columns.map((c) => [c.name, c.dataType, c.isNullable])).toEqual([
      ['unit_code', 'VARCHAR', false],
      ['unit_name', 'VARCHAR', false],
      ['unit_pinyin', 'VARCHAR', false],
      ['unit_kind', 'VARCHAR', false],
      ['is_ranked', 'BOOLEAN', false],
      ['has_official_code', 'BOOLEAN', false],
      ['city_name', 'VARCHAR', true],
    ]);
    expect(tables.find((t) => t.schema === 'audit' && t.name === 'reject_counts')?.isView).toBe(true);
  });
});

describe('the generated table types', () => {
  it('match the checked-in warehouse/schema.generated.ts (run `npx safecampus types` when this fails)', async () => {
    const generated = await generateSchemaTypes(db);
    const checkedIn = readFileSync(SCHEMA_TYPES_PATH, 'utf8');
    expect(
      describeDrift(checkedIn, generated),
      'warehouse/schema.generated.ts no longer matches the warehouse: run `npx safecampus types` and commit the file',
    ).toEqual([]);
    expect(generated).toBe(checkedIn);
  });

  it('name each table and column that drifted', () => {
    const checkedIn = readFileSync(SCHEMA_TYPES_PATH, 'utf8');
    const edited = checkedIn
      .replace('  unit_pinyin: string;\n  unit_kind: string;', '  unit_pinyin: string | null;\n  unit_kind: string;\n  is_city: boolean;')
      .replace(/\/\*\* core\.dim_periods \*\/\nexport interface CoreDimPeriods \{[^}]*\}\n\n/, '');
    expect(describeDrift(edited, checkedIn)).toEqual([
      '+ core.dim_periods (new table)',
      '- ref.units.unit_pinyin: string | null;',
      '- ref.units.is_city: boolean;',
      '+ ref.units.unit_pinyin: string;',
    ]);
    expect(describeDrift(checkedIn, checkedIn.replace('GENERATED', 'generated'))).toEqual(['the tables agree but the file text differs (header or layout)']);
  });

  it('map DuckDB types to what the Warehouse returns, and refuse unknown ones by name', () => {
    expect(['VARCHAR', 'BIGINT', 'DECIMAL(9,2)', 'DATE', 'TIMESTAMP', 'BOOLEAN', 'INTEGER[]'].map((t) => tsType(t, 'x'))).toEqual([
      'string',
      'number',
      'number',
      'DateText',
      'TimestampText',
      'boolean',
      'Array<number>',
    ]);
    expect(() => tsType('MAP(VARCHAR, INTEGER)', 'core.t.m')).toThrow(
      'core.t.m has the DuckDB type MAP(VARCHAR, INTEGER), which the type generator does not map: cast it in the model, or add it to SCALAR_TYPES in cli/schema-types.ts',
    );
  });
});

describe('safecampus status (Kysely queries)', () => {
  it('reports the batches, held batches and runs of the warehouse', async () => {
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout);
    // the newest migration in warehouse/migrations (NNNN_name.sql)
    const newest = Math.max(...readdirSync(join(import.meta.dirname, '..', '..', 'warehouse', 'migrations')).map((f) => Number(f.slice(0, 4))));
    expect(report.schema_version).toBe(newest);
    expect(report.batches).toEqual([
      { source: 'inspections', status: 'landed', files: 1, rows_landed: 18, rows_rejected: 1 },
      { source: 'schools', status: 'landed', files: 1, rows_landed: 7, rows_rejected: 0 },
    ]);
    expect(report.held).toEqual([]);
    expect(report.runs.map((r: { kind: string; status: string }) => [r.kind, r.status])).toEqual([['transform', 'succeeded']]);
    expect(report.latest_snapshot).toBeNull();
  });
});

describe('safecampus types', () => {
  it('--check passes on the checked-in file', async () => {
    const result = await runCli(['types', '--check']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('warehouse/schema.generated.ts matches the warehouse\n');
  });

  it('--check exits 1 naming the drift, and without --check rewrites the file', async () => {
    const checkedIn = readFileSync(SCHEMA_TYPES_PATH, 'utf8');
    const out = join(tempDir(), 'schema.generated.ts');
    writeFileSync(out, checkedIn.replace('  has_official_code: boolean;\n', ''));

    const check = await runCli(['types', '--check', '--out', out]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('is out of date with the warehouse (1 difference(s)):\n  + ref.units.has_official_code: boolean;\nRun `npx safecampus types --out ');
    expect(readFileSync(out, 'utf8')).not.toBe(checkedIn);

    const write = await runCli(['types', '--out', out, '--json']);
    expect(write.code, write.stderr).toBe(0);
    expect(JSON.parse(write.stdout)).toMatchObject({ up_to_date: false, changes: ['+ ref.units.has_official_code: boolean;'] });
    expect(readFileSync(out, 'utf8')).toBe(checkedIn);
  });
});

import { gzipSync } from 'node:zlib';
// The snapshot read layer of the dashboard loaders (dashboards/lib/scope.ts through
// openSnapshot): redaction in every build, and what a unit-scoped build can see, on the
// hand-made fixture snapshot with real DuckDB.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUnitScope } from '../../dashboards/build.ts';
import { foreignSchools, openSnapshot, type Snapshot } from '../../dashboards/lib/snapshot.ts';
import { FIXTURE_SCHOOLS, createFixtureSnapshot } from '../browser/fixture.ts';
import { tempDir } from '../helpers.ts';

const work = tempDir('safecampus-scope-');
const path = join(work, 'snapshot.duckdb');
let city: Snapshot;
let weidu: Snapshot;

beforeAll(async () => {
  await createFixtureSnapshot(path);
  city = await openSnapshot({ path });
  weidu = await openSnapshot({ path, unit: '411002' });
});

afterAll(async () => {
  city?.close();
  weidu?.close();
  await rm(work, { recursive: true, force: true });
});

describe('the snapshot read layer', () => {
  it('never hands row contents to a loader: rejects’ raw rows and messages, data-test samples', async () => {
    for (const snapshot of [city, weidu]) {
      const rejects = await snapshot.query<{ n: number; raw: number; message: number }>(
        'select count(*)::integer as n, count(raw)::integer as raw, count(message)::integer as message from audit.rejects',
      );
      expect(rejects).toEqual([{ n: 26, raw: 0, message: 0 }]);
      const samples = await snapshot.query<{ n: number }>('select count(sample)::integer as n from audit.data_tests');
      expect(samples).toEqual([{ n: 0 }]);
    }
    // the reason codes and counts stay
    expect(await city.query('select reason_code, count(*)::integer as n from audit.rejects group by all order by all')).toEqual([
      { reason_code: 'bad_date', n: 2 },
      { reason_code: 'empty_file', n: 1 },
      { reason_code: 'missing_required', n: 10 },
      { reason_code: 'out_of_range', n: 10 },
      { reason_code: 'unknown_school', n: 3 },
    ]);
  });

  it('shows the whole city when not scoped', async () => {
    expect(city.scope).toBeNull();
    const schools = await city.query<{ n: number }>('select count(distinct school_code)::integer as n from marts.indicator_values');
    expect(schools).toEqual([{ n: FIXTURE_SCHOOLS.length }]);
    expect(await city.query('select activity_id from staging.stg_activities order by 1')).toHaveLength(5);
  });

  it('keeps only the unit’s schools in every table, and other units’ unit-level rows', async () => {
    expect(weidu.scope).toEqual({ unit_code: '411002', unit_name: '魏都区' });
    const own = FIXTURE_SCHOOLS.filter((s) => s.unit_code === '411002').map((s) => s.school_code).sort();
    const schoolRows = await weidu.query<{ school_code: string }>(
      'select distinct school_code from marts.indicator_values where school_code is not null order by 1',
    );
    expect(schoolRows.map((r) => r.school_code)).toEqual(own);
    // unit-level rows of all five units (I1 supervision values) stay (they are aggregates, not school rows)
    const unitRows = await weidu.query<{ unit_code: string }>('select unit_code from marts.indicator_values where school_code is null order by 1');
    expect(unitRows.map((r) => r.unit_code)).toEqual(['411000', '411002', '411024', '411071', '411081']);
    expect(await weidu.query('select school_code, school_name from core.dim_schools order by 1')).toEqual(
      FIXTURE_SCHOOLS.filter((s) => s.unit_code === '411002').map(({ school_code, school_name }) => ({ school_code, school_name })).sort((a, b) => a.school_code.localeCompare(b.school_code)),
    );
    expect(await weidu.query('select inspection_id from staging.stg_inspections order by 1')).toEqual([{ inspection_id: 'JC-2' }, { inspection_id: 'JC-3' }]);
  });

  it('drops rows naming another unit’s school in any *_school_code column and blanks other units’ free text', async () => {
    // A-3: 禹州's letter to its own school goes; A-4: 禹州's interview stays, its note does not; A-5: a 禹州 school's drill goes
    expect(await weidu.query('select activity_id, unit_code, target_school_code, note from staging.stg_activities order by 1')).toEqual([
      { activity_id: 'A-1', unit_code: '411002', target_school_code: null, note: null },
      { activity_id: 'A-2', unit_code: '411002', target_school_code: '2141002002', note: '魏都区育才小学隐患整改交办函' },
      { activity_id: 'A-4', unit_code: '411081', target_school_code: null, note: null },
    ]);
  });

  it('names the schools a scoped build must not mention', async () => {
    const foreign = await foreignSchools(path, '411002');
    const others = FIXTURE_SCHOOLS.filter((s) => s.unit_code !== '411002');
    expect(foreign.codes).toEqual(others.map((s) => s.school_code).sort());
    expect(foreign.names).toEqual(others.map((s) => s.school_name).sort());
    expect(foreign.ownNames).toEqual(['魏都区实验小学', '魏都区第一初级中学', '魏都区育才小学'].sort());
  });

  it('refuses an unknown unit and a snapshot with no school registry to scope by', async () => {
    await expect(openSnapshot({ path, unit: '419999' })).rejects.toThrow(
      'SAFECAMPUS_UNIT=419999 is not a unit of this snapshot; known units: 411000, 411002, 411003, 411024, 411025, 411071, 411072, 411073, 411081, 411082.',
    );
    const bare = join(work, 'bare.duckdb');
    const instance = await DuckDBInstance.create(bare);
    const connection = await instance.connect();
    await connection.run(`create schema ref; create table ref.units as select '411002' as unit_code, '魏都区' as unit_name`);
    connection.closeSync();
    instance.closeSync();
    await expect(openSnapshot({ path: bare, unit: '411002' })).rejects.toThrow(/has no school registry \(core\.dim_schools or staging\.stg_schools\) to scope it to unit 411002/);
    await expect(openSnapshot({ path: join(work, 'missing.duckdb') })).rejects.toThrow(/no such snapshot file/);
  });
});

describe('the output check of a unit-scoped build', () => {
  it('fails on another unit’s school code or name in a page or data file, and passes the unit’s own', async () => {
    const site = join(work, 'site');
    await mkdir(join(site, '_file', 'data'), { recursive: true });
    await writeFile(join(site, 'index.html'), '<p>魏都区育才小学 2141002002</p>');
    await writeFile(join(site, '_file', 'data', 'x.json'), '{"ok": "3141002003"}');
    await expect(checkUnitScope(site, path, '411002')).resolves.toBeUndefined();

    await writeFile(join(site, '_file', 'data', 'leak.json'), '{"school": "2141081001", "name": "鄢陵县城关小学"}');
    await expect(checkUnitScope(site, path, '411002')).rejects.toThrow(
      /contains other units' schools[\s\S]*_file\/data\/leak\.json: school code 2141081001[\s\S]*_file\/data\/leak\.json: school name 鄢陵县城关小学/,
    );
  });

  it('reads gzip-compressed data files, hashed FileAttachments included', async () => {
    const site = join(work, 'site-gzip');
    await mkdir(join(site, '_file', 'data', 'units'), { recursive: true });
    await writeFile(join(site, '_file', 'data', 'units', '411002.json.1a2b3c4d.gz'), gzipSync('{"school_code": ["2141002001"]}'));
    await expect(checkUnitScope(site, path, '411002')).resolves.toBeUndefined();
    await writeFile(join(site, '_file', 'data', 'units', '411002.json.1a2b3c4d.gz'), gzipSync('{"school_code": ["2141002001", "2141081001"]}'));
    await expect(checkUnitScope(site, path, '411002')).rejects.toThrow(/_file\/data\/units\/411002\.json\.1a2b3c4d\.gz: school code 2141081001/);
  });

  it('is not fooled by a 10-digit run inside a longer number', async () => {
    const site = join(work, 'site-digits');
    await mkdir(site, { recursive: true });
    await writeFile(join(site, 'index.html'), '<p>121410810019</p>');
    await expect(checkUnitScope(site, path, '411002')).resolves.toBeUndefined();
  });
});

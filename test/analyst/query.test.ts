/**
 * `safecampus query` on a snapshot published from the mini city (test/fixtures/mini-city:
 * seven schools in five units; the A3 numbers are worked out by hand in
 * test/mini-city.test.ts). Every output below is exact.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../warehouse/connection.ts';
import type { SnapshotPointer } from '../../warehouse/snapshot.ts';
import { runCli, tempDir } from '../helpers.ts';
import { publishMiniCity } from './fixture.ts';

const dir = tempDir('safecampus-query-');
const dbPath = join(dir, 'warehouse.duckdb');
let snapshot: SnapshotPointer;

const query = (...args: string[]) => runCli(['query', ...args, '--db', dbPath]);

const A3_2025 = `select unit_code, unit_name, numerator, denominator, round(value, 4) as value, rank
  from marts.unit_indicator_ranking where period = '2025' and indicator_id = 'A3' order by rank nulls last, unit_code`;

beforeAll(async () => {
  snapshot = await publishMiniCity(dbPath);
});

describe('query: output formats', () => {
  it('prints an aligned table (Chinese text two columns wide, numbers to the right) and names the snapshot', async () => {
    const { code, stdout, stderr } = await query(
      'select school_code, school_name, school_type, enrollment, is_near_water from core.dim_schools order by school_code',
    );
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toBe(
      [
        'school_code  school_name         school_type  enrollment  is_near_water',
        '-----------  ------------------  -----------  ----------  -------------',
        '1141000003   建安区阳光幼儿园    幼儿园              210  true',
        '2141000001   魏都区第一小学      小学                820  false',
        '2141000002   魏都区实验小学      小学               1260  false',
        '2141000005   鄢陵县城关小学      小学                640  true',
        '2141000007   襄城县实验小学      小学                980  false',
        '3141000004   建安区第二初级中学  初中                960  false',
        '3441000006   许昌市第一高级中学  高中               2400  false',
        '7 行 / rows',
        `快照 / snapshot: ${snapshot.snapshot_id}`,
        '',
      ].join('\n'),
    );
  });

  it('cuts a table at --limit and says how many rows were cut; NULL shows as NULL', async () => {
    const { code, stdout } = await query(A3_2025, '--limit', '2');
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(0, 5)).toEqual([
      'unit_code  unit_name  numerator  denominator   value  rank',
      '---------  ---------  ---------  -----------  ------  ----',
      '411002     魏都区             5            6  0.8333     1',
      '411024     鄢陵县             1            2     0.5     2',
      '显示前 2 行，共 5 行，另有 3 行未显示 / showing 2 of 5 rows, 3 cut: --limit N shows more, --format csv|xlsx --out FILE exports them all',
    ]);
    const all = await query(A3_2025);
    expect(all.stdout.split('\n')[6]).toBe('411000     市直               1            1       1  NULL');
  });

  it('writes CSV for Excel: UTF-8 with a BOM, CRLF, quotes where needed, empty for NULL', async () => {
    const out = join(dir, 'exports', 'a3.csv');
    const { code, stdout } = await query(`select *, 'say "hi", ok' as note from (${A3_2025})`, '--out', out);
    expect(code).toBe(0);
    expect(stdout).toBe(`已写入 5 行到 ${out} / wrote 5 rows to ${out} (快照 / snapshot: ${snapshot.snapshot_id})\n`);
    expect(readFileSync(out, 'utf8')).toBe(
      '\uFEFFunit_code,unit_name,numerator,denominator,value,rank,note\r\n' +
        '411002,魏都区,5,6,0.8333,1,"say ""hi"", ok"\r\n' +
        '411024,鄢陵县,1,2,0.5,2,"say ""hi"", ok"\r\n' +
        '411025,襄城县,1,2,0.5,2,"say ""hi"", ok"\r\n' +
        '411003,建安区,0,1,0,4,"say ""hi"", ok"\r\n' +
        '411000,市直,1,1,1,,"say ""hi"", ok"\r\n',
    );
  });

  it('prints CSV without a BOM and JSON (one row per line, typed values) to stdout', async () => {
    const sql = "select school_code, enrollment, is_near_water, opened_on from core.dim_schools where unit_code = '411003' order by school_code";
    const csv = await query(sql, '--format', 'csv');
    expect(csv.stdout).toBe('school_code,enrollment,is_near_water,opened_on\r\n1141000003,210,true,2012-09-01\r\n3141000004,960,false,1978-09-01\r\n');
    const json = await query(sql, '--json');
    expect(json.stdout).toBe(
      '[\n' +
        '{"school_code":"1141000003","enrollment":210,"is_near_water":true,"opened_on":"2012-09-01"},\n' +
        '{"school_code":"3141000004","enrollment":960,"is_near_water":false,"opened_on":"1978-09-01"}\n' +
        ']\n',
    );
    expect((await query('select * from core.dim_units where false', '--format', 'json')).stdout).toBe('[]\n');
  });

  it('runs the look-around statements the hints suggest: describe and show all tables', async () => {
    const described = await query('describe core.dim_units', '--format', 'csv');
    expect(described.stdout).toBe(
      'column_name,column_type,null,key,default,extra\r\n' +
        'unit_code,VARCHAR,YES,,,\r\nunit_name,VARCHAR,YES,,,\r\nunit_pinyin,VARCHAR,YES,,,\r\nunit_kind,VARCHAR,YES,,,\r\nis_ranked,BOOLEAN,YES,,,\r\n',
    );
    const tables = await query(
      "select schema || '.' || name as t, column_names[1] as first_column from (show all tables) where name in ('dim_units', 'unit_indicator_ranking') order by t",
      '--format', 'json',
    );
    expect(JSON.parse(tables.stdout)).toEqual([
      { t: 'core.dim_units', first_column: 'unit_code' },
      { t: 'marts.unit_indicator_ranking', first_column: 'period' },
    ]);
  });

  it('writes Parquet through a separate DuckDB, keeping the column types', async () => {
    const out = join(dir, 'exports', 'schools.parquet');
    const { code } = await query(
      'select school_code, school_name, enrollment, opened_on, is_near_water from core.dim_schools order by school_code',
      '--format', 'parquet', '--out', out, '--limit', '3',
    );
    expect(code).toBe(0);
    const check = await Warehouse.open(join(dir, 'check.duckdb'));
    try {
      const types = await check.all(`select column_name, column_type from (describe select * from read_parquet('${out}'))`);
      expect(types).toEqual([
        { column_name: 'school_code', column_type: 'VARCHAR' },
        { column_name: 'school_name', column_type: 'VARCHAR' },
        { column_name: 'enrollment', column_type: 'INTEGER' },
        { column_name: 'opened_on', column_type: 'DATE' },
        { column_name: 'is_near_water', column_type: 'BOOLEAN' },
      ]);
      expect(await check.all(`select * from read_parquet('${out}')`)).toEqual([
        { school_code: '1141000003', school_name: '建安区阳光幼儿园', enrollment: 210, opened_on: '2012-09-01', is_near_water: true },
        { school_code: '2141000001', school_name: '魏都区第一小学', enrollment: 820, opened_on: '1958-09-01', is_near_water: false },
        { school_code: '2141000002', school_name: '魏都区实验小学', enrollment: 1260, opened_on: '1985-09-01', is_near_water: false },
      ]);
    } finally {
      check.close();
    }
  });

  it('writes XLSX (format from the extension): Chinese headers as named, frozen bold header row, real numbers and dates', async () => {
    const out = join(dir, 'exports', 'a3.xlsx');
    const { code } = await query(
      `select unit_code as 单位代码, unit_name as 单位名称, numerator as 按期整改数, value as 按期整改率, date '2025-12-31' as 统计截止日
       from marts.unit_indicator_ranking where period = '2025' and indicator_id = 'A3' order by rank nulls last, unit_code`,
      '--out', out,
    );
    expect(code).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['查询结果']);
    const sheet = workbook.worksheets[0];
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.rowCount).toBe(6);
    expect(sheet.getRow(1).values).toEqual([undefined, '单位代码', '单位名称', '按期整改数', '按期整改率', '统计截止日']);
    expect(sheet.getRow(1).font).toMatchObject({ bold: true });
    expect(sheet.getRow(2).values).toEqual([undefined, '411002', '魏都区', 5, 5 / 6, new Date(Date.UTC(2025, 11, 31))]);
    expect(sheet.getRow(2).getCell(5).numFmt).toBe('yyyy-mm-dd');
    expect(sheet.getRow(6).values).toEqual([undefined, '411000', '市直', 1, 1, new Date(Date.UTC(2025, 11, 31))]);
  });

  it('refuses an XLSX export larger than an Excel sheet, before writing anything', async () => {
    const out = join(dir, 'exports', 'too-big.xlsx');
    // streamed, the result is not counted past the one row too many
    const { code, stderr } = await query('select * from range(1048576)', '--out', out);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'safecampus query: 一个 Excel 工作表最多 1048575 行数据，结果超过了 / an Excel sheet holds at most 1048575 data rows, the result has more: ' +
        'export csv or parquet instead, or narrow the query (--limit N)\n',
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('query: refuses files, network, extensions and writes', () => {
  const refusals: [string, string, RegExp][] = [
    ['read a file', "select * from read_csv('/etc/passwd')", /Permission Error: Cannot access file "\/etc\/passwd"/],
    ['write a file', `copy (select 1) to '${join(dir, 'leak.csv')}'`, /Permission Error: Cannot access file ".*leak\.csv"/],
    ['attach a database', `attach '${join(dir, 'other.duckdb')}' as other`, /不能执行 ATTACH 语句 \/ only queries run here, not ATTACH/],
    ['install an extension', 'install httpfs', /不能执行 INSTALL 语句 \/ only queries run here, not INSTALL/],
    ['load an extension', 'load httpfs', /不能执行 LOAD 语句 \/ only queries run here, not LOAD/],
    ['insert', "insert into core.dim_units values ('1', '2', '3', '4', true)", /不能执行 INSERT 语句/],
    ['drop a table', 'drop table marts.indicator_values', /不能执行 DROP 语句/],
    ['switch external access back on', 'set enable_external_access = true', /不能执行 SET 语句/],
    ['run two statements', 'select 1; select 2', /一次只能执行一条语句，这里有 2 条 \/ one statement at a time, found 2/],
  ];
  it.each(refusals)('%s: exit 1 with a Chinese and English reason', async (_what, sql, reason) => {
    const { code, stdout, stderr } = await query(sql);
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toMatch(reason);
    expect(stderr).toMatch(/^safecampus query: [^\n]*[\u4e00-\u9fff][^\n]* \/ [a-z]/);
  });

  it('a file access says that queries read the snapshot only and how to export instead', async () => {
    const { stderr } = await query(`copy (select 1) to '${join(dir, 'leak.csv')}'`);
    expect(stderr).toContain('提示 / hint: 查询不能读写文件、访问网络或加载扩展，只能读快照里的表 / queries cannot read or write files');
    expect(stderr).toContain('--format csv|json|parquet|xlsx --out FILE');
    expect(existsSync(join(dir, 'leak.csv'))).toBe(false);
  });

  it('the sandbox itself (not just the statement check) blocks files, attach, extensions and settings', async () => {
    const db = await Warehouse.open(snapshot.path, { readOnly: true, sandboxed: true });
    try {
      await expect(db.run(`copy (select 1) to '${join(dir, 'leak.parquet')}'`)).rejects.toThrow(/Permission Error/);
      await expect(db.run(`attach '${join(dir, 'other.duckdb')}' as other`)).rejects.toThrow(/Permission Error/);
      await expect(db.run('install httpfs')).rejects.toThrow(/Permission Error/);
      await expect(db.run('load httpfs')).rejects.toThrow(/Permission Error/);
      await expect(db.run('set enable_external_access = true')).rejects.toThrow(/configuration has been locked/);
      await expect(db.run('insert into core.dim_units select * from core.dim_units')).rejects.toThrow(/read-only mode/);
      expect(await db.value("select current_setting('TimeZone')")).toBe('Asia/Shanghai');
    } finally {
      db.close();
    }
    expect(existsSync(join(dir, 'leak.parquet'))).toBe(false);
    expect(existsSync(join(dir, 'other.duckdb'))).toBe(false);
  });
});

describe('query: mistakes get DuckDB’s message and a hint', () => {
  it('a syntax error', async () => {
    const { code, stderr } = await query('selec unit_code from core.dim_units');
    expect(code).toBe(1);
    expect(stderr).toContain('safecampus query: 查询失败 / the query failed: Parser Error: syntax error at or near "selec"');
    expect(stderr).toContain('提示 / hint: 检查 SQL 语法');
  });

  it('a table without its schema', async () => {
    const { code, stderr } = await query('select * from dim_units');
    expect(code).toBe(1);
    expect(stderr).toContain('Catalog Error: Table with name dim_units does not exist!');
    expect(stderr).toContain('Did you mean "core.dim_units"?');
    expect(stderr).toContain('safecampus query "show all tables"');
  });

  it('an unknown column', async () => {
    const { code, stderr } = await query('select unit_nmae from core.dim_units');
    expect(code).toBe(1);
    expect(stderr).toContain('Binder Error: Referenced column "unit_nmae" not found');
    expect(stderr).toContain('describe <schema.table>');
  });

  it('wrong options are usage errors (exit 2)', async () => {
    expect(await query()).toMatchObject({ code: 2, stderr: expect.stringContaining('give the SQL to run') });
    expect(await query('select 1', 'select 2')).toMatchObject({ code: 2, stderr: expect.stringContaining('ONE argument in double quotes') });
    expect(await query('select 1', '--format', 'parquet')).toMatchObject({ code: 2, stderr: expect.stringContaining('--format parquet writes a file: give --out FILE') });
    expect(await query('select 1', '--format', 'xml')).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be one of table, csv, json, parquet, xlsx') });
    expect(await query('select 1', '--out', join(dir, 'x.txt'))).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot tell the format') });
    expect(await query('select 1', '--limit', '0')).toMatchObject({ code: 2, stderr: expect.stringContaining('--limit must be a whole number ≥ 1') });
  });

  it('no snapshot published yet: says to run the pipeline', async () => {
    const empty = join(tempDir(), 'warehouse.duckdb');
    const { code, stderr } = await runCli(['query', 'select 1', '--db', empty]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'safecampus query: 还没有发布的快照 / no published snapshot yet: run `safecampus run` (or `safecampus start` for the demo city) first; ' +
        'queries read the latest snapshot, never the warehouse itself\n',
    );
    const missing = await runCli(['query', 'select 1', '--snapshot', join(dir, 'nope.duckdb')]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('找不到快照文件 / no snapshot file at') });
  });
});

describe('query: while a pipeline run holds the warehouse', () => {
  let holder: ChildProcess;
  afterAll(() => {
    holder?.stdin?.end();
  });

  it('answers from the snapshot', async () => {
    holder = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'hold-warehouse.ts'), dbPath], {
      cwd: join(import.meta.dirname, '..', '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    await new Promise<void>((ready, fail) => {
      holder.stdout!.on('data', (data: Buffer) => data.toString().includes('holding') && ready());
      holder.on('exit', (code) => fail(new Error(`the holder exited early (${code})`)));
    });
    // the writer really holds it: even a read-only open of the warehouse is refused
    await expect(Warehouse.open(dbPath, { readOnly: true })).rejects.toThrow(/in use by another process/);
    const { code, stdout } = await query(A3_2025, '--format', 'csv');
    expect(code).toBe(0);
    expect(stdout.split('\r\n')[1]).toBe('411002,魏都区,5,6,0.8333,1');
    const exited = new Promise((done) => holder.on('exit', done));
    holder.stdin!.end();
    expect(await exited).toBe(0);
  });
});

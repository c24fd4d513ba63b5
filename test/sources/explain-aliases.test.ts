/**
 * `ingest --explain` (a dry run that lands nothing), the bureau's aliases file (taught without a
 * code change), report dates read from titles and file names, and `--as-of`.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dateInText, reportDate } from '../../sources/as-of.ts';
import { loadBureauAliases } from '../../sources/aliases.ts';
import type { Explanation } from '../../sources/explain.ts';
import { ingestFile } from '../../sources/ingest.ts';
import { initWarehouse } from '../../sources/init.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { FIXTURES, runCli, tempDir } from '../helpers.ts';
import { folderWith, NOW, openWarehouse, rawRows, tableCounts } from './helpers.ts';

const CORPUS = join(FIXTURES, 'real-shapes');

describe('report dates in titles and file names', () => {
  it.each([
    ['统计时间：2025年1月', '2025-01-01'],
    ['截至2025年1月5日', '2025-01-05'],
    ['学校名录_2025-01', '2025-01-01'],
    ['学校名录_20250105', '2025-01-05'],
    ['2025年春季学期学校名录', '2025-03-01'],
    ['2025年秋季学期', '2025-09-01'],
    ['2024-2025学年第二学期', '2025-03-01'],
    ['2024-2025学年第一学期', '2024-09-01'],
    ['2025年春季学期（截至2025年3月15日）', '2025-03-15'], // a day is more precise than a term
    ['打印时间：2025-03-02 10:00', null], // when the file was made, not what it reports
    ['统计时间：2025年1月 打印时间：2025-03-02', '2025-01-01'],
    ['schools_2025', null], // a year alone is no date
    ['截至2025年2月30日', null],
  ])('%s → %s', (text, date) => {
    expect(dateInText(text)).toBe(date);
  });

  it('takes a title row before the file name, the file name before --as-of', () => {
    expect(reportDate([['学校名录'], ['截至2025年1月5日']], '学校名录_2025-02.csv', '2025-03-01')).toEqual({ source: 'title_row', date: '2025-01-05', text: '截至2025年1月5日' });
    expect(reportDate([['学校名录']], '学校名录_2025-02.csv', '2025-03-01')).toEqual({ source: 'file_name', date: '2025-02-01', text: '学校名录_2025-02.csv' });
    expect(reportDate([], 'registry.csv', '2025-03-01')).toEqual({ source: 'option', date: '2025-03-01', text: '--as-of 2025-03-01' });
    expect(reportDate([], 'registry.csv')).toBeNull();
  });
});

describe('a registry without a report date', () => {
  let db: Warehouse;
  beforeAll(async () => {
    ({ db } = await openWarehouse());
  });
  afterAll(() => db.close());

  it('fails naming the four ways; --as-of lands it, and the batch says where the date came from', async () => {
    const dir = folderWith({ 'registry.csv': readFileSync(join(CORPUS, 'schools_no_date.csv')) });
    const refused = await ingestFile(db, join(dir, 'registry.csv'), { now: NOW });
    expect([refused.status, refused.source]).toEqual(['failed', 'schools']);
    for (const way of ['填报日期', '统计时间：2025年1月', '学校名录_2025-01.xlsx', '--as-of']) expect(refused.message).toContain(way);
    const given = await ingestFile(db, join(dir, 'registry.csv'), { now: NOW, asOf: '2025-01-05' });
    expect([given.status, given.rowsLanded, given.asOf]).toEqual(['landed', 1, { source: 'option', date: '2025-01-05', text: '--as-of 2025-01-05' }]);
    expect((await rawRows(db, 'schools', `batch_id = '${given.batchId}'`)).map((r) => [r.school_code, r.unit_code, r.school_type, r.reported_on])).toEqual([
      ['2141000102', '411002', '小学', '2025-01-05'],
    ]);
  });

  it('comes back under a name carrying its date (the same bytes) and lands, though it failed before', async () => {
    const { db: own } = await openWarehouse();
    try {
      const dir = folderWith({ 'registry.csv': readFileSync(join(CORPUS, 'schools_no_date.csv')) });
      expect((await ingestFile(own, join(dir, 'registry.csv'), { now: NOW })).status).toBe('failed');
      expect((await ingestFile(own, join(dir, 'registry.csv'), { now: NOW })).status).toBe('skipped'); // failed before under this name
      copyFileSync(join(dir, 'registry.csv'), join(dir, '学校名录_2025-02.csv'));
      const renamed = await ingestFile(own, join(dir, '学校名录_2025-02.csv'), { now: NOW });
      expect([renamed.status, renamed.asOf?.source, renamed.asOf?.date]).toEqual(['landed', 'file_name', '2025-02-01']);
    } finally {
      own.close();
    }
  });

  it('refuses a malformed --as-of as bad usage', async () => {
    const run = await runCli(['ingest', join(CORPUS, 'schools_no_date.csv'), '--as-of', '2025-02-30', '--db', join(tempDir(), 'w.duckdb')]);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('--as-of must be a date YYYY-MM-DD, got "2025-02-30"')]);
  });
});

describe('ingest --explain', () => {
  const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
  const listing = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : []);

  it('tells, for the twin workbook, the sheet, the two header rows, the title, the report date, every header and why, the summary row, and lands nothing', async () => {
    const { db, dir } = await openWarehouse();
    await ingestFile(db, join(CORPUS, 'schools_county_spellings.csv'), { now: NOW });
    const before = await tableCounts(db);
    db.close();
    const warehouse = join(dir, 'warehouse.duckdb');
    const [fileSha, fileTime, archive] = [sha(warehouse), statSync(warehouse).mtimeMs, listing(join(dir, 'archive'))];

    const run = await runCli(['ingest', '--explain', join(CORPUS, '学校名录_2025-01.xlsx'), '--db', warehouse, '--json']);
    expect(run.code).toBe(0);
    const [explained] = JSON.parse(run.stdout) as Explanation[];
    expect(explained).toMatchObject({
      format: 'xlsx',
      sheet: '学校名录',
      headerRows: [2, 3],
      titleRows: ['许昌市中小学幼儿园名录（统计时间：2025年1月）'],
      source: 'schools',
      asOf: { source: 'title_row', date: '2025-01-01' },
      wouldLand: 1,
      wouldReject: 0,
      summaryRowsSkipped: 1,
      failure: null,
      landedBefore: null,
    });
    expect(explained.columns.map((c) => [c.header, c.column, c.why])).toEqual([
      ['学校标识码', 'school_code', 'contract'],
      ['学校名称', 'school_name', 'contract'],
      ['所属县区', 'unit_code', 'alias'],
      ['学段', 'school_type', 'alias'],
      ['办学性质', 'ownership', 'contract'],
      ['在校生数', 'enrollment', 'contract'],
      ['住宿生数', 'boarders', 'contract'],
      ['教职工数', 'staff', 'contract'],
      ['专职保安数', 'guards', 'contract'],
      ['是否临水', 'is_near_water', 'contract'],
      ['开办日期', 'opened_on', 'alias'],
      [null, 'closed_on', 'absent'],
      [null, 'reported_on', 'derived'],
    ]);

    const text = await runCli(['ingest', '--explain', join(CORPUS, 'schools_excel_numbers.csv'), '--db', warehouse]);
    expect(text.code).toBe(0);
    for (const line of ['数据源 source: schools 学校基础信息', '编码 encoding: UTF-8 with BOM', '分隔符 delimiter: ","', '临水', 'would land 7 row(s), 将拒收 would reject 2', 'scientific_notation 1:', '第 2 行 row 2: “学校标识码”（school_code）是科学计数法“2.141E+09”', 'dry run: nothing was landed']) {
      expect(text.stdout).toContain(line);
    }

    const again = await Warehouse.open(warehouse, { readOnly: true });
    try {
      expect(await tableCounts(again)).toEqual(before);
    } finally {
      again.close();
    }
    expect([sha(warehouse), statSync(warehouse).mtimeMs, listing(join(dir, 'archive'))]).toEqual([fileSha, fileTime, archive]);
  });

  it('counts a folder’s files after the registry among them, as the ingest would land them, with no warehouse yet', async () => {
    const dir = folderWith({
      'registry.csv': readFileSync(join(CORPUS, 'schools_county_spellings.csv')),
      'inspections.csv': iconv.encode('检查编号,学校标识码,检查日期,检查类型,检查项编码,检查结果\r\nJ1,2141000102,2025-03-05,自查,XF01,合格\r\nJ1,2141000999,2025-03-05,自查,XF02,合格\r\n', 'gbk'),
    });
    const warehouse = join(tempDir(), 'none.duckdb');
    const run = await runCli(['ingest', '--explain', dir, '--db', warehouse, '--json']);
    const explained = JSON.parse(run.stdout) as Explanation[];
    expect(explained.map((e) => [e.source, e.wouldLand, e.wouldReject, e.rejects.map((r) => r.reason)])).toEqual([
      ['schools', 9, 1, ['unknown_unit']],
      ['inspections', 1, 1, ['unknown_school']],
    ]);
    expect(explained[0].notes[0]).toContain('no warehouse at');
    expect(existsSync(warehouse)).toBe(false);
  });
});

describe('the bureau’s aliases file', () => {
  const original = process.env.SAFECAMPUS_ALIASES;
  afterEach(() => {
    if (original === undefined) delete process.env.SAFECAMPUS_ALIASES;
    else process.env.SAFECAMPUS_ALIASES = original;
  });

  it('teaches a header and a value without a code change: a file refused before lands after', async () => {
    const file = join(folderWith({}), '平台导出.csv');
    writeFileSync(file, '学校识别号,学校名称,片区,学校类型,在校生数,填报日期\n2141000102,魏都区育英小学,老城片,小学,960,2025-01-05\n');
    const { db } = await openWarehouse();
    try {
      const refused = await ingestFile(db, file, { now: NOW });
      expect([refused.status, refused.message]).toEqual(['failed', expect.stringContaining('学校标识码/school_code')]);

      const aliases = join(folderWith({}), 'aliases.csv');
      writeFileSync(aliases, 'source,kind,column,spelling,canonical\nschools,header,,学校识别号,school_code\nschools,header,,片区,unit_code\n*,value,unit_code,老城片,411002\n');
      process.env.SAFECAMPUS_ALIASES = aliases;
      const { db: taught } = await openWarehouse(); // init loads the value aliases into ref
      try {
        const landed = await ingestFile(taught, file, { now: NOW });
        expect([landed.status, landed.rowsLanded]).toEqual(['landed', 1]);
        expect((await rawRows(taught, 'schools')).map((r) => [r.school_code, r.unit_code])).toEqual([['2141000102', '411002']]);
        const run = await runCli(['ingest', '--explain', file, '--db', join(tempDir(), 'w.duckdb'), '--json']);
        const [explained] = JSON.parse(run.stdout) as Explanation[];
        expect(explained.columns.slice(0, 3).map((c) => [c.header, c.column, c.why, c.note])).toEqual([
          ['学校识别号', 'school_code', 'bureau_alias', 'aliases.csv 第 2 行 line 2'],
          ['学校名称', 'school_name', 'contract', undefined],
          ['片区', 'unit_code', 'bureau_alias', 'aliases.csv 第 3 行 line 3'],
        ]);
      } finally {
        taught.close();
      }
    } finally {
      db.close();
    }
  });

  it('says which line is wrong and why', () => {
    const bad = (line: string) => {
      const file = join(folderWith({}), 'aliases.csv');
      writeFileSync(file, `source,kind,column,spelling,canonical\n${line}\n`);
      try {
        loadBureauAliases(file);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`${line} was accepted`);
    };
    expect(bad('schools,value,school_type,完小,九年制')).toContain('line 2: "九年制" is not a value of schools.school_type');
    expect(bad('schools,header,,学校识别号,school_id')).toContain('line 2: no schools column is named "school_id"');
    expect(bad('schools,value,enrollment,很多,100')).toContain('values can be taught for enumeration, yes/no and unit columns');
    expect(bad('school,header,,x,school_code')).toContain('source must be * or one of');
  });

  it('init refuses a unit alias for a code not in units.csv, or a spelling that already means another unit', async () => {
    const initWith = async (lines: string[]) => {
      const file = join(folderWith({}), 'aliases.csv');
      writeFileSync(file, ['source,kind,column,spelling,canonical', ...lines, ''].join('\n'));
      process.env.SAFECAMPUS_ALIASES = file;
      const db = await Warehouse.open(':memory:');
      try {
        await initWarehouse(db);
        return (await db.all("select spelling, unit_code from ref.unit_spellings where origin = 'bureau_alias' order by spelling")).map((r) => `${r.spelling} ${r.unit_code}`);
      } catch (error) {
        return (error as Error).message;
      } finally {
        db.close();
      }
    };
    expect(await initWith(['*,value,unit_code,老城片,411002', '*,value,unit_code,Ｘ片,411003'])).toEqual(['x片 411003', '老城片 411002']);
    expect(await initWith(['*,value,unit_code,老城片,411002', '*,value,unit_code,新片,999999'])).toMatch(/aliases\.csv line 3: "999999" is not a unit code of units\.csv$/);
    expect(await initWith(['*,value,unit_code,魏都区,411003'])).toMatch(/aliases\.csv line 2: "魏都区" already means unit 411002$/);
    expect(await initWith(['*,value,unit_code,老城片,411002', '*,value,unit_code,老城片,411003'])).toMatch(/aliases\.csv line 3: "老城片" already means unit 411002$/);
  });

  it('the committed file loads: its spellings are taught to every source with the column', () => {
    const aliases = loadBureauAliases();
    expect(aliases.filter((a) => a.spelling === '经开区').map((a) => [a.source, a.column, a.canonical])).toEqual([
      ['schools', 'unit_code', '411071'],
      ['activities', 'unit_code', '411071'],
    ]);
  });
});

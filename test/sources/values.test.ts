/**
 * Cell values as the exports write them (DOMAIN.md §4), beyond what the per-format
 * fixtures show: every date and time style, school codes that lost leading digits (how
 * many digits may be missing), the wording of the reject messages, and the quick path that
 * takes a cell as it is when trimming and folding could not change it.
 */
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.ts';
import { ingestFile } from '../../sources/ingest.ts';
import { foldWidthSql } from '../../sources/fold.ts';
import { SPACE_AT_AN_END, trimmed } from '../../sources/validate.ts';
import { fixture, folderWith, NOW, openWarehouse, rawRows, rejectsOf } from './helpers.ts';

const STYLES: [string, string | null][] = [
  ['2024-03-05', '2024-03-05 00:00:00'],
  ['2024/3/5', '2024-03-05 00:00:00'],
  ['2024.3.5', '2024-03-05 00:00:00'],
  ['2024年3月5日', '2024-03-05 00:00:00'],
  ['2024年03月05日 10:05', '2024-03-05 10:05:00'],
  ['2024年3月5日 10时05分', '2024-03-05 10:05:00'],
  ['45356', '2024-03-05 00:00:00'], // Excel serial
  ['45356.42013888889', '2024-03-05 10:05:00'], // Excel serial with a time, float noise rounded away
  ['2024-03-05T10:05:00+08:00', '2024-03-05 10:05:00'],
  ['2024-03-05T02:05:00Z', '2024-03-05 10:05:00'],
  ['2024-03-05 11:05:00 +09:00', '2024-03-05 10:05:00'], // another zone, converted to Shanghai
  ['2024-03-05T10:05', '2024-03-05 10:05:00'], // no offset: Shanghai already
  ['20240305', '2024-03-05 00:00:00'],
  ['2024/3/5 9:05', '2024-03-05 09:05:00'],
  ['2024-03-05 10:05:00.5', '2024-03-05 10:05:00.5'],
  ['2024-03-05T10:05:00-05:00', '2024-03-05 23:05:00'], // an offset west of Greenwich, the ISO shape with the fast path
  ['2024-13-45', null],
  ['2024-02-30T10:05:00+08:00', null], // the common shapes with impossible values fail as the rest do
  ['2024年02月30日 10:05', null],
  ['2024-03-05 25:05:00', null],
  ['昨天', null],
  ['2024年13月', null],
  ['2024/02/30', null],
  ['待定', null],
];

let db: Warehouse;
beforeAll(async () => {
  ({ db } = await openWarehouse());
  await ingestFile(db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
});
afterAll(() => db.close());

describe('dates and times', () => {
  it('reads every style of DOMAIN §4 as Shanghai wall time, and rejects the unreadable ones as bad_date', async () => {
    const lines = ['设备编号,学校标识码,设备类型,事件时间,状态', ...STYLES.map(([text], i) => `D-${i + 1},2141010001,烟感,${text},在线`)];
    const result = await ingestFile(db, join(folderWith({ 'styles.csv': lines.join('\n') }), 'styles.csv'), { now: NOW, holdThreshold: 1 });
    const landed = new Map((await rawRows(db, 'sensors', `batch_id = '${result.batchId}'`)).map((r) => [r.row_number, r.event_at]));
    expect(STYLES.map(([text], i) => [text, landed.get(i + 1) ?? null])).toEqual(STYLES);
    expect(await rejectsOf(db, result.batchId)).toEqual(STYLES.flatMap(([, t], i) => (t === null ? [[i + 1, 'bad_date']] : [])));
  });

  it('the XLSX fixtures carry real date cells (so the reader is tested on them, not on text)', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(fixture('xlsx', 'alerts'));
    const sheet = workbook.worksheets[0];
    expect(sheet.getCell('F2').value).toEqual(new Date(Date.UTC(2025, 2, 5, 10, 5, 0))); // 发生时间 of A001
    expect(sheet.getCell('F3').value).toBe('2025-03-05T10:05:00+08:00'); // an offset stays text
    const schools = new ExcelJS.Workbook();
    await schools.xlsx.readFile(fixture('xlsx', 'schools'));
    expect(schools.worksheets[0].getCell('K2').value).toEqual(new Date(Date.UTC(2025, 2, 1))); // 填报日期
    expect(schools.worksheets[0].getCell('A2').value).toBe(2141010001); // a code as a number cell
  });
});

describe('school codes', () => {
  it('repairs a code missing up to four leading digits when exactly one registered code ends with it', async () => {
    const rows = [
      ['1141010003', '1141010003'],
      ['141010003', '1141010003'], // lost one digit
      ['41010003', '1141010003'], // lost two
      ['010003', '1141010003'], // lost four: still unique
      ['10003', null], // five digits: too short to trust, even though unique
      ['41010006', null], // two registered codes end with it
      ['2141010001.0', '2141010001'], // an Excel number exported as text
      ['21410100O1', null], // a letter O for a zero
    ];
    const lines = ['检查编号,学校标识码,检查日期,检查类型,检查项编码,检查结果', ...rows.map(([code], i) => `K-${i + 1},${code},2025-03-05,自查,XF01,合格`)];
    const result = await ingestFile(db, join(folderWith({ 'codes.csv': lines.join('\n') }), 'codes.csv'), { now: NOW, holdThreshold: 1 });
    const landed = new Map((await rawRows(db, 'inspections', `batch_id = '${result.batchId}'`)).map((r) => [r.row_number, r.school_code]));
    expect(rows.map(([code], i) => [code, landed.get(i + 1) ?? null])).toEqual(rows);
    expect(await rejectsOf(db, result.batchId)).toEqual([
      [5, 'bad_school_code'],
      [6, 'bad_school_code'],
      [8, 'bad_school_code'],
    ]);
  });
});

describe('enumerations', () => {
  it('finds a value whatever the case, width and spaces of its spelling, the cell as it is first and lower-cased only when that finds none', async () => {
    const rows: [string, string | null][] = [
      ['online', '在线'],
      ['ONLINE', '在线'],
      ['Online', '在线'],
      ['在线', '在线'],
      ['ＯＮＬＩＮＥ', '在线'],
      [' Fault ', '故障'],
      ['1', '在线'],
      ['onlinex', null],
      ['在 线', null],
    ];
    const lines = ['设备编号,学校标识码,设备类型,事件时间,状态', ...rows.map(([status], i) => `E-${i + 1},2141010001,烟感,2025-03-05 10:05:00,${status}`)];
    const result = await ingestFile(db, join(folderWith({ 'statuses.csv': lines.join('\n') }), 'statuses.csv'), { now: NOW, holdThreshold: 1 });
    const landed = new Map((await rawRows(db, 'sensors', `batch_id = '${result.batchId}'`)).map((r) => [r.row_number, r.status]));
    expect(rows.map(([status], i) => [status, landed.get(i + 1) ?? null])).toEqual(rows);
    expect(await rejectsOf(db, result.batchId)).toEqual([
      [8, 'bad_enum'],
      [9, 'bad_enum'],
    ]);
  });
});

describe('reject messages', () => {
  it('say in Chinese and English what is wrong with which value, and what to do', async () => {
    const result = await ingestFile(db, fixture('csv-utf8', 'inspections'), { now: NOW, holdThreshold: 1 });
    const messages = Object.fromEntries(
      (await db.all<{ reason_code: string; message: string }>('select reason_code, message from audit.rejects where batch_id = $1', [result.batchId])).map((r) => [r.reason_code, r.message]),
    );
    expect(messages).toEqual({
      bad_school_code: '“学校标识码”（school_code）不是10位学校标识码，也无法唯一补全：“41010006”（not a 10-digit school code, and no single registered code ends with it: correct the code in the source system）',
      unknown_school: '“学校标识码”（school_code）在学校名录中不存在：“2141099999”（unknown school: land the schools export first or correct the code）',
      missing_required: '缺少必填字段“学校标识码”（school_code is required）',
      future_date: '“检查日期”（inspected_on）是未来日期：“2031-06-05”（date in the future）',
      bad_date: '“检查日期”（inspected_on）无法识别的日期：“2025-06-31”（unreadable date）',
      bad_enum: '“检查类型”（inspection_kind）不是允许的取值（自查、督查、联合检查）：“抽查”（value not in the enumeration）',
      duplicate_row: '与文件中前面的一行完全相同（exact duplicate of an earlier row）',
    });
  });
});

describe('spaces and full-width forms', () => {
  // the cell as validation reads it, computed the slow way: every cell trimmed, typed cells folded
  const slow = (x: string, fold: boolean) => `nullif(trim(${fold ? foldWidthSql(x) : x}), '')`;

  it('the quick test for a space at either end finds every character DuckDB’s trim removes', async () => {
    const missed = await db.value<number>(
      `select count(*) from range(0, 1114112) t(c)
       where (c < 55296 or c > 57343) and length(trim(chr(c::integer) || 'a' || chr(c::integer))) <> 3
         and not (regexp_matches(chr(c::integer) || 'a', '${SPACE_AT_AN_END}') and regexp_matches('a' || chr(c::integer), '${SPACE_AT_AN_END}'))`,
    );
    expect(missed).toBe(0);
  });

  it('a cell taken as it is equals the cell trimmed and folded, for ASCII, Chinese, spaces of every kind and full-width forms', async () => {
    const spaces = [' ', '\u00a0', '\u1680', '\u2003', '\u202f', '\u205f', '\u3000'];
    const cells = [
      '', ' ', 'abc', ' abc', 'abc ', 'a b', '烟感', ' 烟感', '烟感 ', '烟 感', '２０２５－０１－０５', '2025－01－05', 'ＹＧ01', '烟感\t', '\t烟感', '买买提·艾力',
      ...spaces.flatMap((s) => [`${s}烟感`, `烟感${s}`, `烟${s}感`, `${s}abc`, `abc${s}`, `a${s}c`, s, `${s}${s}`]),
    ];
    const values = cells.map((c) => `('${c.replaceAll("'", "''")}')`).join(', ');
    for (const fold of [true, false]) {
      const differing = await db.all<{ x: string }>(`select x from (values ${values}) v(x) where ${trimmed('x', fold)} is distinct from ${slow('x', fold)}`);
      expect(differing).toEqual([]);
    }
    // and the test is not empty: some of these cells do change
    expect(await db.value<number>(`select count(*) from (values ${values}) v(x) where x is distinct from ${slow('x', true)}`)).toBeGreaterThan(40);
  });
});

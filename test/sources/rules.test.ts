/**
 * Contract rules beyond single cells, and export layouts beyond a header in row 1:
 * a one-of rule (an activity names its school or its unit), the earliest plausible date
 * (set per contract, overridden per column), and title rows above the header in CSV
 * (UTF-8 and GBK) and XLSX — each with exact landed rows and rejects.
 */
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.ts';
import { CONTRACTS } from '../../sources/contracts.ts';
import { landingLane } from '../../sources/detect.ts';
import { ingestFile } from '../../sources/ingest.ts';
import { fixture, folderWith, NOW, openWarehouse, rawRows, rejectsOf } from './helpers.ts';
import { writeTitledWorkbook } from './workbooks.ts';

let db: Warehouse;
beforeAll(async () => {
  ({ db } = await openWarehouse());
  await ingestFile(db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
});
afterAll(() => db.close());

const ingestText = async (name: string, text: string | Buffer) => ingestFile(db, join(folderWith({ [name]: text }), name), { now: NOW, holdThreshold: 1 });
const messagesOf = async (batchId: string | null) =>
  (await db.all<{ row_number: number; message: string }>('select row_number, message from audit.rejects where batch_id = $1 order by row_number', [batchId])).map((r) => [
    r.row_number,
    r.message,
  ]);

describe('one-of rule', () => {
  it('every group names columns of its contract', () => {
    for (const contract of Object.values(CONTRACTS)) {
      for (const group of contract.oneOf ?? []) expect(group.filter((name) => !contract.columns.some((c) => c.name === name))).toEqual([]);
    }
    expect(CONTRACTS.activities.oneOf).toEqual([['school_code', 'unit_code']]);
  });

  it('an activity row naming neither a school nor a unit is rejected as missing_one_of, after missing_required', async () => {
    const result = await ingestText(
      'activities.csv',
      [
        '活动编号,学校标识码,区县代码,日期,活动类型',
        'R1,2141010001,,2025-03-10,应急演练', // the school only
        'R2,,411002,2025-03-11,督导', // the unit only
        'R3,2141010002,411002,2025-03-12,安全教育课', // both
        'R4,,,2025-03-13,应急演练', // neither
        ',,,2025-03-14,应急演练', // neither, and no id: the required column comes first
      ].join('\n'),
    );
    expect((await rawRows(db, 'activities', `batch_id = '${result.batchId}'`)).map((r) => [r.row_number, r.activity_id, r.school_code, r.unit_code])).toEqual([
      [1, 'R1', '2141010001', null],
      [2, 'R2', null, '411002'],
      [3, 'R3', '2141010002', '411002'],
    ]);
    expect(await rejectsOf(db, result.batchId)).toEqual([
      [4, 'missing_one_of'],
      [5, 'missing_required'],
    ]);
    expect((await messagesOf(result.batchId))[0]).toEqual([4, '“学校标识码”或“区县代码”至少应填写一项（one of school_code, unit_code is required）']);
  });
});

describe('earliest plausible date', () => {
  it('rejects dates before 2000-01-01 as early_date, in optional columns too; the boundary lands', async () => {
    const result = await ingestText(
      'inspections.csv',
      [
        '检查编号,学校标识码,检查日期,检查类型,检查项编码,检查结果,整改期限',
        'E1,2141010001,2000-01-01,自查,XF01,合格,', // the boundary
        'E2,2141010001,1999-12-31,自查,XF01,合格,', // a day before
        'E3,2141010001,1900-01-01,自查,XF01,合格,', // a placeholder
        'E4,2141010001,2025-03-05,自查,XF01,不合格,1970-01-01', // an optional column
        'E5,2141010001,1025-03-05,自查,XF01,合格,', // a typo in the year
      ].join('\n'),
    );
    expect((await rawRows(db, 'inspections', `batch_id = '${result.batchId}'`)).map((r) => [r.row_number, r.inspection_id, r.inspected_on])).toEqual([[1, 'E1', '2000-01-01']]);
    expect(await rejectsOf(db, result.batchId)).toEqual([
      [2, 'early_date'],
      [3, 'early_date'],
      [4, 'early_date'],
      [5, 'early_date'],
    ]);
    expect((await messagesOf(result.batchId))[0]).toEqual([
      2,
      '“检查日期”（inspected_on）早于 2000-01-01，不是可信的日期：“1999-12-31”（date before 2000-01-01: a typo or a placeholder, correct it in the source system）',
    ]);
  });

  it('applies to date-times, and a column may set its own bound: a school opened in 1952 is history, not a typo', async () => {
    const sensors = await ingestText('sensors.csv', ['设备编号,学校标识码,设备类型,事件时间,状态', 'S1,2141010001,烟感,1999-12-31 23:59:59,在线', 'S2,2141010001,烟感,2000-01-01 00:00:00,在线'].join('\n'));
    expect(await rejectsOf(db, sensors.batchId)).toEqual([[1, 'early_date']]);
    expect(CONTRACTS.schools.columns.find((c) => c.name === 'opened_on')!.earliest).toBe('1900-01-01');
    const schools = await ingestText(
      'schools.csv',
      [
        '学校标识码,学校名称,所属区县代码,学校类型,在校生数,建校日期,填报日期',
        '2141010001,魏都区实验一小,411002,小学,1260,1952-09-01,2025-09-01',
        '2141010002,魏都区实验二小,411002,小学,820,1899-09-01,2025-09-01',
        '2141010003,魏都区实验幼儿园,411002,幼儿园,300,2010-09-01,1999-09-01',
      ].join('\n'),
    );
    expect((await rawRows(db, 'schools', `batch_id = '${schools.batchId}'`)).map((r) => [r.row_number, r.school_code, r.opened_on])).toEqual([[1, '2141010001', '1952-09-01']]);
    expect(await rejectsOf(db, schools.batchId)).toEqual([
      [2, 'early_date'],
      [3, 'early_date'],
    ]);
  });
});

describe('title rows above the header', () => {
  const TITLED = [
    '许昌市教育局 物联设备状态导出',
    '导出时间：2025-03-06 08:00,,共 4 条,,',
    '',
    '设备编号,学校标识码,设备类型,事件时间,状态',
    'T1,2141010001,烟感,2025-03-05 10:00:00,在线',
    'T2,2141010001,烟感,2025-03-05 10:01:00', // cut off: malformed
    'T3,2141010001,烟感,2025-03-05 10:02:00,在线',
    'T4,2141010001,烟感,昨天,在线',
  ].join('\n');

  it.each([
    ['UTF-8', 'csv-utf8', TITLED as string | Buffer],
    ['GBK', 'csv-gbk', iconv.encode(TITLED, 'gbk')],
  ])('CSV %s: the header is found below them; rows are numbered from the header, malformed ones included', async (_label, format, content) => {
    const result = await ingestText(`titled-${format}.csv`, content);
    expect([result.source, result.format, result.rowsRead, result.rowsLanded]).toEqual(['sensors', format, 4, 2]);
    expect((await rawRows(db, 'sensors', `batch_id = '${result.batchId}'`)).map((r) => [r.row_number, r.device_id, r.event_at])).toEqual([
      [1, 'T1', '2025-03-05 10:00:00'],
      [3, 'T3', '2025-03-05 10:02:00'],
    ]);
    expect(await rejectsOf(db, result.batchId)).toEqual([
      [2, 'malformed_row'],
      [4, 'bad_date'],
    ]);
    const raw = await db.value<string>('select raw from audit.rejects where batch_id = $1 and row_number = 2', [result.batchId]);
    expect(JSON.parse(raw)).toEqual({ line: 'T2,2141010001,烟感,2025-03-05 10:01:00' });
  });

  it('XLSX: the header is found below them; row numbers follow Excel from the header row', async () => {
    const path = join(folderWith({}), 'titled.xlsx');
    await writeTitledWorkbook(path);
    const result = await ingestFile(db, path, { now: NOW, holdThreshold: 1 });
    expect([result.source, result.format, result.rowsRead]).toEqual(['activities', 'xlsx', 2]);
    expect((await rawRows(db, 'activities', `batch_id = '${result.batchId}'`)).map((r) => [r.row_number, r.activity_id])).toEqual([[1, 'X1']]);
    expect(await rejectsOf(db, result.batchId)).toEqual([[2, 'missing_one_of']]);
  });

  it('a registry with title rows is still recognised as the registry, and lands first', async () => {
    const dir = folderWith({ 'registry.csv': '学校基础信息表（2025年秋季）\n学校标识码,学校名称,所属区县代码,学校类型,在校生数,填报日期\n2141010001,魏都区实验一小,411002,小学,1260,2025-09-01\n' });
    expect(await landingLane(join(dir, 'registry.csv'))).toEqual({ wave: 0, source: 'schools' });
  });
});

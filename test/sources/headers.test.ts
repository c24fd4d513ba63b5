/**
 * Headers as the exports write them: Chinese or English, aliases, marks and units around
 * the name, repeated or blank headers, extra columns (kept in raw.extra), keys that only
 * some JSON records have, and XLSX layout (which sheet, cells past the header, gaps).
 */
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.ts';
import { CONTRACTS } from '../../sources/contracts.ts';
import { detectSource, mapHeaders, type FileFormat } from '../../sources/detect.ts';
import { ingestFile } from '../../sources/ingest.ts';
import { fixture, folderWith, NOW, openWarehouse, rawRows, rejectsOf } from './helpers.ts';
import { writeDevicesWorkbook } from './workbooks.ts';

let db: Warehouse;
beforeAll(async () => {
  ({ db } = await openWarehouse());
  await ingestFile(db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
});
afterAll(() => db.close());

describe('mapping headers to a contract', () => {
  it('ignores case, spaces, required-marks and a bracketed unit', () => {
    const { columns, missingRequired, extras } = mapHeaders(CONTRACTS.schools, [
      ' *学校标识码 ',
      'School_Name',
      '所属区县代码',
      '学校类型',
      '在校生数（人）',
      '专职保安数(名)',
      '填报日期',
      '联系人',
    ]);
    expect(Object.fromEntries(columns)).toEqual({
      school_code: ' *学校标识码 ',
      school_name: 'School_Name',
      unit_code: '所属区县代码',
      school_type: '学校类型',
      enrollment: '在校生数（人）',
      guards: '专职保安数(名)',
      reported_on: '填报日期',
    });
    expect([missingRequired, extras]).toEqual([[], ['联系人']]);
  });

  it('gives a column its own name or Chinese header before another column may take it as an alias', () => {
    // 'closed' is an alias of alerts.closed_at; 关闭时间 is closed_at's own header: the alias must not steal it
    const { columns } = mapHeaders(CONTRACTS.cases, ['案件编号', '学校标识码', '发生时间', '上报时间', '类别', '等级', 'closed', 'level']);
    expect(columns.get('investigation_closed_at')).toBe('closed');
    expect(columns.get('severity')).toBe('等级');
    expect([...columns.values()]).not.toContain('level');
  });

  it('detects the source from English headers alone', () => {
    expect(detectSource(['device_id', 'school_code', 'device_type', 'event_at', 'status']).contract.source).toBe('sensors');
    expect(detectSource(['Alert ID', 'School Code', 'Origin', 'Category', 'Level', 'Raised At']).contract.source).toBe('alerts');
  });

  it('explains an unknown file: a candidate with none of its columns lists them once, the delimiter hint only for delimited text', () => {
    const refusal = (headers: string[], format?: FileFormat) => {
      try {
        detectSource(headers, undefined, format);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`${headers.join(',')} was not refused`);
    };
    const lone = refusal(['a'], 'ndjson');
    expect(lone).toContain('cannot tell which source this file is from its headers: found a).');
    expect(lone).not.toContain('delimiter');
    expect(lone).toContain('sensors expected 应有 设备编号/device_id, 学校标识码/school_code, 设备类型/device_type, 事件时间/event_at, 状态/status;');
    expect(lone).not.toContain('缺少必填列');
    expect(refusal(['a'], 'csv-gbk')).toContain('check the delimiter');
    expect(refusal(['设备编号', '学校标识码'])).toContain(
      'sensors 缺少必填列 missing required column(s): 设备类型/device_type, 事件时间/event_at, 状态/status; ' +
        'expected 应有 设备编号/device_id, 学校标识码/school_code, 设备类型/device_type, 事件时间/event_at, 状态/status',
    );
  });
});

describe('columns beyond the contract', () => {
  it('keeps extra and repeated columns in raw.extra; rows with no value at all are not rows', async () => {
    const text = [
      '设备编号,学校标识码,设备类型,事件时间,状态,备注,备注,安装位置',
      'X-1,2141010001,烟感,2025-03-05 10:00:00,在线,第一条,第二条,三楼走廊',
      ',,,,,,,',
      'X-2,2141010001,烟感,2025-03-05 10:01:00,在线,,,',
    ].join('\n');
    const result = await ingestFile(db, join(folderWith({ 'extra.csv': text }), 'extra.csv'), { now: NOW });
    expect([result.rowsRead, result.rowsLanded, result.rowsRejected]).toEqual([2, 2, 0]);
    expect((await rawRows(db, 'sensors', `batch_id = '${result.batchId}'`)).map((r) => [r.row_number, r.device_id, r.extra])).toEqual([
      [1, 'X-1', { 备注: '第一条', 备注_2: '第二条', 安装位置: '三楼走廊' }],
      [3, 'X-2', { 备注: null, 备注_2: null, 安装位置: null }],
    ]);
  });

  it('NDJSON: a key that only later records have is still a column', async () => {
    const lines = [
      { 设备编号: 'N-1', 学校标识码: '2141010001', 设备类型: 'smoke', 事件时间: '2025-03-05 10:00:00', 状态: 'online' },
      { 设备编号: 'N-2', 学校标识码: '2141010001', 设备类型: 'smoke', 事件时间: '2025-03-05 10:01:00', 状态: 'online', 数值: 0.4, 网关: 'GW-7' },
    ].map((r) => JSON.stringify(r));
    const result = await ingestFile(db, join(folderWith({ 'late-keys.ndjson': lines.join('\n') }), 'late-keys.ndjson'), { now: NOW });
    expect((await rawRows(db, 'sensors', `batch_id = '${result.batchId}'`)).map((r) => [r.device_id, r.value, r.extra])).toEqual([
      ['N-1', null, { 网关: null }],
      ['N-2', 0.4, { 网关: 'GW-7' }],
    ]);
  });
});

describe('XLSX layout', () => {
  let path: string;
  beforeAll(async () => {
    path = join(folderWith({}), 'devices.xlsx');
    await writeDevicesWorkbook(path);
  });

  it('reads the sheet asked for; cells with no header and past the header land in extra by column letter; row numbers follow Excel', async () => {
    const result = await ingestFile(db, path, { sheet: '数据', now: NOW });
    expect([result.source, result.format, result.rowsRead, result.rowsLanded]).toEqual(['sensors', 'xlsx', 3, 3]);
    expect((await rawRows(db, 'sensors', `batch_id = '${result.batchId}'`)).map((r) => [r.row_number, r.device_id, r.school_code, r.event_at, r.status, r.extra])).toEqual([
      [1, 'L-1', '2141010001', '2025-03-05 10:00:00', '在线', { C: '无表头的单元格', G: null }],
      [3, 'L-2', '2141010002', '2025-03-05 10:05:00', '故障', { C: null, G: '表头右边的备注' }],
      [4, 'L-3', '2141010001', '2025-03-05 12:00:00', '报警', { C: null, G: null }],
    ]);
  });

  it('without --sheet, the first visible sheet whose header names a source (an instructions sheet first); a missing sheet fails with the names of the sheets there are', async () => {
    const { db: own } = await openWarehouse();
    try {
      await ingestFile(own, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
      const chosen = await ingestFile(own, path, { now: NOW });
      expect([chosen.status, chosen.source, chosen.rowsLanded]).toEqual(['landed', 'sensors', 3]);
      expect((await rawRows(own, 'sensors', `batch_id = '${chosen.batchId}'`)).map((r) => r.device_id)).toEqual(['L-1', 'L-2', 'L-3']);
    } finally {
      own.close();
    }
    const { db: fresh } = await openWarehouse();
    try {
      const missing = await ingestFile(fresh, path, { sheet: 'Sheet1', now: NOW });
      expect([missing.status, await rejectsOf(fresh, missing.batchId)]).toEqual(['failed', [[null, 'unreadable_file']]]);
      expect(missing.message).toContain('the workbook has no sheet "Sheet1"; it has: 填表说明, 数据');
    } finally {
      fresh.close();
    }
  });
});

describe('XLSX with a lot of Chinese text', () => {
  // exceljs's streaming reader decodes each zip chunk on its own: a character split across
  // two chunks came out as U+FFFD. Thousands of distinct Chinese cells make splits certain.
  const rows = Array.from({ length: 4000 }, (_, i) => [`Z-${i + 1}`, '2141010001', '烟感', '2025-03-05 10:00:00', '在线', `三楼东侧走廊第${i + 1}号烟感探测器安装位置说明`]);
  const header = ['设备编号', '学校标识码', '设备类型', '事件时间', '状态', '安装位置'];

  it.each([
    ['shared strings (as Excel writes them)', true],
    ['inline strings', false],
  ])('%s: every character survives', async (_, useSharedStrings) => {
    const path = join(folderWith({}), `long-${useSharedStrings}.xlsx`);
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings });
    const sheet = workbook.addWorksheet('设备');
    sheet.addRow(header).commit();
    for (const row of rows) sheet.addRow(row).commit();
    await workbook.commit();
    const result = await ingestFile(db, path, { now: NOW });
    expect([result.status, result.rowsLanded]).toEqual(['landed', rows.length]);
    const places = await db.all<{ place: string }>(
      `select extra->>'安装位置' as place from raw.sensors join audit.batches using (batch_seq) where batch_id = $1 order by row_number`,
      [result.batchId],
    );
    expect(places.map((p) => p.place)).toEqual(rows.map((r) => r[5]));
  });
});


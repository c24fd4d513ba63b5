/**
 * Files that are broken as files (DOMAIN.md §4): cut off mid-row, empty, header only,
 * binary, the wrong delimiter, an enormous cell, not the source the operator named,
 * ambiguous or unknown. Each ends as a clear reject or a failed batch with a message
 * that says what to do, never a crash, and the other files of the same run still land.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.ts';
import { ingestFile, ingestPath, listExportFiles, type IngestResult } from '../../sources/ingest.ts';
import { fixture, folderWith, NOW, openWarehouse, rawRows, rejectsOf } from './helpers.ts';

const SENSORS_HEADER = '设备编号,学校标识码,设备类型,事件时间,状态';
const sensorRow = (id: string, minute: number) => `${id},2141010001,烟感,2025-03-05 10:${String(minute).padStart(2, '0')}:00,在线`;
const INSPECTIONS_HEADER = '检查编号,学校标识码,检查日期,检查类型,检查项编码,检查结果,隐患描述';
const alertLine = (id: string) => JSON.stringify({ 告警编号: id, 学校标识码: '2141010001', 来源: '视频AI', 告警类型: '攀爬', 级别: '黄', 发生时间: '2025-03-05 10:00:00' });
const caseLine = (id: string, extra: Record<string, string> = {}) =>
  JSON.stringify({ 案件编号: id, 学校标识码: '2141010001', 发生时间: '2025-04-01 16:30:00', 上报时间: '2025-04-01 18:00:00', 类别: '欺凌', 等级: '一般', ...extra });
const FIVE_MB = 'x'.repeat(5 * 1024 * 1024);

/** Deterministic bytes that are no text export (a seeded LCG). */
function garbage(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 20260115;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    bytes[i] = state >> 16;
  }
  return bytes;
}

/** Sensors rows, ASCII only, past the 64 KiB sample, then one row in GBK. */
function asciiHeadGbkBody(): Buffer {
  const ascii = ['device_id,school_code,device_type,event_at,status'];
  for (let i = 1; i <= 1500; i++) ascii.push(`A-${i},2141010001,smoke,2025-03-05 10:00:00,online`);
  return Buffer.concat([Buffer.from(ascii.join('\n') + '\n'), iconv.encode('G-1,2141010001,烟感,2025-03-05 11:00:00,在线\n', 'gbk')]);
}

const FILES: Record<string, string | Buffer> = {
  'truncated.csv': [SENSORS_HEADER, sensorRow('T-1', 0), sensorRow('T-2', 1), sensorRow('T-3', 2), 'T-4,2141010001,烟感,2025-03-0'].join('\n'),
  'truncated-quoted.csv': [
    INSPECTIONS_HEADER,
    'Q-1,2141010001,2025-03-05,自查,XF01,不合格,"通道堵塞,需清理"',
    'Q-2,2141010001,2025-03-05,自查,XF02,合格,,多余字段',
    'Q-3,2141010001,2025-03-05,自查,XF03,不合格,"灭火器\n过期"',
    'Q-4,2141010001,2025-03-05,自查,XF04,合格,',
    'Q-5,2141010001,2025-03-05,自查,XF05,不合格,"配电室私拉',
  ].join('\r\n'),
  'truncated.ndjson': [alertLine('N-1'), alertLine('N-2'), alertLine('N-3').slice(0, 40)].join('\n'),
  'truncated.json': `[\n${caseLine('J-1')},\n${caseLine('J-2')},\n${caseLine('J-3').slice(0, 30)}`,
  'empty.csv': '',
  'blank.csv': '\uFEFF\r\n  \r\n',
  'header-only.csv': INSPECTIONS_HEADER + '\r\n',
  'garbage.csv': garbage(4096),
  'old-excel.csv': Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), garbage(512)]),
  '~$lock.xlsx': garbage(165),
  'semicolon.csv': [SENSORS_HEADER, sensorRow('S-1', 10), sensorRow('S-2', 11)].join('\n').replaceAll(',', ';'),
  'tab-gbk.txt': iconv.encode([INSPECTIONS_HEADER, 'G-1,2141010002,2025年4月8日,督查,XS02,不合格,楼梯扶手松动'].join('\r\n').replaceAll(',', '\t') + '\r\n', 'gbk'),
  'mixed-newlines.csv': `${SENSORS_HEADER}\r\n${sensorRow('M-1', 20)}\n${sensorRow('M-2', 21)}\r\n${sensorRow('M-3', 22)}\n`,
  'hash-delimited.csv': [SENSORS_HEADER, sensorRow('H-1', 30)].join('\n').replaceAll(',', '#'),
  'enormous.csv': [SENSORS_HEADER + ',备注', sensorRow('E-1', 40) + ',', sensorRow('E-2', 41) + `,${FIVE_MB}`, sensorRow('E-3', 42) + ','].join('\n') + '\n',
  'enormous.json': `[\n${caseLine('B-1')},\n${caseLine('B-2', { 说明: FIVE_MB })},\n${caseLine('B-3')}\n]\n`,
  'ambiguous.csv': '告警编号,案件编号,学校标识码,来源,告警类型,级别,发生时间,上报时间,类别,等级\nX-1,X-1,2141010001,视频AI,打架,红,2025-03-05 10:00:00,2025-03-05 11:00:00,欺凌,一般\n',
  'unknown.csv': '姓名,年龄,班级\n张三,10,三年级二班\n',
  'document.json': JSON.stringify({ seed: 7, files: [{ file: 'a.csv', rows: 3 }] }, null, 2),
  'ascii-head-gbk-body.csv': asciiHeadGbkBody(),
};

let db: Warehouse;
let dir: string;
let results: IngestResult[];
const result = (name: string) => results.find((r) => r.file === join(dir, name))!;

beforeAll(async () => {
  ({ db } = await openWarehouse());
  dir = folderWith(FILES);
  copyFileSync(fixture('csv-utf8', 'schools'), join(dir, 'schools.csv'));
  results = await ingestPath(db, dir, { now: NOW });
});
afterAll(() => db.close());

describe('one folder of broken files', () => {
  it('never crashes: every file has an outcome, the registry and the readable files land', () => {
    const outcome = Object.fromEntries(results.map((r) => [r.file.slice(dir.length + 1), r.status]));
    expect(outcome).toEqual({
      'schools.csv': 'held', // the registry fixture is dirty on purpose (9 of 17 rows rejected)
      'truncated.csv': 'held',
      'truncated-quoted.csv': 'held',
      'truncated.ndjson': 'held',
      'truncated.json': 'held',
      'empty.csv': 'failed',
      'blank.csv': 'failed',
      'header-only.csv': 'landed',
      'garbage.csv': 'failed',
      'old-excel.csv': 'failed',
      'semicolon.csv': 'landed',
      'tab-gbk.txt': 'landed',
      'mixed-newlines.csv': 'landed',
      'hash-delimited.csv': 'failed',
      'enormous.csv': 'held',
      'enormous.json': 'held',
      'ambiguous.csv': 'failed',
      'unknown.csv': 'failed',
      'document.json': 'failed',
      'ascii-head-gbk-body.csv': 'landed',
    });
  });

  it('ignores Excel lock files (~$name.xlsx)', async () => {
    expect((await listExportFiles(dir)).some((f) => f.path.includes('~$'))).toBe(false);
  });

  it('truncated CSV: the cut-off last row is a malformed_row reject with its row number, the rest lands', async () => {
    const r = result('truncated.csv');
    expect([r.source, r.rowsRead, r.rowsLanded, r.rowsRejected]).toEqual(['sensors', 4, 3, 1]);
    expect(await rejectsOf(db, r.batchId)).toEqual([[4, 'malformed_row']]);
    expect((await rawRows(db, 'sensors', `batch_id = '${r.batchId}'`)).map((row) => [row.row_number, row.device_id])).toEqual([
      [1, 'T-1'],
      [2, 'T-2'],
      [3, 'T-3'],
    ]);
    const reject = await db.one<{ message: string; raw: string }>('select message, raw from audit.rejects where batch_id = $1', [r.batchId]);
    expect(reject!.message).toContain('截断');
    expect(reject!.message).toContain('cut off');
    expect(JSON.parse(reject!.raw)).toEqual({ line: 'T-4,2141010001,烟感,2025-03-0' });
  });

  it('truncated inside a quote, with a malformed row before it: row numbers stay true around both', async () => {
    const r = result('truncated-quoted.csv');
    expect([r.source, r.rowsRead, r.rowsLanded, r.rowsRejected]).toEqual(['inspections', 5, 3, 2]);
    expect(await rejectsOf(db, r.batchId)).toEqual([
      [2, 'malformed_row'], // one field too many
      [5, 'malformed_row'], // quote never closed
    ]);
    expect((await rawRows(db, 'inspections', `batch_id = '${r.batchId}'`)).map((row) => [row.row_number, row.inspection_id, row.hazard_text])).toEqual([
      [1, 'Q-1', '通道堵塞,需清理'],
      [3, 'Q-3', '灭火器\n过期'],
      [4, 'Q-4', null],
    ]);
  });

  it('truncated NDJSON: the cut-off line is malformed, the lines before land', async () => {
    const r = result('truncated.ndjson');
    expect([r.source, r.format, r.rowsLanded]).toEqual(['alerts', 'ndjson', 2]);
    expect(await rejectsOf(db, r.batchId)).toEqual([[3, 'malformed_row']]);
  });

  it('truncated JSON array: salvaged record by record, the cut-off record is malformed', async () => {
    const r = result('truncated.json');
    expect([r.source, r.format, r.rowsLanded]).toEqual(['cases', 'json', 2]);
    expect(await rejectsOf(db, r.batchId)).toEqual([[3, 'malformed_row']]);
    expect((await rawRows(db, 'cases', `batch_id = '${r.batchId}'`)).map((row) => [row.row_number, row.case_id])).toEqual([
      [1, 'J-1'],
      [2, 'J-2'],
    ]);
  });

  it('empty file (0 bytes, or only a BOM and blank lines): a failed batch with reason empty_file', async () => {
    for (const name of ['empty.csv', 'blank.csv']) {
      const r = result(name);
      expect(await rejectsOf(db, r.batchId)).toEqual([[null, 'empty_file']]);
      expect(r.message).toMatch(/re-export/);
      expect(await db.one('select status, rows_read, rows_rejected from audit.batches where batch_id = $1', [r.batchId])).toEqual({
        status: 'failed',
        rows_read: 0,
        rows_rejected: 0,
      });
    }
  });

  it('header-only file: landed, zero rows', async () => {
    const r = result('header-only.csv');
    expect([r.source, r.status, r.rowsRead, r.rowsLanded, r.rowsRejected]).toEqual(['inspections', 'landed', 0, 0, 0]);
    expect(await rejectsOf(db, r.batchId)).toEqual([]);
  });

  it('binary garbage and an old .xls renamed .csv: failed batches that say what the file is', async () => {
    expect(result('garbage.csv').message).toMatch(/二进制.*binary content/);
    expect(await rejectsOf(db, result('garbage.csv').batchId)).toEqual([[null, 'unreadable_file']]);
    expect(result('old-excel.csv').message).toMatch(/\.xls.*save it as \.xlsx or CSV/);
  });

  it('semicolon, tab (in GBK) and mixed line ends are read', async () => {
    expect([result('semicolon.csv').source, result('semicolon.csv').rowsLanded]).toEqual(['sensors', 2]);
    const tab = result('tab-gbk.txt');
    expect([tab.source, tab.format, tab.rowsLanded]).toEqual(['inspections', 'csv-gbk', 1]);
    expect((await rawRows(db, 'inspections', `batch_id = '${tab.batchId}'`)).map((row) => [row.inspected_on, row.hazard_text])).toEqual([
      ['2025-04-08', '楼梯扶手松动'],
    ]);
    expect((await rawRows(db, 'sensors', `batch_id = '${result('mixed-newlines.csv').batchId}'`)).map((row) => [row.row_number, row.device_id])).toEqual([
      [1, 'M-1'],
      [2, 'M-2'],
      [3, 'M-3'],
    ]);
  });

  it('a delimiter that hides every column: failed, the message lists what was found and what is expected', async () => {
    const r = result('hash-delimited.csv');
    expect(await rejectsOf(db, r.batchId)).toEqual([[null, 'unknown_source']]);
    expect(r.message).toContain('found 设备编号#学校标识码#设备类型#事件时间#状态');
    expect(r.message).toContain('check the delimiter');
    expect(r.message).toContain('expected 应有 设备编号/device_id, 学校标识码/school_code, 设备类型/device_type, 事件时间/event_at, 状态/status');
  });

  it('an enormous (5 MB) CSV cell: that row is a malformed_row reject, the rows around it land', async () => {
    const r = result('enormous.csv');
    expect(await rejectsOf(db, r.batchId)).toEqual([[2, 'malformed_row']]);
    expect((await rawRows(db, 'sensors', `batch_id = '${r.batchId}'`)).map((row) => [row.row_number, row.device_id])).toEqual([
      [1, 'E-1'],
      [3, 'E-3'],
    ]);
    const reject = await db.one<{ message: string; raw: string }>('select message, raw from audit.rejects where batch_id = $1', [r.batchId]);
    expect(reject!.message).toContain('4 MiB');
    expect(reject!.raw.length).toBeLessThan(64 * 1024);
  });

  it('an enormous JSON record: a malformed_row reject, the other records land', async () => {
    const r = result('enormous.json');
    expect(await rejectsOf(db, r.batchId)).toEqual([[2, 'malformed_row']]);
    expect((await rawRows(db, 'cases', `batch_id = '${r.batchId}'`)).map((row) => [row.row_number, row.case_id])).toEqual([
      [1, 'B-1'],
      [3, 'B-3'],
    ]);
  });

  it('an ambiguous file: refused, the message names the sources it fits and says to pass --source', async () => {
    const r = result('ambiguous.csv');
    expect(await rejectsOf(db, r.batchId)).toEqual([[null, 'ambiguous_source']]);
    expect(r.message).toContain('it fits alerts, cases equally well; pass --source alerts|cases');
  });

  it('an unknown file: refused, the message names the candidates and their expected columns', async () => {
    const r = result('unknown.csv');
    expect(await rejectsOf(db, r.batchId)).toEqual([[null, 'unknown_source']]);
    expect(r.message).toContain('found 姓名, 年龄, 班级');
    expect(r.message).toContain('candidates: schools, inspections, sensors, alerts, cases, activities');
    expect(r.message).toContain('学校标识码/school_code');
  });

  it('a single pretty-printed JSON document (not records): failed, saying how to export records', async () => {
    const r = result('document.json');
    expect(await rejectsOf(db, r.batchId)).toEqual([[null, 'unreadable_file']]);
    expect(r.message).toContain('export the records as a JSON array or NDJSON');
  });

  it('a file whose first 64 KiB are ASCII but whose body is GBK is re-read as GBK', async () => {
    const r = result('ascii-head-gbk-body.csv');
    expect([r.format, r.rowsRead, r.rowsLanded]).toEqual(['csv-gbk', 1501, 1501]);
    expect((await rawRows(db, 'sensors', `batch_id = '${r.batchId}' and row_number = 1501`)).map((row) => [row.device_id, row.device_type, row.status])).toEqual([
      ['G-1', '烟感', '在线'],
    ]);
  });

  it('a failed file is not retried on the next run unless the operator says what it is', async () => {
    const again = await ingestFile(db, join(dir, 'hash-delimited.csv'), { now: NOW });
    expect(again.status).toBe('skipped');
    expect(again.message).toContain('pass --source/--sheet/--as-of to try again');
  });
});

describe('--source that does not fit the file', () => {
  it('fails the file with expected vs found (and what it looks like); the file that fits lands', async () => {
    const { db: own } = await openWarehouse();
    try {
      await ingestFile(own, fixture('csv-utf8', 'schools'), { now: NOW });
      const folder = folderWith({});
      copyFileSync(fixture('csv-utf8', 'sensors'), join(folder, 'sensors.csv'));
      copyFileSync(fixture('csv-utf8', 'inspections'), join(folder, 'inspections.csv'));
      const forced = await ingestPath(own, folder, { source: 'sensors', now: NOW, holdThreshold: 1 });
      expect(forced.map((r) => [r.file.slice(folder.length + 1), r.source, r.status])).toEqual([
        ['inspections.csv', null, 'failed'],
        ['sensors.csv', 'sensors', 'landed'],
      ]);
      const message = forced[0].message!;
      expect(message).toContain('sensors 缺少必填列 missing required column(s): 设备编号/device_id, 设备类型/device_type, 事件时间/event_at, 状态/status');
      expect(message).toContain('found 实有 检查单号, 学校代码, 检查日期');
      expect(message).toContain('the file looks like an export of inspections');
      expect(await rejectsOf(own, forced[0].batchId)).toEqual([[null, 'missing_columns']]);

      // the right --source now lands the file that failed before
      const retried = await ingestFile(own, join(folder, 'inspections.csv'), { source: 'inspections', now: NOW, holdThreshold: 1 });
      expect([retried.status, retried.rowsLanded]).toEqual(['landed', 7]);
    } finally {
      own.close();
    }
  });
});

/**
 * Student PII (DOMAIN.md §6): names, ID numbers and phone numbers in case and alert
 * exports never reach any warehouse table in clear — not raw, not audit.rejects.raw, not
 * a message — in any format, in a rejected or malformed row, or in a column the contract
 * does not know. ID numbers survive only as a salted hash, equal for the same student
 * across files, different under another salt.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.ts';
import { ingestFile, ingestPath } from '../../sources/ingest.ts';
import { fixture, folderWith, idHash, NOW, openWarehouse, SALT } from './helpers.ts';

const EXTRA_CASES = [
  '案件编号,学校标识码,发生时间,上报时间,类别,等级,当事学生,学生身份证号,家长姓名,家长手机',
  'P-1,2141010001,2025-04-01 16:30:00,2025-04-01 18:00:00,欺凌,一般,赵小六,411002201303031236,赵大六,13911112222',
  'P-2,2141010001,2025-04-02 16:30:00,2025-04-02 18:00:00,欺凌,特别重大级,钱小七,411002201404041237,钱大七,13922223333',
  'P-3,2141010001,2025-04-03 16:30:00,2025-04-03 18:00:00,欺凌,一般,孙小八,4110022015050512',
].join('\n');
const HEADERLESS_CASES = 'P-9,2141010001,2025-04-01 16:30:00,2025-04-01 18:00:00,欺凌,一般,周小九,411002201606061238,13933334444\n';
const TRUNCATED_ALERTS =
  JSON.stringify({ 告警编号: 'A-70', 学校标识码: '2141010001', 来源: '视频AI', 告警类型: '攀爬', 级别: '黄', 发生时间: '2025-03-05 10:00:00', 学生姓名: '郑小五', 身份证号: '411002201808081239' }) +
  '\n' +
  '{"告警编号":"A-77","学校标识码":"2141010001","学生姓名":"吴小十","身份证号":"41100220170707';

/** Every name, ID number (and fragment) and phone number in the files above and the fixtures. */
const PII = [
  ...['张小明', '王小红', '陈小东', '李小华', '王五', '赵小六', '赵大六', '钱小七', '钱大七', '孙小八', '周小九', '郑小五', '吴小十'],
  ...['41100220120305123X', '41100220120305123x', '411002201001011234', '411002201207071234', '411024201105051111', '411002201001019999'],
  ...['411002201303031236', '411002201404041237', '4110022015050512', '411002201606061238', '411002201808081239', '41100220170707'],
  ...['13812345678', '13900001111', '13600003333', '13700002222', '13500004444', '13911112222', '13922223333', '13933334444'],
];

let db: Warehouse;

beforeAll(async () => {
  process.env.SAFECAMPUS_PII_SALT = SALT;
  ({ db } = await openWarehouse());
  await ingestFile(db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
  for (const file of [fixture('csv-utf8', 'alerts'), fixture('xlsx', 'cases'), fixture('json', 'cases'), fixture('ndjson', 'alerts'), fixture('csv-gbk', 'cases')]) {
    await ingestFile(db, file, { now: NOW, holdThreshold: 1 });
  }
  const folder = folderWith({ 'extra-cases.csv': EXTRA_CASES, 'headerless-cases.csv': HEADERLESS_CASES, 'truncated-alerts.ndjson': TRUNCATED_ALERTS });
  const results = await ingestPath(db, folder, { now: NOW, holdThreshold: 1 });
  expect(results.map((r) => [r.file.slice(folder.length + 1), r.status, r.rejectsByReason])).toEqual([
    ['extra-cases.csv', 'landed', { bad_enum: 1, malformed_row: 1 }],
    ['headerless-cases.csv', 'failed', {}],
    ['truncated-alerts.ndjson', 'landed', { malformed_row: 1 }],
  ]);
});
afterAll(() => db.close());

describe('student PII in the warehouse', () => {
  it('appears in no column of any table or view, audit.rejects.raw and every message included', async () => {
    const columns = await db.all<{ s: string; t: string; c: string }>(
      `select table_schema as s, table_name as t, column_name as c from information_schema.columns
       where table_catalog = current_database() order by 1, 2, 3`,
    );
    expect(columns.some((c) => c.s === 'audit' && c.t === 'rejects' && c.c === 'raw')).toBe(true);
    const hits: string[] = [];
    for (const { s, t, c } of columns) {
      const found = await db.all<{ value: string }>(
        `select distinct p.value from "${s}"."${t}" x join (select unnest([${PII.map((v) => `'${v}'`).join(', ')}]) as value) p
         on contains(cast(x."${c}" as varchar), p.value)`,
      );
      for (const { value } of found) hits.push(`${s}.${t}.${c}: ${value}`);
    }
    expect(hits).toEqual([]);
  });

  it('keeps the masked shape of a rejected row, a malformed row and an unknown PII column', async () => {
    const rejected = await db.value<string>("select raw from audit.rejects where raw like '%P-2%'");
    expect(JSON.parse(rejected)).toMatchObject({ 当事学生: '***', 学生身份证号: '***', 家长姓名: '***', 家长手机: '***', 等级: '特别重大级' });
    const malformed = await db.value<string>("select raw from audit.rejects where raw like '%P-3%'");
    expect(JSON.parse(malformed)).toEqual({ line: 'P-3,2141010001,2025-04-03 16:30:00,2025-04-03 18:00:00,欺凌,一般,***,***' });
    const line = await db.value<string>("select raw from audit.rejects where raw like '%A-77%'");
    expect(JSON.parse(line)).toEqual({ line: '{"告警编号":"A-77","学校标识码":"2141010001","学生姓名":"***","身份证号":"***"' });
    // the unknown PII columns are not kept in raw.extra either
    expect(await db.value("select extra from raw.cases where case_id = 'P-1'")).toBeNull();
  });

  it('says a headerless file starts with data instead of repeating that data', async () => {
    const message = await db.value<string>("select message from audit.batches where file like '%headerless-cases.csv'");
    expect(message).toContain('a first row that looks like data, not headers');
  });

  it('keeps the ID number as a salted hash, the same for the same student across files and formats', async () => {
    const hash = idHash('41100220120305123X');
    const rows = await db.all<{ t: string; id: string; h: string }>(
      `select 'alerts' as t, alert_id as id, student_id_number_hash as h from raw.alerts where alert_id = 'A001'
       union all select 'cases', case_id, student_id_number_hash from raw.cases where case_id = 'C001'
       order by 1`,
    );
    // alerts: CSV and NDJSON; cases: XLSX, JSON and GBK CSV (there with a lower-case x)
    expect(rows.map((r) => [r.t, r.h])).toEqual([
      ['alerts', hash],
      ['alerts', hash],
      ['cases', hash],
      ['cases', hash],
      ['cases', hash],
    ]);
    expect(await db.value("select student_id_number_hash from raw.cases where case_id = 'P-1'")).toBe(idHash('411002201303031236'));
  });
});

describe('the salt', () => {
  it('another salt gives another hash; without one, a salt file is made beside the warehouse, never in it', async () => {
    const other = await openWarehouse();
    const unsalted = await openWarehouse();
    try {
      process.env.SAFECAMPUS_PII_SALT = 'another-salt';
      await ingestFile(other.db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
      await ingestFile(other.db, fixture('csv-utf8', 'alerts'), { now: NOW, holdThreshold: 1 });
      const hashed = await other.db.value<string>("select student_id_number_hash from raw.alerts where alert_id = 'A001'");
      expect(hashed).toBe(idHash('41100220120305123X', 'another-salt'));
      expect(hashed).not.toBe(idHash('41100220120305123X'));

      delete process.env.SAFECAMPUS_PII_SALT;
      await ingestFile(unsalted.db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
      await ingestFile(unsalted.db, fixture('csv-utf8', 'alerts'), { now: NOW, holdThreshold: 1 });
      const fileSalt = readFileSync(join(unsalted.dir, '.pii-salt'), 'utf8').trim();
      expect(fileSalt).toMatch(/^[0-9a-f]{64}$/);
      expect(await unsalted.db.value("select student_id_number_hash from raw.alerts where alert_id = 'A001'")).toBe(idHash('41100220120305123X', fileSalt));
      const tables = await unsalted.db.all<{ s: string; t: string; c: string }>(
        `select table_schema as s, table_name as t, column_name as c from information_schema.columns where table_catalog = current_database()`,
      );
      for (const { s, t, c } of tables) {
        expect(await unsalted.db.value(`select count(*) from "${s}"."${t}" where contains(cast("${c}" as varchar), $1)`, [fileSalt])).toBe(0);
      }
    } finally {
      process.env.SAFECAMPUS_PII_SALT = SALT;
      other.db.close();
      unsalted.db.close();
    }
  });
});

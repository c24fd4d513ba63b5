/**
 * Personal details typed into free text (sources/free-text.ts): resident ID numbers (18 digits
 * with a right check digit, or the 15-digit old form), mobile numbers and the names the same
 * file's PII columns carry are masked in 隐患描述, 备注 and the columns the contract does not
 * know before anything lands — and in the content and message of a rejected row, whatever
 * column they were typed into. The batch counts the masked cells. Every expectation below is
 * worked out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.ts';
import { ingestFile, ingestPath, type IngestResult } from '../../sources/ingest.ts';
import { isIdNumber, maskedName, maskPersonalTextSql } from '../../sources/pii.ts';
import { fixture, folderWith, NOW, openWarehouse, rawRows } from './helpers.ts';

// 411002201303031236 and 110105199001011232 have right check digits, 411002201303031237 does not;
// 411023800101123 is a 15-digit number of 1980-01-01, 411023801301123 is no date (month 13)
const INSPECTIONS = [
  '检查编号,学校标识码,检查日期,检查类型,检查项编码,检查结果,隐患等级,隐患描述,整改期限',
  'F-1,2141010001,2025-03-05,自查,XF01,不合格,一般,学生411002201303031236反映通道堵塞，联系家长13812345678,2025-03-20',
  'F-2,2141010001,2025-03-05,自查,XF02,不合格,一般,"灭火器过期,订单号411002201303031237,设备12345678901234567890",2025-03-20',
  'F-3,2141010001,2025-03-05,自查,XF03,不合格,一般,旧证411023800101123；不是证801301123：411023801301123；电话 139-1234-5678、+86 137 1234 5678,2025-03-20',
  'F-4,2141010001,2025-03-05,自查,XF04,合格,,,',
].join('\n');

const CASES = [
  '案件编号,学校标识码,发生时间,上报时间,类别,等级,学生姓名,身份证号,监护人电话,简要经过,家长姓名',
  'C-1,2141010001,2025-04-01 16:30:00,2025-04-01 18:00:00,欺凌,一般,张小明,110105199001011232,13900001111,张小明（110105199001011232）在课间被推搡，其父张大山（13900001111）已到校,张大山',
  'C-2,2141010001,2025-04-02 16:30:00,2025-04-02 18:00:00,欺凌,一般,王五,,,王五受轻伤；张小明作证,',
  // rejected (bad_enum): the mobile number typed into 等级 must not survive in the reject
  'C-3,2141010001,2025-04-03 16:30:00,2025-04-03 18:00:00,欺凌,13700002222,李四,,,李四的家长电话见等级栏,',
].join('\n');

const ACTIVITIES = JSON.stringify([
  { 活动编号: 'N-1', 学校标识码: '2141010001', 日期: '2025-03-10', 活动类型: '应急演练', 备注: '联系人手机 15012345678' },
  { 活动编号: 'N-2', 学校标识码: '2141010001', 日期: '2025-03-11', 活动类型: '应急演练', 备注: '无' },
]);

let db: Warehouse;
let results: IngestResult[];
const result = (name: string) => results.find((r) => r.file.endsWith(name))!;

beforeAll(async () => {
  ({ db } = await openWarehouse());
  await ingestFile(db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
  const folder = folderWith({ 'inspections.csv': INSPECTIONS, 'cases.csv': CASES, 'activities.json': ACTIVITIES });
  results = await ingestPath(db, folder, { now: NOW, holdThreshold: 1 });
});
afterAll(() => db.close());

describe('free text lands masked', () => {
  it('隐患描述: valid ID numbers (18 and 15 digits) and mobile numbers in every spelling; other long numbers stay', async () => {
    const rows = await rawRows(db, 'inspections', `batch_id = '${result('inspections.csv').batchId}'`);
    expect(rows.map((r) => r.hazard_text)).toEqual([
      '学生[身份证号]反映通道堵塞，联系家长[手机号]',
      '灭火器过期,订单号411002201303031237,设备12345678901234567890',
      '旧证[身份证号]；不是证801301123：411023801301123；电话 [手机号]、+[手机号]',
      null,
    ]);
  });

  it('a case’s extra column (简要经过): the names of the file’s PII columns, the guardian’s number and the ID number', async () => {
    const rows = await rawRows(db, 'cases', `batch_id = '${result('cases.csv').batchId}'`);
    // the PII columns themselves are not kept (家长姓名 is PII by its header, so not an extra either)
    expect(rows.map((r) => [r.case_id, r.extra])).toEqual([
      ['C-1', { 简要经过: '张**（[身份证号]）在课间被推搡，其父张**（[手机号]）已到校' }],
      ['C-2', { 简要经过: '王*受轻伤；张**作证' }],
    ]);
  });

  it('an activity’s 备注', async () => {
    const rows = await rawRows(db, 'activities', `batch_id = '${result('activities.json').batchId}'`);
    expect(rows.map((r) => r.note)).toEqual(['联系人手机 [手机号]', '无']);
  });

  it('a rejected row: its content and its message, whatever column the details are in', async () => {
    const reject = await db.one<{ reason_code: string; message: string; raw: string }>(
      'select reason_code, message, raw from audit.rejects where batch_id = $1',
      [result('cases.csv').batchId],
    );
    expect(reject!.reason_code).toBe('bad_enum');
    expect(reject!.message).toBe('“等级”（severity）不是允许的取值（一般、较大、重大、特别重大）：“[手机号]”（value not in the enumeration）');
    expect(JSON.parse(reject!.raw)).toMatchObject({ 等级: '[手机号]', 学生姓名: '***', 简要经过: '李*的家长电话见等级栏' });
  });

  it('counts the masked cells of each batch, in the result and in audit.batches', async () => {
    expect(results.map((r) => [r.file.split('/').pop(), r.status, r.cellsMasked])).toEqual([
      ['activities.json', 'landed', 1],
      ['cases.csv', 'landed', 3],
      ['inspections.csv', 'landed', 2],
    ]);
    const counted = await db.all('select source, masked_cells from audit.batches order by batch_seq');
    expect(counted).toEqual([
      { source: 'schools', masked_cells: 0 },
      { source: 'activities', masked_cells: 1 },
      { source: 'cases', masked_cells: 3 },
      { source: 'inspections', masked_cells: 2 },
    ]);
  });
});

describe('the rules', () => {
  it('an ID number has a right check digit (GB 11643) or is the old form with a real date', () => {
    expect(['411002201303031236', '110105199001011232', '411023800101123'].map(isIdNumber)).toEqual([true, true, true]);
    expect(['411002201303031237', '110105199001011233', '411023801301123', '411023800230123', '4110022013030312'].map(isIdNumber)).toEqual([false, false, false, false, false]);
    // the check digit X, either case
    expect(['11010519491231002X', '11010519491231002x'].map(isIdNumber)).toEqual([true, true]);
  });

  it('a name keeps its first character', () => {
    expect(['张小明', '王五', '买买提·艾力'].map(maskedName)).toEqual(['张**', '王*', '买*****']);
  });

  it('numbers next to each other are all masked; numbers inside longer ones are not', async () => {
    const text = "'13812345678,13912345678,13712345678 和 1381234567890'";
    expect(await db.value(`select ${maskPersonalTextSql(text, [])}`)).toBe('[手机号],[手机号],[手机号] 和 1381234567890');
  });
});

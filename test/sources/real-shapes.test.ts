/**
 * The real-shapes corpus (test/fixtures/real-shapes): every file lands exactly as its line in
 * the corpus README says — rows landed, rows rejected with their reasons, summary rows
 * skipped, a registry's report date and where it came from — and the values the habits
 * disguise (county names, codes as numbers, full-width digits, thousands separators, yes/no
 * spellings, serial dates, characters outside GBK) land as the values they stand for.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.ts';
import { ingestPath, type IngestResult } from '../../sources/ingest.ts';
import { SOURCE_NAMES } from '../../sources/contract.ts';
import { FIXTURES } from '../helpers.ts';
import { NOW, openWarehouse, rawRows, rejectsOf, SALT } from './helpers.ts';

const CORPUS = join(FIXTURES, 'real-shapes');

interface Line {
  file: string;
  source: string;
  landed: number[] | { failed: string };
  rejected: [number, string][];
  skipped: number;
  reportDate: { date: string | null; source: string } | null;
}

/** "1–3, 5" → [1, 2, 3, 5]; "—" → []. */
function rowList(text: string): number[] {
  if (text === '—') return [];
  return text.split(',').flatMap((part) => {
    const [from, to] = part.trim().split('–').map(Number);
    return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
  });
}

function readmeLines(): Line[] {
  const rows = readFileSync(join(CORPUS, 'README.md'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('| `'));
  return rows.map((row) => {
    const [file, source, , landed, rejected, skipped, reportDate] = row.split('|').slice(1, -1).map((c) => c.trim());
    const date = /^(\d{4}-\d{2}-\d{2}) (\w+)$/.exec(reportDate);
    return {
      file: file.replaceAll('`', ''),
      source,
      landed: landed.startsWith('failed ') ? { failed: landed.slice('failed '.length) } : rowList(landed),
      rejected: rejected === '—' ? [] : rejected.split(';').map((r) => r.trim().split(' ')).map(([n, reason]) => [Number(n), reason] as [number, string]),
      skipped: Number(skipped),
      reportDate: reportDate === '—' ? null : reportDate === 'column' ? { date: null, source: 'column' } : { date: date![1], source: date![2] },
    };
  });
}

const lines = readmeLines();
let db: Warehouse;
let results: Map<string, IngestResult>;

beforeAll(async () => {
  process.env.SAFECAMPUS_PII_SALT = SALT;
  ({ db } = await openWarehouse());
  const landed = await ingestPath(db, CORPUS, { now: NOW, holdThreshold: 1 });
  results = new Map(landed.map((r) => [basename(r.file), r]));
}, 120_000);
afterAll(() => db.close());

/** A file's raw rows (one batch), the given columns, in row order. */
async function landedValues(file: string, columns: string[]): Promise<unknown[][]> {
  const result = results.get(file)!;
  const rows = await rawRows(db, result.source!, `batch_id = '${result.batchId}'`);
  return rows.map((r) => columns.map((c) => r[c]));
}

describe('the real-shapes corpus', () => {
  it('has a README line for every file, at least 30 of them, covering all six sources', () => {
    const files = readdirSync(CORPUS).filter((f) => f !== 'README.md' && !f.endsWith('.ts'));
    expect(lines.map((l) => l.file).sort()).toEqual(files.sort());
    expect(lines.length).toBeGreaterThanOrEqual(30);
    expect(new Set(lines.map((l) => l.source))).toEqual(new Set(SOURCE_NAMES));
  });

  it.each(lines.map((l) => [l.file, l] as const))('%s lands as its README line says', async (file, line) => {
    const result = results.get(file)!;
    expect(result, file).toBeDefined();
    expect(result.source).toBe(line.source);
    if (!Array.isArray(line.landed)) {
      expect([result.status, await rejectsOf(db, result.batchId)]).toEqual(['failed', [[null, line.landed.failed]]]);
      return;
    }
    expect(result.status).toBe('landed');
    const landed = await rawRows(db, line.source, `batch_id = '${result.batchId}'`);
    expect(landed.map((r) => r.row_number)).toEqual(line.landed);
    expect(await rejectsOf(db, result.batchId)).toEqual(line.rejected);
    const batch = await db.one<{ rows_skipped: number; as_of_source: string | null; as_of_on: string | null }>(
      'select rows_skipped, as_of_source, as_of_on from audit.batches where batch_id = $1',
      [result.batchId],
    );
    expect([result.rowsSkipped, batch!.rows_skipped]).toEqual([line.skipped, line.skipped]);
    expect(batch!.as_of_source === null ? null : { date: batch!.as_of_on, source: batch!.as_of_source }).toEqual(line.reportDate);
  });
});

describe('the issue’s registry and its XLSX twin', () => {
  const columns = ['school_code', 'school_name', 'unit_code', 'school_type', 'ownership', 'enrollment', 'boarders', 'staff', 'guards', 'is_near_water', 'opened_on', 'reported_on'];
  const row = ['2141000101', '许昌市魏都区实验小学', '411002', '小学', '公办', 1850, 0, 110, 4, false, '1985-09-01', '2025-01-01'];

  it.each(['学校名录_2025-01.csv', '学校名录_2025-01.xlsx'])('%s: 魏都区 is 411002, 学段 小学 the type, the report date 1 January 2025', async (file) => {
    expect(await landedValues(file, columns)).toEqual([row]);
  });

  it('the twin records its title row as where the date came from, and its 合计 row as skipped', async () => {
    const batch = await db.one('select as_of_source, as_of_on, as_of_text, rows_read, rows_skipped from audit.batches where batch_id = $1', [
      results.get('学校名录_2025-01.xlsx')!.batchId,
    ]);
    expect(batch).toEqual({ as_of_source: 'title_row', as_of_on: '2025-01-01', as_of_text: '许昌市中小学幼儿园名录（统计时间：2025年1月）', rows_read: 1, rows_skipped: 1 });
  });
});

describe('what the habits disguise lands as the value it stands for', () => {
  const cases: [string, string[], unknown[][]][] = [
    [
      'schools_county_spellings.csv',
      ['unit_code'],
      [['411002'], ['411003'], ['411024'], ['411000'], ['411025'], ['411025'], ['411081'], ['411082'], ['411071']],
    ],
    ['schools_type_from_code.csv', ['school_code', 'school_type', 'reported_on'], [['2141000102', '小学', '2025-01-05'], ['3641000601', '中职', '2025-01-05']]],
    [
      '2025年春季学期学校名录.csv',
      ['school_type', 'unit_code', 'enrollment', 'guards', 'reported_on'],
      [
        ['幼儿园', '411003', 212, 1, '2025-03-01'],
        ['初中', '411024', 1352, 4, '2025-03-01'],
        ['小学', '411025', 642, 2, '2025-03-01'],
        ['高中', '411000', 2410, 8, '2025-03-01'],
      ],
    ],
    [
      'schools_excel_numbers.csv',
      ['school_code', 'unit_code', 'enrollment', 'is_near_water'],
      [
        ['2141000102', '411002', 1960, true],
        ['3441000401', '411000', 2400, true],
        ['3641000601', '411081', 1800, false],
        ['1141000201', '411003', 210, true],
        ['3141000301', '411024', 1350, false],
        ['5141000701', '411082', 140, true],
        ['1141000501', '411025', 180, false],
      ],
    ],
    [
      'schools_fullwidth.csv',
      ['school_code', 'unit_code', 'school_type', 'enrollment', 'is_near_water', 'reported_on'],
      [
        ['2141000102', '411002', '小学', 960, false, '2025-01-05'],
        ['3441000401', '411000', '高中', 2400, false, '2025-01-05'],
        ['3641000601', '411081', '中职', 1800, true, '2025-01-05'],
      ],
    ],
    ['schools_gb18030.csv', ['school_name'], [['禹州市䶮峰小学'], ['长葛市𠮷祥幼儿园']]],
    ['schools_merged_county.xlsx', ['unit_code', 'opened_on', 'reported_on'], [['411025', '1965-09-01', '2025-01-05'], ['411025', '2001-09-01', '2025-01-05'], ['411081', '1980-09-01', '2025-01-05']]],
    ['schools_near_water.xlsx', ['is_near_water'], [[true], [true], [true], [true], [false], [false]]],
    ['学校名录_2025年1月5日.xlsx', ['school_code', 'enrollment', 'extra'], [['5141000701', 141, null], ['2141000501', 641, null]]],
    ['schools_trailing_empty.csv', ['school_code', 'reported_on', 'extra'], [['2141000102', '2025-01-05', null], ['5141000701', '2025-01-05', null]]],
    ['schools_semicolon.csv', ['enrollment'], [[1960], [2400]]],
    ['activities_supervision_units.json', ['unit_code', 'target_school_code'], [['411002', null], ['411081', null], ['411081', '3641000601'], ['411071', null]]],
    ['activities_thousands.csv', ['n_sent', 'n_returned'], [[1960, 1901], [1800, 1790]]],
    ['activities_totals.xlsx', ['activity_on', 'n_sent', 'n_returned'], [['2025-06-16', 1850, 1802], ['2025-06-17', 2400, 2388]]],
    ['activities_subtotals.csv', ['activity_id', 'n_participants'], [['D-431', 1800], ['D-432', 950], ['D-433', 1700]]],
    ['activities_tab.txt', ['activity_on', 'topic', 'extra'], [['2025-04-02', '交通', null], ['2025-04-09', '防溺水', null]]],
    ['alerts_hidden_helpers.xlsx', ['raised_at', 'handler', 'extra'], [['2025-03-05 21:30:00', '李强', null], ['2025-03-06 08:15:00', '李强', null]]],
    ['alerts_semicolon.csv', ['level'], [['橙'], ['橙']]],
    ['alerts_trailing_empty.csv', ['level', 'raised_at', 'extra'], [['红', '2025-03-05 22:10:00', null], ['黄', '2025-03-06 01:20:00', null]]],
    ['cases_serials.csv', ['occurred_at', 'reported_at', 'n_injured'], [['2025-03-05 12:00:00', '2025-03-05 13:00:00', 1], ['2025-03-06 09:00:00', '2025-03-06 09:36:00', 2]]],
    ['cases_gb18030.csv', ['case_id', 'extra'], [['AJ-321', { 简要经过: '在𠮷祥楼前摔伤' }]]],
    ['cases_totals.xlsx', ['case_id', 'n_injured', 'status'], [['AJ-301', 1, '已结案'], ['AJ-302', 2, '处理中']]],
    ['inspections_codes_as_numbers.csv', ['school_code', 'hazard_level'], [['2141000101', null], ['2141000101', '一般'], ['3441000401', '重大']]],
    ['inspections_gb18030.csv', ['inspector', 'hazard_text'], [['王䶮', '𠮷字楼消防通道堵塞'], ['王䶮', null]]],
    ['inspections_spaces.xlsx', ['school_code', 'inspected_on', 'inspection_kind', 'result'], [['2141000501', '2025-03-15', '自查', '合格'], ['2141000501', '2025-03-15', '自查', '不合格']]],
    ['inspections_tab.txt', ['inspected_on'], [['2025-03-12'], ['2025-03-12']]],
    ['inspections_two_row_header.csv', ['item_code', 'result', 'due_on'], [['XF01', '合格', null], ['XF03', '不合格', '2025-03-25'], ['XF01', '合格', null]]],
    ['sensors_fullwidth.csv', ['school_code', 'device_type', 'event_at', 'status'], [['5141000701', '烟感', '2025-03-05 10:00:00', '在线'], ['5141000701', '电气火灾监测', '2025-03-05 10:00:00', '故障']]],
    ['sensors_semicolon.csv', ['device_id', 'value'], [['D-111', null], ['D-113', 0.05]]],
    ['sensors_third_sheet.xlsx', ['device_type', 'event_at', 'status', 'extra'], [['烟感', '2025-03-05 10:00:00', '在线', null], ['烟感', '2025-03-05 10:05:00', '报警', null]]],
  ];

  it.each(cases)('%s', async (file, columns, expected) => {
    expect(await landedValues(file, columns)).toEqual(expected);
  });
});

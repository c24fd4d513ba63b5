/**
 * The malformed-input corpus (test/fixtures/malformed/README.md): every hostile or careless
 * file lands, is held, fails or is skipped exactly as its line in the README says — the README
 * is what this test reads — and every file of the corpus has a line. Then what landed is
 * checked where a line promises more than counts: formulas land as text and leave exports
 * (query CSV and XLSX, the appraisal's CSV and XLSX) inert, only a workbook formula's cached
 * value lands, nothing a symbolic link leads to is read, personal details are masked.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvText } from '../../reports/appraisal/csv.ts';
import type { RankingTable } from '../../reports/appraisal/tables.ts';
import { xlsxBytes } from '../../reports/appraisal/xlsx.ts';
import { ingestPath, type IngestResult } from '../../sources/ingest.ts';
import { readZipDirectory } from '../../sources/zip.ts';
import { runTransform } from '../../transforms/runner.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { publishSnapshot } from '../../warehouse/snapshot.ts';
import { FIXTURES, runCli, tempDir } from '../helpers.ts';
import { NOW, openWarehouse, rawRows } from './helpers.ts';
import { handMadeWorkbook, repeatedPart, SHEET_HEAD, SHEET_TAIL, SST_HEAD, SST_TAIL } from './zip-parts.ts';

const CORPUS = join(FIXTURES, 'malformed');
const MIB = 1024 * 1024;
const SENSORS = '设备编号,学校标识码,设备类型,事件时间,状态';

interface Expected {
  file: string;
  madeByTheTest: boolean;
  outcome: string;
}

/** The README's table: one line per file. */
function readmeLines(): Expected[] {
  const lines = readFileSync(join(CORPUS, 'README.md'), 'utf8').split('\n').filter((l) => l.startsWith('| `'));
  return lines.map((line) => {
    const match = /^\| `([^`]+)`( \(made by the test\))? \| .+ \| `([^`]+)` \|$/.exec(line);
    if (!match) throw new Error(`README line not in the form | \`file\` | what | \`outcome\` |: ${line}`);
    return { file: match[1], madeByTheTest: match[2] !== undefined, outcome: match[3] };
  });
}

// ---------------------------------------------------------------- the files made here

const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const HEADERS = ['设备编号', '学校标识码', '设备类型', '事件时间', '状态'];
const headerRow = `<row r="1">${HEADERS.map((h, i) => inline(`${'ABCDE'[i]}1`, h)).join('')}</row>`;
const dataRow = (r: number, id: string, extra = '') =>
  `<row r="${r}">${[id, '2141010001', '烟感', '2025-03-05 10:00:00', '在线'].map((t, i) => inline(`${'ABCDE'[i]}${r}`, t)).join('')}${extra}</row>`;

/** A 1-based column number as Excel's letters (28 → AB). */
function columnLetters(n: number): string {
  let letters = '';
  for (let rest = n; rest > 0; rest = Math.floor((rest - 1) / 26)) letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  return letters;
}

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

function makeFiles(inbox: string, outside: string): void {
  const write = (name: string, content: string | Buffer) => writeFileSync(join(inbox, name), content);
  write('binary-junk.csv', garbage(2048));
  const sensor = (id: string, note: string) => `${id},2141010001,烟感,2025-03-05 10:00:00,在线,${note}`;
  write('overlong-line.csv', [`${SENSORS},备注`, sensor('L-1', ''), sensor('L-2', '长'.repeat(2 * MIB)), sensor('L-3', '')].join('\n') + '\n');
  write('huge-cell.xlsx', handMadeWorkbook({ sheets: [['设备', headerRow + dataRow(2, 'H-1') + dataRow(3, 'H-2', inline('F3', 'x'.repeat(40_000))) + dataRow(4, 'H-3')]] }));
  const bomb = (head: string, unit: string, tail: string) => repeatedPart(head, unit.repeat(MIB), 1100, tail);
  write('zip-bomb-cell.xlsx', handMadeWorkbook({ sheets: [['设备', bomb(`${SHEET_HEAD}${headerRow}<row r="2"><c r="A2" t="inlineStr"><is><t>`, 'x', `</t></is></c></row>${SHEET_TAIL}`)]] }));
  write('zip-bomb-spaces.xlsx', handMadeWorkbook({ sheets: [['设备', bomb(`${SHEET_HEAD}${headerRow}`, ' ', `${dataRow(2, 'ZS-1')}${SHEET_TAIL}`)]] }));
  write('zip-bomb-shared-strings.xlsx', handMadeWorkbook({ shared: bomb(`${SST_HEAD}<si><t>`, 'y', `</t></si>${SST_TAIL}`), sheets: [['设备', headerRow + dataRow(2, 'ZT-1')]] }));
  const unreferenced = (texts: string[]) => `<row>${texts.map((t) => `<c t="inlineStr"><is><t>${t}</t></is></c>`).join('')}</row>`;
  const row = (id: string) => [id, '2141010001', '烟感', '2025-03-05 10:00:00', '在线'];
  write('cells-without-r.xlsx', handMadeWorkbook({ sheets: [['设备', unreferenced(HEADERS) + unreferenced(row('NR-1')) + unreferenced(row('NR-2'))]] }));
  write(
    'formula-cells.xlsx',
    handMadeWorkbook({
      sheets: [
        [
          '设备',
          headerRow +
            `<row r="2">${inline('A2', 'FX-1')}<c r="B2"><f>TEXT(2141010001,"0")</f><v>2141010001</v></c>${inline('C2', '烟感')}${inline('D2', '2025-03-05 10:00:00')}` +
            `<c r="E2" t="str"><f>HYPERLINK("http://example.invalid","在线")</f><v>在线</v></c></row>` +
            `<row r="3">${inline('A3', 'FX-2')}${inline('B3', '2141010001')}${inline('C3', '烟感')}${inline('D3', '2025-03-05 10:01:00')}<c r="E3" t="str"><f>CMD|' /C calc'!A0</f></c></row>`,
        ],
      ],
    }),
  );
  const valid = handMadeWorkbook({ sheets: [['设备', headerRow + dataRow(2, 'TZ-1')]] });
  write('truncated.xlsx', valid.subarray(0, Math.floor(valid.length / 2)));
  write('xlsx-named.csv', handMadeWorkbook({ sheets: [['设备', headerRow + dataRow(2, 'XN-1')]] }));
  const far = Array.from({ length: 250 }, (_, i) => `<c r="${columnLetters(6 + i)}2"><v>${i}</v></c>`).join('');
  write('wide-cells.xlsx', handMadeWorkbook({ sheets: [['设备', headerRow + dataRow(2, 'WC-1', far)]] }));
  writeFileSync(join(outside, 'outside.csv'), `${SENSORS}\nOUT-1,2141010001,烟感,2025-03-05 10:00:00,在线\n`);
  symlinkSync(join(outside, 'outside.csv'), join(inbox, 'link-outside.csv'));
  symlinkSync('/etc/passwd', join(inbox, 'link-passwd.csv'));
  symlinkSync(outside, join(inbox, 'link-folder'));
}

// ---------------------------------------------------------------- ingest the corpus

let db: Warehouse;
let dir: string;
let inbox: string;
let results: IngestResult[];

beforeAll(async () => {
  ({ db, dir } = await openWarehouse());
  inbox = join(dir, 'inbox');
  const outside = join(dir, 'outside');
  cpSync(CORPUS, inbox, { recursive: true });
  mkdirSync(outside);
  makeFiles(inbox, outside);
  results = await ingestPath(db, inbox, { now: NOW });
}, 300_000);
afterAll(() => db.close());

/** What happened to a file, in the README's words. */
async function outcomeOf(result: IngestResult): Promise<string> {
  if (result.status === 'skipped') return 'skipped';
  if (result.status === 'failed') {
    const reasons = await db.all<{ reason_code: string }>('select reason_code from audit.rejects where batch_id = $1 and row_number is null', [result.batchId]);
    return `failed ${reasons.map((r) => r.reason_code).join(', ')}`;
  }
  const rejected = Object.entries(result.rejectsByReason).map(([code, n]) => `${code}×${n}`);
  return `${result.status} ${result.rowsLanded}${rejected.length ? `, rejected ${rejected.join(', ')}` : ''}`;
}

describe('the malformed-input corpus', () => {
  it('has a README line for every file, and a file for every line', () => {
    const committed = readdirSync(CORPUS).filter((f) => f !== 'README.md');
    const lines = readmeLines();
    expect(committed.length).toBeGreaterThanOrEqual(40);
    expect(lines.filter((l) => !l.madeByTheTest).map((l) => l.file).sort()).toEqual(committed.sort());
    expect(lines.filter((l) => l.madeByTheTest).map((l) => l.file).sort()).toEqual(readdirSync(inbox).filter((f) => !committed.includes(f) && f !== 'README.md').sort());
  });

  it('every file ends exactly as its README line says', async () => {
    const byFile = new Map(results.map((r) => [r.file.slice(inbox.length + 1), r]));
    const actual: Record<string, string> = {};
    for (const { file } of readmeLines()) {
      const result = byFile.get(file);
      actual[file] = result ? await outcomeOf(result) : 'ignored';
    }
    expect(actual).toEqual(Object.fromEntries(readmeLines().map((l) => [l.file, l.outcome])));
    expect(results).toHaveLength(readmeLines().filter((l) => l.outcome !== 'ignored').length);
  });
});

describe('what landed from it', () => {
  it('formula-looking text lands as that very text', async () => {
    const rows = await rawRows(db, 'inspections', "inspection_id like 'F-%'");
    expect(rows.map((r) => [r.inspection_id, r.hazard_text, r.inspector])).toEqual([
      ['F-1', "=cmd|' /C calc'!A0", '=HYPERLINK("http://example.invalid";"点我")'],
      ['F-2', '+1+1', '@SUM(1;2)'],
      ['F-3', '-2+3', '-'],
      ['F-4', '\t=1+1', '张三'], // only spaces are trimmed
    ]);
  });

  it('a workbook formula lands as its cached value and is never evaluated', async () => {
    expect((await rawRows(db, 'sensors', "device_id like 'FX-%'")).map((r) => [r.device_id, r.school_code, r.status])).toEqual([['FX-1', '2141010001', '在线']]);
    const rejected = await db.value<string>("select raw from audit.rejects where raw like '%FX-2%'");
    expect(JSON.parse(rejected)).toMatchObject({ 设备编号: 'FX-2', 状态: null });
  });

  it('cells without references land where their order puts them', async () => {
    expect((await rawRows(db, 'sensors', "device_id like 'NR-%'")).map((r) => [r.row_number, r.device_id, r.school_code, r.device_type])).toEqual([
      [1, 'NR-1', '2141010001', '烟感'],
      [2, 'NR-2', '2141010001', '烟感'],
    ]);
  });

  it('the too-large cell is not kept, and its row says which cell and how long it was', async () => {
    const reject = await db.one<{ row_number: number; message: string; raw: string }>("select row_number, message, raw from audit.rejects where reason_code = 'cell_too_large'");
    expect(reject!.row_number).toBe(2);
    expect(reject!.message).toBe(
      '单元格 F3 有 40000 个字符，超过 Excel 单元格上限 32767，整行未入库（cell F3 holds 40000 characters, more than an Excel cell can (32767): correct it in the source system and export again）',
    );
    expect(JSON.parse(reject!.raw)).toEqual({ line: 'H-2,2141010001,烟感,2025-03-05 10:00:00,在线,' });
  });

  it('nothing a symbolic link leads to was read', async () => {
    expect(await db.value("select count(*) from raw.sensors where device_id = 'OUT-1'")).toBe(0);
    expect(await db.value("select count(*) from audit.batches where file like '%link-%'")).toBe(0);
  });

  it('personal details in a case summary are masked', async () => {
    expect((await rawRows(db, 'cases', "case_id = 'PT-1'")).map((r) => r.extra)).toEqual([{ 简要经过: '赵**（[身份证号]）被推搡，家长电话 [手机号]' }]);
  });

  it('the headerless file’s refusal does not repeat the student’s details', async () => {
    const message = results.find((r) => r.file.endsWith('headerless-with-pii.csv'))!.message!;
    expect(message).toContain('a first row that looks like data, not headers');
    expect(message).not.toMatch(/周小九|411002201303031236|13933334444/);
  });
});

/** The text of the first worksheet of an XLSX file, inflated. */
async function sheetXml(path: string): Promise<string> {
  const handle = await open(path);
  try {
    const { entries } = await readZipDirectory(handle);
    const entry = entries.find((e) => e.name === 'xl/worksheets/sheet1.xml')!;
    const header = Buffer.alloc(30);
    await handle.read(header, 0, 30, entry.localOffset);
    const data = Buffer.alloc(entry.compressedSize);
    await handle.read(data, 0, entry.compressedSize, entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28));
    return (entry.method === 8 ? inflateRawSync(data) : data).toString('utf8');
  } finally {
    await handle.close();
  }
}

describe('exports of formula-looking text are inert (CSV injection)', () => {
  const SQL = "select inspection_id, hazard_text, inspector from staging.stg_inspections where inspection_id like 'F-%' order by 1";
  let exports: string;
  let dbPath: string;

  beforeAll(async () => {
    await runTransform(db);
    await publishSnapshot(db);
    dbPath = join(dir, 'warehouse.duckdb');
    exports = tempDir('safecampus-inert-');
  }, 300_000);

  it('query CSV: text Excel would run gets a leading apostrophe; plain numbers and a lone dash do not', async () => {
    const out = join(exports, 'formulas.csv');
    expect((await runCli(['query', SQL, '--out', out, '--db', dbPath])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(
      '\uFEFFinspection_id,hazard_text,inspector\r\n' +
        "F-1,'=cmd|' /C calc'!A0,\"'=HYPERLINK(\"\"http://example.invalid\"\";\"\"点我\"\")\"\r\n" +
        "F-2,'+1+1,'@SUM(1;2)\r\n" +
        "F-3,'-2+3,-\r\n" +
        "F-4,'\t=1+1,张三\r\n",
    );
    const numbers = await runCli(['query', "select -1.5 as n, '-2' as t, '+86' as p", '--format', 'csv', '--db', dbPath]);
    expect(numbers.stdout).toBe("n,t,p\r\n-1.5,-2,+86\r\n");
  });

  it('query XLSX: the same text in string cells, and no formula anywhere in the sheet', async () => {
    const out = join(exports, 'formulas.xlsx');
    expect((await runCli(['query', SQL, '--out', out, '--db', dbPath])).code).toBe(0);
    const xml = await sheetXml(out);
    expect(xml).not.toMatch(/<f[ >]/);
    expect(xml).toContain('<c r="B2" t="str"><v>=cmd|&apos; /C calc&apos;!A0</v></c>');
  });

  it('the appraisal’s ranking.csv and ranking.xlsx: a school named like a formula', async () => {
    const table: RankingTable = {
      name: '学校排名',
      columns: [
        { header: '学校名称', format: 'text', width: 20 },
        { header: '综合得分', format: 'score', width: 10 },
        { header: '名次变化', format: 'integer', width: 8 },
      ],
      rows: [
        ['=HYPERLINK("http://example.invalid","魏都区实验一小")', -1.5, -2],
        ['@魏都区实验二小', 88, 1],
      ],
    };
    expect(csvText(table)).toBe('\uFEFF学校名称,综合得分,名次变化\r\n"\'=HYPERLINK(""http://example.invalid"",""魏都区实验一小"")",-1.50,-2\r\n\'@魏都区实验二小,88.00,1\r\n');
    const path = join(exports, 'ranking.xlsx');
    writeFileSync(path, await xlsxBytes([table], '2025-12-31'));
    const xml = await sheetXml(path);
    expect(xml).not.toMatch(/<f[ >]/);
    expect(xml).toMatch(/<c r="A2"[^>]* t="(s|str|inlineStr)"/);
  });
});

/**
 * Our XLSX sheet reader against the one it replaced: for every workbook the tests and the
 * demo generator write, and for hand-made parts exceljs never writes (inline and rich
 * inline strings, rows without `r`, row styles, comments, CDATA, sheets stored before the
 * shared strings…), it yields exactly the sheet names and rows (number, cell texts) that
 * exceljs's streaming reader plus ingest's former cell-to-text rule yielded.
 */
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { EventEmitter } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCity } from '../../demo/index.ts';
import { sniffHeaders } from '../../sources/detect.ts';
import { BUILTIN_DATE_FORMATS, DEFAULT_XLSX_LIMITS, isDateFormat, MAX_CELL_CHARACTERS, openWorkbook, XlsxLimitError, type XlsxLimits } from '../../sources/xlsx.ts';
import { readZipDirectory } from '../../sources/zip.ts';
import { tempDir } from '../helpers.ts';
import { SOURCE_FIXTURES } from './helpers.ts';
import { writeDevicesWorkbook, writeTitledWorkbook } from './workbooks.ts';
import { repeatedPart, SHEET_HEAD, SHEET_TAIL, SST_HEAD, SST_TAIL, writeHandMadeWorkbook } from './zip-parts.ts';

interface Sheet {
  name: string;
  rows: { number: number; texts: string[]; tooLarge?: { column: number; characters: number } }[];
}

/**
 * exceljs's streaming reader as ingest opened it before: exceljs 4.4 decodes each zip chunk
 * of the sheet and shared-strings XML on its own (a Chinese character split across two
 * chunks turned into U+FFFD), so those parts were decoded as one UTF-8 stream first. Each
 * part it reads is added to `entries` as it announces it ("workbook", "worksheet 1"…).
 */
function openXlsx(path: string, entries: string[]): ExcelJS.stream.xlsx.WorkbookReader {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
  (reader as unknown as EventEmitter).on('entry', (entry: { type: string; id?: string }) => entries.push(entry.id ? `${entry.type} ${entry.id}` : entry.type));
  const internals = reader as unknown as {
    _parseWorksheet(chunks: AsyncIterable<Buffer | string>, sheetNo: string): AsyncGenerator<unknown>;
    _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown>;
  };
  const parseWorksheet = internals._parseWorksheet.bind(reader);
  const parseSharedStrings = internals._parseSharedStrings.bind(reader);
  internals._parseWorksheet = (chunks, sheetNo) => parseWorksheet(utf8Text(chunks), sheetNo);
  internals._parseSharedStrings = (entry) => parseSharedStrings(entry.setEncoding('utf8'));
  return reader;
}

async function* utf8Text(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** A cell as ingest turned exceljs's value into text before. */
function exceljsText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = new Date(Math.round(value.getTime() / 1000) * 1000).toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: string; result?: unknown; error?: string; formula?: string; sharedFormula?: string };
    if (v.richText) return v.richText.map((r) => r.text).join('').trim();
    if (v.result !== undefined) return exceljsText(v.result);
    if (v.error !== undefined) return v.error;
    if (v.text !== undefined) return String(v.text).trim();
    if (v.formula !== undefined || v.sharedFormula !== undefined) return '';
  }
  return String(value).trim();
}

/** The 'entry' events exceljs's reader emits as it reads the parts that make its result. */
const PART_READ = /^(workbook|styles|shared-strings|worksheet \d+)$/;

function partRead(partName: string): string {
  const kinds: Record<string, string> = { 'xl/workbook.xml': 'workbook', 'xl/styles.xml': 'styles', 'xl/sharedStrings.xml': 'shared-strings' };
  return kinds[partName] ?? partName.replace(/^xl\/worksheets\/sheet(\d+)\.xml$/, 'worksheet $1');
}

const partsRead = (events: string[]) => events.filter((e) => PART_READ.test(e)).sort().join(', ');

/**
 * The reference: exceljs's streaming reader, each cell turned into text as ingest did before.
 * That reader walks the zip in one pass whose end races with its entries (exceljs issues
 * #2663, #3064): now and then it stops before the last parts, and a sheet stored ahead of
 * workbook.xml is then named "Sheet1" with its dates as serial numbers. A read that did not
 * reach every part is no reference, so it is read again (the race rarely strikes twice).
 */
async function exceljsSheets(path: string): Promise<Sheet[]> {
  const file = await open(path);
  const expected = partsRead((await readZipDirectory(file).finally(() => file.close())).entries.map((e) => partRead(e.name)));
  for (let attempt = 1; ; attempt++) {
    const read: string[] = [];
    const reader = openXlsx(path, read);
    const sheets: Sheet[] = [];
    for await (const worksheet of reader) {
      const sheet: Sheet = { name: (worksheet as unknown as { name: string }).name, rows: [] };
      for await (const row of worksheet) {
        const values = row.values as unknown[];
        sheet.rows.push({ number: row.number, texts: Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => exceljsText(values[i + 1])) });
      }
      sheets.push(sheet);
    }
    if (partsRead(read) === expected) return sheets;
    if (attempt === 5) throw new Error(`exceljs read only ${partsRead(read)} of ${expected} in ${path}, five times`);
  }
}

async function ourSheets(path: string, limits?: XlsxLimits): Promise<Sheet[]> {
  const workbook = await openWorkbook(path, limits);
  const sheets: Sheet[] = [];
  for (const [index, name] of workbook.sheetNames.entries()) {
    const sheet: Sheet = { name, rows: [] };
    for await (const row of workbook.rows(index)) sheet.rows.push(row);
    sheets.push(sheet);
  }
  return sheets;
}

/**
 * Our sheets equal exceljs's, except the cells listed in `corrected` ([sheet, row, column]
 * indexes and our text): where exceljs lost text (a formula's cached 0, all but the last run of
 * an inline rich string, a string replaced by its phonetic guide); and the rows listed in
 * `numbered` ([sheet, row] indexes and our number): a row without `r`, which exceljs numbers NaN
 * and we number after the row before it, as the format says.
 */
async function expectSame(path: string, corrected: [number, number, number, string][] = [], numbered: [number, number, number][] = []): Promise<Sheet[]> {
  const ours = await ourSheets(path);
  const reference = await exceljsSheets(path);
  for (const [sheet, row, column, text] of corrected) reference[sheet].rows[row].texts[column] = text;
  for (const [sheet, row, number] of numbered) reference[sheet].rows[row].number = number;
  expect(ours).toEqual(reference);
  return ours;
}

const dir = tempDir('safecampus-xlsx-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the fixtures', () => {
  const fixtures = readdirSync(join(SOURCE_FIXTURES, 'xlsx')).filter((f) => f.endsWith('.xlsx'));
  it.each(fixtures)('%s', async (file) => {
    const sheets = await expectSame(join(SOURCE_FIXTURES, 'xlsx', file));
    expect(sheets[0].rows.length).toBeGreaterThan(5);
  });
});

describe('the demo city workbooks', () => {
  let files: string[] = [];
  beforeAll(async () => {
    const manifest = await generateCity({ schools: 1200, fromYear: 2025, toYear: 2025, seed: 20250101, dirtyRate: 0, outDir: join(dir, 'city') });
    const dirty = await generateCity({ schools: 30, fromYear: 2025, toYear: 2025, seed: 7, dirtyRate: 0.2, outDir: join(dir, 'dirty-city') });
    files = [...manifest.files.map((f) => join(dir, 'city', f.file)), ...dirty.files.map((f) => join(dir, 'dirty-city', f.file))].filter((f) => f.endsWith('.xlsx'));
  }, 120_000);

  it('every one reads the same (the programmes workbook: 37,493 data rows)', async () => {
    expect(files.map((f) => f.split('/').pop())).toContain('activities_2025_programmes.xlsx');
    for (const file of files) {
      const sheets = await expectSame(file);
      if (file.includes('/city/') && file.endsWith('activities_2025_programmes.xlsx')) expect(sheets[0].rows.length).toBe(37_494);
    }
  }, 120_000);
});

describe('workbooks as the tests write them', () => {
  it('two sheets, a date-formatted cell, a gap row, cells past the header', async () => {
    const path = join(dir, 'layout.xlsx');
    await writeDevicesWorkbook(path);
    const sheets = await expectSame(path);
    expect(sheets.map((s) => s.name)).toEqual(['填表说明', '数据']);
    expect(sheets[1].rows.map((r) => r.number)).toEqual([1, 2, 4, 5]);
    expect(sheets[1].rows[1].texts).toEqual(['L-1', '2141010001', '无表头的单元格', 'smoke', '2025-03-05 10:00:00', 'online']);
  });

  it('title rows over merged cells', async () => {
    const path = join(dir, 'titled.xlsx');
    await writeTitledWorkbook(path);
    expect((await expectSame(path))[0].rows[1].texts).toEqual(['填报单位：魏都区实验一小', '', '', '填报日期：2025-04-01']);
    // the header sniff (which lane a file lands in) reads the same rows and finds the header under the titles
    expect(await sniffHeaders(path, 'xlsx', Buffer.alloc(0))).toEqual(['活动编号', '学校标识码', '区县代码', '日期', '活动类型']);
  });

  it.each([true, false])('streamed, a lot of Chinese text, shared strings %s', async (useSharedStrings) => {
    const path = join(dir, `long-${useSharedStrings}.xlsx`);
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings });
    const sheet = workbook.addWorksheet('设备');
    for (let i = 0; i < 4000; i++) sheet.addRow([`Z-${i + 1}`, '2141010001', `三楼东侧走廊第${i + 1}号烟感探测器安装位置说明`]).commit();
    await workbook.commit();
    const sheets = await expectSame(path);
    expect(sheets[0].rows[3999].texts[2]).toBe('三楼东侧走廊第4000号烟感探测器安装位置说明');
  });
});

describe('every kind of cell exceljs writes', () => {
  const fill = (workbook: ExcelJS.Workbook) => {
    const sheet = workbook.addWorksheet('kinds');
    sheet.addRow(['text', ' padded ', '', 'a<b>&c"d\'e', '&amp; stays', 'line\r\nbreak', 0, -1.5, 1e21, 0.1 + 0.2, true, false]);
    sheet.addRow([
      { richText: [{ text: ' 富 ', font: { bold: true } }, { text: '文本 ' }] },
      { formula: 'A5*2', result: 4 },
      { formula: 'A5&"x"', result: 'x<y' },
      { formula: 'A5+1' },
      { formula: 'A5-A5', result: 0 },
      { sharedFormula: 'B2', result: 6 },
      { error: '#N/A' },
      { formula: '1/0', result: { error: '#DIV/0!' } },
      { text: 'link', hyperlink: 'https://example.org' },
      null,
      'after a gap',
    ]);
    const dates = sheet.addRow([
      new Date(Date.UTC(2025, 2, 5)),
      new Date(Date.UTC(2025, 2, 5, 10, 5, 7)),
      new Date(Date.UTC(1900, 1, 28, 23, 59, 59, 600)),
      45721.25,
      45721.25,
      45721.25,
      45721.25,
      { formula: 'A3+1', result: 45722 },
    ]);
    dates.getCell(4).numFmt = 'yyyy"年"m"月"d"日"';
    dates.getCell(5).numFmt = '0.00" days"';
    dates.getCell(6).numFmt = '[h]:mm';
    dates.getCell(7).numFmt = '[Red]0.00';
    dates.getCell(8).numFmt = 'yyyy-mm-dd';
    sheet.getRow(6).getCell(3).value = 'sparse';
    sheet.addRow([]);
    return sheet;
  };

  it.each([false, true])('whole workbook, 1904 dates %s', async (date1904) => {
    const workbook = new ExcelJS.Workbook();
    workbook.properties.date1904 = date1904;
    fill(workbook);
    const path = join(dir, `kinds-${date1904}.xlsx`);
    await workbook.xlsx.writeFile(path);
    const [sheet] = await expectSame(path, [[0, 1, 4, '0']]);
    expect(sheet.rows[1].texts[4]).toBe('0'); // a formula's cached 0 (exceljs: '')
    expect(sheet.rows[2].texts.slice(0, 2)).toEqual(['2025-03-05', '2025-03-05 10:05:07']);
  });

  it('streamed workbook', async () => {
    const path = join(dir, 'kinds-streamed.xlsx');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: true });
    const sheet = workbook.addWorksheet('kinds');
    sheet.addRow(['text', new Date(Date.UTC(2025, 2, 5, 10, 5)), { formula: 'A1' }, { richText: [{ text: 'a' }, { text: 'b' }] }, true]).commit();
    await workbook.commit();
    // every run of the rich inline string (exceljs kept only the last, 'b')
    expect((await expectSame(path, [[0, 0, 3, 'ab']]))[0].rows[0].texts).toEqual(['text', '2025-03-05 10:05:00', '', 'ab', 'true']);
  });
});

describe('hand-made parts', () => {
  const styles =
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="14" formatCode="0.0"/></numFmts>' +
    '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="22" applyNumberFormat="1"><alignment/></xf><xf numFmtId="2"/></cellXfs>' +
    '<dxfs count="1"><dxf><numFmt numFmtId="165" formatCode="yyyy"/></dxf></dxfs>';
  const shared = [
    '<si><t>plain</t></si>',
    '<si><t xml:space="preserve">  spaced  </t></si>',
    '<si><r><rPr><b/></rPr><t>rich </t></r>\n<r><t>runs</t></r></si>',
    '<si><t>汉字</t><rPh sb="0" eb="1"><t>かんじ</t></rPh></si>',
    '<si><t/></si>',
    '<si><t>a &amp;amp; b &#x4E2D;&#25991; c\r\nd</t></si>',
  ];

  it('strings, styles, rows with and without numbers, comments and CDATA', async () => {
    const data =
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="H1" t="s"><v>99</v></c></row>\n' +
      '<row r="2"><c r="A2" t="inlineStr"><is><t> inline &amp;lt;b&amp;gt; </t></is></c><c r="B2" t="inlineStr"><is><r><t>first</t></r><r><t>last</t></r></is></c><c r="C2" t="str"><v>&amp;amp;</v></c>' +
      '<c r="K2"><f t="shared" si="0"/><v>0</v></c><c r="L2"><f>K2</f><v>0</v></c><c r="M2" t="str"><f>"x"</f><v></v></c><c r="N2"><f t="shared" ref="N2:N3" si="1">K2</f>\n<v>0</v></c>' +
      '<c r="D2" t="e"><v>#REF!</v></c><c r="E2" t="b"><v>0</v></c><c r="F2" t="b"><v>1</v></c><c r="G2"><v>  12.50 </v></c><c r="H2"><f>G2*2</f></c><c r="I2" t="str"><f>"x"</f><v> y </v></c><!-- a comment --><c r="J2" t="inlineStr"><is><t>c<![CDATA[dropped]]>d</t></is></c></row>\n' +
      '<row r="3" s="1" customFormat="1"><c r="A3"><v>45721</v></c><c r="B3" s="0"><v>45721</v></c><c r="C3" s="2"><v>45721</v></c><c r="D3" s="3"><v>45721.5</v></c><c r="E3" s="4"><v>45721</v></c><c r="F3" s="9"><v>45721</v></c></row>\n' +
      '<row spans="1:2"></row>\n' +
      '<row r="6"/>\n' +
      '<row r="7" spans="1:3"><c r="C7" t="s"><v>4</v></c><c r="AB7"><v>3</v></c><c r="$AC$7"><v>4</v></c></row>';
    const path = join(dir, 'hand.xlsx');
    writeHandMadeWorkbook(path, { sheets: [['手工', data]], shared, styles });
    // where exceljs lost text: the phonetic guide replaced 汉字, the first inline run, two cached zeros;
    // and the row without a number, which exceljs numbers NaN, is the 4th
    const [sheet] = await expectSame(
      path,
      [
        [0, 0, 3, '汉字'],
        [0, 1, 1, 'firstlast'],
        [0, 1, 11, '0'],
        [0, 1, 13, '0'],
      ],
      [[0, 3, 4]],
    );
    expect(sheet.rows[0].texts).toEqual(['plain', 'spaced', 'rich runs', '汉字', '', 'a &amp; b 中文 c\nd']);
    expect(sheet.rows[1].texts).toEqual(['inline <b>', 'firstlast', '&', '#REF!', 'false', 'true', '12.5', '', 'y', 'cd', '0', '0', '', '0']);
    expect(sheet.rows[2].texts).toEqual(['2025-03-05', '2025-03-05', '45721', '2025-03-05 12:00:00', '45721', '2025-03-05']);
    expect(sheet.rows.map((r) => r.number)).toEqual([1, 2, 3, 4, 6, 7]);
  });

  it('a 1904 workbook; sheets stored before the shared strings come after those stored later', async () => {
    const path = join(dir, 'order.xlsx');
    writeHandMadeWorkbook(path, {
      sheets: [
        ['早', '<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>43890.75</v></c></row>'],
        ['晚', '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
      ],
      shared: ['<si><t>x</t></si>'],
      styles: '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="22"/></cellXfs>',
      date1904: true,
      order: ['xl/workbook.xml', 'xl/styles.xml', 'xl/worksheets/sheet1.xml', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/worksheets/sheet2.xml'],
    });
    const sheets = await expectSame(path);
    expect(sheets.map((s) => [s.name, s.rows[0].texts])).toEqual([
      ['晚', ['x']],
      ['早', ['1904-01-01', '2024-03-01 18:00:00']],
    ]);
  });

  it('a sheet stored before the styles reads no dates, as exceljs did', async () => {
    const path = join(dir, 'early-sheet.xlsx');
    writeHandMadeWorkbook(path, {
      sheets: [['Sheet', '<row r="1"><c r="A1" s="1"><v>45721</v></c></row>']],
      styles: '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>',
      order: ['xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/styles.xml'],
    });
    expect((await expectSame(path))[0].rows[0].texts).toEqual(['45721']);
  });

  it('cells and rows without r are placed by their order, as the format allows (exceljs refuses them)', async () => {
    const path = join(dir, 'no-references.xlsx');
    writeHandMadeWorkbook(path, {
      sheets: [
        [
          'Sheet',
          '<row><c t="inlineStr"><is><t>设备编号</t></is></c><c t="inlineStr"><is><t>学校标识码</t></is></c></row>' +
            '<row><c><v>1</v></c><c r="D2"><v>4</v></c><c><v>5</v></c></row>' +
            '<row r="5"><c><v>7</v></c></row>' +
            '<row r="x"><c t="b"><v>1</v></c></row>',
        ],
      ],
    });
    expect(await ourSheets(path)).toEqual([
      {
        name: 'Sheet',
        rows: [
          { number: 1, texts: ['设备编号', '学校标识码'] },
          { number: 2, texts: ['1', '', '', '4', '5'] },
          { number: 5, texts: ['7'] },
          { number: 6, texts: ['true'] },
        ],
      },
    ]);
    await expect(exceljsSheets(path)).rejects.toThrow();
  });

  it('what is not an XLSX workbook fails', async () => {
    const garbage = join(dir, 'garbage.xlsx');
    writeFileSync(garbage, 'PK\u0003\u0004 not really a zip');
    await expect(openWorkbook(garbage)).rejects.toThrow(/not a zip archive/);
    await expect(exceljsSheets(garbage)).rejects.toThrow();
  });
});

describe('limits: a workbook is untrusted input', () => {
  const MIB = 1024 * 1024;
  const refusal = async (path: string, limits = DEFAULT_XLSX_LIMITS) => {
    try {
      await ourSheets(path, limits);
    } catch (error) {
      return error instanceof XlsxLimitError ? [error.reasonCode, error.message] : ['other', (error as Error).message];
    }
    return ['read', ''];
  };

  it('a cell longer than an Excel cell (inline or shared) is not kept; its row says so, the rows around it read', async () => {
    const path = join(dir, 'long-cells.xlsx');
    const long = 'x'.repeat(MAX_CELL_CHARACTERS + 1);
    writeHandMadeWorkbook(path, {
      shared: [`<si><t>${long}</t></si>`, '<si><t>ok</t></si>'],
      sheets: [
        [
          'Sheet',
          '<row r="1"><c r="A1" t="s"><v>1</v></c></row>' +
            `<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="inlineStr"><is><t>${long}</t></is></c></row>` +
            '<row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3" t="s"><v>1</v></c></row>' +
            `<row r="4"><c r="A4" t="inlineStr"><is><t>${'x'.repeat(MAX_CELL_CHARACTERS)}</t></is></c></row>`,
        ],
      ],
    });
    const [sheet] = await ourSheets(path);
    expect(sheet.rows.map((r) => ({ ...r, texts: r.texts.map((t) => (t.length > 10 ? `${t.length} characters` : t)) }))).toEqual([
      { number: 1, texts: ['ok'] },
      { number: 2, texts: ['ok', ''], tooLarge: { column: 2, characters: 32_768 } },
      { number: 3, texts: ['', 'ok'], tooLarge: { column: 1, characters: 32_768 } },
      { number: 4, texts: ['32767 characters'] },
    ]);
  });

  it('a 1.1 GiB cell in a 1 MiB workbook is a zip bomb: refused at 200 times the file size', async () => {
    const path = join(dir, 'bomb-cell.xlsx');
    const sheet = repeatedPart(`${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>`, 'x'.repeat(MIB), 1100, `</t></is></c></row>${SHEET_TAIL}`);
    writeHandMadeWorkbook(path, { sheets: [['Sheet', sheet]] });
    const bytes = statSync(path).size;
    expect(bytes).toBeLessThan(1.5 * MIB);
    const [code, message] = await refusal(path);
    expect(code).toBe('inflate_limit');
    expect(message).toContain(`the workbook inflates past ${Math.round((200 * bytes) / MIB)} MiB, 200 times its size`);
  });

  it('1.1 GiB of white space between rows, and a shared-strings part that inflates to 1.1 GiB: refused the same way', async () => {
    const spaced = join(dir, 'bomb-spaces.xlsx');
    const sheet = repeatedPart(`${SHEET_HEAD}<row r="1"><c r="A1"><v>1</v></c></row>`, ' '.repeat(MIB), 1100, `<row r="2"><c r="A2"><v>2</v></c></row>${SHEET_TAIL}`);
    writeHandMadeWorkbook(spaced, { sheets: [['Sheet', sheet]] });
    expect((await refusal(spaced))[0]).toBe('inflate_limit');
    const shared = join(dir, 'bomb-shared.xlsx');
    writeHandMadeWorkbook(shared, { shared: repeatedPart(`${SST_HEAD}<si><t>`, 'y'.repeat(MIB), 1100, `</t></si>${SST_TAIL}`), sheets: [['Sheet', '<row r="1"><c r="A1" t="s"><v>0</v></c></row>']] });
    expect((await refusal(shared))[0]).toBe('inflate_limit');
  });

  it('the same cell under a limit raised for it reads, counted but not kept', async () => {
    const path = join(dir, 'big-cell.xlsx');
    const sheet = repeatedPart(`${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>`, 'x'.repeat(MIB), 64, `</t></is></c><c r="B1"><v>2</v></c></row>${SHEET_TAIL}`);
    writeHandMadeWorkbook(path, { sheets: [['Sheet', sheet]] });
    const [read] = await ourSheets(path, { ...DEFAULT_XLSX_LIMITS, inflateRatio: 1e6 });
    expect(read.rows).toEqual([{ number: 1, texts: ['', '2'], tooLarge: { column: 1, characters: 64 * MIB } }]);
  });

  it('reading stops at the time limit', async () => {
    const path = join(dir, 'timed.xlsx');
    await writeDevicesWorkbook(path);
    const [code, message] = await refusal(path, { ...DEFAULT_XLSX_LIMITS, timeLimitMs: 0 });
    expect(code).toBe('time_limit');
    expect(message).toContain('reading the workbook took longer than its 0 s limit');
  });
});

it("the built-in date formats are exceljs's", async () => {
  const { default: builtIn } = (await import('exceljs/lib/xlsx/defaultnumformats.js' as string)) as { default: Record<string, { f?: string }> };
  const { default: utils } = (await import('exceljs/lib/utils/utils.js' as string)) as { default: { isDateFmt(code: string): boolean } };
  const dates = Object.entries(builtIn).filter(([, { f }]) => f && utils.isDateFmt(f)).map(([id]) => Number(id));
  expect(dates).toEqual([...BUILTIN_DATE_FORMATS]);
  for (const code of ['yyyy"年"m"月"d"日"', '0.00" days"', '[h]:mm', '[Red]0.00', 'General', 'mm:ss', '@', 'b']) expect(isDateFormat(code)).toBe(utils.isDateFmt(code));
});

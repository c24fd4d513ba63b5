/**
 * The XLSX reader against its own spec (the header of sources/xlsx.ts; docs/xlsx-reader.md):
 * what it reads — cell kinds, shared, inline and rich strings, dates by number format, 1904
 * dates, row and cell placement, hidden sheets, several sheets — and what it refuses, each with
 * the error ingest turns into a reason code. Every expectation is written out here or comes from
 * content the test itself chose (the CSV twin of a fixture, the rows a test wrote); no XLSX reader
 * of a library is asked what the answer is. Workbooks come from exceljs's writer where Excel-like
 * output is wanted (the project writes its reports with it) and from hand-made parts
 * (zip-parts.ts) for what no writer produces.
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCity } from '../../demo/index.ts';
import { sniffHeaders } from '../../sources/detect.ts';
import { BUILTIN_DATE_FORMATS, DEFAULT_XLSX_LIMITS, isDateFormat, MAX_CELL_CHARACTERS, openWorkbook, XlsxLimitError, type XlsxLimits } from '../../sources/xlsx.ts';
import { tempDir } from '../helpers.ts';
import { SOURCE_FIXTURES } from './helpers.ts';
import { writeDevicesWorkbook, writeTitledWorkbook } from './workbooks.ts';
import { asZip64, CENTRAL_RECORD, deflated, handMadeWorkbook, repeatedPart, SHEET_HEAD, SHEET_TAIL, SST_HEAD, SST_TAIL, writeHandMadeWorkbook, zipBytes } from './zip-parts.ts';

interface Sheet {
  name: string;
  rows: { number: number; texts: string[]; tooLarge?: { column: number; characters: number } }[];
}

async function readSheets(path: string, limits?: XlsxLimits): Promise<Sheet[]> {
  const workbook = await openWorkbook(path, limits);
  const sheets: Sheet[] = [];
  for (const [index, name] of workbook.sheetNames.entries()) {
    const sheet: Sheet = { name, rows: [] };
    for await (const row of workbook.rows(index)) sheet.rows.push(row);
    sheets.push(sheet);
  }
  return sheets;
}

/** Rows numbered from 1 in order, as `texts` lists them. */
const numbered = (rows: string[][]) => rows.map((texts, i) => ({ number: i + 1, texts }));

const dir = tempDir('safecampus-xlsx-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
/** A whole worksheet part: `prolog` (a DOCTYPE, say) after the XML declaration, `before` ahead of sheetData. */
const worksheet = (data: string, prolog = '', before = '') =>
  deflated(`<?xml version="1.0" encoding="UTF-8"?>\n${prolog}<worksheet xmlns="${NS}">${before}<sheetData>${data}</sheetData></worksheet>`);

describe('the fixtures read as their CSV twins (make-fixtures.ts writes both from the same rows)', () => {
  const fixtures = readdirSync(join(SOURCE_FIXTURES, 'xlsx')).filter((f) => f.endsWith('.xlsx'));
  it.each(fixtures)('%s', async (file) => {
    const csv = Papa.parse<string[]>(readFileSync(join(SOURCE_FIXTURES, 'csv-utf8', file.replace(/[.]xlsx$/, '.csv')), 'utf8'), { skipEmptyLines: true }).data;
    // the spec's two differences from the CSV text: a date-time at midnight is the date alone,
    // and a row's texts end at its last cell holding a value
    const expected = csv.map((row) => {
      const texts = row.map((cell) => cell.replace(/^(\d{4}-\d{2}-\d{2}) 00:00:00$/, '$1'));
      while (texts.length && texts[texts.length - 1] === '') texts.pop();
      return texts;
    });
    const sheets = await readSheets(join(SOURCE_FIXTURES, 'xlsx', file));
    expect(sheets).toHaveLength(1);
    expect(sheets[0].rows).toEqual(numbered(expected));
    expect(expected.length).toBeGreaterThan(10);
  });
});

describe('the demo city workbooks', () => {
  let files: string[] = [];
  beforeAll(async () => {
    const manifest = await generateCity({ schools: 1200, fromYear: 2025, toYear: 2025, seed: 20250101, dirtyRate: 0, outDir: join(dir, 'city') });
    const dirty = await generateCity({ schools: 30, fromYear: 2025, toYear: 2025, seed: 7, dirtyRate: 0.2, outDir: join(dir, 'dirty-city') });
    files = [...manifest.files.map((f) => join(dir, 'city', f.file)), ...dirty.files.map((f) => join(dir, 'dirty-city', f.file))].filter((f) => f.endsWith('.xlsx'));
  }, 120_000);

  it('every one reads, rows in order (the programmes workbook: 37,493 data rows under its header)', async () => {
    expect(files.map((f) => f.split('/').pop())).toContain('activities_2025_programmes.xlsx');
    for (const file of files) {
      for (const sheet of await readSheets(file)) {
        const numbers = sheet.rows.map((r) => r.number);
        expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
        expect(new Set(numbers).size).toBe(numbers.length);
        expect(sheet.rows.filter((r) => r.tooLarge)).toEqual([]);
        if (file.includes('/city/') && file.endsWith('activities_2025_programmes.xlsx')) expect(numbers).toEqual(Array.from({ length: 37_494 }, (_, i) => i + 1));
      }
    }
  }, 120_000);
});

describe('workbooks as the tests write them', () => {
  it('two sheets, a date-formatted cell, a gap row, cells past the header', async () => {
    const path = join(dir, 'layout.xlsx');
    await writeDevicesWorkbook(path);
    expect(await readSheets(path)).toEqual([
      { name: '填表说明', rows: [{ number: 1, texts: ['本表由学校填写', '请勿修改表头'] }] },
      {
        name: '数据',
        rows: [
          { number: 1, texts: ['设备编号', '学校标识码', '', '设备类型', '事件时间', '状态'] },
          { number: 2, texts: ['L-1', '2141010001', '无表头的单元格', 'smoke', '2025-03-05 10:00:00', 'online'] },
          { number: 4, texts: ['L-2', '2141010002', '', 'SY', '2025年03月05日 10:05', 'fault', '表头右边的备注'] },
          // a serial number in a cell with no date format stays a number
          { number: 5, texts: ['L-3', '41010001', '', 'camera', '45721.5', 'alarm'] },
        ],
      },
    ]);
  });

  it('title rows over merged cells; merges and hidden columns are reported', async () => {
    const path = join(dir, 'titled.xlsx');
    await writeTitledWorkbook(path);
    expect(await readSheets(path)).toEqual([
      {
        name: '专项工作记录',
        rows: numbered([
          ['2025年专项工作记录'],
          ['填报单位：魏都区实验一小', '', '', '填报日期：2025-04-01'],
          ['活动编号', '学校标识码', '区县代码', '日期', '活动类型'],
          ['X1', '2141010001', '', '2025-03-10', '应急演练'],
          ['X2', '', '', '2025-03-11', '应急演练'],
        ]),
      },
    ]);
    const layout = { hiddenColumns: new Set<number>(), merges: [] as string[] };
    for await (const _ of (await openWorkbook(path)).rows(0, layout));
    expect(layout.merges).toEqual(['A1:E1']);
    // the header sniff (which lane a file lands in) reads the same rows and finds the header under the titles
    expect(await sniffHeaders(path, 'xlsx', Buffer.alloc(0))).toEqual(['活动编号', '学校标识码', '区县代码', '日期', '活动类型']);
  });

  it('hidden sheets and hidden columns', async () => {
    const path = join(dir, 'hidden.xlsx');
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('数据').addRow(['a', 'b', 'c', 'd']);
    workbook.getWorksheet('数据')!.getColumn(2).hidden = true;
    workbook.getWorksheet('数据')!.getColumn(4).hidden = true;
    workbook.addWorksheet('下拉列表', { state: 'hidden' }).addRow(['是', '否']);
    workbook.addWorksheet('代码', { state: 'veryHidden' }).addRow(['01']);
    await workbook.xlsx.writeFile(path);
    const opened = await openWorkbook(path);
    expect([opened.sheetNames, opened.hidden]).toEqual([
      ['数据', '下拉列表', '代码'],
      [false, true, true],
    ]);
    const layout = { hiddenColumns: new Set<number>(), merges: [] as string[] };
    const rows = [];
    for await (const row of opened.rows(0, layout)) rows.push(row);
    expect(rows).toEqual([{ number: 1, texts: ['a', 'b', 'c', 'd'] }]);
    expect([...layout.hiddenColumns]).toEqual([2, 4]);
  });

  it.each([true, false])('40,000 streamed rows of every kind, a lot of Chinese text, shared strings %s', async (useSharedStrings) => {
    const path = join(dir, `long-${useSharedStrings}.xlsx`);
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings, useStyles: true });
    const sheet = workbook.addWorksheet('设备');
    const expected: string[][] = [];
    const iso = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
    for (let i = 0; i < 40_000; i++) {
      const day = new Date(Date.UTC(2025, 0, 1 + (i % 365)));
      const at = new Date(Date.UTC(2025, 2, 5, i % 24, i % 60, (i * 7) % 60));
      const note = i % 7 === 0 ? `三楼东侧走廊第${i + 1}号烟感探测器安装位置说明` : null;
      const row = sheet.addRow([`Z-${i + 1}`, 2141010000 + i, ` 教学楼${i % 9}层 `, day, at, i * 0.25, i % 3 === 0, null, note]);
      row.getCell(4).numFmt = 'yyyy-mm-dd';
      row.getCell(5).numFmt = 'yyyy-mm-dd hh:mm:ss';
      row.commit();
      const atText = iso(at).endsWith(' 00:00:00') ? iso(at).slice(0, 10) : iso(at);
      expected.push([`Z-${i + 1}`, String(2141010000 + i), `教学楼${i % 9}层`, iso(day).slice(0, 10), atText, String(i * 0.25), String(i % 3 === 0), ...(note ? ['', note] : [])]);
    }
    await workbook.commit();
    expect(await readSheets(path)).toEqual([{ name: '设备', rows: numbered(expected) }]);
  }, 60_000);
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

  it.each([
    [false, '2025-03-05 06:00:00'],
    [true, '2029-03-06 06:00:00'],
  ])('whole workbook, 1904 dates %s', async (date1904, serialAsDate) => {
    const workbook = new ExcelJS.Workbook();
    workbook.properties.date1904 = date1904;
    fill(workbook);
    const path = join(dir, `kinds-${date1904}.xlsx`);
    await workbook.xlsx.writeFile(path);
    expect(await readSheets(path)).toEqual([
      {
        name: 'kinds',
        rows: [
          // strings trimmed, entities decoded once (the text '&amp;' stays), CR LF one line end; numbers as JavaScript writes them
          { number: 1, texts: ['text', 'padded', '', 'a<b>&c"d\'e', '&amp; stays', 'line\nbreak', '0', '-1.5', '1e+21', '0.30000000000000004', 'true', 'false'] },
          // rich text joined; a formula is its cached result (a cached 0 is 0; none, or an error result, is ''); an error cell its code
          { number: 2, texts: ['富 文本', '4', 'x<y', '', '0', '6', '#N/A', '', 'link', '', 'after a gap'] },
          // a number is a date when its format has y m d h s (brackets and quoted text aside); to the second, the date alone at midnight
          { number: 3, texts: ['2025-03-05', '2025-03-05 10:05:07', '1900-03-01', serialAsDate, '45721.25', serialAsDate, '45721.25', '45722'] },
          { number: 6, texts: ['', '', 'sparse'] },
        ],
      },
    ]);
  });

  it('streamed workbook: inline strings, every run of a rich inline string', async () => {
    const path = join(dir, 'kinds-streamed.xlsx');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: true });
    const sheet = workbook.addWorksheet('kinds');
    sheet.addRow(['text', new Date(Date.UTC(2025, 2, 5, 10, 5)), { formula: 'A1' }, { richText: [{ text: 'a' }, { text: 'b' }] }, true]).commit();
    await workbook.commit();
    expect(await readSheets(path)).toEqual([{ name: 'kinds', rows: [{ number: 1, texts: ['text', '2025-03-05 10:05:00', '', 'ab', 'true'] }] }]);
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
    expect(await readSheets(path)).toEqual([
      {
        name: '手工',
        rows: [
          // shared strings trimmed, rich runs joined, the phonetic guide (かんじ) not the text, an empty string and a missing index nothing;
          // entities decoded once in shared strings
          { number: 1, texts: ['plain', 'spaced', 'rich runs', '汉字', '', 'a &amp; b 中文 c\nd'] },
          // inline and formula strings decoded twice (an exceljs habit kept: ingest's rows depend on it); CDATA dropped
          { number: 2, texts: ['inline <b>', 'firstlast', '&', '#REF!', 'false', 'true', '12.5', '', 'y', 'cd', '0', '0', '', '0'] },
          // a cell's own style when non-zero, else its row's: 164 and 22 are dates, 14 redefined as 0.0 is not, 2 is not, 9 does not exist
          { number: 3, texts: ['2025-03-05', '2025-03-05', '45721', '2025-03-05 12:00:00', '45721', '2025-03-05'] },
          // a row without r is the one after the previous row
          { number: 4, texts: [] },
          { number: 6, texts: [] },
          { number: 7, texts: [...Array<string>(27).fill(''), '3', '4'] },
        ],
      },
    ]);
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
    expect(await readSheets(path)).toEqual([
      { name: '晚', rows: [{ number: 2, texts: ['x'] }] },
      { name: '早', rows: [{ number: 1, texts: ['1904-01-01', '2024-03-01 18:00:00'] }] },
    ]);
  });

  it('a sheet stored before the styles reads no dates (the order exceljs read in, kept)', async () => {
    const path = join(dir, 'early-sheet.xlsx');
    writeHandMadeWorkbook(path, {
      sheets: [['Sheet', '<row r="1"><c r="A1" s="1"><v>45721</v></c></row>']],
      styles: '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>',
      order: ['xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/styles.xml'],
    });
    expect(await readSheets(path)).toEqual([{ name: 'Sheet', rows: [{ number: 1, texts: ['45721'] }] }]);
  });

  it('a sheet part no workbook entry names is named after its part; no workbook part at all still reads', async () => {
    const path = join(dir, 'unnamed.xlsx');
    writeFileSync(path, zipBytes([['xl/worksheets/sheet3.xml', `${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>名单</t></is></c></row>${SHEET_TAIL}`]]));
    expect(await readSheets(path)).toEqual([{ name: 'Sheet3', rows: [{ number: 1, texts: ['名单'] }] }]);
  });

  it('cells and rows without r are placed by their order, as the format allows', async () => {
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
    expect(await readSheets(path)).toEqual([
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
  });
});

describe('refusals: a workbook is untrusted input', () => {
  const MIB = 1024 * 1024;
  /** What ingest makes of the reading: read, or refused with this reason code and message (sources/readers.ts). */
  const outcome = async (path: string, limits = DEFAULT_XLSX_LIMITS) => {
    try {
      await readSheets(path, limits);
    } catch (error) {
      return error instanceof XlsxLimitError ? [error.reasonCode, error.message] : ['unreadable_file', (error as Error).message];
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
    const [sheet] = await readSheets(path);
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
    const [code, message] = await outcome(path);
    expect(code).toBe('inflate_limit');
    expect(message).toContain(`the workbook inflates past ${Math.round((200 * bytes) / MIB)} MiB, 200 times its size`);
  });

  it('1.1 GiB of white space between rows, and a shared-strings part that inflates to 1.1 GiB: refused the same way', async () => {
    const spaced = join(dir, 'bomb-spaces.xlsx');
    const sheet = repeatedPart(`${SHEET_HEAD}<row r="1"><c r="A1"><v>1</v></c></row>`, ' '.repeat(MIB), 1100, `<row r="2"><c r="A2"><v>2</v></c></row>${SHEET_TAIL}`);
    writeHandMadeWorkbook(spaced, { sheets: [['Sheet', sheet]] });
    expect((await outcome(spaced))[0]).toBe('inflate_limit');
    const shared = join(dir, 'bomb-shared.xlsx');
    writeHandMadeWorkbook(shared, { shared: repeatedPart(`${SST_HEAD}<si><t>`, 'y'.repeat(MIB), 1100, `</t></si>${SST_TAIL}`), sheets: [['Sheet', '<row r="1"><c r="A1" t="s"><v>0</v></c></row>']] });
    expect((await outcome(shared))[0]).toBe('inflate_limit');
  });

  it('the same cell under a limit raised for it reads, counted but not kept', async () => {
    const path = join(dir, 'big-cell.xlsx');
    const sheet = repeatedPart(`${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>`, 'x'.repeat(MIB), 64, `</t></is></c><c r="B1"><v>2</v></c></row>${SHEET_TAIL}`);
    writeHandMadeWorkbook(path, { sheets: [['Sheet', sheet]] });
    const [read] = await readSheets(path, { ...DEFAULT_XLSX_LIMITS, inflateRatio: 1e6 });
    expect(read.rows).toEqual([{ number: 1, texts: ['', '2'], tooLarge: { column: 1, characters: 64 * MIB } }]);
  });

  it('reading stops at the time limit', async () => {
    const path = join(dir, 'timed.xlsx');
    await writeDevicesWorkbook(path);
    const [code, message] = await outcome(path, { ...DEFAULT_XLSX_LIMITS, timeLimitMs: 0 });
    expect(code).toBe('time_limit');
    expect(message).toContain('reading the workbook took longer than its 0 s limit');
  });

  it('entities an XML document type declares are not expanded: a billion laughs and an external entity are refused', async () => {
    const laughs = '<!ENTITY lol "lol">' + Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('');
    const inSheet = join(dir, 'laughs.xlsx');
    writeHandMadeWorkbook(inSheet, { sheets: [['Sheet', worksheet('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>', `<!DOCTYPE worksheet [${laughs}]>`)]] });
    expect(await outcome(inSheet)).toEqual(['unreadable_file', 'undefined XML entity &lol9;']);
    const inShared = join(dir, 'laughs-shared.xlsx');
    writeHandMadeWorkbook(inShared, {
      shared: deflated(`<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [${laughs}]>${SST_HEAD.replace(/^.*\n/, '')}<si><t>&lol9;</t></si>${SST_TAIL}`),
      sheets: [['Sheet', '<row r="1"><c r="A1" t="s"><v>0</v></c></row>']],
    });
    expect(await outcome(inShared)).toEqual(['unreadable_file', 'undefined XML entity &lol9;']);
    const external = join(dir, 'external-entity.xlsx');
    writeHandMadeWorkbook(external, {
      sheets: [['Sheet', worksheet('<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>', '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>')]],
    });
    expect(await outcome(external)).toEqual(['unreadable_file', 'undefined XML entity &xxe;']);
    // a document type declaration that declares nothing used is skipped
    const harmless = join(dir, 'doctype.xlsx');
    writeHandMadeWorkbook(harmless, { sheets: [['Sheet', worksheet('<row r="1"><c r="A1" t="inlineStr"><is><t>a &amp; b</t></is></c></row>', `<!DOCTYPE worksheet [${laughs}]>`)]] });
    expect(await readSheets(harmless)).toEqual([{ name: 'Sheet', rows: [{ number: 1, texts: ['a & b'] }] }]);
  });

  it('ZIP64 and compression methods other than stored and deflate are refused', async () => {
    const zip = handMadeWorkbook({ sheets: [['Sheet', '<row r="1"><c r="A1"><v>1</v></c></row>']] });
    const path = join(dir, 'zip64.xlsx');
    writeFileSync(path, asZip64(zip));
    expect(await outcome(path)).toEqual(['unreadable_file', 'ZIP64 archives are not supported']);
    const bzip2 = Buffer.from(zip);
    for (let at = bzip2.indexOf(CENTRAL_RECORD); at >= 0; at = bzip2.indexOf(CENTRAL_RECORD, at + 4)) bzip2.writeUInt16LE(12, at + 10);
    writeFileSync(path, bzip2);
    expect((await outcome(path))[1]).toMatch(/^unsupported zip compression method 12 in /);
  });

  it('what is not a zip, a tag that never ends, a column past XFD: refused', async () => {
    const garbage = join(dir, 'garbage.xlsx');
    writeFileSync(garbage, 'PK\u0003\u0004 not really a zip');
    expect(await outcome(garbage)).toEqual(['unreadable_file', 'not a zip archive (no end of central directory)']);
    const endless = join(dir, 'endless-tag.xlsx');
    writeHandMadeWorkbook(endless, { sheets: [['Sheet', repeatedPart(`${SHEET_HEAD}<row r="1"><c r="A1" x="`, 'a'.repeat(MIB), 5, `"/></row>${SHEET_TAIL}`)]] });
    expect(await outcome(endless)).toEqual(['unreadable_file', expect.stringMatching(/^an XML tag, comment or declaration runs on for more than 4 MiB/)]);
    const wide = join(dir, 'past-xfd.xlsx');
    writeHandMadeWorkbook(wide, { sheets: [['Sheet', '<row r="1"><c r="XFE1"><v>1</v></c></row>']] });
    expect(await outcome(wide)).toEqual(['unreadable_file', 'cell reference "XFE1" is past the last column (XFD)']);
  });

  it('what costs nothing is read: a shared-strings count of two billion, a million nested elements, the largest dimension', async () => {
    const counted = join(dir, 'sst-count.xlsx');
    writeHandMadeWorkbook(counted, {
      shared: deflated(`${SST_HEAD.replace('<sst ', '<sst count="2000000000" uniqueCount="2000000000" ')}<si><t>a</t></si>${SST_TAIL}`),
      sheets: [['Sheet', '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1999999999</v></c></row>']],
    });
    // the count is not believed (no array is sized by it); an index past the strings is an empty cell
    expect(await readSheets(counted)).toEqual([{ name: 'Sheet', rows: [{ number: 1, texts: ['a'] }] }]);
    const nested = join(dir, 'nested.xlsx');
    writeHandMadeWorkbook(nested, { sheets: [['Sheet', `<row r="1"><c r="A1" t="inlineStr"><is>${'<r>'.repeat(1_000_000)}<t>deep</t>${'</r>'.repeat(1_000_000)}</is></c></row>`]] });
    // the scanner keeps a depth count, no stack of elements
    expect(await readSheets(nested)).toEqual([{ name: 'Sheet', rows: [{ number: 1, texts: ['deep'] }] }]);
    const largest = join(dir, 'dimension.xlsx');
    writeHandMadeWorkbook(largest, {
      sheets: [['Sheet', worksheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>', '', '<dimension ref="A1:XFD1048576"/>')]],
    });
    // the declared dimension is not believed either; the rows are what is there (ingest refuses past 200 columns: too_many_columns)
    const [sheet] = await readSheets(largest);
    expect(sheet.rows.map((r) => [r.number, r.texts.length, r.texts[0], r.texts.at(-1)])).toEqual([
      [1, 1, '1', '1'],
      [1_048_576, 16_384, '', '2'],
    ]);
  });
});

it('date formats: the built-in ones of ECMA-376 §18.8.30, and a code is a date when y m d h s (or b, M) stand outside brackets and quotes', () => {
  expect([...BUILTIN_DATE_FORMATS]).toEqual([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);
  const codes: [string, boolean][] = [
    ['yyyy"年"m"月"d"日"', true],
    ['yyyy-mm-dd hh:mm', true],
    ['mm:ss', true],
    ['b', true],
    ['[h]:mm', true],
    ['0.00" days"', false],
    ['[Red]0.00', false],
    ['General', false],
    ['@', false],
    ['#,##0.00', false],
  ];
  expect(codes.map(([code]) => [code, isDateFormat(code)])).toEqual(codes);
});

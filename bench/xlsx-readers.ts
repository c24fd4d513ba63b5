/**
 * The XLSX reader (sources/xlsx.ts) against exceljs's streaming reader, the maintained library
 * it would return to, on the same workbooks: a large one (300,000 rows × 8 columns, shared
 * strings, date cells, as exceljs's writer streams it) for speed and memory, and hostile ones
 * for what each does with them. Each reading runs in a process of its own (peak RSS is the
 * process's, about 95 MiB of it Node and tsx), stopped after `--timeout` seconds.
 * The figures and the decision they support: docs/xlsx-reader.md.
 * Usage: node --import tsx bench/xlsx-readers.ts [--rows 300000] [--timeout 120]
 *        (inner: node --import tsx bench/xlsx-readers.ts --reader ours|exceljs --file FILE)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { openWorkbook } from '../sources/xlsx.ts';
import { asZip64, deflated, handMadeWorkbook, repeatedPart, SHEET_HEAD, SHEET_TAIL, SST_HEAD, SST_TAIL } from '../test/sources/zip-parts.ts';

const { values } = parseArgs({ options: { reader: { type: 'string' }, file: { type: 'string' }, rows: { type: 'string' }, timeout: { type: 'string' } } });

/** This process's peak RSS in KiB: VmHWM, since getrusage's maximum is inherited across fork and exec from a larger parent. */
function peakKiB(): number {
  const status = existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '';
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS;
}

async function readAll(reader: string, file: string): Promise<number> {
  let rows = 0;
  if (reader === 'ours') {
    const workbook = await openWorkbook(file);
    for (let i = 0; i < workbook.sheetNames.length; i++) for await (const _ of workbook.rows(i)) rows++;
  } else {
    const workbook = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit' });
    for await (const sheet of workbook) for await (const _ of sheet) rows++;
  }
  return rows;
}

if (values.reader && values.file) {
  const started = performance.now();
  const outcome = await readAll(values.reader, values.file).then(
    (rows) => `${rows.toLocaleString('en')} rows`,
    (error: Error) => `refused: ${error.message.replace(/（.*$/, '').slice(0, 70)}`,
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ outcome, seconds, rssMiB: Math.round(peakKiB() / 1024) }));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'safecampus-bench-readers-'));
  const rows = Number(values.rows ?? 300_000);
  const MIB = 1024 * 1024;
  const big = join(dir, 'large.xlsx');
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: big, useSharedStrings: true, useStyles: true });
  const sheet = writer.addWorksheet('数据');
  for (let i = 0; i < rows; i++) {
    const row = sheet.addRow([`Z-${i}`, 2141010000 + (i % 1200), `三楼东侧走廊第${i % 500}号烟感探测器`, 'smoke', new Date(Date.UTC(2025, 2, 5, i % 24)), i * 0.5, i % 3 === 0, '正常']);
    row.getCell(5).numFmt = 'yyyy-mm-dd hh:mm';
    row.commit();
  }
  await writer.commit();
  const laughs = '<!ENTITY lol "lol">' + Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('');
  const withProlog = (prolog: string, data: string) => deflated(`<?xml version="1.0" encoding="UTF-8"?>\n${prolog}${SHEET_HEAD.replace(/^.*\n/, '')}${data}${SHEET_TAIL}`);
  const inlineCell = (text: string) => `<row r="1"><c r="A1" t="inlineStr"><is><t>${text}</t></is></c></row>`;
  const workbooks: [string, Buffer][] = [
    ['zip bomb: a 1.1 GiB cell', handMadeWorkbook({ sheets: [['Sheet', repeatedPart(`${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>`, 'x'.repeat(MIB), 1100, `</t></is></c></row>${SHEET_TAIL}`)]] })],
    ['zip bomb: 1.1 GiB of shared strings', handMadeWorkbook({ shared: repeatedPart(`${SST_HEAD}<si><t>`, 'y'.repeat(MIB), 1100, `</t></si>${SST_TAIL}`), sheets: [['Sheet', '<row r="1"><c r="A1" t="s"><v>0</v></c></row>']] })],
    ['billion laughs', handMadeWorkbook({ sheets: [['Sheet', withProlog(`<!DOCTYPE worksheet [${laughs}]>`, inlineCell('&lol9;'))]] })],
    ['external entity', handMadeWorkbook({ sheets: [['Sheet', withProlog('<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>', inlineCell('&xxe;'))]] })],
    ['ZIP64', asZip64(handMadeWorkbook({ sheets: [['Sheet', '<row r="1"><c r="A1"><v>1</v></c></row>']] }))],
    ['shared-strings count of 2e9', handMadeWorkbook({ shared: deflated(`${SST_HEAD.replace('<sst ', '<sst count="2000000000" uniqueCount="2000000000" ')}<si><t>a</t></si>${SST_TAIL}`), sheets: [['Sheet', '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1999999999</v></c></row>']] })],
    ['a million nested elements', handMadeWorkbook({ sheets: [['Sheet', `<row r="1"><c r="A1" t="inlineStr"><is>${'<r>'.repeat(1_000_000)}<t>deep</t>${'</r>'.repeat(1_000_000)}</is></c></row>`]] })],
    ['cell XFD1048576', handMadeWorkbook({ sheets: [['Sheet', '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>']] })],
  ];
  const files: [string, string][] = [[`${rows.toLocaleString('en')} rows × 8 (${(statSync(big).size / MIB).toFixed(1)} MiB)`, big]];
  workbooks.forEach(([name, bytes], i) => {
    const file = join(dir, `hostile-${i}.xlsx`);
    writeFileSync(file, bytes);
    files.push([name, file]);
  });
  console.log('| workbook | reader | outcome | time | peak RSS |\n| --- | --- | --- | --- | --- |');
  for (const [name, file] of files) {
    for (const reader of ['ours', 'exceljs']) {
      let result: { outcome: string; seconds: number; rssMiB: number };
      try {
        const out = execFileSync(process.execPath, ['--max-old-space-size=4096', '--import', 'tsx', import.meta.filename, '--reader', reader, '--file', file], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
          timeout: Number(values.timeout ?? 120) * 1000,
        });
        result = JSON.parse(out.trim().split('\n').pop()!);
      } catch (error) {
        result = { outcome: `stopped (${(error as NodeJS.ErrnoException).code ?? 'crashed'})`, seconds: NaN, rssMiB: NaN };
      }
      console.log(`| ${name} | ${reader === 'ours' ? 'sources/xlsx.ts' : 'exceljs stream'} | ${result.outcome} | ${result.seconds.toFixed(2)} s | ${result.rssMiB} MiB |`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

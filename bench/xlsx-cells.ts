/**
 * How the XLSX reader's time grows with the size of one cell: a workbook whose second row
 * holds one inline-string cell of N MiB (and rows around it), read with `openWorkbook`, each
 * size in a process of its own, best of `--repeat` runs. Linear growth means the time per MiB
 * stays about the same.
 * Usage: node --import tsx bench/xlsx-cells.ts [--sizes 1,2,4,8,16] [--repeat 3]
 *        (inner: node --import tsx bench/xlsx-cells.ts --read FILE)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openWorkbook } from '../sources/xlsx.ts';
import { handMadeWorkbook, repeatedPart, SHEET_HEAD, SHEET_TAIL } from '../test/sources/zip-parts.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string' }, repeat: { type: 'string' }, read: { type: 'string' }, ascii: { type: 'boolean' } } });

if (values.read) {
  const started = performance.now();
  const workbook = await openWorkbook(values.read);
  let rows = 0;
  for await (const row of workbook.rows(0)) rows += row.texts.length > 0 ? 1 : 0;
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, rows }));
} else {
  const sizes = (values.sizes ?? '1,2,4,8,16').split(',').map(Number);
  const repeat = Number(values.repeat ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'safecampus-bench-xlsx-'));
  console.log('| cell | best of ' + repeat + ' | per MiB |\n| --- | --- | --- |');
  for (const mib of sizes) {
    const file = join(dir, `cell-${mib}.xlsx`);
    const unit = values.ascii ? 'x'.repeat(3072) : '安全隐患描述文字'.repeat(128); // 3 KiB of UTF-8
    const sheet = repeatedPart(
      `${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>备注</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>`,
      unit,
      Math.round((mib * 1024 * 1024) / Buffer.byteLength(unit)),
      `</t></is></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>后一行</t></is></c></row>${SHEET_TAIL}`,
    );
    writeFileSync(file, handMadeWorkbook({ sheets: [['Sheet1', sheet]] }));
    let best = Infinity;
    for (let i = 0; i < repeat; i++) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--read', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      best = Math.min(best, JSON.parse(out).seconds);
    }
    console.log(`| ${mib} MiB | ${best.toFixed(2)} s | ${(best / mib).toFixed(3)} s |`);
  }
  rmSync(dir, { recursive: true, force: true });
}

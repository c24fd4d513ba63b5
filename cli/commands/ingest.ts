import { existsSync } from 'node:fs';
import { stringOption, UsageError, type Command, type CommandContext, type Values } from '../command.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { ingestPath } from '../../sources/ingest.ts';
import { explainPath, type Explanation } from '../../sources/explain.ts';
import { SOURCE_NAMES, type SourceName } from '../../sources/contract.ts';
import { CONTRACTS } from '../../sources/contracts.ts';
import { startProgress, type Progress } from '../progress.ts';

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'land export files (a file or a folder) into the warehouse, or explain what would land (--explain)',
  usage: '<file|dir> [--source NAME] [--sheet NAME] [--as-of YYYY-MM-DD] [--hold-threshold SHARE] [--explain]',
  help: [
    ['--source NAME', `force the source (${SOURCE_NAMES.join('|')}); detected from headers otherwise`],
    ['--sheet NAME', 'XLSX sheet to read (default: the first visible sheet whose header names a source)'],
    ['--as-of YYYY-MM-DD', 'report date of a registry that states none (no 填报日期 column, title row or date in its name)'],
    ['--hold-threshold SHARE', 'reject share above which a batch is held (default 0.2)'],
    ['--explain', 'dry run: how each header maps and why, the source, encoding, header rows, sheet, report date and what would be rejected; lands nothing'],
  ],
  options: {
    source: { type: 'string' },
    sheet: { type: 'string' },
    'as-of': { type: 'string' },
    'hold-threshold': { type: 'string' },
    explain: { type: 'boolean' },
  },
  allowPositionals: true,
  async run(values, positionals, context) {
    if (positionals.length !== 1) throw new UsageError('give exactly one file or folder to ingest');
    const path = positionals[0];
    if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
    const source = stringOption(values, 'source');
    if (source !== undefined && !SOURCE_NAMES.includes(source as SourceName)) {
      throw new UsageError(`--source must be one of ${SOURCE_NAMES.join(', ')}, got "${source}"`);
    }
    const asOf = asOfOption(values);
    const options = { source: source as SourceName | undefined, sheet: stringOption(values, 'sheet'), asOf };
    if (values.explain === true) {
      const explanations = await explainPath(context.dbPath, path, options);
      for (const explanation of explanations) sayExplanation(explanation, context);
      return explanations;
    }
    const thresholdText = stringOption(values, 'hold-threshold');
    const holdThreshold = thresholdText === undefined ? undefined : Number(thresholdText);
    if (holdThreshold !== undefined && !(holdThreshold >= 0 && holdThreshold <= 1)) {
      throw new UsageError(`--hold-threshold must be a share between 0 and 1, got "${thresholdText}"`);
    }
    const db = await Warehouse.open(context.dbPath);
    try {
      await initWarehouse(db);
      let progress: Progress | null = null;
      let rows = 0;
      const started = performance.now();
      const results = await ingestPath(db, path, { ...options, holdThreshold }, (done, total, result) => {
        progress ??= startProgress(context, 'ingest', total, '个文件 files');
        rows += result?.rowsRead ?? 0;
        const rate = Math.round(rows / ((performance.now() - started) / 1000));
        progress.update(done, `${rows.toLocaleString('en')} 行 rows · ${rate.toLocaleString('en')} 行/秒 rows/s`);
      }).finally(() => progress?.finish());
      for (const r of results) {
        const rejects = Object.entries(r.rejectsByReason).map(([k, n]) => `${k} ${n}`).join(', ');
        const skipped = r.rowsSkipped ? `, ${r.rowsSkipped} summary row(s) skipped` : '';
        const masked = r.cellsMasked ? `, personal details masked in ${r.cellsMasked} free-text cell(s)` : '';
        context.say(`${r.status.padEnd(7)} ${r.source ?? '?'} ${r.file}: ${r.rowsLanded} landed, ${r.rowsRejected} rejected${rejects ? ` (${rejects})` : ''}${skipped}${masked}${r.message ? ` — ${r.message}` : ''}`);
      }
      const failed = results.filter((r) => r.status === 'failed').length;
      context.say(`${results.length} file(s): ${results.filter((r) => r.status === 'landed').length} landed, ${results.filter((r) => r.status === 'held').length} held, ${results.filter((r) => r.status === 'skipped').length} skipped, ${failed} failed`);
      if (failed && failed === results.length) throw new Error('no file could be landed; see the messages above and audit.rejects');
      return results;
    } finally {
      db.close();
    }
  },
};

function asOfOption(values: Values): string | undefined {
  const text = stringOption(values, 'as-of');
  if (text === undefined) return undefined;
  const date = new Date(`${text}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
    throw new UsageError(`--as-of must be a date YYYY-MM-DD, got "${text}"`);
  }
  return text;
}

const WHY: Record<string, string> = {
  contract: '合同列名 contract name',
  alias: '内置别名 built-in alias',
  bureau_alias: '局定义别名 bureau alias',
  unit_removed: '去掉括号中的单位后匹配 matched once the bracketed unit is removed',
  position: '表头为空，按位置命名，存入 extra (blank header: named by position, kept in raw.extra)',
  derived: '推导 derived',
  extra: '合同外的列，存入 extra (not in the contract: kept in raw.extra)',
  hidden_helper: '隐藏的辅助列，不入库 (hidden helper column: dropped)',
  empty: '表头和内容都为空，忽略 (empty column without a header: dropped)',
  absent: '文件中没有（可选）(not in the file, optional)',
};

const AS_OF_FROM: Record<string, string> = {
  column: '各行自带的列 each row’s own column',
  title_row: '标题行 title row',
  file_name: '文件名 file name',
  option: '--as-of 参数 option',
};

const NONE = '（无 none）';

/** Columns a text takes in a terminal: Chinese characters and full-width forms take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  return width;
}

function sayExplanation(e: Explanation, context: CommandContext): void {
  const say = (line: string) => context.say(line);
  say(`文件 file: ${e.file}`);
  if (e.landedBefore) say(`  已入库过，将跳过 already landed as batch ${e.landedBefore}: ingest would skip it`);
  if (e.format) say(`  格式 format: ${e.format} · 编码 encoding: ${e.encoding}${e.delimiter ? ` · 分隔符 delimiter: ${JSON.stringify(e.delimiter)}` : ''}`);
  if (e.sheet) say(`  工作表 sheet: ${e.sheet}${e.hiddenSheets.length ? ` · 隐藏的工作表 hidden sheets (not read): ${e.hiddenSheets.join(', ')}` : ''}`);
  if (e.headerRows) say(`  表头 header: 第 ${e.headerRows[0] === e.headerRows[1] ? e.headerRows[0] : `${e.headerRows[0]}–${e.headerRows[1]}`} 行 row(s)${e.headerRows[0] !== e.headerRows[1] ? '（两行表头 two-row header）' : ''}`);
  for (const title of e.titleRows) say(`  标题行 title row: ${title}`);
  if (e.source) say(`  数据源 source: ${e.source} ${CONTRACTS[e.source].zh}`);
  if (e.asOf) say(`  填报日期 as-of: ${e.asOf.date ?? '（每行自带 per row）'} — 来自 from ${AS_OF_FROM[e.asOf.source]}: ${e.asOf.text}`);
  for (const note of e.notes) say(`  注意 note: ${note}`);
  if (e.failure) {
    say(`  整个文件将失败 the whole file would fail: ${e.failure.reason} — ${e.failure.message}`);
  } else {
    say('  表头映射 headers:');
    const width = Math.max(4, ...e.columns.map((c) => displayWidth(c.header ?? NONE)));
    for (const c of e.columns) {
      const header = c.header ?? NONE;
      say(`    ${header}${' '.repeat(width - displayWidth(header))} → ${(c.column ?? '—').padEnd(22)} ${WHY[c.why]}${c.note ? `; ${c.note}` : ''}`);
    }
    say(`  将入库 would land ${e.wouldLand} row(s), 将拒收 would reject ${e.wouldReject}${e.summaryRowsSkipped ? `, 跳过合计行 summary rows skipped ${e.summaryRowsSkipped}` : ''}`);
    for (const r of e.rejects) {
      say(`    ${r.reason} ${r.rows}:`);
      for (const x of r.examples) say(`      第 ${x.row ?? '—'} 行 row ${x.row ?? '—'}: ${x.message}`);
    }
  }
  say('  （试运行，未入库任何数据 dry run: nothing was landed）');
}

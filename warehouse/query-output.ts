/**
 * The shapes a query result leaves in: a terminal table, CSV (UTF-8, with a BOM in
 * files so Excel on Chinese Windows reads it), JSON, Parquet and XLSX. Every writer takes
 * at most `limit` rows and streams them chunk by chunk as DuckDB produces them, so no
 * result is ever held whole; files are written under a temporary name beside the target
 * and renamed into place, so a failed or stopped export leaves nothing behind.
 *
 * Parquet is written by the query's own DuckDB, streaming, into the one file its sandbox lets it
 * write (the export's temporary file); XLSX rows are staged in a temp table there first, so
 * the row count is known to fit a sheet before the workbook is written.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { DuckDBDateValue, DuckDBDecimalValue, DuckDBTimestampValue, DuckDBTypeId, type DuckDBDataChunk, type DuckDBValue } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { plainValue } from './connection.ts';
import { csvField } from './csv.ts';
import type { QueryResult } from './query.ts';

const NUMERIC = new Set([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL,
]);

/** Where text goes: stdout or a file; `write` resolves once the text may be followed by more. */
export interface TextSink {
  write(text: string): Promise<void>;
}

export function streamSink(stream: NodeJS.WritableStream): TextSink {
  return {
    async write(text) {
      if (!stream.write(text)) await once(stream, 'drain');
    },
  };
}

/** The first `limit` rows of the result, chunk by chunk (each chunk's rows as one array). */
async function* rowBatches(result: QueryResult, limit: number): AsyncGenerator<DuckDBValue[][]> {
  let left = limit;
  if (left <= 0) return;
  for await (const chunk of result.chunks()) {
    const batch = chunk.getRows();
    yield batch.length > left ? batch.slice(0, left) : batch;
    left -= batch.length;
    if (left <= 0) return;
  }
}

/** DuckDB's own text for a value (dates, decimals, lists as DuckDB prints them); null stays null. */
function cellText(value: DuckDBValue): string | null {
  return value === null ? null : String(value);
}

// East Asian wide and fullwidth characters take two terminal columns
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;
const MAX_CELL_WIDTH = 60;

function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += WIDE.test(char) ? 2 : 1;
  return width;
}

function clip(text: string): string {
  if (displayWidth(text) <= MAX_CELL_WIDTH) return text;
  let out = '';
  for (const char of text) {
    if (displayWidth(out + char) > MAX_CELL_WIDTH - 1) break;
    out += char;
  }
  return `${out}…`;
}

function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}

/**
 * The table view counts the rows past those it shows, without converting them, up to this
 * many in all; past it the footer says "more than". Counting a billion rows is no view, and a
 * chunk's memory is freed only when the garbage collector gets to it, which counting alone
 * does not prompt: a million wide rows held the process at about 0.9 GB, these about 0.1.
 */
export const TABLE_COUNT_LIMIT = 100_000;

/** An aligned text table of the first `limit` rows with a footer saying how many rows there are (and how many were cut). */
export async function renderTable(result: QueryResult, limit: number): Promise<string> {
  const shown: DuckDBValue[][] = [];
  let total = 0;
  let counted = true;
  for await (const chunk of result.chunks()) {
    if (shown.length < limit) shown.push(...chunk.getRows().slice(0, limit - shown.length));
    total += chunk.rowCount;
    if (total > TABLE_COUNT_LIMIT) {
      counted = false;
      break;
    }
  }
  const header = result.columns.map(clip);
  const body = shown.map((row) => row.map((value) => clip((cellText(value) ?? 'NULL').replace(/\s+/g, ' '))));
  const right = result.types.map((type) => NUMERIC.has(type.typeId));
  const widths = header.map((name, i) => Math.max(displayWidth(name), ...body.map((row) => displayWidth(row[i]))));
  const line = (cells: string[], align: boolean[]) => cells.map((cell, i) => pad(cell, widths[i], align[i])).join('  ').trimEnd();
  const lines = [line(header, right), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map((row) => line(row, right))];
  const more = '--limit N shows more, --format csv|xlsx --out FILE exports them all';
  if (!counted) {
    lines.push(
      `显示前 ${body.length} 行，结果超过 ${TABLE_COUNT_LIMIT} 行（未全部计数）/ showing ${body.length} of more than ${TABLE_COUNT_LIMIT} rows (not all counted): ` +
        `${more}; count them with select count(*) from (<SQL>)`,
    );
  } else if (total > body.length) {
    const cut = total - body.length;
    lines.push(`显示前 ${body.length} 行，共 ${total} 行，另有 ${cut} 行未显示 / showing ${body.length} of ${total} rows, ${cut} cut: ${more}`);
  } else {
    lines.push(`${total} 行 / rows`);
  }
  return `${lines.join('\n')}\n`;
}

/** RFC 4180 CSV with CRLF line ends, formulas made inert (warehouse/csv.ts); `bom` prefixes the UTF-8 byte-order mark Excel needs. Returns the rows written. */
export async function writeCsv(result: QueryResult, limit: number, sink: TextSink, bom: boolean): Promise<number> {
  await sink.write(`${bom ? '\uFEFF' : ''}${result.columns.map(csvField).join(',')}\r\n`);
  let rows = 0;
  for await (const batch of rowBatches(result, limit)) {
    await sink.write(batch.map((row) => `${row.map((value) => csvField(cellText(value))).join(',')}\r\n`).join(''));
    rows += batch.length;
  }
  return rows;
}

/** A JSON array of row objects, one row per line; numbers as numbers where they fit, dates and times as text. Returns the rows written. */
export async function writeJson(result: QueryResult, limit: number, sink: TextSink): Promise<number> {
  let rows = 0;
  for await (const batch of rowBatches(result, limit)) {
    const lines = batch.map((row) => JSON.stringify(Object.fromEntries(row.map((value, i) => [result.columns[i], plainValue(value)]))));
    await sink.write(`${rows === 0 ? '[\n' : ',\n'}${lines.join(',\n')}`);
    rows += batch.length;
  }
  await sink.write(rows === 0 ? '[]\n' : '\n]\n');
  return rows;
}

/** A name for `file`'s temporary file: in its folder (so the rename is atomic), used by no one else. */
export function temporaryPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`);
}

/**
 * Writes `write(temporary)` and renames it to `file`; a failed or stopped export removes the
 * temporary file and leaves `file` as it was.
 */
export async function writeAtomically<T>(file: string, write: (temporary: string) => Promise<T>, temporary = temporaryPathFor(file)): Promise<T> {
  mkdirSync(dirname(file), { recursive: true });
  try {
    const result = await write(temporary);
    renameSync(temporary, file);
    return result;
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** Streams CSV or JSON into a new file at `path`. */
export async function writeTextFile(path: string, fill: (sink: TextSink) => Promise<number>): Promise<number> {
  const stream = createWriteStream(path, { flags: 'wx' });
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => undefined);
  try {
    const rows = await Promise.race([fill(streamSink(stream)), failed]);
    stream.end();
    await Promise.race([once(stream, 'finish'), failed]);
    return rows;
  } finally {
    stream.destroy();
  }
}

/** The query as a table expression for a staged export; an EXPLAIN plan is no table. */
function relationOf(result: QueryResult, format: string): string {
  if (result.relation === null) throw new Error(`EXPLAIN 的结果不能导出为 ${format} / an EXPLAIN plan does not export as ${format}: print it, or export it as csv or json`);
  return result.relation;
}

async function drain(chunks: AsyncGenerator<DuckDBDataChunk>): Promise<DuckDBDataChunk[]> {
  const all: DuckDBDataChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

/**
 * Writes the first `limit` rows as Parquet to `file` through `temporary`, the one file the
 * query's DuckDB may write (QueryOptions.writablePath): DuckDB streams the result into it.
 * Returns the rows written.
 */
export async function writeParquet(result: QueryResult, limit: number, file: string, temporary: string): Promise<number> {
  return writeAtomically(
    file,
    async (path) => {
      const [counted] = await drain(result.run(`copy (select * from ${relationOf(result, 'parquet')} limit ${limit}) to '${path.replaceAll("'", "''")}' (format parquet)`));
      return Number(counted.getRows()[0][0]);
    },
    temporary,
  );
}

/**
 * A cell as Excel should hold it: real numbers, dates and booleans; everything else as
 * DuckDB's text, stored as a string cell — which Excel never evaluates, so a text that
 * looks like a formula stays text (the writer never makes formula cells).
 */
function xlsxCell(value: DuckDBValue): { value: ExcelJS.CellValue; numFmt?: string } {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { value };
  if (typeof value === 'bigint') return { value: Number.isSafeInteger(Number(value)) ? Number(value) : value.toString() };
  if (value instanceof DuckDBDecimalValue) return { value: value.toDouble() };
  // exceljs writes a Date's UTC fields as the cell's wall time; warehouse times are Shanghai wall time
  const date = value instanceof DuckDBDateValue ? new Date(value.days * 86_400_000) : value instanceof DuckDBTimestampValue ? new Date(Number(value.micros / 1000n)) : null;
  if (date && !Number.isNaN(date.getTime())) return { value: date, numFmt: value instanceof DuckDBDateValue ? 'yyyy-mm-dd' : 'yyyy-mm-dd hh:mm:ss' };
  return { value: String(value) };
}

/** Excel's 1,048,576 rows per sheet, less the header row. */
export const XLSX_MAX_ROWS = 1_048_575;
const WIDTH_SAMPLE_ROWS = 1000;

/**
 * One sheet 查询结果: the column names as the header row (bold, frozen), then the rows. The
 * rows are first staged in a temp table of the query's DuckDB (spilling under its limits), so
 * a result larger than a sheet is refused before anything is written. Returns the rows written.
 */
export async function writeXlsx(result: QueryResult, limit: number, file: string): Promise<number> {
  const staged = 'safecampus_export';
  await drain(result.run(`create temp table ${staged} as select * from ${relationOf(result, 'xlsx')} limit ${Math.min(limit, XLSX_MAX_ROWS + 1)}`));
  const [counted] = await drain(result.run(`select count(*) from ${staged}`));
  const rows = Number(counted.getRows()[0][0]);
  if (rows > XLSX_MAX_ROWS) {
    throw new Error(
      `一个 Excel 工作表最多 ${XLSX_MAX_ROWS} 行数据，结果超过了 / an Excel sheet holds at most ${XLSX_MAX_ROWS} data rows, the result has more: ` +
        'export csv or parquet instead, or narrow the query (--limit N)',
    );
  }
  // column widths from the header and the first rows: the streaming writer fixes them before any row
  const widths = result.columns.map(displayWidth);
  for (const chunk of await drain(result.run(`select * from ${staged} limit ${WIDTH_SAMPLE_ROWS}`))) {
    for (const row of chunk.getRows()) {
      row.forEach((value, i) => {
        widths[i] = Math.max(widths[i], displayWidth(cellText(value) ?? ''));
      });
    }
  }
  await writeAtomically(file, async (path) => {
    // streamed to disk row by row: an in-memory workbook needs gigabytes for a few hundred thousand rows
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
    workbook.creator = 'safecampus';
    const sheet = workbook.addWorksheet('查询结果', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = result.columns.map((header, i) => ({ header, width: Math.min(Math.max(widths[i] + 2, 8), MAX_CELL_WIDTH) }));
    sheet.getRow(1).font = { bold: true };
    for await (const chunk of result.run(`select * from ${staged}`)) {
      for (const row of chunk.getRows()) {
        const cells = row.map(xlsxCell);
        const added = sheet.addRow(cells.map((c) => c.value));
        cells.forEach((cell, i) => {
          if (cell.numFmt) added.getCell(i + 1).numFmt = cell.numFmt;
        });
        added.commit();
      }
    }
    await workbook.commit();
  });
  return rows;
}

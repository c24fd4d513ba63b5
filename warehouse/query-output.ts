/**
 * The shapes a query result leaves in: a terminal table, CSV (UTF-8, with a BOM in
 * files so Excel on Chinese Windows reads it), JSON, Parquet and XLSX. Every writer takes
 * at most `limit` rows; files are written beside the target and renamed into place.
 *
 * Parquet is written by DuckDB, but the query's own DuckDB cannot touch files: the
 * result's data chunks are appended into a second, in-memory DuckDB that only ever runs
 * the project's fixed COPY statement.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBDateValue, DuckDBDecimalValue, DuckDBInstance, DuckDBTimestampValue, DuckDBTypeId, type DuckDBValue } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { plainValue } from './connection.ts';
import type { QueryResult } from './query.ts';

const NUMERIC = new Set([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL,
]);

/** The first `limit` rows of the result, in order. */
function* rows(result: QueryResult, limit: number): Generator<DuckDBValue[]> {
  let left = limit;
  for (const chunk of result.chunks) {
    if (left <= 0) return;
    const chunkRows = chunk.getRows();
    for (const row of chunkRows.slice(0, left)) yield row;
    left -= chunkRows.length;
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

/** An aligned text table of the first `limit` rows with a footer saying how many rows there are (and how many were cut). */
export function renderTable(result: QueryResult, limit: number): string {
  const header = result.columns.map(clip);
  const body = [...rows(result, limit)].map((row) => row.map((value) => clip((cellText(value) ?? 'NULL').replace(/\s+/g, ' '))));
  const right = result.types.map((type) => NUMERIC.has(type.typeId));
  const widths = header.map((name, i) => Math.max(displayWidth(name), ...body.map((row) => displayWidth(row[i]))));
  const line = (cells: string[], align: boolean[]) => cells.map((cell, i) => pad(cell, widths[i], align[i])).join('  ').trimEnd();
  const lines = [line(header, right), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map((row) => line(row, right))];
  const cut = result.rowCount - body.length;
  lines.push(
    cut > 0
      ? `显示前 ${body.length} 行，共 ${result.rowCount} 行，另有 ${cut} 行未显示 / showing ${body.length} of ${result.rowCount} rows, ${cut} cut: ` +
          '--limit N shows more, --format csv|xlsx --out FILE exports them all'
      : `${result.rowCount} 行 / rows`,
  );
  return `${lines.join('\n')}\n`;
}

function csvField(text: string | null): string {
  if (text === null) return '';
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV with CRLF line ends; `bom` prefixes the UTF-8 byte-order mark Excel needs to read UTF-8. */
export function renderCsv(result: QueryResult, limit: number, bom: boolean): string {
  const lines = [result.columns.map(csvField).join(',')];
  for (const row of rows(result, limit)) lines.push(row.map((value) => csvField(cellText(value))).join(','));
  return `${bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}

/** A JSON array of row objects, one row per line; numbers as numbers where they fit, dates and times as text. */
export function renderJson(result: QueryResult, limit: number): string {
  const lines = [...rows(result, limit)].map((row) => JSON.stringify(Object.fromEntries(row.map((value, i) => [result.columns[i], plainValue(value)]))));
  return lines.length ? `[\n${lines.join(',\n')}\n]\n` : '[]\n';
}

/** Writes `write(temporaryPath)` and renames it to `file`, so a failed export leaves no half file. */
async function writeAtomically(file: string, write: (path: string) => Promise<void>): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await write(temporary);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

export async function writeText(file: string, text: string): Promise<void> {
  await writeAtomically(file, async (path) => writeFileSync(path, text));
}

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function writeParquet(result: QueryResult, limit: number, file: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const columns = result.columns.map((name, i) => `${quoteIdentifier(name)} ${result.types[i].toString()}`);
    await connection.run(`create table result (${columns.join(', ')})`);
    const appender = await connection.createAppender('result');
    for (const chunk of result.chunks) appender.appendDataChunk(chunk);
    appender.closeSync();
    await writeAtomically(file, async (path) => {
      await connection.run(`copy (select * from result limit ${limit}) to '${path.replaceAll("'", "''")}' (format parquet)`);
    });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A cell as Excel should hold it: real numbers, dates and booleans; everything else as DuckDB's text. */
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
const XLSX_MAX_ROWS = 1_048_575;
const WIDTH_SAMPLE_ROWS = 1000;

/** One sheet 查询结果: the column names as the header row (bold, frozen), then the rows. */
export async function writeXlsx(result: QueryResult, limit: number, file: string): Promise<void> {
  const rowCount = Math.min(result.rowCount, limit);
  if (rowCount > XLSX_MAX_ROWS) {
    throw new Error(
      `一个 Excel 工作表最多 ${XLSX_MAX_ROWS} 行数据，结果有 ${rowCount} 行 / an Excel sheet holds at most ${XLSX_MAX_ROWS} data rows, the result has ${rowCount}: ` +
        'export csv or parquet instead, or narrow the query (--limit N)',
    );
  }
  // column widths from the header and the first rows: the streaming writer fixes them before any row
  const widths = result.columns.map(displayWidth);
  for (const row of rows(result, Math.min(limit, WIDTH_SAMPLE_ROWS))) {
    row.forEach((value, i) => {
      widths[i] = Math.max(widths[i], displayWidth(cellText(value) ?? ''));
    });
  }
  await writeAtomically(file, async (path) => {
    // streamed to disk row by row: an in-memory workbook needs gigabytes for a few hundred thousand rows
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
    workbook.creator = 'safecampus';
    const sheet = workbook.addWorksheet('查询结果', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = result.columns.map((header, i) => ({ header, width: Math.min(Math.max(widths[i] + 2, 8), MAX_CELL_WIDTH) }));
    sheet.getRow(1).font = { bold: true };
    for (const row of rows(result, limit)) {
      const cells = row.map(xlsxCell);
      const added = sheet.addRow(cells.map((c) => c.value));
      cells.forEach((cell, i) => {
        if (cell.numFmt) added.getCell(i + 1).numFmt = cell.numFmt;
      });
      added.commit();
    }
    await workbook.commit();
  });
}

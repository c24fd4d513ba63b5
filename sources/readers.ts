/**
 * Readers bring any export into one DuckDB temp table of text columns (the file's own
 * headers) plus `_row`, the data row number. Bulk paths only: DuckDB's read_csv for
 * UTF-8, a streaming GBK→UTF-8 decode for GBK, a streaming XLSX→CSV pass for Excel,
 * and DuckDB's JSON functions for NDJSON/JSON. Rows the CSV parser cannot split come
 * back as structural rejects instead of failing the file.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Warehouse } from '../warehouse/connection.ts';
import type { FileFormat } from './detect.ts';

export interface StructuralReject {
  row: number | null;
  raw: string;
  message: string;
}

export interface LandedFile {
  table: string;
  headers: string[];
  rows: number;
  structuralRejects: StructuralReject[];
}

export interface ReadOptions {
  /** XLSX sheet name; the first sheet when absent. */
  sheet?: string;
  /** Scratch directory for decoded/converted intermediate files. */
  scratchDir: string;
}

export class UnreadableFileError extends Error {}

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;
export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function readIntoTable(db: Warehouse, path: string, format: FileFormat, table: string, options: ReadOptions): Promise<LandedFile> {
  switch (format) {
    case 'csv-utf8':
    case 'csv-utf8-bom':
      return readCsv(db, path, table);
    case 'csv-gbk': {
      const utf8 = `${options.scratchDir}/${table}.utf8.csv`;
      await pipeline(createReadStream(path), iconv.decodeStream('gb18030'), iconv.encodeStream('utf8'), createWriteStream(utf8));
      return readCsv(db, utf8, table);
    }
    case 'xlsx': {
      const csv = `${options.scratchDir}/${table}.xlsx.csv`;
      await xlsxToCsv(path, csv, options.sheet);
      return readCsv(db, csv, table);
    }
    case 'ndjson':
      return readNdjson(db, path, table);
    case 'json':
      return readJsonArray(db, path, table);
  }
}

async function readCsv(db: Warehouse, path: string, table: string): Promise<LandedFile> {
  const rejectsTable = `${table}_rejects`;
  const scanTable = `${table}_scans`;
  try {
    await db.run(
      `create temp table ${table} as
       select row_number() over () as _row, *
       from read_csv(${sqlString(path)}, header = true, all_varchar = true, store_rejects = true,
                     rejects_table = ${sqlString(rejectsTable)}, rejects_scan = ${sqlString(scanTable)},
                     max_line_size = 4194304)`,
    );
  } catch (error) {
    const message = (error as Error).message;
    if (/No files found|empty/i.test(message)) throw new UnreadableFileError('the file has no header row (empty file)');
    throw new UnreadableFileError(`the file cannot be read as CSV: ${message.split('\n')[0]}`);
  }
  const headers = (await db.all<{ column_name: string }>(`describe ${table}`)).map((r) => r.column_name).filter((c) => c !== '_row');
  const rejected = await db.all<{ line: number; csv_line: string; error_type: string; error_message: string }>(
    `select distinct on (line) line, csv_line, error_type, error_message from ${rejectsTable} order by line`,
  );
  await db.run(`drop table if exists ${rejectsTable}`);
  await db.run(`drop table if exists ${scanTable}`);
  const structuralRejects = rejected.map((r) => ({
    row: Number(r.line) - 1,
    raw: r.csv_line,
    message: `${r.error_type}: ${r.error_message}`,
  }));
  const rows = (await db.value<number>(`select count(*) from ${table}`)) + structuralRejects.length;
  return { table, headers, rows, structuralRejects };
}

async function readNdjson(db: Warehouse, path: string, table: string): Promise<LandedFile> {
  const lines = `${table}_lines`;
  await db.run(
    `create temp table ${lines} as
     select row_number() over () as _row, line
     from read_csv(${sqlString(path)}, columns = {'line': 'VARCHAR'}, header = false, auto_detect = false,
                   delim = E'\\x1f', quote = '', escape = '', max_line_size = 4194304)
     where trim(coalesce(line, '')) <> ''`,
  );
  const bad = await db.all<{ _row: number; line: string }>(
    `select _row, line from ${lines} where not coalesce(json_valid(line), false) or json_type(line) <> 'OBJECT' order by _row`,
  );
  const keys = (
    await db.all<{ key: string }>(
      `select key from (select unnest(json_keys(line)) as key, min(_row) as first_row from ${lines}
       where coalesce(json_valid(line), false) and json_type(line) = 'OBJECT' group by all) order by first_row, key`,
    )
  ).map((r) => r.key);
  const select = keys.map((k) => `json_extract_string(line, ${sqlString(`$."${k.replaceAll('"', '\\"')}"`)}) as ${quoteIdent(k)}`);
  await db.run(
    `create temp table ${table} as select _row${select.length ? ', ' + select.join(', ') : ''} from ${lines}
     where coalesce(json_valid(line), false) and json_type(line) = 'OBJECT'`,
  );
  const rows = await db.value<number>(`select count(*) from ${lines}`);
  await db.run(`drop table ${lines}`);
  return {
    table,
    headers: keys,
    rows,
    structuralRejects: bad.map((b) => ({ row: b._row, raw: b.line, message: 'not a valid JSON object line' })),
  };
}

async function readJsonArray(db: Warehouse, path: string, table: string): Promise<LandedFile> {
  try {
    await db.run(`create temp table ${table}_typed as select * from read_json(${sqlString(path)}, format = 'array', records = true, maximum_object_size = 16777216)`);
  } catch (error) {
    throw new UnreadableFileError(`the file is not a valid JSON array of records: ${(error as Error).message.split('\n')[0]}`);
  }
  const headers = (await db.all<{ column_name: string }>(`describe ${table}_typed`)).map((r) => r.column_name);
  const select = headers.map((h) => `case when ${quoteIdent(h)} is null then null else trim(cast(${quoteIdent(h)} as varchar), '"') end as ${quoteIdent(h)}`);
  await db.run(`create temp table ${table} as select row_number() over () as _row, ${select.join(', ')} from ${table}_typed`);
  await db.run(`drop table ${table}_typed`);
  return { table, headers, rows: await db.value<number>(`select count(*) from ${table}`), structuralRejects: [] };
}

/** Streams the chosen sheet into a UTF-8 CSV, cells as text; dates as Shanghai wall time. */
async function xlsxToCsv(path: string, csvPath: string, sheet?: string): Promise<void> {
  const out = createWriteStream(csvPath);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  let found = false;
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit' });
    for await (const worksheet of reader) {
      const name = (worksheet as unknown as { name?: string }).name;
      if (found || (sheet !== undefined && name !== sheet)) continue;
      found = true;
      let width = 0;
      for await (const row of worksheet) {
        const values = (row.values as unknown[]).slice(1);
        if (width === 0) width = values.length;
        const cells = Array.from({ length: width }, (_, i) => csvCell(cellText(values[i])));
        await write(cells.join(',') + '\n');
      }
    }
  } catch (error) {
    out.destroy();
    throw new UnreadableFileError(`the file cannot be read as XLSX: ${(error as Error).message}`);
  }
  out.end();
  await once(out, 'finish');
  if (!found) throw new UnreadableFileError(sheet ? `the workbook has no sheet named "${sheet}"` : 'the workbook has no sheet');
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // exceljs returns the cell's wall-clock time as if it were UTC
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: string; result?: unknown; error?: string };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if (v.result !== undefined) return cellText(v.result);
    if (v.text !== undefined) return v.text;
    if (v.error !== undefined) return '';
  }
  return String(value);
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

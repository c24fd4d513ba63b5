/**
 * Readers open any export for landing: its headers are known up front (so the source is
 * known before any row is read), then `rows` lands its rows and hands validation a
 * relation of text columns (the file's own headers) plus `_row`, the data row number
 * (header excluded); rows that cannot be split into fields go to a temp table (`_row`,
 * `line`, `message`). Bulk paths only: UTF-8 CSV is landed by
 * DuckDB's parallel read_csv (rows numbered by their position, so nothing forces one
 * thread), GBK is decoded to UTF-8 in a streaming pass first, XLSX is streamed to CSV
 * and landed, NDJSON/JSON go through DuckDB's JSON functions.
 *
 * CSV is read with the dialect fixed from the header line (delimiter counted there,
 * RFC 4180 quotes) rather than sniffed: DuckDB's sniffer, given a file whose last row
 * is cut inside a quoted field, picks a quote-less dialect and rejects every other row.
 * Title rows above the header are skipped. Blank lines are not rows; a malformed row
 * right after a blank line is numbered as if the blank line were one (DuckDB counts it),
 * the one place numbering can drift by one.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import type { Warehouse } from '../warehouse/connection.ts';
import { chooseSheet, headerLayout, HEADER_SEARCH_ROWS, isAscii, parseHeaderRecord, readHead, uniqueHeaders, type FileFormat } from './detect.ts';
import type { FileRejectReason } from './contract.ts';
import { MAX_CELL_CHARACTERS, openWorkbook, XlsxLimitError, type SheetLayout, type SheetRow } from './xlsx.ts';

/** Where an export's header and rows were found, for the report date and `ingest --explain`. */
export interface FileLayout {
  /** The sheet read (XLSX), and the workbook's hidden sheets. */
  sheet?: string;
  hiddenSheets?: string[];
  /** Rows above the header (a report name, 统计时间：2025年1月), as their cells. */
  titleRows: string[][];
  /** Line or Excel row numbers of the header's first and last row (two for a group title over the names); null without a header row (JSON). */
  headerRows: [number, number] | null;
  /** Headers of hidden columns (XLSX): kept when they name a contract column, otherwise dropped as helpers. */
  hiddenHeaders: string[];
  /** Names given to columns whose header cell is blank (by position: column7, or the Excel letter G). */
  blankHeaders: string[];
}

/** An export ready to be read: its headers, and `rows` to land its rows. */
export interface OpenedFile {
  headers: string[];
  layout: FileLayout;
  /** Temp table (`_row`, `line`, `message`) of rows with a cell longer than an Excel cell can be (XLSX only). */
  cellTooLargeTable?: string;
  /** The format as opened; `rows` returns the format as finally read. */
  format: FileFormat;
  /** Temp table (`_row`, `line`, `message`) of rows that could not be split into fields; complete once `rows` has run. */
  malformedTable: string;
  /** How a malformed line is laid out, for masking PII in it. */
  lineLayout: { delimiter: string } | 'json';
  /**
   * Lands the rows (for delimited text: read_csv into a temp table) and returns a relation
   * of `_row`, the data row number, plus one VARCHAR column per header, and the format as
   * read: a UTF-8-looking head over a GBK body is read again as csv-gbk. Afterwards
   * `malformedTable` is complete.
   */
  rows(): Promise<{ relation: string; format: FileFormat }>;
}

export interface ReadOptions {
  /** XLSX sheet name; the first sheet when absent. */
  sheet?: string;
  /** Scratch directory for decoded/converted intermediate files. */
  scratchDir: string;
}

export class UnreadableFileError extends Error {
  constructor(
    message: string,
    readonly reasonCode: FileRejectReason = 'unreadable_file',
  ) {
    super(message);
  }
}

/** A rejected row's content is kept up to this many characters. */
const MAX_REJECT_LINE = 10_000;

/**
 * The most columns an export may have. The widest contract has 19 and unknown columns are
 * kept, but every column costs the validation query memory: at 300 a one-row file no longer
 * fitted the ingest's 256 MB, at 200 it lands in about 4 s.
 */
export const MAX_COLUMNS = 200;

/** Refuses a file wider than MAX_COLUMNS before its rows are read. */
function checkWidth(columns: number): void {
  if (columns <= MAX_COLUMNS) return;
  throw new UnreadableFileError(
    `文件有 ${columns} 列，超过 ${MAX_COLUMNS} 列的上限，未读取（the file has ${columns} columns, more than the ${MAX_COLUMNS} an export may have: export only the columns the source needs）`,
    'too_many_columns',
  );
}

export class EmptyFileError extends UnreadableFileError {}

/** Longest row (or JSON record) read; a longer one is a malformed row, not a crash. */
export const MAX_ROW_BYTES = 4 * 1024 * 1024;

// CASE, not AND: DuckDB evaluates both sides of AND, and json_type throws on invalid JSON
const IS_OBJECT = `case when json_valid(line) then json_type(line) = 'OBJECT' else false end`;

export const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;
export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const jsonKeyPath = (key: string) => sqlString(`$."${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`);

export async function openFile(db: Warehouse, path: string, format: FileFormat, table: string, options: ReadOptions): Promise<OpenedFile> {
  switch (format) {
    case 'csv-utf8':
    case 'csv-utf8-bom':
    case 'csv-gbk':
      return openDelimited(db, path, format, table, options);
    case 'xlsx': {
      const csv = `${options.scratchDir}/${table}.xlsx.csv`;
      const tooLarge = `${options.scratchDir}/${table}.too-large.csv`;
      const { headers, layout, merges } = await xlsxToCsv(path, csv, tooLarge, options.sheet);
      await readXlsxCsv(db, csv, table, headers);
      await fillMergedDown(db, table, headers, merges);
      await db.run(
        `create or replace temp table ${table}_too_large as
         select * from read_csv(${sqlString(tooLarge)}, columns = {'_row': 'BIGINT', 'line': 'VARCHAR', 'message': 'VARCHAR'}, header = false,
                                auto_detect = false, delim = ',', quote = '"', escape = '"', max_line_size = ${MAX_ROW_BYTES})`,
      );
      return { ...landed(table, await unfoldOverflow(db, table, headers), format, { delimiter: ',' }, layout), cellTooLargeTable: `${table}_too_large` };
    }
    case 'ndjson':
      await readLines(db, path, table);
      return landed(table, await objectsToColumns(db, table), format, 'json', NO_LAYOUT);
    case 'json':
      await readJsonArray(db, path, table);
      return landed(table, await objectsToColumns(db, table), format, 'json', NO_LAYOUT);
  }
}

const NO_LAYOUT: FileLayout = { titleRows: [], headerRows: null, hiddenHeaders: [], blankHeaders: [] };

/** A file already landed in `table` with its `_row` (XLSX, JSON): validation reads that table. */
function landed(table: string, headers: string[], format: FileFormat, lineLayout: OpenedFile['lineLayout'], layout: FileLayout): OpenedFile {
  return {
    headers,
    layout,
    format,
    lineLayout,
    malformedTable: `${table}_malformed`,
    rows: async () => ({ relation: table, format }),
  };
}

async function dropReadTables(db: Warehouse, table: string): Promise<void> {
  for (const suffix of ['', '_numbered', '_malformed', '_lines', '_records', '_rej', '_scan', '_gaps', '_lines_gaps']) await db.run(`drop table if exists ${table}${suffix}`);
}

const CSV_ERRORS: Record<string, string> = {
  'MISSING COLUMNS': '字段数少于表头，行可能被截断（fewer fields than the header: the row looks cut off）',
  'TOO MANY COLUMNS': '字段数多于表头，可能有多余的分隔符或引号（more fields than the header: a stray delimiter or quote?）',
  'UNQUOTED VALUE': '引号未闭合，行可能被截断（a quoted field is not closed: the row looks cut off）',
  'LINE SIZE OVER MAXIMUM': `行长度超过 ${MAX_ROW_BYTES / 1024 / 1024} MiB 上限（the row is longer than the ${MAX_ROW_BYTES / 1024 / 1024} MiB limit: check the export for a runaway cell）`,
  'INVALID ENCODING': '不是有效的 UTF-8 文本（not valid UTF-8 text: re-export the file in one encoding）',
};

interface CsvLayout {
  delimiter: string;
  /** Column names in file order; all read as VARCHAR. */
  columns: string[];
  /** Lines before the header line; null when the file has no header line. */
  skipLines: number | null;
}

/** DuckDB's read_csv over a UTF-8 file with a fixed dialect; unparsable rows go to `<table>_rej`. */
function readCsvSql(path: string, layout: CsvLayout, table: string, strict: boolean): string {
  return `read_csv(${sqlString(path)}, header = ${layout.skipLines !== null}, skip = ${layout.skipLines ?? 0}, auto_detect = false,
                   columns = {${layout.columns.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(', ')}},
                   delim = ${sqlString(layout.delimiter)}, quote = '"', escape = '"', strict_mode = ${strict},
                   store_rejects = true, rejects_table = '${table}_rej', rejects_scan = '${table}_scan',
                   max_line_size = ${MAX_ROW_BYTES})`;
}

/**
 * Delimited text: GBK is first decoded to a UTF-8 scratch file; the header record (below
 * any title rows) fixes the dialect and columns; `rows` lands the rows and numbers them
 * by position in file order.
 */
async function openDelimited(db: Warehouse, path: string, format: FileFormat, table: string, options: ReadOptions): Promise<OpenedFile> {
  const utf8Path = format === 'csv-gbk' ? await decodeGbk(path, `${options.scratchDir}/${table}.utf8.csv`) : path;
  const text = (await readHead(utf8Path)).toString('utf8');
  if (!text.replace(/^\uFEFF/, '').trim()) throw new EmptyFileError('文件没有表头行（the file has no header row: re-export it with headers）');
  const { delimiter, fields, skipLines, titleRows, headerLines } = parseHeaderRecord(text);
  checkWidth(fields.length);
  const headers = uniqueHeaders(fields);
  const layout: CsvLayout = { delimiter, columns: headers, skipLines };
  return {
    headers,
    layout: { titleRows, headerRows: headerLines, hiddenHeaders: [], blankHeaders: headers.filter((_, i) => fields[i].trim() === '') },
    format,
    lineLayout: { delimiter },
    malformedTable: `${table}_malformed`,
    rows: async () => {
      // no row_number(): it would make DuckDB read on one thread; the table keeps file
      // order, so rowid is the position among the rows read
      const land = (strict: boolean) => db.run(`create or replace temp table ${table} as select * from ${readCsvSql(utf8Path, layout, table, strict)}`);
      await strictThenLenient(land, '无法按 CSV 读取（the file cannot be read as CSV');
      const invalidEncoding = await collectMalformed(db, table, 1 + skipLines);
      if (format === 'csv-utf8' && invalidEncoding > 0 && isAscii(await readHead(path))) {
        await dropReadTables(db, table);
        return (await openDelimited(db, path, 'csv-gbk', table, options)).rows();
      }
      if ((await db.value<number>(`select count(*) from ${table}_malformed`)) === 0) return { relation: `(select rowid + 1 as _row, * from ${table})`, format };
      // rare: number the rows, then push each one past the malformed rows before it
      await db.run(`create or replace temp table ${table}_numbered as select rowid + 1 as _row, * from ${table}`);
      await db.run(`drop table ${table}`);
      await renumberAroundMalformed(db, `${table}_numbered`, `${table}_malformed`);
      return { relation: `${table}_numbered`, format };
    },
  };
}

/** GBK/GB18030 to UTF-8 in one streaming pass (1 MiB chunks: memory stays flat whatever the size). */
async function decodeGbk(path: string, target: string): Promise<string> {
  const decoder = new TextDecoder('gb18030');
  await pipeline(
    createReadStream(path, { highWaterMark: 1 << 20 }),
    new Transform({
      transform: (chunk: Buffer, _encoding, done) => done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8')),
      flush: (done) => done(null, Buffer.from(decoder.decode(), 'utf8')),
    }),
    createWriteStream(target),
  );
  return target;
}

/**
 * The rows read_csv could not split, from `<table>_rej` into `<table>_malformed`, numbered
 * as data rows (`linesBefore` = header and title lines). Returns how many were not UTF-8.
 */
async function collectMalformed(db: Warehouse, table: string, linesBefore: number): Promise<number> {
  const errorText = `case error_type ${Object.entries(CSV_ERRORS).map(([k, v]) => `when ${sqlString(k)} then ${sqlString(v)}`).join(' ')} else error_message end`;
  await db.run(
    `create or replace temp table ${table}_malformed as
     select line - ${linesBefore} as _row, ltrim(csv_line, chr(10) || chr(13)) as line,
            '无法解析的行：' || ${errorText} || '（the row cannot be parsed）' as message, error_type
     from (select distinct on (line) * from ${table}_rej order by line, byte_position)`,
  );
  await db.run(`drop table if exists ${table}_rej`);
  await db.run(`drop table if exists ${table}_scan`);
  return db.value<number>(`select count(*) from ${table}_malformed where error_type = 'INVALID ENCODING'`);
}

/** The XLSX conversion (no header line; first column the data row number, last the overflow cells) into `table`. */
async function readXlsxCsv(db: Warehouse, path: string, table: string, headers: string[]): Promise<void> {
  const layout: CsvLayout = { delimiter: ',', columns: ['_row', ...headers, '_overflow'], skipLines: null };
  const read = (strict: boolean) =>
    db.run(`create or replace temp table ${table} as select cast(_row as bigint) as _row, * exclude (_row) from ${readCsvSql(path, layout, table, strict)}`);
  await strictThenLenient(read, '无法按 CSV 读取（the file cannot be read as CSV');
  await collectMalformed(db, table, 0);
}

/**
 * Good rows were numbered by position among good rows; each malformed row before one
 * pushes its number up by one. Only rows after the first malformed row are touched.
 */
async function renumberAroundMalformed(db: Warehouse, target: string, malformed: string): Promise<void> {
  await db.run(
    `create or replace temp table ${target}_gaps as
     select good_before, max(shift) as shift from (
       select _row - row_number() over (order by _row) as good_before, row_number() over (order by _row) as shift
       from ${malformed}) group by all`,
  );
  await db.run(
    `update ${target} set _row = ${target}._row + g.shift
     from (select t._row as k, g.shift from ${target} t asof join ${target}_gaps g on t._row > g.good_before) g
     where ${target}._row = g.k`,
  );
  await db.run(`drop table ${target}_gaps`);
}

/** XLSX cells past the header row's width arrive as one JSON column; they become columns named by their Excel letter. */
async function unfoldOverflow(db: Warehouse, table: string, headers: string[]): Promise<string[]> {
  const letters = (await db.all<{ key: string }>(`select distinct unnest(json_keys(_overflow)) as key from ${table} where _overflow is not null order by 1`)).map((r) => r.key);
  checkWidth(headers.length + letters.length);
  const taken = new Set(headers.map((h) => h.toLowerCase()));
  const added: string[] = [];
  for (const letter of letters.sort((a, b) => a.length - b.length || a.localeCompare(b))) {
    const name = taken.has(letter.toLowerCase()) ? `${letter}_overflow` : letter;
    await db.run(`alter table ${table} add column ${quoteIdent(name)} varchar`);
    await db.run(`update ${table} set ${quoteIdent(name)} = json_extract_string(_overflow, ${jsonKeyPath(letter)}) where _overflow is not null`);
    added.push(name);
  }
  await db.run(`alter table ${table} drop column _overflow`);
  return [...headers, ...added];
}

/**
 * Each line of a file as one text value in `<table>_lines`, numbered by line; blank lines
 * are not rows. Lines too long to read go to `<table>_malformed`.
 */
async function readLines(db: Warehouse, path: string, table: string): Promise<void> {
  const lines = `${table}_lines`;
  const read = (strict: boolean) =>
    db.run(
      `create or replace temp table ${lines} as
       select row_number() over () as _row, line
       from read_csv(${sqlString(path)}, columns = {'line': 'VARCHAR'}, header = false, auto_detect = false,
                     delim = chr(31), quote = '', escape = '', strict_mode = ${strict},
                     store_rejects = true, rejects_table = '${table}_rej', rejects_scan = '${table}_scan',
                     max_line_size = ${MAX_ROW_BYTES})`,
    );
  await strictThenLenient(read, '无法按行读取（the file cannot be read line by line');
  await db.run(
    `create or replace temp table ${table}_malformed as
     select line as _row, csv_line as line,
            '无法解析的行：' || case error_type when 'LINE SIZE OVER MAXIMUM' then ${sqlString(CSV_ERRORS['LINE SIZE OVER MAXIMUM'])}
              else '不是有效的 JSON 对象（not a valid JSON object）' end || '（the row cannot be parsed）' as message
     from (select distinct on (line) * from ${table}_rej order by line)`,
  );
  await db.run(`drop table if exists ${table}_rej`);
  await db.run(`drop table if exists ${table}_scan`);
  await renumberAroundMalformed(db, lines, `${table}_malformed`);
  await db.run(`delete from ${lines} where trim(coalesce(line, '')) = ''`);
}

/**
 * A JSON array of records, one record per `_row`. A document DuckDB cannot parse (most
 * often an export cut off mid-record) is salvaged line by line when it is laid out one
 * record per line, so the records before the cut still land.
 */
async function readJsonArray(db: Warehouse, path: string, table: string): Promise<void> {
  await db.run(`create or replace temp table ${table}_malformed (_row bigint, line varchar, message varchar)`);
  try {
    await db.run(
      `create or replace temp table ${table}_lines as
       select row_number() over () as _row, cast(json as varchar) as line
       from read_json_objects(${sqlString(path)}, format = 'array', maximum_object_size = ${MAX_ROW_BYTES})`,
    );
    // the size limit is not enforced inside an array: apply the one every format has
    await db.run(
      `insert into ${table}_malformed select _row, left(line, 10000),
         '无法解析的行：' || ${sqlString(CSV_ERRORS['LINE SIZE OVER MAXIMUM'])} || '（the row cannot be parsed）'
       from ${table}_lines where strlen(line) > ${MAX_ROW_BYTES}`,
    );
    await db.run(`delete from ${table}_lines where strlen(line) > ${MAX_ROW_BYTES}`);
    return;
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    await readLines(db, path, table);
    // Records are numbered in order among the lines that hold one (brackets stripped).
    const record = `regexp_replace(regexp_replace(regexp_replace(trim(line), '^\\[\\s*', ''), '\\s*\\]$', ''), ',$', '')`;
    await db.run(
      `create or replace temp table ${table}_records as
       select row_number() over (order by physical) as _row, physical, line, too_long from (
         select _row as physical, ${record} as line, false as too_long from ${table}_lines
         union all select _row, line, true from ${table}_malformed)
       where too_long or line <> ''`,
    );
    await db.run(`create or replace temp table ${table}_lines as select _row, line from ${table}_records where not too_long`);
    await db.run(
      `create or replace temp table ${table}_malformed as
       select r._row, m.line, m.message from ${table}_malformed m join ${table}_records r on r.physical = m._row and r.too_long`,
    );
    await db.run(`drop table ${table}_records`);
    const { valid, invalid } = (await db.one<{ valid: number; invalid: number }>(
      `select count(*) filter (where ${IS_OBJECT}) as valid, count(*) filter (where not (${IS_OBJECT})) as invalid from ${table}_lines`,
    ))!;
    if (valid === 0 || invalid > valid) {
      throw new UnreadableFileError(`不是有效的 JSON 记录数组（the file is not a valid JSON array of records: ${reason}; re-export it）`);
    }
  }
}

/** JSON object lines (`_row`, `line`) into one text column per key; anything else is malformed. */
async function objectsToColumns(db: Warehouse, table: string): Promise<string[]> {
  const lines = `${table}_lines`;
  const isObject = IS_OBJECT;
  await db.run(
    `insert into ${table}_malformed select _row, line, '无法解析的行：不是有效的 JSON 对象（the row is not a valid JSON object）'
     from ${lines} where not (${isObject})`,
  );
  const keys = (
    await db.all<{ key: string }>(
      `select key from (
         select unnest(keys) as key, generate_subscripts(keys, 1) as position, _row from (select _row, json_keys(line) as keys from ${lines} where ${isObject}))
       group by key order by min(_row), min_by(position, _row), key`,
    )
  ).map((r) => r.key);
  if (keys.length === 0) {
    if ((await db.value<number>(`select count(*) from ${table}_malformed`)) === 0) {
      throw new EmptyFileError('文件中没有任何记录（the file holds no records: re-export it）');
    }
    throw new UnreadableFileError(
      '没有一行是 JSON 对象：若文件是单个 JSON 文档，请导出为记录数组或 NDJSON（no line is a JSON object record: a single JSON document is not an export; export the records as a JSON array or NDJSON）',
    );
  }
  checkWidth(keys.length);
  const headers = uniqueHeaders(keys);
  // every key in one call, so each line is parsed once rather than once per key
  const select = headers.map((header, i) => `cells[${i + 1}] as ${quoteIdent(header)}`);
  await db.run(
    `create or replace temp table ${table} as
     select _row${select.map((s) => `, ${s}`).join('')}
     from (select _row, json_extract_string(line, [${keys.map(jsonKeyPath).join(', ')}]) as cells from ${lines} where ${isObject})`,
  );
  await db.run(`drop table ${lines}`);
  return headers;
}

/**
 * Streams a sheet into a headerless UTF-8 CSV: the data row number (Excel row minus the
 * header's last row), one cell per header, and cells past the header as JSON. The sheet is
 * the one named, else `chooseSheet`'s; the header is found among the first non-empty rows
 * (`headerLayout`: title rows above it skipped, a group title row over the names read with
 * them). Dates become Shanghai wall time text; rows with no value at all are skipped.
 */
async function xlsxToCsv(
  path: string,
  csvPath: string,
  tooLargePath: string,
  sheet?: string,
): Promise<{ headers: string[]; layout: FileLayout; merges: string[] }> {
  const out = createWriteStream(csvPath);
  const tooLarge = createWriteStream(tooLargePath);
  const write = async (stream: WriteStream, line: string) => {
    if (!stream.write(line)) await once(stream, 'drain');
  };
  let headers: string[] | null = null;
  let headerRow = 0;
  const dataRow = async ({ number, texts, tooLarge: cell }: SheetRow) => {
    if (cell) {
      // the row is a reject: its other cells (cut short) and which cell was too long
      const ref = `${columnLetter(cell.column - 1)}${number}`;
      const message =
        `单元格 ${ref} 有 ${cell.characters} 个字符，超过 Excel 单元格上限 ${MAX_CELL_CHARACTERS}，整行未入库` +
        `（cell ${ref} holds ${cell.characters} characters, more than an Excel cell can (${MAX_CELL_CHARACTERS}): correct it in the source system and export again）`;
      const line = texts.map(csvCell).join(',').slice(0, MAX_REJECT_LINE);
      return write(tooLarge, `${number - headerRow},${csvCell(line)},${csvCell(message)}\n`);
    }
    const width = headers!.length;
    const overflow: Record<string, string> = {};
    texts.slice(width).forEach((t, i) => {
      if (t !== '') overflow[columnLetter(width + i)] = t;
    });
    const cells = headers!.map((_, i) => csvCell(texts[i] ?? ''));
    await write(out, `${number - headerRow},${cells.join(',')},${Object.keys(overflow).length ? csvCell(JSON.stringify(overflow)) : ''}\n`);
  };
  const sheetLayout: SheetLayout = { hiddenColumns: new Set(), merges: [] };
  const layout: FileLayout = { titleRows: [], headerRows: null, hiddenHeaders: [], blankHeaders: [] };
  // the first non-empty rows wait here until the header among them is known
  const leading: SheetRow[] = [];
  const chooseHeader = async () => {
    const { first, rows, fields } = headerLayout(leading.map((r) => r.texts));
    const last = first + rows - 1;
    checkWidth(fields.length);
    headers = uniqueHeaders(fields, columnLetter);
    headerRow = leading[last].number;
    layout.titleRows = leading.slice(0, first).map((r) => r.texts);
    layout.headerRows = [leading[first].number, headerRow];
    layout.hiddenHeaders = headers.filter((_, i) => sheetLayout.hiddenColumns.has(i + 1));
    layout.blankHeaders = headers.filter((_, i) => (fields[i] ?? '').trim() === '');
    for (const row of leading.slice(last + 1)) await dataRow(row);
  };
  let names: string[] = [];
  let sheetIndex = -1;
  try {
    const workbook = await openWorkbook(path);
    names = workbook.sheetNames;
    sheetIndex = sheet === undefined ? await chooseSheet(workbook) : names.indexOf(sheet);
    layout.sheet = names[sheetIndex];
    layout.hiddenSheets = names.filter((_, i) => workbook.hidden[i]);
    if (sheetIndex >= 0) {
      for await (const row of workbook.rows(sheetIndex, sheetLayout)) {
        if (row.texts.every((t) => t === '') && !row.tooLarge) continue;
        if (headers !== null) await dataRow(row);
        else {
          leading.push(row);
          if (leading.length === HEADER_SEARCH_ROWS) await chooseHeader();
        }
      }
      if (headers === null && leading.length) await chooseHeader();
    }
  } catch (error) {
    out.destroy();
    tooLarge.destroy();
    if (error instanceof UnreadableFileError) throw error;
    if (error instanceof XlsxLimitError) throw new UnreadableFileError(error.message, error.reasonCode);
    throw new UnreadableFileError(`无法按 XLSX 读取（the file cannot be read as XLSX: ${(error as Error).message}; open it in Excel/WPS and save it again）`);
  }
  for (const stream of [out, tooLarge]) {
    stream.end();
    await once(stream, 'finish');
  }
  if (sheetIndex < 0) {
    throw new UnreadableFileError(
      sheet
        ? `工作簿中没有名为“${sheet}”的工作表（the workbook has no sheet "${sheet}"; it has: ${names.join(', ')}）`
        : '工作簿中没有工作表（the workbook has no sheet）',
    );
  }
  if (headers === null) throw new EmptyFileError('工作表是空的（the sheet is empty: re-export it with headers）');
  // merged ranges as data row numbers, for the cells merged down a column below the header
  const merges = sheetLayout.merges.flatMap((ref) => {
    const m = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(ref.replaceAll('$', ''));
    if (!m || m[1] !== m[3] || Number(m[4]) <= Number(m[2]) || Number(m[2]) <= headerRow) return [];
    return [`${columnIndex(m[1])},${Number(m[2]) - headerRow},${Number(m[4]) - headerRow}`];
  });
  return { headers, layout, merges };
}

/**
 * A cell merged down a column (a county's name over its schools' rows) holds its text in the
 * top cell only; every row of the range shows it, so every row gets it. Ranges across columns
 * are left alone: their text belongs to the first column.
 */
async function fillMergedDown(db: Warehouse, table: string, headers: string[], merges: string[]): Promise<void> {
  const byColumn = new Map<number, [number, number][]>();
  for (const merge of merges) {
    const [column, top, bottom] = merge.split(',').map(Number);
    if (column < headers.length) byColumn.set(column, [...(byColumn.get(column) ?? []), [top, bottom]]);
  }
  for (const [column, ranges] of byColumn) {
    const name = quoteIdent(headers[column]);
    await db.run(
      `update ${table} set ${name} = m.value
       from (select r.bottom, r.top, t.${name} as value from (values ${ranges.map(([top, bottom]) => `(${top}, ${bottom})`).join(', ')}) r(top, bottom)
             join ${table} t on t._row = r.top where t.${name} is not null) m
       where ${table}._row > m.top and ${table}._row <= m.bottom and ${table}.${name} is null`,
    );
  }
}

function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + ch.charCodeAt(0) - 64;
  return n - 1;
}

function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Reads strictly first; strict mode refuses a file mixing \r\n and \n line ends, which
 * the lenient parser reads. Any other failure makes the file unreadable.
 */
async function strictThenLenient(read: (strict: boolean) => Promise<unknown>, failure: string): Promise<void> {
  try {
    try {
      await read(true);
    } catch (error) {
      if (!/state machine|invalid state/i.test((error as Error).message)) throw error;
      await read(false);
    }
  } catch (error) {
    throw new UnreadableFileError(`${failure}: ${(error as Error).message.split('\n')[0]}）`);
  }
}

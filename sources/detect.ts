/**
 * Telling what a file is without asking: its format and encoding from its first bytes,
 * its header row (below any title rows) and delimiter from its first records, and which
 * source it is from its headers.
 */
import { open } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { activeContracts } from './aliases.ts';
import type { SourceContract, SourceName } from './contract.ts';
import { maskPiiText } from './pii.ts';
import { openWorkbook, type Workbook } from './xlsx.ts';

export type FileFormat = 'csv-utf8' | 'csv-utf8-bom' | 'csv-gbk' | 'xlsx' | 'json' | 'ndjson';

const SAMPLE_BYTES = 64 * 1024;

export async function readHead(path: string, bytes = SAMPLE_BYTES): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export function detectFormat(head: Buffer): FileFormat {
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
  const hasBom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  const text = head.subarray(hasBom ? 3 : 0).toString('latin1').trimStart();
  if (text.startsWith('[')) return 'json';
  if (text.startsWith('{')) return 'ndjson';
  if (hasBom) return 'csv-utf8-bom';
  return isUtf8(head) || startsAsUtf8Text(head) ? 'csv-utf8' : 'csv-gbk';
}

/**
 * A UTF-8 export with a stray row in another encoding (one line pasted from a GBK file): its
 * text up to that row — a whole line at least, Chinese in it — is valid UTF-8, which GBK text
 * next to never is. It is read as UTF-8 and the stray row is rejected, not the file misread.
 */
function startsAsUtf8Text(head: Buffer): boolean {
  const text = new TextDecoder('utf-8').decode(head);
  const valid = text.slice(0, text.indexOf('\uFFFD'));
  return valid.includes('\n') && /[^\x00-\x7f]/.test(valid.slice(0, valid.lastIndexOf('\n')));
}

function isUtf8(head: Buffer): boolean {
  try {
    // stream: true tolerates a multi-byte character cut at the end of the sample
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** True when the sample has no byte above 0x7f: it cannot tell UTF-8 from GBK. */
export function isAscii(head: Buffer): boolean {
  return !head.some((byte) => byte > 0x7f);
}

const NOT_TEXT: [Buffer, string][] = [
  [Buffer.from([0xd0, 0xcf, 0x11, 0xe0]), '这是旧版 Excel 97-2003 (.xls) 文件，请另存为 .xlsx 或 CSV（an old .xls workbook: save it as .xlsx or CSV UTF-8 and ingest that）'],
  [Buffer.from([0xff, 0xfe]), '这是 UTF-16 文本（Excel“Unicode 文本”），请另存为 CSV UTF-8（UTF-16 text: save it as CSV UTF-8 or XLSX）'],
  [Buffer.from([0xfe, 0xff]), '这是 UTF-16 文本，请另存为 CSV UTF-8（UTF-16 text: save it as CSV UTF-8 or XLSX）'],
  [Buffer.from('%PDF'), '这是 PDF 文件，不是数据导出（a PDF document, not a data export: export the data as CSV, XLSX or JSON）'],
  [Buffer.from([0x1f, 0x8b]), '这是 gzip 压缩文件，请先解压（a gzip archive: unpack it and ingest the files inside）'],
];

/**
 * Why the file is not a text or XLSX export (a message saying what to do), or null.
 * Binary content shows NUL bytes or many control characters in the first bytes.
 */
export function notTextReason(head: Buffer): string | null {
  for (const [magic, message] of NOT_TEXT) if (head.subarray(0, magic.length).equals(magic)) return message;
  if (detectFormat(head) === 'xlsx') return null;
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return binaryMessage;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) control++;
  }
  return control > head.length / 100 ? binaryMessage : null;
}

const binaryMessage =
  '文件内容是二进制数据，不是 CSV/XLSX/JSON 导出（binary content, not a CSV, XLSX or JSON export: check the file was not corrupted in transfer, and re-export it）';

/** Header text reduced to what identifies it: case, spaces, BOM, required-marks and bracket styles ignored. */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-()（）【】[\]*:：]/g, '');
}

/** The header without a bracketed unit or note, e.g. 在校生数（人） → 在校生数. */
function withoutBrackets(header: string): string {
  return normaliseHeader(header.normalize('NFKC').replace(/[(（【[][^)）】\]]*[)）】\]]/g, ''));
}

/** Why a header maps to its column: the contract's own name or Chinese header, a built-in alias, the bureau's alias, or one of those once a bracketed unit is removed. */
export type HeaderMatch = 'contract' | 'alias' | 'bureau_alias' | 'unit_removed';

export interface HeaderMapping {
  /** canonical column name → header as it appears in the file */
  columns: Map<string, string>;
  /** canonical column name → why its header was taken */
  how: Map<string, HeaderMatch>;
  /** required columns the file lacks (a column derived when absent is never missing) */
  missingRequired: string[];
  /** file headers that match no contract column */
  extras: string[];
}

type Column = SourceContract['columns'][number];

/**
 * Maps file headers to contract columns. A column's own name or Chinese header wins over
 * another column's alias, a built-in alias over the bureau's, and an exact spelling over one
 * with a bracketed unit removed.
 */
export function mapHeaders(contract: SourceContract, headers: string[]): HeaderMapping {
  const columns = new Map<string, string>();
  const how = new Map<string, HeaderMatch>();
  const used = new Set<string>();
  const passes: [(c: Column) => string[], (h: string) => string, HeaderMatch][] = [
    [(c) => [c.name, c.zh], normaliseHeader, 'contract'],
    [(c) => c.aliases, normaliseHeader, 'alias'],
    [(c) => c.bureauAliases ?? [], normaliseHeader, 'bureau_alias'],
    [(c) => [c.name, c.zh, ...c.aliases, ...(c.bureauAliases ?? [])], withoutBrackets, 'unit_removed'],
  ];
  for (const [spellings, normalise, match] of passes) {
    const byNormalised = new Map<string, string>();
    for (const header of headers) {
      const key = normalise(header);
      if (!used.has(header) && !byNormalised.has(key)) byNormalised.set(key, header);
    }
    for (const column of contract.columns) {
      if (columns.has(column.name)) continue;
      for (const spelling of spellings(column)) {
        const header = byNormalised.get(normaliseHeader(spelling));
        if (header !== undefined && !used.has(header)) {
          columns.set(column.name, header);
          how.set(column.name, match);
          used.add(header);
          break;
        }
      }
    }
  }
  const missingRequired = contract.columns.filter((c) => c.required && !c.derivedFrom && !columns.has(c.name)).map((c) => c.name);
  return { columns, how, missingRequired, extras: headers.filter((h) => !used.has(h)) };
}

export class SourceDetectionError extends Error {
  constructor(
    message: string,
    readonly reasonCode: 'unknown_source' | 'ambiguous_source' | 'missing_columns' | 'duplicate_column',
  ) {
    super(message);
  }
}

/**
 * Refuses a file that names one column twice — 学校标识码 twice, or 学校标识码 beside its alias
 * 学校代码: which of the two holds the value cannot be told, and taking one would be a guess.
 * A repeat shows as an extra header that spells a mapped column (`uniqueHeaders` made a second
 * 学校标识码 into 学校标识码_2).
 */
function refuseRepeatedColumns(contract: SourceContract, mapping: HeaderMapping, headers: string[]): void {
  const asWritten = (h: string) => {
    const base = h.replace(/_\d+$/, '');
    return base !== h && headers.includes(base) ? base : h;
  };
  for (const column of contract.columns) {
    const mapped = mapping.columns.get(column.name);
    if (mapped === undefined) continue;
    const spellings = new Set([column.name, column.zh, ...column.aliases].map(normaliseHeader));
    const repeats = mapping.extras.filter((h) => spellings.has(normaliseHeader(asWritten(h))) || spellings.has(withoutBrackets(asWritten(h))));
    if (repeats.length === 0) continue;
    const shown = [mapped, ...repeats].map((h) => `“${asWritten(h)}”（第 ${headers.indexOf(h) + 1} 列 / column ${headers.indexOf(h) + 1}）`).join('、');
    throw new SourceDetectionError(
      `表头中“${column.zh}/${column.name}”出现了 ${repeats.length + 1} 次：${shown}，无法判断用哪一列，请删除重复的列后重新导出` +
        `（the file names ${column.zh}/${column.name} ${repeats.length + 1} times: which one holds the value cannot be told; remove the repeated column and export again）`,
      'duplicate_column',
    );
  }
}

/**
 * The one source whose required columns are all present; refuses unknown or ambiguous files.
 * `format` (when known) decides whether a lone column hints at the wrong delimiter.
 */
export function detectSource(headers: string[], forced?: SourceName, format?: FileFormat): { contract: SourceContract; mapping: HeaderMapping } {
  const scored = Object.values(activeContracts()).map((contract) => ({ contract, mapping: mapHeaders(contract, headers) }));
  const complete = scored.filter((s) => s.mapping.missingRequired.length === 0);
  complete.sort((a, b) => b.mapping.columns.size - a.mapping.columns.size);
  if (forced) {
    const { contract, mapping } = scored.find((s) => s.contract.source === forced)!;
    if (mapping.missingRequired.length) {
      const looksLike = complete.length ? ` 该文件看起来是 ${complete[0].contract.source} 导出（the file looks like an export of ${complete[0].contract.source}: check --source）。` : '';
      throw new SourceDetectionError(`${missingColumnsMessage(contract, mapping, headers)}${looksLike}`, 'missing_columns');
    }
    refuseRepeatedColumns(contract, mapping, headers);
    return { contract, mapping };
  }
  // More matched columns wins (an alerts file also satisfies a looser contract); a tie is ambiguous.
  if (complete.length > 1 && complete[0].mapping.columns.size === complete[1].mapping.columns.size) {
    const tied = complete.filter((s) => s.mapping.columns.size === complete[0].mapping.columns.size).map((s) => s.contract.source);
    throw new SourceDetectionError(
      `无法判断文件属于哪个数据源：它同样符合 ${tied.join('、')}，请用 --source 指定` +
        `（ambiguous file: it fits ${tied.join(', ')} equally well; pass --source ${tied.join('|')} to say which）`,
      'ambiguous_source',
    );
  }
  if (complete.length >= 1) {
    refuseRepeatedColumns(complete[0].contract, complete[0].mapping, headers);
    return complete[0];
  }
  const ranked = scored.filter((s) => s.mapping.columns.size > 0).sort((a, b) => b.mapping.columns.size - a.mapping.columns.size);
  const candidates = ranked.length ? ranked : scored;
  const delimited = format === undefined || format.startsWith('csv');
  const delimiterHint =
    headers.length === 1 && delimited ? ' 只找到一列：请检查分隔符（only one column found: check the delimiter is a comma, semicolon, tab or |）。' : '';
  // A headerless export's first row is a student's data: say so rather than repeat it.
  const found = headers.some((h) => maskPiiText(h) !== h)
    ? '第一行像是数据而不是表头，请带表头重新导出 (a first row that looks like data, not headers: re-export the file with its header row)'
    : shownHeaders(headers);
  throw new SourceDetectionError(
    `无法从表头判断数据源（cannot tell which source this file is from its headers: found ${found}).${delimiterHint}` +
      ` 候选 candidates: ${candidates.map((s) => s.contract.source).join(', ')} — ` +
      candidates.slice(0, ranked.length ? 2 : candidates.length).map((s) => missingColumnsMessage(s.contract, s.mapping, null)).join('; ') +
      '. 请确认文件是六类导出之一，或用 --source 指定（check the file is one of the six exports, or pass --source NAME）。',
    'unknown_source',
  );
}

function missingColumnsMessage(contract: SourceContract, mapping: HeaderMapping, headers: string[] | null): string {
  const missing = mapping.missingRequired.map((name) => {
    const column = contract.columns.find((c) => c.name === name)!;
    return `${column.zh}/${column.name}`;
  });
  const expected = contract.columns.filter((c) => c.required && !c.derivedFrom).map((c) => `${c.zh}/${c.name}`);
  // when none of them is there, the missing list is the expected one: say it once
  const some = missing.length < expected.length;
  return (
    `${contract.source} ${some ? `缺少必填列 missing required column(s): ${missing.join(', ')}; ` : ''}` +
    `expected 应有 ${expected.join(', ')}` +
    (headers ? `; found 实有 ${shownHeaders(headers)}` : '')
  );
}

/** Headers for a message: a headerless file's "headers" are data, so PII-looking values are masked. */
function shownHeaders(headers: string[]): string {
  const shown = headers.slice(0, 30).map((h) => maskPiiText(h.length > 40 ? `${h.slice(0, 40)}…` : h));
  return `${shown.join(', ')}${headers.length > 30 ? ', …' : ''}`;
}

export interface HeaderRecord {
  delimiter: string;
  /** The header texts (of a two-row header, combined: see `headerLayout`). */
  fields: string[];
  /** Lines above the header's last row (title rows, a group title row), which the reader skips. */
  skipLines: number;
  /** The title rows above the header, as fields (where a report date may be written). */
  titleRows: string[][];
  /** 1-based line numbers of the header's first and last row. */
  headerLines: [number, number];
}

const DELIMITERS = [',', '\t', ';', '|'];
/** Exports may put a few title rows above the header; it is looked for this far down. */
export const HEADER_SEARCH_ROWS = 10;

/**
 * The header record of delimited text (a quoted field may hold delimiters, quotes as ""
 * and line breaks): among the first HEADER_SEARCH_ROWS non-blank records, the one
 * `headerRowIndex` picks. Its delimiter is the candidate seen most often outside quotes
 * in that record; a comma when none is.
 */
export function parseHeaderRecord(text: string): HeaderRecord {
  const records = leadingRecords(text.replace(/^\uFEFF/, ''), HEADER_SEARCH_ROWS);
  if (records.length === 0) return { delimiter: DELIMITERS[0], fields: [''], skipLines: 0, titleRows: [], headerLines: [1, 1] };
  const parsed = records.map(({ record, line }) => {
    const delimiter = delimiterOf(record);
    return { delimiter, fields: splitRecord(record, delimiter), line };
  });
  // a title row has few delimiters of its own: every row is split by the header's delimiter
  const { first, rows } = headerLayout(parsed.map((p) => p.fields));
  const last = first + rows - 1;
  const { delimiter } = parsed[last];
  const split = records.map(({ record }) => splitRecord(record, delimiter));
  const fields = rows === 2 ? combineHeaderRows(split[first], split[last]) : split[first];
  return { delimiter, fields, skipLines: parsed[last].line, titleRows: split.slice(0, first), headerLines: [parsed[first].line + 1, parsed[last].line + 1] };
}

/** The first `limit` non-blank records of the text, each with the number of lines before it. */
function leadingRecords(body: string, limit: number): { record: string; line: number }[] {
  const records: { record: string; line: number }[] = [];
  let start = 0;
  let line = 0;
  let startLine = 0;
  let quoted = false;
  for (let i = 0; i <= body.length && records.length < limit; i++) {
    const ch = body[i];
    if (ch === '"') quoted = !quoted;
    else if (i === body.length || (!quoted && (ch === '\n' || ch === '\r'))) {
      const record = body.slice(start, i);
      if (record.trim()) records.push({ record, line: startLine });
      if (ch === '\r' && body[i + 1] === '\n') i++;
      start = i + 1;
      startLine = ++line;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body[i + 1] === '\n') i++;
      line++;
    }
  }
  return records;
}

function delimiterOf(record: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of record) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && DELIMITERS.includes(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  return DELIMITERS.reduce((best, d) => ((counts.get(d) ?? 0) > (counts.get(best) ?? 0) ? d : best), DELIMITERS[0]);
}

/** How well a row reads as some source's header: 1000 when it names every required column, plus the columns it names. */
export function headerScore(fields: string[]): number {
  const headers = fields.map((f) => f.trim());
  return Math.max(
    ...Object.values(activeContracts()).map((contract) => {
      const { columns, missingRequired } = mapHeaders(contract, headers);
      return (missingRequired.length === 0 ? 1000 : 0) + columns.size;
    }),
  );
}

export interface HeaderLayout {
  /** Index among the rows given of the header's first row; the rows above it are title rows. */
  first: number;
  /** 1, or 2 when a group title row stands above the column names (merged cells: 基本信息 over 学校标识码, 学校名称…). */
  rows: number;
  /** The header: of two rows, the lower row's text, or the upper's where the lower is blank (a cell merged down). */
  fields: string[];
  score: number;
}

/**
 * Where an export's header is among its first rows: the first row that names every required
 * column of some source, else the first naming the most contract columns, else the first
 * row — read together with the row above or below it when the two combined name more (a
 * two-row header from merged cells). The rows above it are title rows (a report name, a date).
 */
export function headerLayout(rows: string[][]): HeaderLayout {
  let best: HeaderLayout = { first: 0, rows: 1, fields: rows[0] ?? [], score: -1 };
  rows.forEach((fields, index) => {
    const score = headerScore(fields);
    if (score > best.score) best = { first: index, rows: 1, fields, score };
  });
  const single = best;
  for (const first of [single.first - 1, single.first]) {
    if (first < 0 || first + 1 >= rows.length) continue;
    const fields = combineHeaderRows(rows[first], rows[first + 1]);
    const score = headerScore(fields);
    if (score > best.score) best = { first, rows: 2, fields, score };
  }
  return best;
}

function combineHeaderRows(upper: string[], lower: string[]): string[] {
  return Array.from({ length: Math.max(upper.length, lower.length) }, (_, i) => ((lower[i] ?? '').trim() !== '' ? lower[i] : (upper[i] ?? '')));
}

function splitRecord(record: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const ch = record[i];
    if (quoted) {
      if (ch === '"' && record[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/**
 * Column names for a table: trimmed, unique (a repeat gets _2, _3…), a blank one named
 * by `blank(i)`, and never a name the readers use themselves.
 */
export function uniqueHeaders(raw: string[], blank: (index: number) => string = (i) => `column${i + 1}`): string[] {
  const seen = new Set<string>(['_row', '_overflow']);
  return raw.map((text, i) => {
    const base = text.trim() || blank(i);
    let name = base;
    for (let n = 2; seen.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    seen.add(name.toLowerCase());
    return name;
  });
}

/**
 * The header names of a file, read from its first bytes (or first XLSX row) without
 * landing it: enough to tell the registry from the other exports before ingesting.
 */
export async function sniffHeaders(path: string, format: FileFormat, head: Buffer): Promise<string[]> {
  if (format === 'xlsx') return firstXlsxRow(path);
  const text = format === 'csv-gbk' ? iconv.decode(head, 'gb18030') : head.toString('utf8').replace(/^\uFEFF/, '');
  if (format === 'ndjson') return keysOf(text.split('\n')[0]);
  if (format === 'json') return keysOf(/\{[^{}]*\}/.exec(text)?.[0] ?? '');
  return parseHeaderRecord(text).fields.map((h) => h.trim());
}

function keysOf(json: string): string[] {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === 'object' ? Object.keys(value) : [];
  } catch {
    return [];
  }
}

/** The header of the sheet `chooseSheet` picks. */
async function firstXlsxRow(path: string): Promise<string[]> {
  const workbook = await openWorkbook(path);
  const index = await chooseSheet(workbook);
  return index < 0 ? [] : headerLayout(await leadingRows(workbook, index)).fields;
}

/** The first HEADER_SEARCH_ROWS non-empty rows of a sheet, with their Excel row numbers. */
export async function leadingRows(workbook: Workbook, index: number): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const { texts } of workbook.rows(index)) {
    if (texts.some((t) => t !== '')) rows.push(texts);
    if (rows.length === HEADER_SEARCH_ROWS) break;
  }
  return rows;
}

/**
 * The sheet an export's rows are on, when none is named: the first visible sheet whose header
 * names every required column of some source, else the visible sheet whose header names the
 * most contract columns (a 填表说明 sheet first, a hidden sheet of drop-down lists, the data on
 * the second sheet). Hidden sheets are read only when named. -1 for a workbook without sheets.
 */
export async function chooseSheet(workbook: Workbook): Promise<number> {
  let best = -1;
  let bestScore = -1;
  for (let index = 0; index < workbook.sheetNames.length; index++) {
    if (workbook.hidden[index]) continue;
    const rows = await leadingRows(workbook, index);
    const { score } = rows.length ? headerLayout(rows) : { score: -1 };
    if (score >= 1000) return index;
    if (score > bestScore) [best, bestScore] = [index, score];
  }
  return best >= 0 ? best : workbook.sheetNames.length ? 0 : -1;
}

/**
 * Where a file lands in a run: the school registry (wave 0) before everything checked against it
 * (wave 1); `source` is the detected source, or null when the headers match none (the ingest then
 * refuses the file with the full explanation).
 */
export async function landingLane(path: string): Promise<{ wave: number; source: SourceName | null }> {
  try {
    const head = await readHead(path);
    if (head.length === 0 || notTextReason(head)) return { wave: 1, source: null };
    const format = detectFormat(head);
    const { contract } = detectSource(await sniffHeaders(path, format, head), undefined, format);
    return { wave: contract.source === 'schools' ? 0 : 1, source: contract.source };
  } catch {
    return { wave: 1, source: null };
  }
}

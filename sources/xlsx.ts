/**
 * A streaming reader for the rows of one worksheet of an .xlsx file, as cell texts. Its spec is
 * this header (the decision to keep it, with the measurements: docs/xlsx-reader.md); every point
 * has a test in test/sources/xlsx-reader.test.ts.
 *
 * How it reads: the zip's central directory with fs; the workbook, relationships, styles and
 * shared strings parts whole; the sheet as a stream (zlib), scanned by hand — no DOM, no stack of
 * elements — so memory stays bounded by the largest of those small parts, not by the sheet.
 *
 * What it reads:
 * - sheets: named by xl/workbook.xml through its relationships (a part no entry names is
 *   `Sheet<n>`), hidden and very hidden ones flagged; in zip order, those stored before both the
 *   shared strings and the relationships last (the order exceljs read in, which ingest's choice
 *   of sheet depends on); hidden columns and merged ranges on request (`SheetLayout`);
 * - rows: numbered by `r`, or the one after the previous; a cell placed by `r` (capital letters,
 *   `$` ignored), or the one after the row's previous cell; a row's texts run to its last cell
 *   with a value, a missing cell is '';
 * - cells: shared strings (trimmed, rich runs joined, a phonetic guide `rPh` not part of the
 *   text, an index past the strings an empty cell), inline strings (all runs) and formula
 *   strings, both trimmed and their entities decoded once more (an exceljs habit whose texts
 *   ingest has landed), booleans as `true`/`false`, error codes as written (`#REF!`), numbers as
 *   JavaScript writes them (`12.50` is 12.5, `1e21` is 1e+21), a formula as its cached result (a
 *   cached 0 is 0; none, or an error result, is ''); CDATA and comments are not text;
 * - dates: a number is a date when the cell's style (its own when non-zero and defined, else
 *   its row's) has a built-in date format (14–22, 45–47) or a custom one that holds y m d h s
 *   (or b, M) outside brackets and quotes; a sheet stored after the shared strings and the
 *   relationships but before the styles reads no dates. The serial is written as the wall-clock
 *   time it stands for (Shanghai time for the bureau; no zone shift), to the second, the date alone at
 *   midnight (`2025-03-05`, `2025-03-05 10:05:07`); 1904 workbooks are read as such.
 *
 * What it refuses — the file's reason code in brackets (sources/readers.ts maps them):
 * - parts that inflate past `inflateRatio` times the file's size, 16 MiB at least: a zip bomb
 *   (`inflate_limit`), counted as the bytes come, before they are kept;
 * - reading past `timeLimitMs` (`time_limit`);
 * - what is not a zip, a ZIP64 zip, a compression method other than stored or deflate, an
 *   entity other than the five XML predefines and character references (a DOCTYPE is skipped,
 *   so a billion laughs or an external entity is never expanded or fetched: its use is an
 *   undefined entity), a tag, comment or declaration open for more than 4 MiB, a column past XFD,
 *   an unquoted attribute, a part ending inside a tag (`unreadable_file`);
 * - a cell longer than an Excel cell can be (32,767 characters): not kept, its row carries
 *   `tooLarge` (the row is rejected `cell_too_large`, the others land).
 * What it does not believe, so costs nothing: a shared-strings `count`, a `<dimension>`, a row
 * number (a row of 16,384 columns is read; ingest refuses past 200: `too_many_columns`).
 * Time grows linearly with the size of a cell: text is handed on as it streams, never re-scanned.
 */
import { constants } from 'node:buffer';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { LOCAL_HEADER, readZipDirectory, type ZipEntry } from './zip.ts';
import { StringDecoder } from 'node:string_decoder';

export interface SheetRow {
  /** The row's `r` attribute; without one, the number after the previous row's. */
  number: number;
  /** One text per column up to the last cell holding a value; a missing cell is ''. */
  texts: string[];
  /** The first cell longer than MAX_CELL_CHARACTERS (its text is '' in `texts`): the row cannot be used. */
  tooLarge?: { column: number; characters: number };
}

export interface XlsxLimits {
  /** The parts read may inflate to at most this many times the file's size (never less than MIN_INFLATED_BYTES). */
  inflateRatio: number;
  /** Reading a workbook stops after this long, from opening it. */
  timeLimitMs: number;
}

/** Real workbooks inflate 3 to 10 times (the demo city's and the test fixtures: 2.7–8.1); 200 leaves room for sparse, repetitive sheets. */
export const DEFAULT_XLSX_LIMITS: XlsxLimits = { inflateRatio: 200, timeLimitMs: 10 * 60_000 };
/** A small file may always inflate this far: no bomb, and no refusal of a tiny, very repetitive sheet. */
export const MIN_INFLATED_BYTES = 16 * 1024 * 1024;
/** Excel's own limit on the characters of one cell: no export Excel opens holds more. */
export const MAX_CELL_CHARACTERS = 32_767;

/** The limits, changed by SAFECAMPUS_XLSX_INFLATE_RATIO and SAFECAMPUS_XLSX_TIME_LIMIT (seconds) where set. */
export function xlsxLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): XlsxLimits {
  const positive = (name: string, fallback: number) => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!(value > 0)) throw new Error(`${name} must be a positive number, got "${text}"`);
    return value;
  };
  return {
    inflateRatio: positive('SAFECAMPUS_XLSX_INFLATE_RATIO', DEFAULT_XLSX_LIMITS.inflateRatio),
    timeLimitMs: positive('SAFECAMPUS_XLSX_TIME_LIMIT', DEFAULT_XLSX_LIMITS.timeLimitMs / 1000) * 1000,
  };
}

/** A workbook refused for one of the limits; `reasonCode` is the file's reject reason. */
export class XlsxLimitError extends Error {
  constructor(
    message: string,
    readonly reasonCode: 'inflate_limit' | 'time_limit',
  ) {
    super(message);
  }
}

/** What one opening of a workbook may still spend. */
class Budget {
  /** The most all parts read may inflate to. */
  readonly total: number;
  private left: number;
  private readonly deadline: number;

  constructor(
    fileBytes: number,
    private readonly limits: XlsxLimits,
  ) {
    this.total = Math.max(MIN_INFLATED_BYTES, Math.round(limits.inflateRatio * fileBytes));
    this.left = this.total;
    this.deadline = performance.now() + limits.timeLimitMs;
  }

  /** The most a part may still inflate to. */
  get bytesLeft(): number {
    return this.left;
  }

  spend(bytes: number): void {
    this.left -= bytes;
    if (this.left < 0) throw this.inflateError();
    this.checkTime();
  }

  inflateError(): XlsxLimitError {
    const mib = (this.total / 1024 / 1024).toFixed(0);
    return new XlsxLimitError(
      `工作簿解压后超过 ${mib} MiB（文件大小的 ${this.limits.inflateRatio} 倍），疑似压缩炸弹或损坏，未读取` +
        `（the workbook inflates past ${mib} MiB, ${this.limits.inflateRatio} times its size: a zip bomb or a damaged file; ` +
        'open it in Excel/WPS, check it and save it again; a genuine workbook this repetitive can be let in with SAFECAMPUS_XLSX_INFLATE_RATIO）',
      'inflate_limit',
    );
  }

  checkTime(): void {
    if (performance.now() <= this.deadline) return;
    const seconds = this.limits.timeLimitMs / 1000;
    throw new XlsxLimitError(
      `读取工作簿超过 ${seconds} 秒上限，已停止（reading the workbook took longer than its ${seconds} s limit: ` +
        'split the export into smaller files, or allow more time with SAFECAMPUS_XLSX_TIME_LIMIT=SECONDS）',
      'time_limit',
    );
  }
}

export interface Workbook {
  /** Sheet names in reading order (see the header: zip order, early sheets last). */
  sheetNames: string[];
  /** Per sheet of `sheetNames`: hidden (or very hidden) in Excel, as helper sheets of lists and lookups are. */
  hidden: boolean[];
  /** Streams the rows of the sheet at `index` in `sheetNames`; `layout`, when given, is filled as the sheet is read. */
  rows(index: number, layout?: SheetLayout): AsyncGenerator<SheetRow>;
}

/** How a sheet is laid out beyond its cells. */
export interface SheetLayout {
  /** 1-based numbers of the hidden columns: known before the first row is yielded (`<cols>` precedes the rows). */
  hiddenColumns: Set<number>;
  /** Merged ranges as written (`A1:C1`): complete only once every row has been read (`<mergeCells>` follows them). */
  merges: string[];
}

/** Built-in number formats (ECMA-376 §18.8.30) that are dates. */
export const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);
const SHEET_PART = /xl\/worksheets\/sheet(\d+)[.]xml/;

/** Whether a format code makes a number a date: y m d h s (or b, M) outside brackets and quoted text. */
export function isDateFormat(code: string): boolean {
  return /[ymdhMsb]+/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

export async function openWorkbook(path: string, limits: XlsxLimits = xlsxLimitsFromEnv()): Promise<Workbook> {
  const budget = new Budget((await stat(path)).size, limits);
  const { entries, relsXml, bookXml, stylesXml, sharedXml } = await smallParts(path, budget);
  const rels = relsXml === null ? [] : relationships(relsXml);
  const book = bookXml === null ? { sheets: [], date1904: false } : workbookModel(bookXml);
  const styles = stylesXml === null ? null : dateStyles(stylesXml);
  const sharedStrings = sharedXml === null ? null : sharedStringTexts(sharedXml);

  // zip order, as exceljs read it (ingest's sheet choice depends on it); a sheet met before both the
  // shared strings and the workbook rels is read after everything else, with whatever came later.
  const ordered = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  const immediate: { entry: ZipEntry; sheetNo: string; styles: boolean[] | null }[] = [];
  const parked: typeof immediate = [];
  let seenShared = false;
  let seenRels = false;
  let seenStyles = false;
  for (const entry of ordered) {
    if (entry.name === 'xl/sharedStrings.xml') seenShared = true;
    else if (entry.name === 'xl/_rels/workbook.xml.rels') seenRels = true;
    else if (entry.name === 'xl/styles.xml') seenStyles = true;
    else {
      const match = SHEET_PART.exec(entry.name);
      if (!match) continue;
      if (seenShared && seenRels) immediate.push({ entry, sheetNo: match[1], styles: seenStyles ? styles : null });
      else parked.push({ entry, sheetNo: match[1], styles });
    }
  }
  const sheets = [...immediate, ...parked].map((s) => {
    const rel = rels.find((r) => r.target === `worksheets/sheet${s.sheetNo}.xml`);
    const named = rel && book.sheets.find((b) => b.rId === rel.id);
    return { ...s, name: named ? named.name : `Sheet${s.sheetNo}`, hidden: named ? named.hidden : false };
  });
  return {
    sheetNames: sheets.map((s) => s.name),
    hidden: sheets.map((s) => s.hidden),
    rows: (index, layout) => {
      const { entry, styles: xfDates } = sheets[index];
      return sheetRows(entryText(path, entry, budget), { xfDates: xfDates ?? [false], sharedStrings, date1904: book.date1904, layout });
    },
  };
}

// ---------------------------------------------------------------- zip

/** The zip's entries and the parts every sheet needs (null when absent), read through one handle. */
async function smallParts(path: string, budget: Budget) {
  const handle = await open(path, 'r');
  try {
    const entries = await centralDirectory(handle);
    const byName = new Map(entries.map((e) => [e.name, e]));
    const part = async (name: string) => {
      const entry = byName.get(name);
      return entry ? readEntry(handle, entry, budget) : null;
    };
    return {
      entries,
      relsXml: await part('xl/_rels/workbook.xml.rels'),
      bookXml: await part('xl/workbook.xml'),
      stylesXml: await part('xl/styles.xml'),
      sharedXml: await part('xl/sharedStrings.xml'),
    };
  } finally {
    await handle.close();
  }
}

async function centralDirectory(handle: FileHandle): Promise<ZipEntry[]> {
  const { entries } = await readZipDirectory(handle);
  const unsupported = entries.find((e) => e.method !== 0 && e.method !== 8);
  if (unsupported) throw new Error(`unsupported zip compression method ${unsupported.method} in ${unsupported.name}`);
  return entries;
}

async function dataOffset(handle: FileHandle, entry: ZipEntry): Promise<number> {
  const header = Buffer.alloc(30);
  await handle.read(header, 0, 30, entry.localOffset);
  if (header.readUInt32LE(0) !== LOCAL_HEADER) throw new Error(`corrupt zip entry ${entry.name}`);
  return entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/** A small part, whole (workbook, rels, styles, shared strings: exceljs keeps those in memory too), within the budget. */
async function readEntry(handle: FileHandle, entry: ZipEntry, budget: Budget): Promise<string> {
  const raw = Buffer.alloc(entry.compressedSize);
  await handle.read(raw, 0, entry.compressedSize, await dataOffset(handle, entry));
  let inflated: Buffer;
  try {
    inflated = entry.method === 8 ? inflateRawSync(raw, { maxOutputLength: Math.max(1, Math.min(budget.bytesLeft, constants.MAX_LENGTH)) }) : raw;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw budget.inflateError();
    throw error;
  }
  budget.spend(inflated.length);
  return inflated.toString('utf8');
}

/** A part as a stream of UTF-8 text chunks (a character split between chunks is kept whole), within the budget. */
async function* entryText(path: string, entry: ZipEntry, budget: Budget): AsyncGenerator<string> {
  if (entry.compressedSize === 0) return;
  const handle = await open(path, 'r');
  const start = await dataOffset(handle, entry).finally(() => handle.close());
  const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 16 });
  // pipeline: a reader that stops early (the header sniff) closes the file too
  const stream = entry.method === 8 ? pipeline(raw, createInflateRaw(), () => {}) : raw;
  const decoder = new StringDecoder('utf8');
  for await (const chunk of stream) {
    budget.spend((chunk as Buffer).length);
    const text = decoder.write(chunk as Buffer);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

// ---------------------------------------------------------------- XML scanning

/** A start tag's attributes, raw, as flat name/value pairs; read with `attribute`. */
type Attributes = string[];

interface XmlHandler {
  open(name: string, attributes: Attributes): void;
  close(name: string): void;
  text(text: string): void;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Character data as an XML parser reports it: entities decoded, line ends normalised. */
function xmlText(raw: string): string {
  let text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  if (text.includes('&')) {
    // any entity name, so that one a DOCTYPE declares (`&lol9;`) is refused, never expanded nor kept as text
    text = text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_:][\w.:-]*);/g, (_, ref: string) => {
      if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
      const named = ENTITIES[ref];
      if (named === undefined) throw new Error(`undefined XML entity &${ref};`);
      return named;
    });
  }
  return text;
}

/** An attribute's value (entities decoded, white space as spaces, as an XML parser gives it), or undefined. */
function attribute(attributes: Attributes, name: string): string | undefined {
  for (let i = 0; i < attributes.length; i += 2) {
    if (attributes[i] === name) {
      const raw = attributes[i + 1];
      return /[&\t\n\r]/.test(raw) ? xmlText(raw).replace(/[\t\n]/g, ' ') : raw;
    }
  }
  return undefined;
}

const isSpace = (ch: number) => ch === 32 || ch === 10 || ch === 9 || ch === 13;

/** Markup (a tag with its attributes, a comment) waiting for its end longer than this is refused, not re-scanned forever. */
const MAX_PENDING_MARKUP = 4 * 1024 * 1024;

/**
 * Where the text from `start` can be cut without splitting what must be read whole: an entity
 * (`&amp;`) or a CR LF line end (read as one line end). The rest waits for the next chunk.
 */
function wholeTextEnd(buf: string, start: number): number {
  let end = buf.length;
  if (buf.charCodeAt(end - 1) === 13) end--;
  const amp = buf.lastIndexOf('&', end - 1);
  // an entity is at most 10 characters (&#x10FFFF;); a longer stray '&' is text
  if (amp >= start && end - amp <= 10 && buf.indexOf(';', amp) < 0) end = amp;
  return end;
}

/** Feeds text chunks through `handler` as open/close/text events; text outside the root element is dropped. */
class XmlScanner {
  private rest = '';
  private depth = 0;
  constructor(private readonly handler: XmlHandler) {}

  /** `final`: no more text follows, so a short markup declaration at the end is complete. */
  write(chunk: string, final = false): void {
    const buf = this.rest ? this.rest + chunk : chunk;
    const { handler } = this;
    const length = buf.length;
    let i = 0;
    while (i < length) {
      const lt = buf.indexOf('<', i);
      if (lt < 0) {
        // the text runs on into the next chunk: hand on what is whole now, so no text is scanned twice
        const end = final ? length : wholeTextEnd(buf, i);
        if (end > i && this.depth > 0) handler.text(xmlText(buf.slice(i, end)));
        i = end;
        break;
      }
      if (lt > i && this.depth > 0) handler.text(xmlText(buf.slice(i, lt)));
      i = lt;
      const next = buf.charCodeAt(i + 1);
      if (next === 33 /* ! */) {
        if (i + 9 > length && !final) break; // '<![CDATA[' or '<!--' may be cut
        const terminator = buf.startsWith('<!--', i) ? '-->' : buf.startsWith('<![CDATA[', i) ? ']]>' : '>';
        const end = buf.indexOf(terminator, i + 2);
        if (end < 0) break;
        i = end + terminator.length; // comments, CDATA (exceljs does not read it) and DOCTYPE
      } else if (next === 63 /* ? */) {
        const end = buf.indexOf('?>', i + 2);
        if (end < 0) break;
        i = end + 2;
      } else if (next === 47 /* / */) {
        const end = buf.indexOf('>', i + 2);
        if (end < 0) break;
        handler.close(isSpace(buf.charCodeAt(end - 1)) ? buf.slice(i + 2, end).trim() : buf.slice(i + 2, end));
        this.depth--;
        i = end + 1;
      } else {
        const end = this.startTag(buf, i + 1);
        if (end < 0) break;
        i = end;
      }
    }
    this.rest = buf.slice(i);
    if (this.rest.length > MAX_PENDING_MARKUP) {
      throw new Error(`an XML tag, comment or declaration runs on for more than ${MAX_PENDING_MARKUP / 1024 / 1024} MiB: not a workbook a spreadsheet program writes`);
    }
  }

  /** Reads the start tag whose name begins at `at`; returns where it ends, or -1 when it is cut off. */
  private startTag(buf: string, at: number): number {
    const length = buf.length;
    let p = at;
    while (p < length) {
      const ch = buf.charCodeAt(p);
      if (isSpace(ch) || ch === 62 || ch === 47) break;
      p++;
    }
    const name = buf.slice(at, p);
    const attributes: Attributes = [];
    for (;;) {
      while (p < length && isSpace(buf.charCodeAt(p))) p++;
      if (p >= length) return -1;
      const ch = buf.charCodeAt(p);
      if (ch === 62 || ch === 47) {
        const selfClosing = ch === 47;
        const end = selfClosing ? buf.indexOf('>', p) : p;
        if (end < 0) return -1;
        this.handler.open(name, attributes);
        if (selfClosing) this.handler.close(name);
        else this.depth++;
        return end + 1;
      }
      const eq = buf.indexOf('=', p);
      if (eq < 0) return -1;
      let q = eq + 1;
      while (q < length && isSpace(buf.charCodeAt(q))) q++;
      if (q >= length) return -1;
      const quote = buf[q];
      if (quote !== '"' && quote !== "'") throw new Error(`unquoted attribute value in <${name}>`);
      const close = buf.indexOf(quote, q + 1);
      if (close < 0) return -1;
      attributes.push(buf.slice(p, eq).trim(), buf.slice(q + 1, close));
      p = close + 1;
    }
  }

  end(): void {
    if (this.rest) this.write('', true);
    if (this.rest.includes('<')) throw new Error('XML part ends inside a tag');
  }
}

function scanWhole(xml: string, handler: XmlHandler): void {
  const scanner = new XmlScanner(handler);
  scanner.write(xml.replace(/^\uFEFF/, ''));
  scanner.end();
}

// ---------------------------------------------------------------- workbook parts

function relationships(xml: string): { id: string; target: string }[] {
  const rels: { id: string; target: string }[] = [];
  scanWhole(xml, {
    open: (name, attributes) => {
      if (name === 'Relationship') rels.push({ id: attribute(attributes, 'Id') ?? '', target: attribute(attributes, 'Target') ?? '' });
    },
    close: () => {},
    text: () => {},
  });
  return rels;
}

function workbookModel(xml: string): { sheets: { name: string; rId: string; hidden: boolean }[]; date1904: boolean } {
  const sheets: { name: string; rId: string; hidden: boolean }[] = [];
  let date1904 = false;
  scanWhole(xml, {
    open: (name, attributes) => {
      if (name === 'sheet') {
        const state = attribute(attributes, 'state');
        sheets.push({ name: attribute(attributes, 'name') ?? '', rId: attribute(attributes, 'r:id') ?? '', hidden: state === 'hidden' || state === 'veryHidden' });
      }
      else if (name === 'workbookPr') date1904 = attribute(attributes, 'date1904') === '1';
    },
    close: () => {},
    text: () => {},
  });
  return { sheets, date1904 };
}

/** Per cell style id (cellXfs index): whether its number format makes a number a date. */
function dateStyles(xml: string): boolean[] {
  const custom = new Map<number, string>();
  const formatIds: number[] = [];
  let container = '';
  scanWhole(xml, {
    open: (name, attributes) => {
      if (name === 'numFmts' || name === 'cellXfs') container = name;
      else if (name === 'numFmt' && container === 'numFmts') {
        custom.set(parseInt(attribute(attributes, 'numFmtId') ?? '', 10), (attribute(attributes, 'formatCode') ?? '').replace(/[\\](.)/g, '$1'));
      } else if (name === 'xf' && container === 'cellXfs') formatIds.push(parseInt(attribute(attributes, 'numFmtId') ?? '', 10));
    },
    close: (name) => {
      if (name === container) container = '';
    },
    text: () => {},
  });
  return formatIds.map((id) => {
    if (!id) return false;
    const code = custom.get(id);
    return code ? isDateFormat(code) : BUILTIN_DATE_FORMATS.has(id);
  });
}

/** Each shared string as its cell text (trimmed; rich text runs joined), or null for one with no text. */
function sharedStringTexts(xml: string): (string | null)[] {
  const strings: (string | null)[] = [];
  let text: string | null = null;
  let runs: (string | null)[] = [];
  let phonetic = false;
  scanWhole(xml, {
    open: (name) => {
      if (name === 'si') {
        runs = [];
        text = null;
      } else if (name === 'rPh') phonetic = true;
      else if (name === 't' && !phonetic) text = null;
    },
    text: (value) => {
      if (!phonetic) text = text ? text + value : value;
    },
    close: (name) => {
      if (name === 'rPh') phonetic = false;
      else if (name === 'r') {
        runs.push(text);
        text = null;
      } else if (name === 'si') {
        strings.push(runs.length ? runs.join('').trim() : text === null ? null : (text as string).trim());
        runs = [];
        text = null;
      }
    },
  });
  return strings;
}

// ---------------------------------------------------------------- sheet

interface SheetContext {
  /** cellXfs index → date format; `[false]` when the workbook's styles are not read. */
  xfDates: boolean[];
  sharedStrings: (string | null)[] | null;
  date1904: boolean;
  layout?: SheetLayout;
}

const XML_ESCAPES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&apos;': "'", '&quot;': '"' };
/** Inline and formula strings are decoded once more after the XML scan (as exceljs did: landed texts depend on it). */
const decodeAgain = (text: string) => (text.includes('&') ? text.replace(/&([a-z]*);/g, (m) => XML_ESCAPES[m] ?? m) : text);

/** A date serial as text: the wall-clock time it stands for (computed as if UTC), to the second; date only at midnight. */
function dateText(serial: number, date1904: boolean): string {
  const ms = Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000);
  const iso = new Date(Math.round(ms / 1000) * 1000).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}

/** A cell reference's column number: the capital letters before the digits ($ and others skipped). */
function columnNumber(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const ch = ref.charCodeAt(i);
    if (ch >= 48 && ch <= 57) break;
    if (ch >= 65 && ch <= 90) col = col * 26 + ch - 64;
  }
  if (col > 16384) throw new Error(`cell reference "${ref}" is past the last column (XFD)`);
  return col;
}

/** Where text between tags goes: nowhere, the open cell's formula or value, or a closed cell's (lost). */
const enum Target {
  None,
  Formula,
  Value,
  Stale,
}

async function* sheetRows(chunks: AsyncIterable<string>, context: SheetContext): AsyncGenerator<SheetRow> {
  const { xfDates, sharedStrings, date1904, layout } = context;
  const isDateStyle = (s: number) => s >= 0 && s < xfDates.length && xfDates[s];
  const ready: SheetRow[] = [];
  let inRows = false;
  let row: { number: number; dateStyle: boolean; texts: (string | undefined)[]; lastColumn: number; tooLarge?: SheetRow['tooLarge'] } | null = null;
  let lastRow = 0;
  let inCell = false;
  let ref: string | undefined;
  let style = NaN;
  let type: string | undefined;
  let formula: string | null = null;
  let phonetic = false;
  let value: string | null = null;
  /** The characters the cell's value had, also past MAX_CELL_CHARACTERS (which are not kept). */
  let valueLength = 0;
  let target = Target.None;

  const closeCell = () => {
    // without a reference, the cell after the row's previous one
    const col = ref === undefined ? row!.lastColumn + 1 : columnNumber(ref);
    if (col < 1) throw new Error(`cell reference "${ref}" has no column`);
    if (col > 16384) throw new Error('a row has cells past the last column (XFD)');
    row!.lastColumn = col;
    // a cell's own style only when its id is non-zero and exists, else its row's
    const dateStyle = style > 0 && style < xfDates.length ? xfDates[style] : row!.dateStyle;
    let text: string | null | undefined;
    if (formula !== null) {
      // exceljs kept a formula's cached result only when it was truthy: a 0 is kept here, NaN and
      // '' still give ''; a cell with an empty formula is a plain value (its result as it is)
      const result = value === null ? undefined : type === 'str' ? decodeAgain(value) : parseFloat(value);
      text = result === undefined || (formula && !result && result !== 0) ? '' : String(result).trim();
    } else if (value !== null) {
      switch (type) {
        case 's':
          text = sharedStrings ? sharedStrings[parseInt(value, 10)] : '[object Object]';
          if (text === undefined) text = null;
          else if (text !== null && text.length > MAX_CELL_CHARACTERS) {
            row!.tooLarge ??= { column: col, characters: text.length };
            text = '';
          }
          break;
        case 'inlineStr':
        case 'str':
          text = decodeAgain(value).trim();
          break;
        case 'e':
          text = value;
          break;
        case 'b':
          text = String(parseInt(value, 10) !== 0);
          break;
        default: {
          const number = parseFloat(value);
          text = dateStyle ? dateText(number, date1904) : String(number);
        }
      }
    }
    if (valueLength > MAX_CELL_CHARACTERS) {
      row!.tooLarge ??= { column: col, characters: valueLength };
      text = '';
    }
    if (text !== undefined) row!.texts[col - 1] = text === null ? undefined : text;
  };

  const scanner = new XmlScanner({
    open(name, attributes) {
      switch (name) {
        case 'sheetData':
          inRows = true;
          break;
        case 'row':
          if (inRows) {
            const s = attribute(attributes, 's');
            // without a (valid) number, the row after the previous one
            const number = parseInt(attribute(attributes, 'r') ?? '', 10);
            lastRow = number >= 0 ? number : lastRow + 1;
            row = { number: lastRow, dateStyle: s ? isDateStyle(parseInt(s, 10)) : false, texts: [], lastColumn: 0 };
          }
          break;
        case 'c':
          if (row) {
            inCell = true;
            ref = attribute(attributes, 'r');
            style = parseInt(attribute(attributes, 's') ?? '', 10);
            type = attribute(attributes, 't');
            formula = value = null;
            valueLength = 0;
            if (target !== Target.None) target = Target.Stale;
          }
          break;
        case 'f':
          if (inCell) {
            formula = '';
            target = Target.Formula;
          }
          break;
        case 'v':
        case 'is':
          if (inCell) {
            value = '';
            valueLength = 0;
            target = Target.Value;
          }
          break;
        case 't':
          // the runs of a rich inline string add up; a phonetic guide's text is not the cell's
          if (inCell) {
            value ??= '';
            target = phonetic ? Target.None : Target.Value;
          }
          break;
        case 'rPh':
          phonetic = true;
          break;
        case 'col':
          if (layout && ['1', 'true'].includes(attribute(attributes, 'hidden') ?? '')) {
            const last = Math.min(16384, parseInt(attribute(attributes, 'max') ?? '', 10));
            for (let n = parseInt(attribute(attributes, 'min') ?? '', 10); n <= last; n++) layout.hiddenColumns.add(n);
          }
          break;
        case 'mergeCell':
          if (layout) layout.merges.push(attribute(attributes, 'ref') ?? '');
          break;
      }
    },
    text(text) {
      // past the limit the text is counted, not kept: a gigabyte cell costs no gigabyte
      if (target === Target.Value) {
        if (valueLength + text.length <= MAX_CELL_CHARACTERS) value += text;
        valueLength += text.length;
      } else if (target === Target.Formula && formula!.length <= MAX_CELL_CHARACTERS) formula += text;
    },
    close(name) {
      if (name === 'rPh') phonetic = false;
      else if (name === 'sheetData') inRows = false;
      else if (name === 'row' && row) {
        const { texts } = row;
        let length = texts.length;
        while (length > 0 && texts[length - 1] === undefined) length--;
        const filled: string[] = new Array(length);
        for (let i = 0; i < length; i++) filled[i] = texts[i] ?? '';
        ready.push(row.tooLarge ? { number: row.number, texts: filled, tooLarge: row.tooLarge } : { number: row.number, texts: filled });
        row = null;
      } else if (name === 'c' && row && inCell) {
        closeCell();
        inCell = false;
        if (target !== Target.None) target = Target.Stale;
      }
    },
  });
  let first = true;
  for await (const chunk of chunks) {
    scanner.write(first ? chunk.replace(/^\uFEFF/, '') : chunk);
    first = false;
    yield* ready;
    ready.length = 0;
  }
  scanner.end();
}

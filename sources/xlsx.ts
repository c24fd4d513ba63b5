/**
 * A streaming reader for the rows of one worksheet of an .xlsx file, as cell texts.
 *
 * It yields exactly what exceljs's streaming WorkbookReader (styles cached, shared strings
 * cached) plus readers.ts's former `cellText` yielded, at a fraction of the cost: the zip's
 * central directory is read with fs, each part is inflated with zlib (the sheet as a
 * stream, so memory stays bounded), and the XML is scanned by hand, no DOM. The parts
 * are interpreted the way exceljs 4.4 interprets them, quirks included (they decide what
 * lands today): sheets in zip order, those stored before the shared strings last; only a
 * cell whose style id is non-zero takes its own number format, otherwise its row's; a
 * number is a date when the format code, brackets and quoted text removed, holds one of
 * y m d h M s b; entities in inline strings are decoded twice. Three exceljs quirks that lost
 * text are not kept: a formula whose cached result is 0 is 0 (exceljs gave ''), an inline rich
 * string is all its runs (exceljs kept the last), and a string's phonetic guide (`rPh`, the
 * kana over a Japanese name) is not its text (exceljs took the guide). Nor does it share
 * exceljs's race: that reader walks the zip in one pass whose end now and then comes before the
 * last parts (exceljs #3064), so a streamed workbook, workbook.xml stored last, could land with
 * its sheet named "Sheet1" and its dates as serial numbers; the central directory has no race.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { LOCAL_HEADER, readZipDirectory, type ZipEntry } from './zip.ts';
import { StringDecoder } from 'node:string_decoder';

export interface SheetRow {
  /** The row's `r` attribute (NaN when it has none, as exceljs reads it). */
  number: number;
  /** One text per column up to the last cell holding a value; a missing cell is ''. */
  texts: string[];
}

export interface Workbook {
  /** Sheet names in the order exceljs yields the sheets. */
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

/** Built-in number formats (ECMA-376 §18.8.30) whose codes exceljs counts as dates. */
export const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);
const SHEET_PART = /xl\/worksheets\/sheet(\d+)[.]xml/;

/** exceljs's date test on a format code. */
export function isDateFormat(code: string): boolean {
  return /[ymdhMsb]+/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

export async function openWorkbook(path: string): Promise<Workbook> {
  const { entries, relsXml, bookXml, stylesXml, sharedXml } = await smallParts(path);
  const rels = relsXml === null ? [] : relationships(relsXml);
  const book = bookXml === null ? { sheets: [], date1904: false } : workbookModel(bookXml);
  const styles = stylesXml === null ? null : dateStyles(stylesXml);
  const sharedStrings = sharedXml === null ? null : sharedStringTexts(sharedXml);

  // exceljs reads the zip in stream order; a sheet met before both the shared strings and
  // the workbook rels is parked and read after everything else, with whatever came later.
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
      return sheetRows(entryText(path, entry), { xfDates: xfDates ?? [false], sharedStrings, date1904: book.date1904, layout });
    },
  };
}

// ---------------------------------------------------------------- zip

/** The zip's entries and the parts every sheet needs (null when absent), read through one handle. */
async function smallParts(path: string) {
  const handle = await open(path, 'r');
  try {
    const entries = await centralDirectory(handle);
    const byName = new Map(entries.map((e) => [e.name, e]));
    const part = async (name: string) => {
      const entry = byName.get(name);
      return entry ? readEntry(handle, entry) : null;
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

/** A small part, whole (workbook, rels, styles, shared strings: exceljs keeps those in memory too). */
async function readEntry(handle: FileHandle, entry: ZipEntry): Promise<string> {
  const raw = Buffer.alloc(entry.compressedSize);
  await handle.read(raw, 0, entry.compressedSize, await dataOffset(handle, entry));
  return (entry.method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
}

/** A part as a stream of UTF-8 text chunks (a character split between chunks is kept whole). */
async function* entryText(path: string, entry: ZipEntry): AsyncGenerator<string> {
  if (entry.compressedSize === 0) return;
  const handle = await open(path, 'r');
  const start = await dataOffset(handle, entry).finally(() => handle.close());
  const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 16 });
  // pipeline: a reader that stops early (the header sniff) closes the file too
  const stream = entry.method === 8 ? pipeline(raw, createInflateRaw(), () => {}) : raw;
  const decoder = new StringDecoder('utf8');
  for await (const chunk of stream) {
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
    text = text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (_, ref: string) => {
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
      if (lt < 0) break; // text may continue in the next chunk
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
/** exceljs decodes inline and formula strings once more after the XML parser did. */
const decodeAgain = (text: string) => (text.includes('&') ? text.replace(/&([a-z]*);/g, (m) => XML_ESCAPES[m] ?? m) : text);

/** A date serial as text: Shanghai wall time as exceljs hands it (as if UTC), to the second; date only at midnight. */
function dateText(serial: number, date1904: boolean): string {
  const ms = Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000);
  const iso = new Date(Math.round(ms / 1000) * 1000).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}

/** A cell reference's column number as exceljs reads it: the capital letters before the digits ($ and others skipped). */
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
  let row: { number: number; dateStyle: boolean; texts: (string | undefined)[] } | null = null;
  let inCell = false;
  let ref: string | undefined;
  let style = NaN;
  let type: string | undefined;
  let formula: string | null = null;
  let phonetic = false;
  let value: string | null = null;
  let target = Target.None;

  const closeCell = () => {
    if (ref === undefined) throw new Error('a cell has no reference (r attribute)');
    if (!(row!.number >= 0)) throw new Error('a row holding cells has no valid number (r attribute)');
    const col = columnNumber(ref);
    if (col < 1) throw new Error(`cell reference "${ref}" has no column`);
    // exceljs: a cell's own style only when its id is non-zero and exists, else its row's
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
            row = { number: parseInt(attribute(attributes, 'r') ?? '', 10), dateStyle: s ? isDateStyle(parseInt(s, 10)) : false, texts: [] };
          }
          break;
        case 'c':
          if (row) {
            inCell = true;
            ref = attribute(attributes, 'r');
            style = parseInt(attribute(attributes, 's') ?? '', 10);
            type = attribute(attributes, 't');
            formula = value = null;
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
      if (target === Target.Value) value += text;
      else if (target === Target.Formula) formula += text;
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
        ready.push({ number: row.number, texts: filled });
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

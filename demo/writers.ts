/**
 * Streaming writers, one per export format. Rows go to disk as they come (with
 * backpressure), so a province-sized export never sits in memory.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Cell } from './format.ts';
import { fixZipTimestamps } from './zip-time.ts';

export type FileFormat = 'csv-utf8' | 'csv-utf8-bom' | 'csv-gbk' | 'xlsx' | 'ndjson' | 'json';

/** Rows are written synchronously into a buffer; `drain` waits until the disk has caught up. */
export interface TableWriter {
  header(headers: string[]): void;
  row(cells: Cell[]): void;
  /** A row cut off part-way, as when a transfer stops mid-file (CSV only). */
  partialRow(cells: Cell[]): void;
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** Fixed so XLSX files are byte-identical between runs. */
export const WORKBOOK_DATE = new Date(Date.UTC(2025, 0, 1));

/** `creator`: the workbook's author (an xlsx keeps it; other formats have nowhere to). */
export function openWriter(path: string, format: FileFormat, sheetName: string, creator: string): TableWriter {
  switch (format) {
    case 'csv-utf8':
      return new CsvWriter(path, 'utf8', '\n');
    case 'csv-utf8-bom':
      return new CsvWriter(path, 'utf8-bom', '\r\n');
    case 'csv-gbk':
      return new CsvWriter(path, 'gbk', '\r\n');
    case 'ndjson':
      return new JsonWriter(path, 'lines');
    case 'json':
      return new JsonWriter(path, 'array');
    case 'xlsx':
      return new XlsxWriter(path, sheetName, creator);
  }
}

/** Buffers text and writes it in encoded chunks; `drain` waits when the disk falls behind. */
class ChunkedFile {
  private readonly out: WriteStream;
  private parts: string[] = [];
  private size = 0;

  constructor(
    path: string,
    private readonly encode: (text: string) => Buffer,
  ) {
    this.out = createWriteStream(path);
  }

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 1 << 16) this.flush();
  }

  private flush(): void {
    if (!this.parts.length) return;
    const buffer = this.encode(this.parts.join(''));
    this.parts = [];
    this.size = 0;
    this.out.write(buffer);
  }

  async drain(): Promise<void> {
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    this.flush();
    this.out.end();
    await once(this.out, 'finish');
  }
}

function csvField(cell: Cell): string {
  if (cell === null) return '';
  const text = cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

class CsvWriter implements TableWriter {
  private readonly file: ChunkedFile;
  private started = false;

  constructor(
    path: string,
    private readonly encoding: 'utf8' | 'utf8-bom' | 'gbk',
    private readonly eol: string,
  ) {
    this.file = new ChunkedFile(path, encoding === 'gbk' ? (t) => iconv.encode(t, 'gbk') : (t) => Buffer.from(t, 'utf8'));
  }

  header(headers: string[]): void {
    this.row(headers);
  }

  row(cells: Cell[]): void {
    const prefix = !this.started && this.encoding === 'utf8-bom' ? '\uFEFF' : '';
    this.started = true;
    this.file.write(prefix + cells.map(csvField).join(',') + this.eol);
  }

  partialRow(cells: Cell[]): void {
    // Keep fewer than half of the fields and stop inside the next one, with no line end.
    const kept = Math.max(1, Math.floor(cells.length / 2) - 1);
    const fields = cells.map(csvField);
    const next = fields[kept].replaceAll('"', '');
    this.file.write(fields.slice(0, kept).join(',') + ',' + next.slice(0, Math.ceil(next.length / 2)));
  }

  drain(): Promise<void> {
    return this.file.drain();
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

class JsonWriter implements TableWriter {
  private readonly file: ChunkedFile;
  private keys: string[] = [];
  private rows = 0;

  constructor(
    path: string,
    private readonly shape: 'lines' | 'array',
  ) {
    this.file = new ChunkedFile(path, (t) => Buffer.from(t, 'utf8'));
  }

  header(headers: string[]): void {
    this.keys = headers.map((h) => `${JSON.stringify(h)}:`);
    if (this.shape === 'array') this.file.write('[');
  }

  /** The object's text assembled from pre-quoted keys: much faster than stringifying a fresh object per row. */
  row(cells: Cell[]): void {
    const fields = this.keys.map((key, i) => key + JSON.stringify(cells[i] instanceof Date ? (cells[i] as Date).toISOString().slice(0, 10) : (cells[i] ?? null)));
    const text = `{${fields.join(',')}}`;
    this.file.write(this.shape === 'lines' ? text + '\n' : (this.rows === 0 ? '\n' : ',\n') + text);
    this.rows++;
  }

  partialRow(cells: Cell[]): void {
    const text = `{${this.keys.map((key, i) => key + JSON.stringify(cells[i])).join(',')}}`;
    this.file.write(text.slice(0, Math.floor(text.length / 2)));
  }

  drain(): Promise<void> {
    return this.file.drain();
  }

  async close(): Promise<void> {
    if (this.shape === 'array') this.file.write('\n]\n');
    await this.file.close();
  }
}

const YIELD_EVERY = 500;
const MAX_PENDING_XML = 1 << 22;
type PipeTarget = NodeJS.EventEmitter & { _writableState?: { length: number } };

class XlsxWriter implements TableWriter {
  private readonly out: WriteStream;
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;
  private rows = 0;
  private drainedAt = 0;

  constructor(
    private readonly path: string,
    sheetName: string,
    creator: string,
  ) {
    this.out = createWriteStream(path);
    // Without styles exceljs still gives date cells its built-in short-date format (14), and runs far faster.
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: this.out, useStyles: false, useSharedStrings: false });
    this.workbook.creator = creator;
    this.workbook.created = WORKBOOK_DATE;
    this.workbook.modified = WORKBOOK_DATE;
    this.sheet = this.workbook.addWorksheet(sheetName);
  }

  header(headers: string[]): void {
    this.sheet.columns = headers.map((_, i) => ({ key: `c${i}`, width: i === 0 ? 22 : 14 }));
    this.row(headers);
  }

  row(cells: Cell[]): void {
    this.sheet.addRow(cells).commit();
    this.rows++;
  }

  partialRow(): void {
    throw new Error('an XLSX file cannot be cut mid-row');
  }

  /**
   * exceljs ignores backpressure between the sheet and the zip, so unzipped XML piles up in
   * memory when rows come faster than deflate takes them. Wait on the sheet's pipe ourselves
   * (exceljs 4.4 internals: the sheet's StreamBuf pipes into a PassThrough of the archiver).
   */
  async drain(): Promise<void> {
    if (this.rows - this.drainedAt < YIELD_EVERY) return;
    this.drainedAt = this.rows;
    await new Promise((resolve) => setImmediate(resolve));
    const pipe = (this.sheet as unknown as { stream?: { pipes?: PipeTarget[] } }).stream?.pipes?.[0];
    if (pipe?._writableState && pipe._writableState.length > MAX_PENDING_XML) await once(pipe, 'drain');
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await this.workbook.commit();
    await fixZipTimestamps(this.path, WORKBOOK_DATE);
  }
}

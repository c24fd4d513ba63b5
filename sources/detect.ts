/**
 * Telling what a file is without asking: its format and encoding from its first bytes,
 * and which source it is from its headers.
 */
import { open } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { SourceContract, SourceName } from './contract.ts';
import { CONTRACTS } from './contracts.ts';

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
  return isUtf8(head) ? 'csv-utf8' : 'csv-gbk';
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

/** Header text reduced to what identifies it: case, spaces, BOM and bracket styles ignored. */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-()（）【】[\]]/g, '');
}

export interface HeaderMapping {
  /** canonical column name → header as it appears in the file */
  columns: Map<string, string>;
  missingRequired: string[];
  /** file headers that match no contract column */
  extras: string[];
}

export function mapHeaders(contract: SourceContract, headers: string[]): HeaderMapping {
  const byNormalised = new Map<string, string>();
  for (const header of headers) {
    const key = normaliseHeader(header);
    if (!byNormalised.has(key)) byNormalised.set(key, header);
  }
  const columns = new Map<string, string>();
  const used = new Set<string>();
  for (const column of contract.columns) {
    for (const spelling of [column.name, column.zh, ...column.aliases]) {
      const header = byNormalised.get(normaliseHeader(spelling));
      if (header !== undefined && !used.has(header)) {
        columns.set(column.name, header);
        used.add(header);
        break;
      }
    }
  }
  const missingRequired = contract.columns.filter((c) => c.required && !columns.has(c.name)).map((c) => c.name);
  return { columns, missingRequired, extras: headers.filter((h) => !used.has(h)) };
}

export class SourceDetectionError extends Error {
  constructor(
    message: string,
    readonly reasonCode: 'unknown_source' | 'ambiguous_source' | 'missing_columns',
  ) {
    super(message);
  }
}

/** The one source whose required columns are all present; refuses unknown or ambiguous files. */
export function detectSource(headers: string[], forced?: SourceName): { contract: SourceContract; mapping: HeaderMapping } {
  if (forced) {
    const contract = CONTRACTS[forced];
    const mapping = mapHeaders(contract, headers);
    if (mapping.missingRequired.length) {
      throw new SourceDetectionError(missingColumnsMessage(contract, mapping, headers), 'missing_columns');
    }
    return { contract, mapping };
  }
  const scored = Object.values(CONTRACTS).map((contract) => ({ contract, mapping: mapHeaders(contract, headers) }));
  const complete = scored.filter((s) => s.mapping.missingRequired.length === 0);
  if (complete.length > 1) {
    // More matched columns wins (an alerts file also satisfies a looser contract); a tie is ambiguous.
    complete.sort((a, b) => b.mapping.columns.size - a.mapping.columns.size);
    if (complete[0].mapping.columns.size === complete[1].mapping.columns.size) {
      throw new SourceDetectionError(
        `cannot tell which source this file is: it fits ${complete.map((s) => s.contract.source).join(', ')} equally. ` +
          'Pass --source NAME to say which.',
        'ambiguous_source',
      );
    }
  }
  if (complete.length >= 1) return complete[0];
  const best = scored.sort((a, b) => b.mapping.columns.size - a.mapping.columns.size)[0];
  const candidates = scored.filter((s) => s.mapping.columns.size > 0).map((s) => s.contract.source);
  throw new SourceDetectionError(
    `cannot tell which source this file is from its headers (${headers.slice(0, 12).join(', ')}${headers.length > 12 ? ', …' : ''}). ` +
      (candidates.length
        ? `Closest: ${best.contract.source} (${missingColumnsMessage(best.contract, best.mapping, headers)}). Candidates: ${candidates.join(', ')}. `
        : '') +
      'Check the file is an export of one of: schools, inspections, sensors, alerts, cases, activities, or pass --source NAME.',
    'unknown_source',
  );
}

function missingColumnsMessage(contract: SourceContract, mapping: HeaderMapping, headers: string[]): string {
  const missing = mapping.missingRequired.map((name) => {
    const column = contract.columns.find((c) => c.name === name)!;
    return `${column.zh}/${column.name}`;
  });
  return (
    `missing required column(s) for ${contract.source}: ${missing.join(', ')}; ` +
    `expected ${contract.columns.filter((c) => c.required).map((c) => c.zh).join(', ')}; found ${headers.join(', ')}`
  );
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
  const line = text.split(/\r?\n/)[0] ?? '';
  const delimiter = [',', ';', '\t', '|'].sort((a, b) => line.split(b).length - line.split(a).length)[0];
  return line.split(delimiter).map((h) => h.trim().replace(/^"|"$/g, ''));
}

function keysOf(json: string): string[] {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === 'object' ? Object.keys(value) : [];
  } catch {
    return [];
  }
}

async function firstXlsxRow(path: string): Promise<string[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit' });
  for await (const worksheet of reader) {
    for await (const row of worksheet) return (row.values as unknown[]).slice(1).map((v) => String(v ?? ''));
  }
  return [];
}

/** Landing order: the school registry (wave 0) before everything checked against it (wave 1). */
export async function landingWave(path: string): Promise<number> {
  try {
    const head = await readHead(path);
    if (head.length === 0) return 1;
    const format = detectFormat(head);
    const headers = await sniffHeaders(path, format, head);
    return mapHeaders(CONTRACTS.schools, headers).missingRequired.length === 0 ? 0 : 1;
  } catch {
    return 1;
  }
}

/**
 * Reading back what the demo generator wrote: any of its export files as a header row and
 * text cells, as a person opening it would see them (dates as text). Shared by the generator
 * test and the free-text privacy test.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { expect } from 'vitest';
import type { SourceName } from '../sources/contract.ts';
import { CONTRACTS } from '../sources/contracts.ts';
import { mapHeaders } from '../sources/detect.ts';
import type { ManifestFile } from '../demo/index.ts';

export type Table = { headers: string[]; rows: string[][] };

const text = (v: unknown): string =>
  v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 19).replace('T', ' ').replace(' 00:00:00', '') : String(v);

/**
 * The header and data rows of a sheet's lines. A dirty city's files show Excel's habits
 * (demo/habits.ts): a title row above the header, a two-row header (a group
 * title in the upper row over names in the lower), a 合计 row at the bottom.
 */
function sheetTable(source: SourceName, lines: string[][]): Table {
  const names = (row: string[]) => mapHeaders(CONTRACTS[source], row.filter((c) => c !== '')).columns.size;
  const first = Math.max(0, lines.findIndex((row) => names(row) >= 3));
  let headers = lines[first] ?? [];
  const lower = (lines[first + 1] ?? []).filter((c) => c !== '');
  const grouped = lower.length > 0 && lines[first + 1].some((c) => c === '') && names(lower) === lower.length;
  if (grouped) headers = headers.map((h, i) => lines[first + 1][i] || h);
  return { headers, rows: lines.slice(first + (grouped ? 2 : 1)).filter((row) => row[0] !== '合计') };
}

export async function readTable(dir: string, entry: ManifestFile): Promise<Table> {
  const path = join(dir, entry.file);
  if (statSync(path).size === 0) return { headers: [], rows: [] };
  if (entry.format === 'xlsx') {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const lines: string[][] = [];
    // Array.from: a row's values are sparse, and a blank cell must stay a column
    workbook.worksheets[0].eachRow((row) => lines.push(Array.from((row.values as unknown[]).slice(1), text)));
    return sheetTable(entry.source, lines);
  }
  const raw = readFileSync(path);
  if (entry.format === 'ndjson' || entry.format === 'json') {
    const objects: Record<string, unknown>[] =
      entry.format === 'json' ? JSON.parse(raw.toString('utf8')) : raw.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const headers = Object.keys(objects[0] ?? {});
    return { headers, rows: objects.map((o) => headers.map((h) => text(o[h]))) };
  }
  const content = entry.format === 'csv-gbk' ? iconv.decode(raw, 'gbk') : raw.toString('utf8');
  if (entry.format === 'csv-utf8-bom') expect(content.charCodeAt(0)).toBe(0xfeff);
  const parsed = Papa.parse<string[]>(content.replace(/^\uFEFF/, ''), { skipEmptyLines: true });
  return sheetTable(entry.source, parsed.data);
}


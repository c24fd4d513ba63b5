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
import type { ManifestFile } from '../sources/demo-city/index.ts';

export type Table = { headers: string[]; rows: string[][] };

const text = (v: unknown): string =>
  v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 19).replace('T', ' ').replace(' 00:00:00', '') : String(v);

export async function readTable(dir: string, entry: ManifestFile): Promise<Table> {
  const path = join(dir, entry.file);
  if (statSync(path).size === 0) return { headers: [], rows: [] };
  if (entry.format === 'xlsx') {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const lines: string[][] = [];
    workbook.worksheets[0].eachRow((row) => lines.push((row.values as unknown[]).slice(1).map(text)));
    return { headers: lines[0], rows: lines.slice(1) };
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
  return { headers: parsed.data[0] ?? [], rows: parsed.data.slice(1) };
}


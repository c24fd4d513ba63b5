/**
 * Shared by the source tests: a fresh warehouse per suite, the fixed ingest clock and PII
 * salt the expectations were worked out with, and row readers that return plain values.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Warehouse } from '../../warehouse/connection.ts';
import { FIXTURES, initialisedWarehouse, tempDir } from '../helpers.ts';

export const SOURCE_FIXTURES = join(FIXTURES, 'sources');
export const FORMATS = ['csv-utf8', 'csv-utf8-bom', 'csv-gbk', 'xlsx', 'json', 'ndjson'] as const;
export const EXTENSION: Record<(typeof FORMATS)[number], string> = {
  'csv-utf8': 'csv',
  'csv-utf8-bom': 'csv',
  'csv-gbk': 'csv',
  xlsx: 'xlsx',
  json: 'json',
  ndjson: 'ndjson',
};

/** The ingest clock of every fixture expectation: 2026-01-15 08:00 in Shanghai. */
export const NOW = new Date('2026-01-15T00:00:00Z');
export const SALT = 'fixture-salt';

export function fixture(format: (typeof FORMATS)[number], source: string): string {
  return join(SOURCE_FIXTURES, format, `${source}.${EXTENSION[format]}`);
}

/** The salted hash the warehouse keeps for a student ID number (salt SALT). */
export function idHash(idNumber: string, salt = SALT): string {
  return createHash('sha256').update(salt + idNumber.toUpperCase()).digest('hex');
}

export async function openWarehouse(): Promise<{ db: Warehouse; dir: string }> {
  const dir = tempDir();
  const db = await initialisedWarehouse(join(dir, 'warehouse.duckdb'));
  return { db, dir };
}

/** Writes `files` (name → text or bytes) into a new folder and returns its path. */
export function folderWith(files: Record<string, string | Buffer>): string {
  const dir = tempDir('safecampus-files-');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** Raw rows of a source without the batch columns, `extra` parsed, in (batch, row) order; `where` may name the batch_id. */
export async function rawRows(db: Warehouse, source: string, where = 'true'): Promise<Record<string, unknown>[]> {
  const rows = await db.all(
    `select raw_rows.* exclude (batch_seq, row_hash) from raw.${source} as raw_rows join audit.batches using (batch_seq) where ${where} order by batch_seq, row_number`,
  );
  return rows.map((row) => ({ ...row, extra: row.extra === null ? null : JSON.parse(row.extra as string) }));
}

/** [row number, reason code] of a batch's rejects, in row order. */
export async function rejectsOf(db: Warehouse, batchId: string | null): Promise<[number | null, string][]> {
  const rows = await db.all<{ row_number: number | null; reason_code: string }>(
    'select row_number, reason_code from audit.rejects where batch_id = $1 order by row_number nulls first',
    [batchId],
  );
  return rows.map((r) => [r.row_number, r.reason_code]);
}

/** Row counts of every table in the warehouse's own schemas (for "nothing changed" checks). */
export async function tableCounts(db: Warehouse): Promise<Record<string, number>> {
  const tables = await db.all<{ table_schema: string; table_name: string }>(
    `select table_schema, table_name from information_schema.tables
     where table_catalog = current_database() and table_type = 'BASE TABLE' order by 1, 2`,
  );
  const counts: Record<string, number> = {};
  for (const t of tables) counts[`${t.table_schema}.${t.table_name}`] = await db.value<number>(`select count(*) from "${t.table_schema}"."${t.table_name}"`);
  return counts;
}

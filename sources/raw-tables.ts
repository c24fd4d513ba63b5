/**
 * The raw layer's tables are derived from the source contracts: one table per source with
 * lineage columns and one typed column per contract column (PII columns dropped or kept
 * only as a salted hash). Syncing adds tables and columns the contracts gained; it never
 * drops anything, so older batches stay readable.
 */
import type { ColumnContract, ColumnType, SourceContract } from './contract.ts';
import { CONTRACTS } from './contracts.ts';
import type { Warehouse } from '../warehouse/connection.ts';

const SQL_TYPES: Record<ColumnType, string> = {
  text: 'varchar',
  school_code: 'varchar',
  unit_code: 'varchar',
  enum: 'varchar',
  integer: 'integer',
  number: 'double',
  date: 'date',
  datetime: 'timestamp',
  boolean: 'boolean',
};

export const LINEAGE_COLUMNS = [
  ['batch_seq', 'bigint not null'],
  ['row_number', 'integer not null'],
  ['row_hash', 'uhugeint not null'],
] as const;

/** The column a contract column is stored as in raw, or null when it is never stored. */
export function storedColumn(column: ColumnContract): { name: string; sqlType: string } | null {
  if (column.pii === 'drop') return null;
  if (column.pii === 'hash') return { name: `${column.name}_hash`, sqlType: 'varchar' };
  return { name: column.name, sqlType: SQL_TYPES[column.type] };
}

export function rawTableName(contract: SourceContract): string {
  return `raw.${contract.source}`;
}

export async function syncRawTables(db: Warehouse): Promise<void> {
  const existing = await db.all<{ table_name: string; column_name: string }>(
    "select table_name, column_name from information_schema.columns where table_catalog = current_database() and table_schema = 'raw'",
  );
  for (const contract of Object.values(CONTRACTS)) {
    const columns = [
      ...LINEAGE_COLUMNS.map(([name, type]) => `${name} ${type}`),
      ...contract.columns.flatMap((c) => {
        const stored = storedColumn(c);
        return stored ? [`${stored.name} ${stored.sqlType}`] : [];
      }),
      'extra json',
    ];
    await db.run(`create table if not exists ${rawTableName(contract)} (${columns.join(', ')})`);
    // a statement only for each column an existing table lacks: one costs DuckDB about a millisecond, and there are some 150
    const had = new Set(existing.filter((c) => c.table_name === contract.source).map((c) => c.column_name));
    for (const column of had.size ? columns.filter((c) => !had.has(c.split(' ')[0])) : []) {
      await db.run(`alter table ${rawTableName(contract)} add column if not exists ${column.replace(' not null', '')}`);
    }
  }
}

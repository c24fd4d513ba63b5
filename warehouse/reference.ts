/**
 * Loads the committed reference data (data/reference/*.csv) and the contracts' enum
 * aliases into `ref`. Replaced wholesale on every init, so editing a file and re-running
 * init is all another city needs.
 */
import { join } from 'node:path';
import { CONTRACTS } from '../sources/contracts.ts';
import type { Warehouse } from './connection.ts';

export const REFERENCE_DIR = join(import.meta.dirname, '..', 'data', 'reference');

const REFERENCE_TABLES = ['units', 'checklist_items'] as const;

export async function loadReference(db: Warehouse, dir = REFERENCE_DIR): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await db.transaction(async () => {
    for (const table of REFERENCE_TABLES) {
      const file = join(dir, `${table}.csv`).replaceAll("'", "''");
      await db.run(`delete from ref.${table}`);
      await db.run(`insert into ref.${table} by name select * from read_csv('${file}', header = true, auto_detect = true)`);
      counts[table] = await db.value<number>(`select count(*) from ref.${table}`);
    }
    await db.run('delete from ref.enum_aliases');
    const rows = enumAliasRows();
    await db.run(
      `insert into ref.enum_aliases select * from (values ${rows.map(() => '(?, ?, ?, ?)').join(', ')})`,
      rows.flat(),
    );
    counts.enum_aliases = rows.length;
  });
  return counts;
}

/**
 * [source, column, alias (normalised), canonical value] for every spelling in the
 * contracts. A spelling that means two values in one column is a contract error.
 */
export function enumAliasRows(): [string, string, string, string][] {
  const rows: [string, string, string, string][] = [];
  const seen = new Map<string, string>();
  for (const contract of Object.values(CONTRACTS)) {
    for (const column of contract.columns) {
      for (const entry of column.enum ?? []) {
        for (const spelling of [entry.value, ...entry.aliases]) {
          const alias = normaliseEnumText(spelling);
          const key = `${contract.source}.${column.name}.${alias}`;
          const earlier = seen.get(key);
          if (earlier === entry.value) continue;
          if (earlier !== undefined) {
            throw new Error(`contract ${contract.source}.${column.name}: "${spelling}" means both ${earlier} and ${entry.value}`);
          }
          seen.set(key, entry.value);
          rows.push([contract.source, column.name, alias, entry.value]);
        }
      }
    }
  }
  return rows;
}

export function normaliseEnumText(text: string): string {
  return text.trim().toLowerCase();
}

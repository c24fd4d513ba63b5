/** `safecampus init`: create or migrate the warehouse, then refresh reference data. */
import { migrate, type MigrationResult } from './migrate.ts';
import { syncRawTables } from './raw-tables.ts';
import { loadReference } from './reference.ts';
import type { Warehouse } from './connection.ts';

export interface InitResult extends MigrationResult {
  reference: Record<string, number>;
}

export async function initWarehouse(db: Warehouse): Promise<InitResult> {
  const migration = await migrate(db);
  await syncRawTables(db);
  const reference = await loadReference(db);
  return { ...migration, reference };
}

/** `safecampus init`: create or migrate the warehouse, then refresh reference data. */
import { migrate, type MigrationResult } from '../warehouse/migrate.ts';
import { syncRawTables } from './raw-tables.ts';
import { loadReference, referenceFingerprint } from './reference.ts';
import type { Warehouse } from '../warehouse/connection.ts';

export interface InitResult extends MigrationResult {
  reference: Record<string, number>;
}

/**
 * Warehouses this process loaded the reference data into, by path: the files' fingerprint and
 * the warehouse's first migration time (a warehouse made anew at the same path has another).
 */
const referenceLoaded = new Map<string, string>();

/**
 * With `reuseReference`, reference data this process already loaded into this warehouse from the
 * same files is not loaded again: a pipeline run opens the warehouse once per step, and loading
 * it took 0.1–0.2 s of each of a city's 30-odd steps.
 */
export async function initWarehouse(db: Warehouse, { reuseReference = false }: { reuseReference?: boolean } = {}): Promise<InitResult> {
  const migration = await migrate(db);
  await syncRawTables(db);
  const identity = `${referenceFingerprint()}|${await db.value<string>('select min(applied_at)::varchar from audit.schema_migrations')}`;
  if (reuseReference && referenceLoaded.get(db.path) === identity) return { ...migration, reference: {} };
  const reference = await loadReference(db);
  referenceLoaded.set(db.path, identity);
  return { ...migration, reference };
}

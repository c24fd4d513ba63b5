/** `safecampus init`: create or migrate the warehouse, then refresh reference data. */
import { migrate, type MigrationResult } from '../warehouse/migrate.ts';
import { syncRawTables } from './raw-tables.ts';
import { loadReference, referenceDirFor, referenceFingerprint } from './reference.ts';
import type { Warehouse } from '../warehouse/connection.ts';

export interface InitResult extends MigrationResult {
  reference: Record<string, number>;
}

/** `referenceOf`: the warehouse whose reference folder to load, when `db` is a scratch copy of it (default `db` itself). */
export async function initWarehouse(db: Warehouse, referenceOf = db.path): Promise<InitResult> {
  const migration = await migrate(db);
  await syncRawTables(db);
  const reference = await loadReference(db, referenceDirFor(referenceOf));
  return { ...migration, reference };
}

/** Warehouses this process initialised, by path: the reference files' fingerprint and the warehouse's identity then. */
const initialised = new Map<string, string>();

/**
 * The warehouse's first migration time and schema version: a warehouse made anew at the same
 * path has another first migration, one migrated by newer code another version. Null before it
 * was ever migrated.
 */
async function warehouseIdentity(db: Warehouse): Promise<string | null> {
  if (!(await db.tableExists('audit', 'schema_migrations'))) return null;
  return db.value<string>("select min(applied_at)::varchar || '|' || max(version) from audit.schema_migrations");
}

/**
 * initWarehouse once per process and warehouse, for the pipeline's steps: each step opens the
 * warehouse, and migrating, syncing the raw tables and checking the reference data took 25–30 ms
 * of each of a city's 30-odd steps (this check: about 6). Initialised again when a reference file
 * changes or the warehouse at that path is another one; null when nothing had to be done.
 */
export async function initWarehouseOnce(db: Warehouse): Promise<InitResult | null> {
  const files = referenceFingerprint(db.path);
  const before = await warehouseIdentity(db);
  if (before !== null && initialised.get(db.path) === `${files}|${before}`) return null;
  const result = await initWarehouse(db);
  initialised.set(db.path, `${files}|${await warehouseIdentity(db)}`);
  return result;
}

// A pipeline step opens the warehouse; the worker initialises it (migrations, raw tables, reference
// data) at the first step only — again when a reference file changes, when the warehouse at that
// path is a new one, and when newer code migrated it (which this code then refuses).
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Warehouse } from '../../warehouse/connection.ts';
import { NewerWarehouseError } from '../../warehouse/migrate.ts';
import { initWarehouse, initWarehouseOnce } from '../../sources/init.ts';
import { REFERENCE_DIR } from '../../sources/reference.ts';
import { tempDir } from '../helpers.ts';

const dir = tempDir('safecampus-init-reuse-');
const path = join(dir, 'w.duckdb');
const aliases = join(dir, 'aliases.csv');

/** A step: open, initialise once, close; the reference counts loaded, or null when nothing was done. */
async function step(): Promise<Record<string, number> | null> {
  const db = await Warehouse.open(path);
  try {
    return (await initWarehouseOnce(db))?.reference ?? null;
  } finally {
    db.close();
  }
}

async function withDb<T>(work: (db: Warehouse) => Promise<T>): Promise<T> {
  const db = await Warehouse.open(path);
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

afterEach(() => {
  delete process.env.SAFECAMPUS_ALIASES;
});

describe('initWarehouseOnce', () => {
  it('initialises a warehouse once per process, again when it or the reference files change', async () => {
    copyFileSync(join(REFERENCE_DIR, 'aliases.csv'), aliases);
    process.env.SAFECAMPUS_ALIASES = aliases;
    expect((await step())?.units).toBe(10);
    expect(await step()).toBeNull();
    // nothing ran: a raw table dropped by hand stays dropped until something changes
    await withDb((db) => db.run('drop table raw.schools'));
    expect(await step()).toBeNull();
    expect(await withDb((db) => db.tableExists('raw', 'schools'))).toBe(false);

    writeFileSync(aliases, '\n', { flag: 'a' }); // the bureau edits a reference file
    expect((await step())?.units).toBe(10);
    expect(await withDb((db) => db.tableExists('raw', 'schools'))).toBe(true);
    expect(await step()).toBeNull();

    rmSync(path); // a new warehouse at the same path
    await new Promise((done) => setTimeout(done, 5));
    expect((await step())?.units).toBe(10);
    expect(await withDb((db) => db.value<number>('select count(*) from ref.units'))).toBe(10);
    expect(await step()).toBeNull();

    // the CLI's init always initialises
    expect((await withDb((db) => initWarehouse(db))).reference.units).toBe(10);

    // newer code migrated it: the next step refuses it, as every step did before
    await withDb((db) => db.run("insert into audit.schema_migrations values (9999, '9999_newer', 'x', now()::timestamp)"));
    await expect(step()).rejects.toThrow(NewerWarehouseError);
  });
});

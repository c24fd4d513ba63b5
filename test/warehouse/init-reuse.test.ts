// A pipeline step opens the warehouse and initialises it; with reuseReference the reference data
// this process already loaded into the same warehouse from the same files is not loaded again —
// but it is when a file changes, and when the warehouse at that path is a new one.
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { REFERENCE_DIR } from '../../sources/reference.ts';
import { tempDir } from '../helpers.ts';

const dir = tempDir('safecampus-init-reuse-');
const path = join(dir, 'w.duckdb');
const aliases = join(dir, 'aliases.csv');

async function init(): Promise<Record<string, number>> {
  const db = await Warehouse.open(path);
  try {
    return (await initWarehouse(db, { reuseReference: true })).reference;
  } finally {
    db.close();
  }
}

afterEach(() => {
  delete process.env.SAFECAMPUS_ALIASES;
});

describe('initWarehouse({ reuseReference })', () => {
  it('loads the reference data once per warehouse and files, again when either changes', async () => {
    copyFileSync(join(REFERENCE_DIR, 'aliases.csv'), aliases);
    process.env.SAFECAMPUS_ALIASES = aliases;
    const first = await init();
    expect(first.units).toBe(10);
    expect(await init()).toEqual({});

    writeFileSync(aliases, '\n', { flag: 'a' }); // the bureau edits a reference file
    expect((await init()).units).toBe(10);
    expect(await init()).toEqual({});

    rmSync(path); // a new warehouse at the same path
    await new Promise((done) => setTimeout(done, 5));
    expect((await init()).units).toBe(10);
    const db = await Warehouse.open(path);
    try {
      expect(await db.value<number>('select count(*) from ref.units')).toBe(10);
      expect((await initWarehouse(db)).reference.units).toBe(10); // without the option: always loaded
    } finally {
      db.close();
    }
  });
});

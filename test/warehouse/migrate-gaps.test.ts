/**
 * Migration numbers need not be contiguous, and a migration merged after a higher-numbered
 * one (0007 from one branch landing after 0008 from another) is still applied to a warehouse
 * that already ran the higher one.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Warehouse } from '../../warehouse/connection.ts';
import { listMigrations, migrate } from '../../warehouse/migrate.ts';
import { tempDir } from '../helpers.ts';

describe('migrations with gaps', () => {
  it('applies 0001 and 0003, then 0002 once it appears, each exactly once', async () => {
    const dir = tempDir('safecampus-migrations-');
    writeFileSync(join(dir, '0001_one.sql'), 'create table audit.one (n integer);');
    writeFileSync(join(dir, '0003_three.sql'), 'create table audit.three (n integer);');
    const db = await Warehouse.open(join(tempDir(), 'w.duckdb'));
    try {
      expect(await migrate(db, listMigrations(dir))).toEqual({ applied: ['0001_one', '0003_three'], version: 3 });
      writeFileSync(join(dir, '0002_two.sql'), 'create table audit.two (n integer);');
      expect(await migrate(db, listMigrations(dir))).toEqual({ applied: ['0002_two'], version: 3 });
      expect(await migrate(db, listMigrations(dir))).toEqual({ applied: [], version: 3 });
      expect(await db.value('select count(*) from audit.schema_migrations')).toBe(3);
      expect(await db.tableExists('audit', 'two')).toBe(true);
    } finally {
      db.close();
    }
  });
});

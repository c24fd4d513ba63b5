/**
 * Init syncs the raw tables with the contracts: a table the warehouse lacks is created whole, a
 * column an older table lacks is added (its rows kept, the new column null), and a table that has
 * every column is left alone.
 */
import { describe, expect, it } from 'vitest';
import { CONTRACTS } from '../../sources/contracts.ts';
import { initWarehouse } from '../../sources/init.ts';
import { storedColumn } from '../../sources/raw-tables.ts';
import { Warehouse } from '../../warehouse/connection.ts';

const columnsOf = async (db: Warehouse, table: string) =>
  (await db.all<{ name: string }>("select column_name as name from information_schema.columns where table_schema = 'raw' and table_name = $1 order by ordinal_position", [table])).map((c) => c.name);

describe('syncing the raw tables', () => {
  it('creates every table with every stored column, and adds a column an existing table lacks', async () => {
    const db = await Warehouse.open(':memory:');
    try {
      await initWarehouse(db);
      const stored = CONTRACTS.schools.columns.flatMap((c) => storedColumn(c)?.name ?? []);
      const complete = await columnsOf(db, 'schools');
      expect(complete).toEqual(['batch_seq', 'row_number', 'row_hash', ...stored, 'extra']);
      for (const source of Object.keys(CONTRACTS)) expect((await columnsOf(db, source)).length, source).toBeGreaterThan(4);

      // an older warehouse: raw.schools without school_name and extra, one row in it
      await db.run('alter table raw.schools drop column school_name');
      await db.run('alter table raw.schools drop column extra');
      await db.run('insert into raw.schools (batch_seq, row_number, row_hash, school_code) values (1, 1, 7, $1)', ['4110020001']);
      await initWarehouse(db);
      expect(await columnsOf(db, 'schools')).toEqual([...complete.filter((c) => c !== 'school_name' && c !== 'extra'), 'school_name', 'extra']);
      expect(await db.all('select school_code, school_name, extra from raw.schools')).toEqual([{ school_code: '4110020001', school_name: null, extra: null }]);
    } finally {
      db.close();
    }
  });
});

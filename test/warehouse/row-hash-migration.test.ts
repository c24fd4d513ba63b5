/**
 * Migration 0005: a warehouse whose raw tables still hold row hashes as 32-character md5
 * hex text is upgraded to the 16-byte numbers new ingests write, and every old hash keeps
 * its meaning (the same md5 digest, read the way DuckDB's md5_number reads it).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../sources/ingest.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { listMigrations, migrate } from '../../warehouse/migrate.ts';
import { tempDir } from '../helpers.ts';
import { fixture, NOW } from '../sources/helpers.ts';

/** md5 as DuckDB's md5_number gives it: the 16 digest bytes as one little-endian number. */
function md5Number(text: string): string {
  const digest = createHash('md5').update(text).digest();
  return BigInt(`0x${Buffer.from(digest).reverse().toString('hex')}`).toString();
}

const hexMd5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('migration 0005: row hashes as numbers', () => {
  it('converts the hex hashes of an existing raw table to the same digests as numbers, and new ingests land beside them', async () => {
    const dir = tempDir();
    const db = await Warehouse.open(join(dir, 'warehouse.duckdb'));
    try {
      // a warehouse as the previous version left it: schema version 4, hex text hashes
      await migrate(db, listMigrations().filter((m) => m.version <= 4));
      await db.run(
        'create table raw.sensors (batch_id varchar not null, batch_seq bigint not null, row_number integer not null, row_hash varchar not null, device_id varchar)',
      );
      const cells = ['SB-1\u001f2141000001', 'SB-2\u001f2141000002'];
      await db.run("insert into raw.sensors values ('old', 1, 1, $1, 'SB-1'), ('old', 1, 2, $2, 'SB-2')", cells.map(hexMd5));

      const result = await initWarehouse(db);
      expect(result.applied).toEqual(['0005_row_hash_numbers', '0006_raw_rows_name_their_batch_by_seq', '0007_batches_count_masked_cells', '0008_report_dates_summary_rows_unit_spellings', '0009_source_health', '0010_snapshots_record_their_inputs', '0011_transform_state', '0012_unit_tiles', '0013_unit_city_name']);
      expect(await db.value('select data_type from information_schema.columns where table_schema = $1 and table_name = $2 and column_name = $3', ['raw', 'sensors', 'row_hash'])).toBe('UHUGEINT');
      // and migration 0006: a raw row names its batch by batch_seq alone
      expect(await db.value("select count(*) from information_schema.columns where table_schema = 'raw' and table_name = 'sensors' and column_name = 'batch_id'")).toBe(0);
      expect(await db.all('select row_number, cast(row_hash as varchar) as row_hash from raw.sensors order by row_number')).toEqual([
        { row_number: 1, row_hash: md5Number(cells[0]) },
        { row_number: 2, row_hash: md5Number(cells[1]) },
      ]);

      const schools = await ingestFile(db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
      const sensors = await ingestFile(db, fixture('csv-utf8', 'sensors'), { now: NOW, holdThreshold: 1 });
      expect([schools.status, sensors.status]).toEqual(['landed', 'landed']);
      // a new row's hash: md5 of its cells as received, in file order, a unit separator between, an empty cell as a record separator
      const firstRow = ['YG-001', '2141010001', 'smoke', '2025-03-05 10:05:00', 'online', '\u001e', '\u001e', 'v1.2'].join('\u001f');
      expect(await db.value('select cast(row_hash as varchar) from raw.sensors join audit.batches using (batch_seq) where batch_id = $1 and row_number = 1', [sensors.batchId])).toBe(md5Number(firstRow));
    } finally {
      db.close();
    }
  });
});

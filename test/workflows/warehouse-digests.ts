/**
 * What two pipeline runs over the same files must agree on, whatever the landing order and the
 * workers: every table's row count, every mart's content, and what each file landed as.
 */
import { relative } from 'node:path';
import { Warehouse } from '../../warehouse/connection.ts';
import { SOURCE_NAMES } from '../../sources/contract.ts';

/** Row count of every table the pipeline writes (raw, staging, core, marts, audit). */
export async function tableCounts(dbPath: string): Promise<Record<string, number>> {
  const db = await Warehouse.open(dbPath, { readOnly: true });
  try {
    const tables = await db.all<{ name: string }>(
      `select schema_name || '.' || table_name as name from duckdb_tables()
       where database_name = current_database() and not temporary and schema_name in ('raw', 'staging', 'core', 'marts', 'audit')
       order by name`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) counts[name] = await db.value<number>(`select count(*) from ${name}`);
    return counts;
  } finally {
    db.close();
  }
}

/** A digest of every published mart's content (order-independent), to compare two warehouses. */
export async function martDigests(dbPath: string): Promise<Record<string, string>> {
  const db = await Warehouse.open(dbPath, { readOnly: true });
  try {
    const tables = await db.all<{ name: string }>(
      `select schema_name || '.' || table_name as name from duckdb_tables()
       where database_name = current_database() and schema_name = 'marts' order by name`,
    );
    const digests: Record<string, string> = {};
    for (const { name } of tables) {
      digests[name] = await db.value<string>(`select md5(string_agg(md5(cast(t as varchar)), '' order by md5(cast(t as varchar)))) from ${name} t`);
    }
    return digests;
  } finally {
    db.close();
  }
}

/**
 * Per file (by its path under `inbox`): its batch record without what is unique to a run (ids,
 * times, landing order, archive folder), and digests of its raw rows and its rejects.
 */
export async function batchDigests(dbPath: string, inbox: string): Promise<Record<string, unknown>> {
  const db = await Warehouse.open(dbPath, { readOnly: true });
  try {
    const rawDigests = SOURCE_NAMES.map(
      (source) =>
        `select batch_seq, md5(string_agg(md5(cast(struct_pack(*columns(* exclude (batch_seq))) as varchar)), '' order by row_number)) as digest
         from (select * replace (row_hash::varchar as row_hash) from raw.${source}) group by batch_seq`,
    );
    const batches = await db.all(
      `select b.* exclude (batch_id, batch_seq, started_at, finished_at, archive_path) replace (replace(message, batch_id, '<batch>') as message),
              raw.digest as raw_digest,
              (select md5(string_agg(md5(cast(r as varchar)), '' order by row_number, reason_code, message))
               from (select * exclude (batch_id, file) from audit.rejects where batch_id = b.batch_id) r) as rejects_digest
       from audit.batches b left join (${rawDigests.join(' union all ')}) raw using (batch_seq)`,
    );
    return Object.fromEntries(batches.map((b) => [relative(inbox, b.file as string), { ...b, file: relative(inbox, b.file as string) }]));
  } finally {
    db.close();
  }
}

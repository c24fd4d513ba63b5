/**
 * Publishing: copy the reader-facing layers of the warehouse into a new immutable DuckDB
 * file and move the `latest` pointer to it. Readers (site loaders, query, reports) open
 * snapshots read-only and so never contend for the writer's lock.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Warehouse } from './connection.ts';

/** raw stays in the warehouse: it is lineage for operators, not data for readers. */
export const PUBLISHED_SCHEMAS = ['ref', 'staging', 'core', 'marts', 'audit'] as const;

export interface SnapshotPointer {
  snapshot_id: string;
  path: string;
  created_at: string;
}

export function snapshotsDir(db: Warehouse): string {
  return join(dirname(db.path), 'snapshots');
}

export function latestPointerPath(warehousePath: string): string {
  return join(dirname(warehousePath), 'snapshots', 'latest.json');
}

export function readLatestSnapshot(warehousePath: string): SnapshotPointer | null {
  const pointer = latestPointerPath(warehousePath);
  return existsSync(pointer) ? (JSON.parse(readFileSync(pointer, 'utf8')) as SnapshotPointer) : null;
}

export async function publishSnapshot(db: Warehouse, runId: string | null = null): Promise<SnapshotPointer> {
  const createdAt = new Date();
  const snapshotId = `${createdAt.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const dir = snapshotsDir(db);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${snapshotId}.duckdb`);
  await writeSnapshotFile(db, path);
  await db.run('insert into audit.snapshots (snapshot_id, path, created_at, run_id) values ($1, $2, now()::timestamp, $3)', [snapshotId, path, runId]);
  const pointer: SnapshotPointer = { snapshot_id: snapshotId, path, created_at: createdAt.toISOString() };
  const temporary = `${latestPointerPath(db.path)}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(pointer, null, 2));
  await rename(temporary, latestPointerPath(db.path));
  return pointer;
}

/** Copies the published schemas of the warehouse into a new DuckDB file at `path` (which must not exist). */
export async function writeSnapshotFile(db: Warehouse, path: string): Promise<void> {
  const alias = 'snapshot_out';
  await db.run(`attach '${path.replaceAll("'", "''")}' as ${alias}`);
  try {
    const tables = await db.all<{ schema_name: string; table_name: string }>(
      `select schema_name, table_name from duckdb_tables()
       where database_name = current_database() and schema_name in (${PUBLISHED_SCHEMAS.map((s) => `'${s}'`).join(', ')})
       order by all`,
    );
    for (const schema of PUBLISHED_SCHEMAS) await db.run(`create schema ${alias}.${schema}`);
    for (const { schema_name, table_name } of tables) {
      await db.run(`create table ${alias}.${schema_name}.${table_name} as select * from ${schema_name}.${table_name}`);
    }
    // views (a wide model computed where it is read) go as views: their tables are in the snapshot, and a view resolves its names there
    const views = await db.all<{ schema_name: string; view_name: string; sql: string }>(
      `select schema_name, view_name, sql from duckdb_views()
       where database_name = current_database() and not internal and schema_name in (${PUBLISHED_SCHEMAS.map((s) => `'${s}'`).join(', ')})
       order by all`,
    );
    for (const { schema_name, view_name, sql } of views) {
      const query = sql.replace(/^CREATE VIEW \S+ AS /i, '').replace(/;\s*$/, '');
      await db.run(`create view ${alias}.${schema_name}.${view_name} as ${query}`);
    }
  } finally {
    await db.run(`detach ${alias}`);
  }
}

/**
 * A warehouse built the pipeline's way (init, ingest, transform) from the hand-made mini
 * city (test/fixtures/mini-city), optionally published as a snapshot.
 */
import { join } from 'node:path';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { ingestPath } from '../../sources/ingest.ts';
import { runTransform } from '../../transforms/runner.ts';
import { publishSnapshot, type SnapshotPointer } from '../../warehouse/snapshot.ts';
import { FIXTURES } from '../helpers.ts';

export async function buildMiniCity(dbPath: string): Promise<Warehouse> {
  const db = await Warehouse.open(dbPath);
  await initWarehouse(db);
  await ingestPath(db, join(FIXTURES, 'mini-city'), { now: new Date('2026-01-15T00:00:00Z') });
  const { failures } = await runTransform(db);
  if (failures.length) throw new Error(`the mini city fails data tests: ${JSON.stringify(failures)}`);
  return db;
}

export async function publishMiniCity(dbPath: string): Promise<SnapshotPointer> {
  const db = await buildMiniCity(dbPath);
  try {
    return await publishSnapshot(db);
  } finally {
    db.close();
  }
}

/**
 * Where a report's numbers come from: one published snapshot, opened read-only, its sha256 and
 * its period; the definition edition it was scored with is read by
 * transforms/definitions/snapshot-edition.ts, which the site's method comparison shares.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { Warehouse } from '../warehouse/connection.ts';
import { readLatestSnapshot } from '../warehouse/snapshot.ts';

/** A report cannot be made from what it was given (exit 1 in the CLI). */
export class ReportError extends Error {}

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The latest published snapshot of the warehouse at `warehousePath`, or a ReportError saying how to get one. */
export function latestSnapshotPath(warehousePath: string): string {
  const pointer = readLatestSnapshot(warehousePath);
  if (!pointer) {
    throw new ReportError(`no published snapshot next to ${warehousePath}: run \`safecampus run\` to publish one, or pass --snapshot PATH`);
  }
  if (!existsSync(pointer.path)) throw new ReportError(`the latest snapshot ${pointer.path} is missing: run \`safecampus run\` again, or pass --snapshot PATH`);
  return pointer.path;
}

export async function openSnapshot(path: string): Promise<Warehouse> {
  if (!existsSync(path)) throw new ReportError(`snapshot ${path} does not exist: pass the .duckdb file of a published snapshot (data/snapshots/)`);
  const db = await Warehouse.open(path, { readOnly: true });
  if (!(await db.tableExists('marts', 'unit_scorecard'))) {
    db.close();
    throw new ReportError(`${path} holds no scores (marts.unit_scorecard): pass a snapshot published after \`safecampus transform\``);
  }
  return db;
}

export type PeriodInfo = {
  period_id: string;
  period_kind: string;
  start_on: string;
  end_on: string;
  as_of_on: string;
  is_complete: boolean;
  definition_edition: number;
}

export async function readPeriod(db: Warehouse, period: string): Promise<PeriodInfo> {
  const row = await db.one<PeriodInfo>(
    'select period_id, period_kind, start_on, end_on, as_of_on, is_complete, definition_edition from core.dim_periods where period_id = $1',
    [period],
  );
  if (!row) {
    const known = await db.all<{ period_id: string }>("select period_id from core.dim_periods where period_kind = 'year' order by period_id");
    throw new ReportError(`the snapshot has no period ${period}; its years are ${known.map((r) => r.period_id).join(', ') || 'none'}`);
  }
  return row;
}

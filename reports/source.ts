/**
 * Where a report's numbers come from: one published snapshot, opened read-only, its sha256 and
 * its period; the definition edition it was scored with is read by
 * transforms/definitions/snapshot-edition.ts, which the site's method comparison shares.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import type { Kysely, NotNull } from 'kysely';
import { Warehouse } from '../warehouse/connection.ts';
import type { ColumnsOf } from '../warehouse/kysely.ts';
import type { CoreDimPeriods, Database } from '../warehouse/schema.generated.ts';
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

export type PeriodInfo = ColumnsOf<
  CoreDimPeriods,
  'period_id' | 'period_kind' | 'start_on' | 'end_on' | 'as_of_on' | 'is_complete' | 'definition_edition',
  'is_complete'
>;

export async function readPeriod(q: Kysely<Database>, period: string): Promise<PeriodInfo> {
  const row = await q
    .selectFrom('core.dim_periods')
    .select(['period_id', 'period_kind', 'start_on', 'end_on', 'as_of_on', 'is_complete', 'definition_edition'])
    .where('period_id', '=', period)
    .$narrowType<{ is_complete: NotNull }>()
    .executeTakeFirst();
  if (!row) {
    const known = await q.selectFrom('core.dim_periods').select('period_id').where('period_kind', '=', 'year').orderBy('period_id').execute();
    throw new ReportError(`the snapshot has no period ${period}; its years are ${known.map((r) => r.period_id).join(', ') || 'none'}`);
  }
  return row;
}

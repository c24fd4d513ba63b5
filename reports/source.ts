/**
 * Where a report's numbers come from: one published snapshot, opened read-only, its sha256,
 * and the definition edition it was scored with — the file on disk is used only when its
 * sha256 equals the one the snapshot recorded (ref.definition_editions), so a report never
 * mixes a snapshot with a later edit of the definition.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFINITIONS_DIR, loadDefinition, type IndicatorDefinition } from '../transforms/definitions/load.ts';
import type { Kysely, NotNull } from 'kysely';
import { Warehouse } from '../warehouse/connection.ts';
import type { ColumnsOf } from '../warehouse/kysely.ts';
import type { CoreDimPeriods, Database, RefDefinitionEditions } from '../warehouse/schema.generated.ts';
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

/** Every column the loader of ref.definition_editions fills. */
export type EditionInfo = ColumnsOf<
  RefDefinitionEditions,
  'edition' | 'version' | 'title_zh' | 'definition_path' | 'definition_sha256',
  'edition' | 'version' | 'title_zh' | 'definition_path' | 'definition_sha256'
>;

export async function readEdition(q: Kysely<Database>, edition: number): Promise<EditionInfo> {
  const row = await q
    .selectFrom('ref.definition_editions')
    .select(['edition', 'version', 'title_zh', 'definition_path', 'definition_sha256'])
    .where('edition', '=', edition)
    .$narrowType<{ edition: NotNull; version: NotNull; title_zh: NotNull; definition_path: NotNull; definition_sha256: NotNull }>()
    .executeTakeFirst();
  if (!row) throw new ReportError(`the snapshot records no definition edition ${edition} (ref.definition_editions)`);
  return row;
}

/**
 * The definition file the snapshot was scored with: the recorded path, else the shipped
 * edition, accepted only if its sha256 matches the snapshot's record.
 */
export function definitionForSnapshot(edition: EditionInfo, override?: string): IndicatorDefinition {
  const candidates = override ? [override] : [edition.definition_path, join(DEFINITIONS_DIR, `${edition.edition}.json`)];
  const seen: string[] = [];
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    const definition = loadDefinition(path);
    if (definition.source.sha256 === edition.definition_sha256) return definition;
    seen.push(`${path} (sha256 ${definition.source.sha256.slice(0, 12)}…)`);
  }
  throw new ReportError(
    `the snapshot was scored with definition ${edition.edition} v${edition.version} of sha256 ${edition.definition_sha256}, ` +
      (seen.length ? `but ${seen.join(' and ')} differ` : `but no file was found at ${candidates.join(' or ')}`) +
      ': restore that exact file (e.g. from git history) and pass its path, or re-run the pipeline to publish a snapshot scored with the current file',
  );
}

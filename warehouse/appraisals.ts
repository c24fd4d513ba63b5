/**
 * The warehouse side of the annual appraisal (年度考核): freeze the warehouse into an immutable
 * file as of the cut-off, summarise the appraisal marts from that file, record the request and its
 * sign-off in audit.appraisals, and publish an approved appraisal next to its frozen file.
 *
 *   <warehouse dir>/appraisals/<year>/<appraisal_id>.duckdb   frozen copy (every run, immutable)
 *   <warehouse dir>/appraisals/<year>/approved.duckdb         the approved run's frozen copy
 *   <warehouse dir>/appraisals/<year>/approved.json           its manifest (ids, hashes, sign-off)
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import type { Warehouse } from './connection.ts';
import { typedWarehouse } from './kysely.ts';
import type { AuditAppraisals } from './schema.generated.ts';
import { writeSnapshotFile } from './snapshot.ts';

/**
 * The marts an appraisal reports for period '<year>': their row counts are the appraisal's summary
 * (the reports read the frozen file itself).
 */
export const APPRAISAL_MARTS = ['marts.unit_scorecard', 'marts.school_scorecard'] as const;

export interface AppraisalSummary {
  period: string;
  /** Rows of each appraisal mart for the period. */
  rows: Record<string, number>;
}

/** A row of audit.appraisals, its dates and times as text. */
export type AppraisalRecord = Omit<AuditAppraisals, 'status'> & { status: 'pending' | 'approved' | 'rejected' };

export function appraisalDir(warehousePath: string, year: number): string {
  return join(dirname(warehousePath), 'appraisals', String(year));
}

/** Batches landed after the cut-off day (Asia/Shanghai wall time, like every warehouse timestamp). */
export async function batchesLandedAfter(db: Warehouse, cutoff: string): Promise<number> {
  const row = await typedWarehouse(db)
    .selectFrom('audit.batches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '<>', 'failed')
    .where((eb) => sql<boolean>`${eb.ref('started_at')} >= ${cutoff}::date + 1`)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Writes the frozen copy to `path` through a `.partial` file, so `path` exists only when complete. */
export async function freezeWarehouse(db: Warehouse, path: string): Promise<void> {
  const partial = `${path}.partial`;
  await mkdir(dirname(path), { recursive: true });
  await rm(partial, { force: true }); // left by a worker that died while writing it
  await writeSnapshotFile(db, partial);
  await rename(partial, path);
}

/** Row counts of the appraisal marts for period '<year>', read from a (frozen) warehouse file; 0 for a mart not built yet. */
export async function appraisalSummary(db: Warehouse, year: number): Promise<AppraisalSummary> {
  const period = String(year);
  const rows: Record<string, number> = {};
  for (const table of APPRAISAL_MARTS) {
    const [schema, name] = table.split('.') as [string, string];
    rows[table] = (await db.tableExists(schema, name)) ? await db.value<number>(`select count(*) from ${table} where period = $1`, [period]) : 0;
  }
  return { period, rows };
}

/** Records a computed appraisal as pending; a retry of the same appraisal_id changes nothing. */
export async function recordAppraisalRequest(
  db: Warehouse,
  record: Pick<AppraisalRecord, 'appraisal_id' | 'year' | 'cutoff_on' | 'snapshot_path' | 'snapshot_sha256' | 'definition_version' | 'definition_sha256' | 'summary' | 'requested_at'>,
): Promise<void> {
  await db.run(
    `insert into audit.appraisals (appraisal_id, year, cutoff_on, snapshot_path, snapshot_sha256, definition_version, definition_sha256, summary, status, requested_at)
     values ($1, $2, $3::date, $4, $5, $6, $7, $8, 'pending', $9::timestamp)
     on conflict do nothing`,
    [
      record.appraisal_id,
      record.year,
      record.cutoff_on,
      record.snapshot_path,
      record.snapshot_sha256,
      record.definition_version,
      record.definition_sha256,
      record.summary,
      record.requested_at,
    ],
  );
}

export async function readAppraisal(db: Warehouse, appraisalId: string): Promise<AppraisalRecord | undefined> {
  return typedWarehouse(db)
    .selectFrom('audit.appraisals')
    .select((eb) => {
      const text = (column: 'cutoff_on' | 'requested_at' | 'decided_at' | 'published_at') => sql<string>`${eb.ref(column)}::varchar`.as(column);
      return [
        'appraisal_id',
        'year',
        text('cutoff_on'),
        'snapshot_path',
        'snapshot_sha256',
        'definition_version',
        'definition_sha256',
        'summary',
        'status',
        'approver',
        'comment',
        text('requested_at'),
        text('decided_at'),
        'published_path',
        text('published_at'),
      ];
    })
    .where('appraisal_id', '=', appraisalId)
    .$narrowType<{ status: AppraisalRecord['status'] }>()
    .executeTakeFirst();
}

/** Records the sign-off (and, for an approval, where it was published). */
export async function recordAppraisalDecision(
  db: Warehouse,
  decision: { appraisal_id: string; status: 'approved' | 'rejected'; approver: string; comment: string | null; decided_at: string; published_path: string | null },
): Promise<void> {
  await db.run(
    `update audit.appraisals
     set status = $2, approver = $3, comment = $4, decided_at = $5::timestamp,
         published_path = $6, published_at = case when $6 is null then null else now()::timestamp end
     where appraisal_id = $1`,
    [decision.appraisal_id, decision.status, decision.approver, decision.comment, decision.decided_at, decision.published_path],
  );
}

/** Copies the approved frozen file to approved.duckdb and writes approved.json beside it (each via a temporary name). */
export async function publishApprovedAppraisal(record: AppraisalRecord, manifest: Record<string, unknown>): Promise<{ publishedPath: string; manifestPath: string }> {
  if (!existsSync(record.snapshot_path)) throw new Error(`the frozen appraisal file ${record.snapshot_path} is missing`);
  const dir = dirname(record.snapshot_path);
  const publishedPath = join(dir, 'approved.duckdb');
  const manifestPath = join(dir, 'approved.json');
  await copyFile(record.snapshot_path, `${publishedPath}.partial`);
  await rename(`${publishedPath}.partial`, publishedPath);
  await writeFile(`${manifestPath}.partial`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${manifestPath}.partial`, manifestPath);
  return { publishedPath, manifestPath };
}

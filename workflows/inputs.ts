/**
 * What a run's results are made from, and whether any of it changed since the last publish.
 * A snapshot records a fingerprint of its inputs — the batches that were in (and their
 * status), the definition files, the reference data and the models — and the site built from
 * it a fingerprint of those plus the site's own sources. A run that finds no new export file
 * and the same fingerprints stops there: nothing to transform, publish or build.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEFAULT_ALIASES_FILE } from '../sources/aliases.ts';
import { listExportFiles, sha256File } from '../sources/ingest.ts';
import { DEFINITIONS_DIR } from '../transforms/definitions/load.ts';
import { loadModels } from '../transforms/runner.ts';
import { sql } from 'kysely';
import type { Warehouse } from '../warehouse/connection.ts';
import { typedWarehouse } from '../warehouse/kysely.ts';
import { referenceDirFor } from '../sources/reference.ts';
import type { DiscoveredFile, UnchangedOutcome } from './activities.ts';

/**
 * The code a site is built by: dashboards/ and every folder the import rule (.dependency-cruiser.cjs)
 * lets it import — its loaders run the case protection and method comparison of transforms/, the
 * typed snapshot of warehouse/, the reporting reference of sources/, the formats of shared/.
 */
const SITE_SOURCES = ['dashboards', 'transforms', 'sources', 'warehouse', 'shared'].map((folder) => join(import.meta.dirname, '..', folder));

/** Export files in the inbox not landed yet (by content), in landing order; symbolic links come back as skipped. */
export async function discoverNewFiles(db: Warehouse, inboxDir: string): Promise<DiscoveredFile[]> {
  const landed = new Set((await typedWarehouse(db).selectFrom('audit.batches').select('sha256').distinct().execute()).map((r) => r.sha256));
  const found: DiscoveredFile[] = [];
  for (const { path, wave, source, skipped } of await listExportFiles(inboxDir)) {
    if (skipped) {
      found.push({ path, sha256: '', bytes: 0, wave, lane: path, skipped });
      continue;
    }
    const sha256 = await sha256File(path);
    if (landed.has(sha256)) continue;
    found.push({ path, sha256, bytes: statSync(path).size, wave, lane: source ?? path });
  }
  return found;
}

/** Every file under `dir` (skipping dot-folders such as Framework's cache), as path and bytes, in order. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !relative(dir, join(e.parentPath, e.name)).split(/[\\/]/).some((part) => part.startsWith('.')))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function hashFiles(hash: ReturnType<typeof createHash>, files: string[], root: string): void {
  for (const file of files) hash.update(`${relative(root, file)}\0`).update(readFileSync(file)).update('\0');
}

/**
 * The data a publish is made from: landed batches and their status, the approved appraisals (the
 * 年度考核 page shows them and ships their files), definitions, reference data, aliases and models.
 */
export async function inputFingerprint(db: Warehouse): Promise<string> {
  const hash = createHash('sha256');
  const q = typedWarehouse(db);
  const batches = await q.selectFrom('audit.batches').select(['batch_seq', 'status']).where('status', '<>', 'failed').orderBy('batch_seq').execute();
  hash.update(batches.map((b) => `${b.batch_seq}:${b.status}`).join(',')).update('\0');
  const approved = await q.selectFrom('audit.appraisals').select(['appraisal_id', 'published_path']).where('status', '=', 'approved').orderBy('appraisal_id').execute();
  hash.update(approved.map((a) => `${a.appraisal_id}:${a.published_path ?? ''}`).join(',')).update('\0');
  hashFiles(hash, filesUnder(DEFINITIONS_DIR), DEFINITIONS_DIR);
  const reference = referenceDirFor(db.path);
  hashFiles(hash, filesUnder(reference), reference);
  const aliases = process.env.SAFECAMPUS_ALIASES ?? DEFAULT_ALIASES_FILE;
  if (existsSync(aliases)) hashFiles(hash, [aliases], aliases);
  for (const model of loadModels()) hash.update(`${model.id}\0${model.sql}\0`);
  return hash.digest('hex');
}

/** The site built from those inputs: they, plus the site's own sources. */
export function siteFingerprint(inputs: string): string {
  const hash = createHash('sha256').update(inputs);
  for (const folder of SITE_SOURCES) hashFiles(hash, filesUnder(folder).filter((f) => !f.includes(`${folder}/node_modules`)), folder);
  return hash.digest('hex');
}

/** The latest snapshot when nothing it (and, with `buildSite`, its site) was made from has changed since; else null. */
export async function unchangedSince(db: Warehouse, { buildSite }: { buildSite: boolean }): Promise<UnchangedOutcome | null> {
  const latest = await typedWarehouse(db)
    .selectFrom('audit.snapshots')
    .select((eb) => ['snapshot_id', 'path', sql<string>`${eb.ref('created_at')}::varchar`.as('created_at'), 'input_fingerprint', 'site_fingerprint', 'site_dir'])
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest?.input_fingerprint || !existsSync(latest.path)) return null;
  const inputs = await inputFingerprint(db);
  if (inputs !== latest.input_fingerprint) return null;
  if (buildSite && (!latest.site_dir || !existsSync(latest.site_dir) || latest.site_fingerprint !== siteFingerprint(inputs))) return null;
  return { snapshotId: latest.snapshot_id, snapshotPath: latest.path, sitePath: buildSite ? latest.site_dir : null, createdAt: latest.created_at };
}

/** Records what a published snapshot (and the site built from it, if any) was made from. */
export async function recordPublication(db: Warehouse, snapshotId: string, inputs: string, siteDir: string | null): Promise<void> {
  await db.run('update audit.snapshots set input_fingerprint = $2, site_fingerprint = $3, site_dir = $4 where snapshot_id = $1', [
    snapshotId,
    inputs,
    siteDir === null ? null : siteFingerprint(inputs),
    siteDir,
  ]);
}

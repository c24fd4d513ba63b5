/**
 * The definition edition a published snapshot was scored with (ref.definition_editions), and
 * its file: the file on disk is used only when its sha256 equals the one the snapshot recorded,
 * so neither a report nor the site's method comparison mixes a snapshot with a later edit of the
 * definition.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely, NotNull } from 'kysely';
import type { ColumnsOf } from '../../warehouse/kysely.ts';
import type { Database, RefDefinitionEditions } from '../../warehouse/schema.generated.ts';
import { DEFINITIONS_DIR, loadDefinition, type IndicatorDefinition } from './load.ts';

/** The snapshot does not say which definition it was scored with, or its file is not the one it recorded. */
export class SnapshotDefinitionError extends Error {}

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
  if (!row) throw new SnapshotDefinitionError(`the snapshot records no definition edition ${edition} (ref.definition_editions)`);
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
  throw new SnapshotDefinitionError(
    `the snapshot was scored with definition ${edition.edition} v${edition.version} of sha256 ${edition.definition_sha256}, ` +
      (seen.length ? `but ${seen.join(' and ')} differ` : `but no file was found at ${candidates.join(' or ')}`) +
      ': restore that exact file (e.g. from git history) and pass its path, or re-run the pipeline to publish a snapshot scored with the current file',
  );
}

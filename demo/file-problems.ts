/**
 * File-level problems of a dirty city (DOMAIN §4): an empty file (0 bytes) and a file
 * with a header and no rows. (The truncated file is a real export cut short: see the
 * sensors export.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ExportContext } from './context.ts';
import { ExportFile } from './export-file.ts';
import { manifestEntry, type ManifestFile } from './manifest.ts';
import { casesSpec } from './exports/cases.ts';

export async function writeFileProblems(ctx: ExportContext, year: number): Promise<ManifestFile[]> {
  const empty = { file: `alerts/alerts_${year}_retry.ndjson`, source: 'alerts', format: 'ndjson' } as const;
  mkdirSync(dirname(join(ctx.outDir, empty.file)), { recursive: true });
  writeFileSync(join(ctx.outDir, empty.file), '');
  const headerOnly = ExportFile.open(ctx.outDir, casesSpec(`cases/cases_${year}_supplement.csv`, false), null, ctx.city);
  const entry = (await headerOnly.close())!;
  return [manifestEntry(empty, 0, 0, { empty_file: 1 }), { ...entry, injected: { header_only: 1 } }];
}

/**
 * The manifest (.demo-city/manifest.json): what was generated and what the ingest should make of it, per file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SourceName } from '../sources/contract.ts';
import type { FileFormat } from './writers.ts';

export interface ManifestFile {
  file: string;
  source: SourceName;
  format: FileFormat;
  rows: number;
  expected_landed: number;
  expected_rejected: number;
  /** Summary rows (the 合计 under a sheet's data): not in `rows`, skipped by the ingest. */
  expected_skipped: number;
  injected: Record<string, number>;
  /** Excel's habits the file shows (habits.ts): rows spelled each way, and each sheet habit once. */
  habits: Record<string, number>;
}

export interface Manifest {
  seed: number;
  schools: number;
  years: [number, number];
  dirty_rate: number;
  files: ManifestFile[];
}

export function manifestEntry(
  file: { file: string; source: SourceName; format: FileFormat },
  rows: number,
  rejected: number,
  injected: Record<string, number>,
  habits: Record<string, number> = {},
): ManifestFile {
  const sorted = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  return {
    file: file.file,
    source: file.source,
    format: file.format,
    rows,
    expected_landed: rows - rejected,
    expected_rejected: rejected,
    expected_skipped: habits.totals_row ?? 0,
    injected: sorted(injected),
    habits: sorted(habits),
  };
}

export function buildManifest(seed: number, schools: number, years: [number, number], dirtyRate: number, files: ManifestFile[]): Manifest {
  return { seed, schools, years, dirty_rate: dirtyRate, files: files.slice().sort((a, b) => a.file.localeCompare(b.file)) };
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}

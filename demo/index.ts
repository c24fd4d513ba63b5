/**
 * The demo city (DOMAIN §7): a seeded, deterministic generator of all six exports of a
 * synthetic Xuchang, with deliberate unit profiles, a school-change story and optional
 * dirt at a known rate. Same options, byte-identical files. See docs/demo-city.md.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildCity, codesBySuffix } from './city.ts';
import type { ExportContext } from './context.ts';
import type { DirtSettings } from './dirt.ts';
import type { LandedRowListener } from './export-file.ts';
import { writeActivities } from './exports/activities.ts';
import { writeAlerts } from './exports/alerts.ts';
import { writeCases } from './exports/cases.ts';
import { writeInspections } from './exports/inspections.ts';
import { writeSchools } from './exports/schools.ts';
import { writeSensors } from './exports/sensors.ts';
import { writeFileProblems } from './file-problems.ts';
import { buildManifest, writeJson, type Manifest, type ManifestFile } from './manifest.ts';
import { ReportingWatch } from './silences.ts';
import { storyJson } from './story.ts';

export type { Manifest, ManifestFile } from './manifest.ts';

export interface GenerateOptions {
  schools: number;
  fromYear: number;
  toYear: number;
  seed: number;
  dirtyRate: number;
  outDir: string;
  /** The reference folder the city's units and checklist come from (default data/reference, 许昌市). */
  referenceDir?: string;
  /** The first school serial (default 100000): cities of one province are given ranges of their own, so no two schools share a code. */
  firstSerial?: number;
  /** Told of every row that will land, in file order (tests read the city's rows through it). */
  onLanded?: LandedRowListener;
  /** Told as each source's files are written: done of total, and the source. */
  onProgress?: (done: number, total: number, source: string) => void;
}

/**
 * The generator's own files go in a hidden folder of `outDir`: beside the exports they describe
 * (a folder copied or moved keeps them), and never read as exports, since the ingest reads no
 * hidden folder.
 */
export const GENERATOR_DIR = '.demo-city';
/** What was generated and what the ingest should make of each file (manifest.ts). */
export const manifestPath = (outDir: string) => join(outDir, GENERATOR_DIR, 'manifest.json');
/** The school-change story, planted cases and silences (story.ts). */
export const storyPath = (outDir: string) => join(outDir, GENERATOR_DIR, 'story.json');

export async function generateCity(options: GenerateOptions): Promise<Manifest> {
  const { schools, fromYear, toYear, seed, dirtyRate, outDir } = options;
  if (!Number.isInteger(schools) || schools < 1) throw new Error(`schools must be a positive integer, got ${schools}`);
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || fromYear > toYear) throw new Error(`bad year range ${fromYear}-${toYear}`);
  if (!(dirtyRate >= 0 && dirtyRate <= 1)) throw new Error(`dirtyRate must be between 0 and 1, got ${dirtyRate}`);
  mkdirSync(outDir, { recursive: true });
  removePreviousRun(outDir);

  const city = buildCity({ seed, schools, fromYear, toYear, referenceDir: options.referenceDir, firstSerial: options.firstSerial });
  const suffixes = codesBySuffix(city);
  const dirt: DirtSettings | null =
    dirtyRate > 0 ? { rate: dirtyRate, toYear, codesBySuffix: suffixes, sharedSuffixes: [...suffixes].filter(([, n]) => n > 1).map(([s]) => s) } : null;
  const watch = new ReportingWatch(city);
  const ctx: ExportContext = { city, outDir, dirt, onLanded: watch.listener(options.onLanded) };

  const writers: Array<[string, () => Promise<ManifestFile[]>]> = [
    ['schools', () => writeSchools(ctx)],
    ['inspections', () => writeInspections(ctx)],
    ['sensors', () => writeSensors(ctx, dirt ? toYear : null)],
    ['alerts', () => writeAlerts(ctx)],
    ['cases', () => writeCases(ctx)],
    ['activities', () => writeActivities(ctx)],
    ...(dirt ? [['file problems', () => writeFileProblems(ctx, toYear)] satisfies [string, () => Promise<ManifestFile[]>]] : []),
  ];
  const files: ManifestFile[] = [];
  for (const [i, [source, write]] of writers.entries()) {
    files.push(...(await write()));
    options.onProgress?.(i + 1, writers.length, source);
  }
  writeJson(storyPath(outDir), storyJson(city.story, city.schools, city.units, watch.json()));
  const manifest = buildManifest(seed, schools, [fromYear, toYear], dirtyRate, files);
  writeJson(manifestPath(outDir), manifest);
  return manifest;
}

/** Files a previous run listed in its manifest (and nothing else) are removed, so no stale export is left behind. */
function removePreviousRun(outDir: string): void {
  const previous = manifestPath(outDir);
  if (!existsSync(previous)) return;
  try {
    const manifest = JSON.parse(readFileSync(previous, 'utf8')) as Partial<Manifest>;
    for (const f of manifest.files ?? []) if (typeof f.file === 'string' && !f.file.includes('..')) rmSync(join(outDir, f.file), { force: true });
  } catch {
    // An unreadable manifest is not ours to interpret; leave the folder as it is.
  }
  rmSync(storyPath(outDir), { force: true });
  rmSync(previous, { force: true });
}

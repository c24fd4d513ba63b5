/**
 * What every export module gets: the city, where to write, and the dirt settings
 * (null for a clean city).
 */
import type { Day } from './calendar.ts';
import type { City } from './city.ts';
import type { DirtSettings } from './dirt.ts';
import { ExportFile, type FileSpec, type LandedRowListener } from './export-file.ts';
import type { ManifestFile } from './manifest.ts';
import type { School } from './registry.ts';
import { stateOn } from './registry.ts';

export interface ExportContext {
  city: City;
  outDir: string;
  dirt: DirtSettings | null;
  onLanded?: LandedRowListener;
}

export function openExport(ctx: ExportContext, spec: FileSpec, options: { truncate?: boolean; corrections?: ExportFile } = {}): ExportFile {
  return ExportFile.open(ctx.outDir, spec, ctx.dirt, ctx.city, { ...options, onLanded: ctx.onLanded });
}

/** Opens a corrections file next to a main file, only when the city is dirty. */
export function openCorrections(ctx: ExportContext, spec: FileSpec): ExportFile | undefined {
  return ctx.dirt ? ExportFile.open(ctx.outDir, spec, null, ctx.city, { onLanded: ctx.onLanded }) : undefined;
}

/** Closes files and collects their manifest entries (a corrections file that stayed empty is dropped). */
export async function closeAll(files: (ExportFile | undefined)[], dropIfEmpty: (ExportFile | undefined)[] = []): Promise<ManifestFile[]> {
  const entries: ManifestFile[] = [];
  for (const file of files) {
    if (!file) continue;
    const entry = await file.close(dropIfEmpty.includes(file));
    if (entry) entries.push(entry);
  }
  return entries;
}

/** Whether the school is open on the day (opened, not yet closed). */
export function isOpen(school: School, day: Day): boolean {
  return school.openedOn <= day && stateOn(school, day) !== null;
}

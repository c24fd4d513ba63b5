// Builds every data loader's output in this process, on one opened snapshot, into Observable
// Framework's cache (src/.observablehq/cache/data/…), before Framework runs: Framework then finds
// each output fresh (newer than its loader) and starts no loader process (lib/loader.ts).
//
// A loader file that does not declare itself with siteLoader is left to Framework. Two lanes, each
// on its own connection, take one loader at a time; a loader declared `slow` starts first.
import { readdirSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loaderBytes, NO_SNAPSHOT, outputPath, type LoaderParams, type SiteLoader } from './loader.ts';
import { openSnapshot, type Snapshot } from './snapshot.ts';
import { readTar } from '../../shared/tar.ts';

const LANES = 2;

export interface PrebuildOptions {
  /** The snapshot file (read-only). */
  snapshotPath: string;
  /** Scope to one unit's schools, as the loaders are when Framework runs them. */
  unit?: string;
  /** src/data, where the loaders are. */
  dataDir: string;
  /** Framework's cache folder for src/data (src/.observablehq/cache/data). */
  cacheDir: string;
  /** Called after each output: done of total, and the output's path. */
  onProgress?: (done: number, total: number, output: string) => void;
}

function loaderFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.[jt]s$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

async function declaredLoader(file: string): Promise<SiteLoader | null> {
  const module = (await import(pathToFileURL(file).href)) as { default?: SiteLoader };
  return module.default && typeof module.default.build === 'function' ? module.default : null;
}

async function writeCached(cacheDir: string, output: string, bytes: Uint8Array): Promise<void> {
  const target = join(cacheDir, ...output.split('/'));
  await mkdir(dirname(target), { recursive: true });
  await writeFile(`${target}.${process.pid}`, bytes);
  await rename(`${target}.${process.pid}`, target);
}

/** Writes every declared loader's output into the cache; returns the outputs' paths under src/data. */
export async function prebuildData({ snapshotPath, unit, dataDir, cacheDir, onProgress }: PrebuildOptions): Promise<string[]> {
  const loaders: SiteLoader[] = [];
  for (const file of loaderFiles(dataDir)) {
    const loader = await declaredLoader(file);
    if (loader) loaders.push(loader);
  }
  const tables = [...new Set(loaders.flatMap((l) => l.tables ?? []))];
  const open = () => openSnapshot({ path: snapshotPath, unit, requiredTables: tables });
  const snapshots = [await open()];
  try {
    const first = snapshots[0]!;
    const units = first.scope ? [first.scope.unit_code] : (await first.query<{ unit_code: string }>('select unit_code from ref.units order by unit_code')).map((u) => u.unit_code);
    // A job is one loader: a parameterised one's runs (one per unit) go one after another in the
    // same lane, so what they read once per opened snapshot is read once. Slow loaders start first
    // (longest first), so the other lane works through the rest meanwhile and both end together.
    const jobs = [...loaders.filter((l) => l.slow), ...loaders.filter((l) => !l.slow)].map((loader) =>
      (loader.param ? units.map((code): LoaderParams => ({ [loader.param!]: code })) : [{}]).map((params) => ({ loader, params })),
    );
    const total = jobs.flat().length;
    const written: string[] = [];
    let next = 0;
    const lane = async (snapshot: Snapshot) => {
      while (next < jobs.length) {
        for (const { loader, params } of jobs[next++]!) {
          const output = outputPath(loader, params);
          let bytes: Uint8Array;
          try {
            bytes = loaderBytes(await loader.build(loader.tables ? snapshot : NO_SNAPSHOT, params));
          } catch (error) {
            next = jobs.length; // the other lane stops after its current job
            throw new Error(`data loader for ${output} failed: ${(error as Error).message}`, { cause: error });
          }
          await writeCached(cacheDir, output, bytes);
          // an archive's members too, where Framework would extract them (data/schools.tar → data/schools/NN.json.gz):
          // it finds them fresh instead of reading through the archive once per member
          if (output.endsWith('.tar')) for (const member of readTar(bytes)) await writeCached(cacheDir, `${output.slice(0, -'.tar'.length)}/${member.name}`, member.data);
          written.push(output);
          onProgress?.(written.length, total, output);
        }
      }
    };
    // Two lanes, each on its own connection: while one waits for DuckDB the other shapes JSON.
    while (snapshots.length < LANES) snapshots.push(await open());
    const failed = (await Promise.allSettled(snapshots.map(lane))).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return written.sort();
  } finally {
    for (const snapshot of snapshots) snapshot.close();
  }
}

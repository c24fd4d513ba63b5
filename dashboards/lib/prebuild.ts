// Builds every data loader's output in this process, on one opened snapshot, into Observable
// Framework's cache (src/.observablehq/cache/data/…), before Framework runs: Framework then finds
// each output fresh (newer than its loader) and starts no loader process (lib/loader.ts).
//
// A loader file that does not declare itself with siteLoader is left to Framework.
import { readdirSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loaderBytes, NO_SNAPSHOT, outputPath, type LoaderParams, type SiteLoader } from './loader.ts';
import { openSnapshot, type Snapshot } from './snapshot.ts';

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
    const runs: Array<{ loader: SiteLoader; params: LoaderParams }> = loaders.flatMap((loader) =>
      loader.param ? units.map((code) => ({ loader, params: { [loader.param!]: code } })) : [{ loader, params: {} }],
    );
    const written: string[] = [];
    let next = 0;
    const lane = async (snapshot: Snapshot) => {
      while (next < runs.length) {
        const { loader, params } = runs[next++]!;
        const output = outputPath(loader, params);
        let bytes: Uint8Array;
        try {
          bytes = loaderBytes(await loader.build(loader.tables ? snapshot : NO_SNAPSHOT, params));
        } catch (error) {
          next = runs.length; // the other lane stops after its current output
          throw new Error(`data loader for ${output} failed: ${(error as Error).message}`, { cause: error });
        }
        const target = join(cacheDir, ...output.split('/'));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(`${target}.${process.pid}`, bytes);
        await rename(`${target}.${process.pid}`, target);
        written.push(output);
        onProgress?.(written.length, runs.length, output);
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

// The dashboard data loaders (src/data/**/*.ts) and the two ways they run.
//
// Each loader file ends with `export default await siteLoader(import.meta, {...})`, declaring
// the file it writes, the snapshot tables it reads and how it builds the data.
//
// - Run by Observable Framework (`observable preview`, or a build that finds no prebuilt
//   output): the file is the process's main script, so siteLoader opens the snapshot named by
//   SAFECAMPUS_SNAPSHOT, builds and writes the data to stdout, as Framework expects.
// - Imported by the site build (lib/prebuild.ts): siteLoader only returns the declaration, and
//   the build runs every loader in one process on one opened snapshot, writing each output into
//   Framework's cache, where Framework finds it fresh and runs no process of its own. One
//   process instead of one per file is most of the build's time (issue 16).
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LoaderError, log, openLoaderSnapshot, type Snapshot } from './snapshot.ts';

export type LoaderParams = Record<string, string>;

export interface SiteLoader {
  /** The output's path under src/data/ ('alerts.json'; 'units/411002.json.gz' for a parameterised route). */
  output: string | ((params: LoaderParams) => string);
  /** The route parameter of a file named after it (`[unit]`): the build runs the loader once per unit. */
  param?: 'unit';
  /** Takes several times longer than most loaders: the site build starts it first (lib/prebuild.ts). */
  slow?: boolean;
  /** Tables (`schema.table`) the loader reads; none: it reads no snapshot. */
  tables?: string[];
  /** The data: bytes as they are (an archive, gzip), anything else as JSON. */
  build(snapshot: Snapshot, params: LoaderParams): Promise<unknown>;
}

/** The bytes a loader writes for its result. */
export function loaderBytes(result: unknown): Uint8Array {
  return result instanceof Uint8Array ? result : Buffer.from(JSON.stringify(result));
}

export function outputPath(loader: SiteLoader, params: LoaderParams): string {
  return typeof loader.output === 'string' ? loader.output : loader.output(params);
}

/** A snapshot-free loader still gets a Snapshot argument; reading it is a programming error. */
export const NO_SNAPSHOT: Snapshot = {
  path: '',
  scope: null,
  query: () => Promise.reject(new LoaderError('this loader declared no tables, so it has no snapshot to query')),
  has: () => false,
  close: () => {},
};

/**
 * Declares a loader; when its file is the process's main script (Framework running it), also
 * runs it: the output on stdout, a failure as one line on stderr (a stack trace only for an
 * unexpected error) and exit code 1.
 */
export async function siteLoader(meta: ImportMeta, loader: SiteLoader): Promise<SiteLoader> {
  const main = process.argv[1] !== undefined && realPath(resolve(process.argv[1])) === realPath(fileURLToPath(meta.url));
  if (main) await runAsProcess(loader);
  return loader;
}

/** The path with every symbolic link resolved (a checkout reached through a link names its files two ways). */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

async function runAsProcess(loader: SiteLoader): Promise<void> {
  const started = performance.now();
  let name = typeof loader.output === 'string' ? loader.output : 'loader';
  try {
    const { values } = parseArgs({ options: loader.param ? { [loader.param]: { type: 'string' } } : {}, strict: false });
    const params: LoaderParams = {};
    if (loader.param) {
      const value = values[loader.param];
      if (typeof value !== 'string' || !value) throw new LoaderError(`run with --${loader.param}=VALUE`);
      params[loader.param] = value;
    }
    name = outputPath(loader, params);
    const snapshot = loader.tables ? await openLoaderSnapshot(loader.tables) : NO_SNAPSHOT;
    try {
      if (loader.tables) log(`[${name}] snapshot ${snapshot.path}${snapshot.scope ? ` scoped to ${snapshot.scope.unit_code} ${snapshot.scope.unit_name}` : ''}`);
      const output = loaderBytes(await loader.build(snapshot, params));
      await new Promise<void>((done, fail) => process.stdout.write(output, (error) => (error ? fail(error) : done())));
      log(`[${name}] wrote ${output.length} bytes in ${Math.round(performance.now() - started)} ms`);
    } finally {
      snapshot.close();
    }
  } catch (error) {
    const message = error instanceof LoaderError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`[${name}] error: ${message}`);
    process.exitCode = 1;
  }
}

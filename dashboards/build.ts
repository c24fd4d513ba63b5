// Builds the dashboard site (Observable Framework 1.13) from a published snapshot.
//
//   const { outDir, pages } = await buildSite({ snapshotPath, outDir, unit });
//
// - Runs `observable build` in dashboards/ with SAFECAMPUS_SNAPSHOT / SAFECAMPUS_UNIT set
//   for the data loaders; Framework comes from the root package's node_modules.
// - The data loaders run all in this process on one opened snapshot (lib/prebuild.ts), writing
//   into Framework's cache, so Framework starts no loader process of its own. Framework runs
//   meanwhile, compiling the pages, and waits for the data before it reads any.
// - Never serves stale data: Framework caches loader output under
//   src/.observablehq/cache and reuses it whenever it is newer than the loader's source
//   (even for a different snapshot), so every build first clears that cache, keeping only
//   the bundles of node_modules packages (`_node/`, keyed by package version) and the npm
//   version seeds (`_npm/`).
// - Offline: the build runs with fetch() blocked (lib/offline-guard.js) and telemetry off;
//   the output is checked for references to other hosts before it is published.
// - The bundled Chinese font (shared/fonts.ts) goes into _fonts/ and every page links its
//   stylesheet: the site's font stacks (src/style.css) name it after the system CJK fonts, so
//   a browser fetches its slices only on a machine that has none of those.
// - A unit-scoped build is checked too: no code or name of a school outside the unit may
//   appear in the pages or their data files (the loaders read through lib/scope.ts; this
//   is the second lock on the door).
// - A city-wide build ships the official PDF and XLSX of each approved 年度考核 under
//   appraisal-files/<year>/ (lib/appraisal-files.ts), which the 年度考核 page links.
// - Builds are serialised by a lock (warehouse/file-lock.ts; the cache is shared), written to a staging
//   directory next to outDir, and swapped in whole: a reader never sees a half-built site.
// The cache, the offline run, the finishing of the output, the lock and the swap are lib/framework.ts,
// shared with the province site (province-build.ts).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { prebuildData } from './lib/prebuild.ts';
import { appraisalFiles } from './lib/appraisal-files.ts';
import { FrameworkProject, PAGE_LOAD, finishOutput, listFiles } from './lib/framework.ts';
import { foreignSchools, openSnapshot, snapshotUnits } from './lib/snapshot.ts';

export interface BuildSiteOptions {
  /** The snapshot DuckDB file the loaders read (read-only). */
  snapshotPath: string;
  /** Where the site goes; replaced as a whole when the build succeeds. */
  outDir: string;
  /** Scope the build to one unit code: no other unit's school-level rows in the output. */
  unit?: string;
  /** Give up after this long (default 10 minutes, lock wait included). */
  timeoutMs?: number;
  /** Receives Framework's log lines as they come (default: discarded). */
  onLog?: (line: string) => void;
  /** Called as the data files and then the pages are built: which, done of total and what. */
  onProgress?: (phase: 'data' | 'pages', done: number, total: number, detail: string) => void;
}

export interface BuildSiteResult {
  outDir: string;
  /** The built pages, as paths of .html files relative to outDir ("index.html", …). */
  pages: string[];
  /** Wall time of the whole build, lock wait included. */
  durationMs: number;
}

export const DASHBOARDS_DIR = dirname(fileURLToPath(import.meta.url));
const PROJECT = new FrameworkProject(DASHBOARDS_DIR);
const SOURCE_ROOT = PROJECT.sourceRoot;
/**
 * The pages Framework will build: every Markdown page, the unit route's once per unit (only the
 * scoped unit's in a unit-scoped build).
 */
function pageCount(units: number): number {
  const pages = readdirSync(SOURCE_ROOT, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.md') && !e.parentPath.includes('.observablehq'));
  return pages.reduce((n, e) => n + (e.name.startsWith('[') ? units : 1), 0);
}

/** Files that carry data: the pages and the loaders' output (not the bundled libraries), hashed or fetched on demand. */
function carriesData(rel: string): boolean {
  return rel.endsWith('.html') || rel.startsWith('_file/') || rel.startsWith('data/');
}

/** The text of an output file, inflated when it is gzip-compressed data (`*.gz`, e.g. the 学校 page's buckets). */
export async function readOutputText(file: string): Promise<string> {
  const bytes = await readFile(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Throws when a unit-scoped build mentions a school that never belonged to the unit. */
export async function checkUnitScope(dir: string, snapshotPath: string, unit: string): Promise<void> {
  const foreign = await foreignSchools(snapshotPath, unit);
  const codes = new Set(foreign.codes);
  // A name that is part of one of the unit's own school names cannot be told apart from it.
  const names = foreign.names.filter((name) => !foreign.ownNames.some((own) => own.includes(name)));
  const problems: string[] = [];
  for (const file of await listFiles(dir)) {
    const rel = relative(dir, file).split(sep).join('/');
    // FileAttachments are hashed before the last extension: data/units/411002.json.gz → _file/data/units/411002.json.1a2b3c4d.gz
    if (!carriesData(rel) || !/\.(html|js|json|csv|txt)(\.[0-9a-f]{8})?(\.gz)?$/.test(rel)) continue;
    const text = await readOutputText(file);
    for (const m of text.matchAll(/(?<!\d)\d{10}(?!\d)/g)) if (codes.has(m[0])) problems.push(`${rel}: school code ${m[0]}`);
    for (const name of names) if (text.includes(name)) problems.push(`${rel}: school name ${name}`);
  }
  if (problems.length) {
    throw new Error(
      `the build scoped to unit ${unit} contains other units' schools (DOMAIN.md §6); a loader reads around lib/scope.ts:\n` +
        problems.slice(0, 20).join('\n'),
    );
  }
}

/** The approved appraisals' official files, where the 年度考核 page links them. */
async function copyAppraisalFiles(snapshotPath: string, dir: string): Promise<void> {
  const snapshot = await openSnapshot({ path: snapshotPath });
  try {
    for (const file of await appraisalFiles(snapshot)) {
      await mkdir(dirname(join(dir, file.href)), { recursive: true });
      await copyFile(file.source, join(dir, file.href));
    }
  } finally {
    snapshot.close();
  }
}

/** Builds the site from `snapshotPath` into `outDir` (replacing it); see the file header. */
export async function buildSite(options: BuildSiteOptions): Promise<BuildSiteResult> {
  const started = performance.now();
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  const snapshotPath = resolve(options.snapshotPath);
  if (!existsSync(snapshotPath) || !statSync(snapshotPath).isFile()) {
    throw new Error(`snapshot not found: ${snapshotPath} (publish one with \`safecampus run\` or pass --db)`);
  }
  const unit = options.unit?.trim() || undefined;
  if (unit !== undefined && !/^\d{6}$/.test(unit)) {
    throw new Error(`unit must be a 6-digit unit code such as 411002, got ${JSON.stringify(options.unit)}`);
  }
  if (unit !== undefined) {
    // checked before Framework runs: its loaders would each fail on it, in many lines of output
    const units = await snapshotUnits(snapshotPath);
    if (!units.some((u) => u.unit_code === unit)) {
      const listed = units.map((u) => `${u.unit_code} ${u.unit_name}`).join('、');
      throw new Error(`${unit} 不是快照中的县区，县区有：${listed} / ${unit} is not a unit of the snapshot; its units are: ${listed}`);
    }
  }
  const outDir = resolve(options.outDir);
  PROJECT.checkOutDir(outDir);

  const vars: Record<string, string> = { SAFECAMPUS_SNAPSHOT: snapshotPath, ...(unit ? { SAFECAMPUS_UNIT: unit } : {}) };
  const pages = await PROJECT.buildInto(outDir, deadline, async (staging) => {
    // Framework starts at once and compiles the pages while the data is computed; it reads no data
    // file before the data is all in its cache (observablehq.config.js, `dataReady`).
    const data = prebuildData({
      snapshotPath,
      unit,
      dataDir: join(SOURCE_ROOT, 'data'),
      cacheDir: join(PROJECT.cacheDir, 'data'),
      onProgress: (done, total, output) => options.onProgress?.('data', done, total, output),
    });
    // pages compiled meanwhile are reported once the data is done: progress goes data files, then pages
    const loaded: string[] = [];
    let pagesTotal: number | undefined;
    let pagesDone = 0;
    const reportPages = () => {
      while (pagesTotal !== undefined && pagesDone < Math.min(loaded.length, pagesTotal)) {
        pagesDone++;
        options.onProgress?.('pages', pagesDone, pagesTotal, loaded[pagesDone - 1]!);
      }
    };
    const framework = PROJECT.run(
      vars,
      staging,
      deadline,
      (line) => {
        const page = PAGE_LOAD.exec(line)?.[1];
        if (page) {
          loaded.push(page);
          reportPages();
        }
        options.onLog?.(line);
      },
      data,
    );
    const counted = data.then((outputs) => {
      pagesTotal = pageCount(outputs.filter((o) => o.startsWith('units/')).length);
      reportPages();
    });
    // both settled before either's failure is thrown: Framework is stopped when the data fails
    const [dataDone, frameworkDone] = await Promise.allSettled([counted, framework]);
    if (dataDone.status === 'rejected') throw dataDone.reason;
    if (frameworkDone.status === 'rejected') throw frameworkDone.reason;
    const built = await finishOutput(staging);
    if (unit) await checkUnitScope(staging, snapshotPath, unit);
    else await copyAppraisalFiles(snapshotPath, staging);
    return built;
  });
  return { outDir, pages, durationMs: Math.round(performance.now() - started) };
}

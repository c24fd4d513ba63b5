// Builds the dashboard site (Observable Framework 1.13) from a published snapshot.
//
//   const { outDir, pages } = await buildSite({ snapshotPath, outDir, unit });
//
// - Runs `observable build` in dashboards/ with SAFECAMPUS_SNAPSHOT / SAFECAMPUS_UNIT set
//   for the data loaders; Framework comes from the root package's node_modules.
// - The data loaders run first, all in this process on one opened snapshot (lib/prebuild.ts),
//   writing into Framework's cache, so Framework starts no loader process of its own.
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
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { BUNDLED_FONT_FAMILY, copyFontFiles, fontFaceCss, fontSlices } from '../shared/fonts.ts';
import { prebuildData } from './lib/prebuild.ts';
import { appraisalFiles } from './lib/appraisal-files.ts';
import { foreignSchools, openSnapshot, snapshotUnits } from './lib/snapshot.ts';
import { holderOfThisProcess, withFileLock } from '../warehouse/file-lock.ts';

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
const SOURCE_ROOT = join(DASHBOARDS_DIR, 'src');
const CACHE_DIR = join(SOURCE_ROOT, '.observablehq', 'cache');
const LOCK_PATH = join(DASHBOARDS_DIR, '.observablehq', 'build.json');
const GUARD_PATH = join(DASHBOARDS_DIR, 'lib', 'offline-guard.js');
/**
 * The pages Framework will build: every Markdown page, the unit route's once per unit (only the
 * scoped unit's in a unit-scoped build).
 */
function pageCount(units: number): number {
  const pages = readdirSync(SOURCE_ROOT, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.md') && !e.parentPath.includes('.observablehq'));
  return pages.reduce((n, e) => n + (e.name.startsWith('[') ? units : 1), 0);
}

/**
 * Framework's log line for a page it has rendered ("load /units/411002 in 57ms"), not a data file.
 * Framework writes "load /page" and " in 57ms" separately, so only whole lines are matched.
 */
const PAGE_LOAD = /^load (\/(?!data\/|_)\S*) in \d+(?:\.\d+)?m?s\s*$/;

/** Cache entries that survive a build: package bundles and npm version seeds. */
const KEPT_CACHE_ENTRIES = new Set(['_node', '_npm']);

/**
 * Framework bundles its client (the lazy "recommended libraries" behind implicit globals
 * such as `d3` or `Inputs`) with `npm:` specifiers and asks registry.npmjs.org for their
 * latest versions unless its version cache (empty directories `_npm/<name>@<version>`)
 * already names one. Seeding it keeps the build off the network. The versions only
 * appear in never-taken lazy import paths (we use no implicit globals).
 */
export const NPM_VERSION_SEEDS = [
  '@observablehq/plot@0.6.17',
  '@observablehq/sample-datasets@1.0.1',
  'apache-arrow@21.2.0',
  'arquero@8.0.3',
  'd3@7.9.2',
  'd3-dsv@3.0.2',
  'echarts@6.1.0',
  'htl@1.0.0',
  'leaflet@1.9.4',
  'lodash@4.18.1',
  'mapbox-gl@3.32.0',
  'parquet-wasm@0.8.0',
  'react@19.3.1',
  'react-dom@19.3.1',
  'topojson-client@3.1.0',
];

/** Text that must never appear in the output: hosts a page could fetch from. */
const FORBIDDEN_OUTPUT = [/cdn\.jsdelivr\.net/, /fonts\.googleapis\.com/, /fonts\.gstatic\.com/, /unpkg\.com/, /esm\.sh/];

function findFrameworkBin(): string {
  for (let dir = DASHBOARDS_DIR; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '@observablehq', 'framework', 'dist', 'bin', 'observable.js');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error('@observablehq/framework is not installed: run `npm install` in the project root.');
}

/** One build at a time: they share the framework's cache folder. A later one waits for the lock (warehouse/file-lock.ts). */
function withBuildLock<T>(deadline: number, body: () => Promise<T>): Promise<T> {
  return withFileLock(
    LOCK_PATH,
    holderOfThisProcess({}),
    {
      waitMs: Math.max(0, deadline - Date.now()),
      refuse: (holder) => new Error(`timed out waiting for another dashboards build (pid ${holder?.pid ?? '?'}) holding ${LOCK_PATH}`),
    },
    body,
  );
}

async function resetCache(): Promise<void> {
  await mkdir(CACHE_DIR, { recursive: true });
  for (const entry of await readdir(CACHE_DIR)) {
    if (!KEPT_CACHE_ENTRIES.has(entry)) await rm(join(CACHE_DIR, entry), { recursive: true, force: true });
  }
  for (const seed of NPM_VERSION_SEEDS) await mkdir(join(CACHE_DIR, '_npm', seed), { recursive: true });
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

async function runFramework(env: NodeJS.ProcessEnv, deadline: number, onLog?: (line: string) => void): Promise<void> {
  const tail: string[] = [];
  const keep = (line: string) => {
    line = line.replace(ANSI, '');
    if (!line.trim()) return;
    tail.push(line);
    if (tail.length > 60) tail.shift();
    onLog?.(line);
  };
  const child = spawn(process.execPath, [findFrameworkBin(), 'build'], {
    cwd: DASHBOARDS_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // whole lines only: a chunk may end mid-line, and a split "load /page" line would go uncounted
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream, crlfDelay: Infinity }).on('line', keep);
  const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(1_000, deadline - Date.now()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.on('error', fail);
    child.on('close', (c, s) => done([c, s]));
  }).finally(() => clearTimeout(timer));
  if (code !== 0) {
    const why = signal ? `killed by ${signal}${signal === 'SIGKILL' ? ' (timed out)' : ''}` : `exit code ${code}`;
    throw new Error(`dashboards build failed (${why}):\n${tail.join('\n')}`);
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out.sort();
}

/** The bundled font's stylesheet in the output; its slices sit beside it. */
const FONT_STYLESHEET = '_fonts/bundled-noto-sans-sc.css';

/**
 * Writes the regular weight of the bundled font (every slice, 101 files) and its stylesheet into
 * the output. Bold text falls back on it drawn bolder by the browser: a second weight would double
 * the stylesheet every page loads, for machines that have no CJK font at all.
 */
async function writeBundledFont(dir: string): Promise<void> {
  const slices = fontSlices(400);
  await copyFontFiles(slices, join(dir, dirname(FONT_STYLESHEET)));
  await writeFile(join(dir, FONT_STYLESHEET), `/* ${BUNDLED_FONT_FAMILY}: Noto Sans SC from @fontsource/noto-sans-sc (SIL Open Font License 1.1) */\n${fontFaceCss(slices, (file) => `./${file}`)}`);
}

/** A page's link to the bundled font's stylesheet, relative to the page as Framework writes its own links. */
function fontLink(page: string): string {
  const depth = page.split('/').length - 1;
  return `<link rel="stylesheet" type="text/css" href="${depth ? '../'.repeat(depth) : './'}${FONT_STYLESHEET}">`;
}

/** Sets <html lang="zh-CN"> (Framework 1.13 has no option), links the bundled font and checks for foreign hosts. */
async function finishOutput(dir: string): Promise<string[]> {
  const pages: string[] = [];
  const problems: string[] = [];
  await writeBundledFont(dir);
  for (const file of await listFiles(dir)) {
    const rel = relative(dir, file).split(sep).join('/');
    if (!/\.(html|js|css|json)$/.test(file)) continue;
    let text = await readFile(file, 'utf8');
    if (file.endsWith('.html')) {
      pages.push(rel);
      const fixed = text.replace(/<html>/, '<html lang="zh-CN">').replace('</head>', `${fontLink(rel)}\n</head>`);
      if (fixed !== text) await writeFile(file, (text = fixed));
      // A resource loaded from another origin (links to other sites are fine, but there are none).
      for (const m of text.matchAll(/<(?:link|script|img|iframe|source)\b[^>]*\b(?:href|src)="((?:https?:)?\/\/[^"]+)"/g)) {
        problems.push(`${rel}: loads ${m[1]}`);
      }
    }
    if (file.endsWith('.js') || file.endsWith('.html')) {
      for (const m of text.matchAll(/\b(?:from|import)\s*\(?\s*["'](npm:[^"']+|https?:\/\/[^"']+)["']/g)) {
        problems.push(`${rel}: imports ${m[1]}`);
      }
    }
    if (file.endsWith('.css')) {
      for (const m of text.matchAll(/(?:@import\s+(?:url\()?|url\()\s*["']?((?:https?:)?\/\/[^"')\s]+)/g)) {
        problems.push(`${rel}: loads ${m[1]}`);
      }
    }
    for (const pattern of FORBIDDEN_OUTPUT) {
      if (pattern.test(text)) problems.push(`${rel}: mentions ${pattern.source.replaceAll('\\', '')}`);
    }
  }
  if (problems.length) {
    throw new Error(`dashboards build output would make requests to other hosts:\n${problems.slice(0, 20).join('\n')}`);
  }
  return pages.sort();
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

async function replaceDir(staging: string, outDir: string): Promise<void> {
  if (existsSync(outDir)) {
    if (!statSync(outDir).isDirectory()) throw new Error(`outDir ${outDir} exists and is not a directory`);
    const old = `${outDir}.old-${process.pid}-${randomUUID().slice(0, 8)}`;
    await rename(outDir, old);
    await rename(staging, outDir);
    await rm(old, { recursive: true, force: true });
  } else {
    await rename(staging, outDir);
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
  const rel = relative(outDir, DASHBOARDS_DIR);
  if (rel === '' || !rel.startsWith('..') || outDir === dirname(outDir)) {
    throw new Error(`outDir ${outDir} would contain the dashboards sources; choose another directory`);
  }
  if (!relative(SOURCE_ROOT, outDir).startsWith('..')) {
    throw new Error(`outDir ${outDir} must not be inside ${SOURCE_ROOT}`);
  }
  await mkdir(dirname(outDir), { recursive: true });

  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SAFECAMPUS_UNIT;
  if (unit) env.SAFECAMPUS_UNIT = unit;
  env.SAFECAMPUS_SNAPSHOT = snapshotPath;
  env.OBSERVABLE_TELEMETRY_DISABLE = '1';
  env.NO_COLOR = '1';
  env.NODE_OPTIONS = [process.env.NODE_OPTIONS, `--import=${pathToFileURL(GUARD_PATH).href}`].filter(Boolean).join(' ');

  const pages = await withBuildLock(deadline, async () => {
    const staging = `${outDir}.building-${process.pid}-${randomUUID().slice(0, 8)}`;
    env.SAFECAMPUS_SITE_OUTPUT = staging;
    try {
      await resetCache();
      const outputs = await prebuildData({
        snapshotPath,
        unit,
        dataDir: join(SOURCE_ROOT, 'data'),
        cacheDir: join(CACHE_DIR, 'data'),
        onProgress: (done, total, output) => options.onProgress?.('data', done, total, output),
      });
      const units = outputs.filter((o) => o.startsWith('units/')).length;
      const pagesTotal = pageCount(units);
      let pagesDone = 0;
      await runFramework(env, deadline, (line) => {
        const page = PAGE_LOAD.exec(line)?.[1];
        if (page && pagesDone < pagesTotal) options.onProgress?.('pages', ++pagesDone, pagesTotal, page);
        options.onLog?.(line);
      });
      if (!existsSync(staging)) throw new Error(`dashboards build wrote nothing to ${staging}`);
      const built = await finishOutput(staging);
      if (unit) await checkUnitScope(staging, snapshotPath, unit);
      else await copyAppraisalFiles(snapshotPath, staging);
      if (built.length === 0) throw new Error('dashboards build produced no pages');
      await replaceDir(staging, outDir);
      return built;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  });
  return { outDir, pages, durationMs: Math.round(performance.now() - started) };
}

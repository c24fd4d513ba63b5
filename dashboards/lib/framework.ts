// What every static site of the project needs around an Observable Framework 1.13 project (the
// city site, dashboards/build.ts; the province site, dashboards/province-build.ts):
// - one build of a project at a time (a lock beside its config: the build shares the project's cache),
//   its cache cleared of loader output first (Framework reuses an output newer than its loader, even
//   for another input file), keeping package bundles and the npm version seeds;
// - `observable build` run offline (fetch() blocked by lib/offline-guard.js, telemetry off), its log
//   read in whole lines;
// - the output finished: <html lang="zh-CN">, the bundled font linked, no reference to another host;
// - written to a staging directory next to outDir and swapped in whole.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLED_FONT_FAMILY, copyFontFiles, fontFaceCss, fontSlices } from '../../shared/fonts.ts';
import { holderOfThisProcess, withFileLock } from '../../warehouse/file-lock.ts';

const GUARD_PATH = join(dirname(fileURLToPath(import.meta.url)), 'offline-guard.js');

/** A Framework project: the folder holding observablehq.config.js, its pages under src/. */
export class FrameworkProject {
  readonly sourceRoot: string;
  readonly cacheDir: string;
  private readonly lockPath: string;

  constructor(readonly dir: string) {
    this.sourceRoot = join(dir, 'src');
    this.cacheDir = join(this.sourceRoot, '.observablehq', 'cache');
    this.lockPath = join(dir, '.observablehq', 'build.json');
  }

  /** Refuses an outDir that would hold the project's sources or sit among its pages. */
  checkOutDir(outDir: string): void {
    const rel = relative(outDir, this.dir);
    if (rel === '' || !rel.startsWith('..') || outDir === dirname(outDir)) {
      throw new Error(`outDir ${outDir} would contain the dashboards sources; choose another directory`);
    }
    if (!relative(this.sourceRoot, outDir).startsWith('..')) {
      throw new Error(`outDir ${outDir} must not be inside ${this.sourceRoot}`);
    }
  }

  /**
   * Under the project's lock, with its loader cache cleared: `body` builds into a fresh staging
   * directory next to `outDir` (whose path it gets, and which Framework is told to write through
   * SAFECAMPUS_SITE_OUTPUT in the env it passes to runFramework); on success the staging directory
   * replaces outDir whole. A later build waits for the lock until `deadline`.
   */
  async buildInto<T>(outDir: string, deadline: number, body: (staging: string) => Promise<T>): Promise<T> {
    await mkdir(dirname(outDir), { recursive: true });
    return withFileLock(
      this.lockPath,
      holderOfThisProcess({}),
      {
        waitMs: Math.max(0, deadline - Date.now()),
        refuse: (holder) => new Error(`timed out waiting for another dashboards build (pid ${holder?.pid ?? '?'}) holding ${this.lockPath}`),
      },
      async () => {
        const staging = `${outDir}.building-${process.pid}-${randomUUID().slice(0, 8)}`;
        try {
          await this.resetCache();
          const result = await body(staging);
          await replaceDir(staging, outDir);
          return result;
        } finally {
          await rm(staging, { recursive: true, force: true });
        }
      },
    );
  }

  private async resetCache(): Promise<void> {
    await mkdir(this.cacheDir, { recursive: true });
    for (const entry of await readdir(this.cacheDir)) {
      if (!KEPT_CACHE_ENTRIES.has(entry)) await rm(join(this.cacheDir, entry), { recursive: true, force: true });
    }
    for (const seed of NPM_VERSION_SEEDS) await mkdir(join(this.cacheDir, '_npm', seed), { recursive: true });
  }

  /**
   * Runs `observable build` in the project with `vars` (SAFECAMPUS_* for its config and loaders; the
   * build's own SAFECAMPUS_* from this process's environment are dropped) and `staging` as its output.
   * Throws with the tail of the log on failure; `onLog` gets each whole line. With `dataPending`, the
   * data files are still being written into the cache: the project's configuration waits for a line on
   * stdin (SAFECAMPUS_DATA_PENDING) before it reads them, written when `dataPending` resolves; when it
   * rejects, Framework is stopped.
   */
  async run(vars: Record<string, string>, staging: string, deadline: number, onLog?: (line: string) => void, dataPending?: Promise<unknown>): Promise<void> {
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !FRAMEWORK_VARS.test(name)));
    Object.assign(env, vars, {
      SAFECAMPUS_SITE_OUTPUT: staging,
      OBSERVABLE_TELEMETRY_DISABLE: '1',
      NO_COLOR: '1',
      NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${pathToFileURL(GUARD_PATH).href}`].filter(Boolean).join(' '),
      ...(dataPending ? { SAFECAMPUS_DATA_PENDING: '1' } : {}),
    });
    const tail: string[] = [];
    const keep = (line: string) => {
      line = line.replace(ANSI, '');
      if (!line.trim()) return;
      tail.push(line);
      if (tail.length > 60) tail.shift();
      onLog?.(line);
    };
    const child = spawn(process.execPath, [findFrameworkBin(this.dir), 'build'], { cwd: this.dir, env, stdio: [dataPending ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    dataPending?.then(
      () => child.stdin!.end('ready\n'),
      () => child.kill('SIGKILL'),
    );
    child.stdin?.on('error', () => {}); // Framework gone before it read the line: its exit code says why
    // whole lines only: a chunk may end mid-line, and a split "load /page" line would go uncounted
    for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream, crlfDelay: Infinity }).on('line', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(1_000, deadline - Date.now()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
      child.on('error', fail);
      child.on('close', (c, s) => done([c, s]));
    }).finally(() => clearTimeout(timer));
    if (code !== 0) {
      const why = signal ? `killed by ${signal}${signal === 'SIGKILL' ? ' (timed out)' : ''}` : `exit code ${code}`;
      throw new Error(`dashboards build failed (${why}):\n${tail.join('\n')}`);
    }
    if (!existsSync(staging)) throw new Error(`dashboards build wrote nothing to ${staging}`);
  }
}

/** The build's own variables: a caller's environment may carry another build's (SAFECAMPUS_UNIT of a scoped build). */
const FRAMEWORK_VARS = /^SAFECAMPUS_(SNAPSHOT|UNIT|PROVINCE|SITE_OUTPUT|DATA_PENDING)$/;

/**
 * Framework's log line for a page it has rendered ("load /units/411002 in 57ms"), not a data file.
 * Framework writes "load /page" and " in 57ms" separately, so only whole lines are read; and with a
 * cold cache it writes the page's module resolution in between ("load /index npm:htl@1.0.0/+esm → …"),
 * so a page is counted by the start of its line alone.
 */
export const PAGE_LOAD = /^load (\/(?!data\/|_)\S*)(?:\s|$)/;

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

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

function findFrameworkBin(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '@observablehq', 'framework', 'dist', 'bin', 'observable.js');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error('@observablehq/framework is not installed: run `npm install` in the project root.');
}

export async function listFiles(dir: string): Promise<string[]> {
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

/**
 * Sets <html lang="zh-CN"> (Framework 1.13 has no option), links the bundled font and checks for
 * foreign hosts; returns the pages (.html paths relative to dir).
 */
export async function finishOutput(dir: string): Promise<string[]> {
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
  if (pages.length === 0) throw new Error('dashboards build produced no pages');
  return pages.sort();
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

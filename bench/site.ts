/**
 * The dashboard site's build time and page weights, from a snapshot: the part of
 * `npm run bench` that matters at province scale, runnable alone on an existing snapshot
 * (a province's pipeline takes many minutes; its site build is what this measures).
 * Usage: node --import tsx bench/site.ts SNAPSHOT.duckdb [--unit CODE] [--top N] [--out DIR (kept; default a temporary folder)]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildSite } from '../dashboards/build.ts';
import { pageWeights, type PageWeight } from '../dashboards/weight.ts';

export interface SiteMeasurement {
  pages: number;
  seconds: number;
  /** Heaviest first. */
  weights: PageWeight[];
}

/** Builds the site from `snapshotPath` into `outDir` and weighs every page. */
export async function measureSite(snapshotPath: string, outDir: string, unit?: string): Promise<SiteMeasurement> {
  const started = performance.now();
  const site = await buildSite({ snapshotPath, outDir, unit, timeoutMs: 60 * 60_000 });
  const seconds = (performance.now() - started) / 1000;
  const weights = (await pageWeights(site.outDir, site.pages)).sort((a, b) => b.bytes - a.bytes);
  return { pages: site.pages.length, seconds, weights };
}

export const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en')} KiB`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { unit: { type: 'string' }, top: { type: 'string' }, out: { type: 'string' } } });
  const top = Number(values.top ?? 8);
  if (positionals.length !== 1 || !Number.isInteger(top) || top < 1) {
    console.error('usage: node --import tsx bench/site.ts SNAPSHOT.duckdb [--unit CODE] [--top N] [--out DIR]');
    process.exit(2);
  }
  const outDir = values.out ? resolve(values.out) : join(mkdtempSync(join(tmpdir(), 'safecampus-bench-site-')), 'site');
  try {
    const m = await measureSite(resolve(positionals[0]!), outDir, values.unit);
    console.log(`dashboards build: ${m.pages} pages in ${m.seconds.toFixed(1)} s${values.unit ? ` (scoped to ${values.unit})` : ''}`);
    console.log('| page | with everything it loads | of which data |');
    console.log('| --- | --- | --- |');
    for (const w of m.weights.slice(0, top)) console.log(`| ${w.page} | ${kib(w.bytes)} | ${kib(w.dataBytes)} |`);
  } finally {
    if (!values.out) rmSync(join(outDir, '..'), { recursive: true, force: true });
  }
}

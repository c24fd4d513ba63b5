// @module-tag browser
// @module-tag site
// Builds of a generated (dirty) city through the real pipeline steps. Unit-scoped: no file of
// the output — pages, data, bundles — names a school that never belonged to the unit, although
// the snapshot holds every school's rows, rejected rows quoting school codes and data-test
// samples. City-wide, in Chromium: at a real city's counts no chart's label overlaps another
// or leaves its chart.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, readOutputText, type BuildSiteResult } from '../../dashboards/build.ts';
import { pageWeights } from '../../dashboards/weight.ts';
import { generateCity } from '../../demo/index.ts';
import { ingestPath } from '../../sources/ingest.ts';
import { runTransform } from '../../transforms/runner.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { publishSnapshot } from '../../warehouse/snapshot.ts';
import { tempDir } from '../helpers.ts';
import { serveStatic } from '../../dashboards/serve.ts';
import { launchChromium, openPage } from './chromium.ts';

const UNIT = '411024';
const root = tempDir('safecampus-scope-city-');
let snapshotPath: string;
let site: BuildSiteResult;
let citySite: BuildSiteResult;

beforeAll(async () => {
  await generateCity({ schools: 150, fromYear: 2025, toYear: 2025, seed: 11, dirtyRate: 0.03, outDir: join(root, 'inbox') });
  const db = await Warehouse.open(join(root, 'warehouse.duckdb'));
  try {
    await initWarehouse(db);
    await ingestPath(db, join(root, 'inbox'), { holdThreshold: 1, now: new Date('2026-06-01T00:00:00Z') });
    await runTransform(db);
    snapshotPath = (await publishSnapshot(db)).path;
  } finally {
    db.close();
  }
  site = await buildSite({ snapshotPath, outDir: join(root, 'site'), unit: UNIT });
  citySite = await buildSite({ snapshotPath, outDir: join(root, 'site-city') });
}, 900_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function registry(): Promise<Array<{ school_code: string; school_name: string; own: boolean }>> {
  const instance = await DuckDBInstance.create(snapshotPath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `select distinct school_code, school_name,
              school_code in (select school_code from core.dim_schools where unit_code = '${UNIT}') as own
       from core.dim_schools`,
    );
    return reader.getRowObjectsJS() as Array<{ school_code: string; school_name: string; own: boolean }>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe(`a build scoped to ${UNIT} from a generated city`, () => {
  it('holds no code or name of another unit’s school in any file, and its own schools are there', async () => {
    const schools = await registry();
    const others = schools.filter((s) => !s.own);
    expect(others.length).toBeGreaterThan(100);
    const otherCodes = new Set(others.map((s) => s.school_code));
    const files = (await readdir(site.outDir, { withFileTypes: true, recursive: true })).filter((e) => e.isFile());
    let everything = '';
    for (const file of files) everything += `${await readOutputText(join(file.parentPath, file.name))}\n`;
    const leakedCodes = [...everything.matchAll(/(?<!\d)\d{10}(?!\d)/g)].map((m) => m[0]).filter((code) => otherCodes.has(code));
    expect(leakedCodes).toEqual([]);
    expect(others.map((s) => s.school_name).filter((name) => everything.includes(name))).toEqual([]);
    // not vacuous: the unit's own schools do appear (the lowest-rate list on the overview)
    expect(schools.filter((s) => s.own).some((s) => everything.includes(s.school_code))).toBe(true);
  });

  it('keeps every page under 1 MiB with all it loads, and every school of the index in the bucket its code names', async () => {
    const weights = await pageWeights(site.outDir, site.pages);
    expect(weights.filter((w) => w.bytes > 1024 * 1024)).toEqual([]);
    const json = async (path: string) => JSON.parse(await readOutputText(join(site.outDir, path)));
    const indexFile = (await readdir(join(site.outDir, '_file', 'data', 'schools'))).find((name) => /^index\..*\.gz$/.test(name))!;
    const index = (await json(`_file/data/schools/${indexFile}`)) as { c: string[]; n: string[]; u: number[]; units: Array<{ unit_code: string }> };
    const own = (await registry()).filter((s) => s.own).map((s) => s.school_code);
    expect(index.c.length).toBeGreaterThan(5);
    expect(index.c.filter((code) => !own.includes(code))).toEqual([]);
    expect(new Set(index.u.map((u) => index.units[u]!.unit_code))).toEqual(new Set([UNIT]));
    for (const [i, code] of index.c.entries()) {
      const bucket = (await json(`data/schools/${code.slice(-2)}.json.gz`)) as { schools: Array<{ school_code: string; school_name: string }> };
      expect(bucket.schools.find((s) => s.school_code === code)?.school_name, code).toBe(index.n[i]);
    }
  });
});

describe('the city-wide build of a generated city in Chromium', () => {
  it('draws no chart label over another or outside its chart, on any page at 1280 px', async () => {
    const server = await serveStatic(citySite.outDir);
    const browser = await launchChromium();
    try {
      const clashes: string[] = [];
      let labels = 0;
      for (const file of citySite.pages) {
        const path = `/${file.replace(/(^|\/)index\.html$/, '$1').replace(/\.html$/, '')}`;
        const { page, problems } = await openPage(browser, server.origin, path);
        // the alerts page's hour chart has 24 bars of hundreds of alerts: the case that clashed
        if (path === '/alerts') await page.locator('[data-testid="by-hour"] svg').waitFor();
        const found = await page.evaluate(() => {
          const out: string[] = [];
          let n = 0;
          for (const svg of document.querySelectorAll('#observablehq-main svg')) {
            const frame = svg.getBoundingClientRect();
            const boxes = [...svg.querySelectorAll('g[aria-label="text"] text')].map((t) => ({ text: t.textContent ?? '', box: t.getBoundingClientRect() }));
            n += boxes.length;
            for (const [i, a] of boxes.entries()) {
              if (a.box.left < frame.left - 0.5 || a.box.right > frame.right + 0.5) out.push(`"${a.text}" leaves its chart`);
              for (const b of boxes.slice(i + 1)) {
                const overlap = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left) > 0.5 && Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top) > 0.5;
                if (overlap) out.push(`"${a.text}" overlaps "${b.text}"`);
              }
            }
          }
          return { out, n };
        });
        labels += found.n;
        clashes.push(...found.out.map((clash) => `${path}: ${clash}`), ...problems.map((problem) => `${path}: ${problem}`));
        await page.close();
      }
      expect(clashes).toEqual([]);
      expect(labels).toBeGreaterThan(50); // not vacuous: the pages drew their labelled charts
    } finally {
      await browser.close();
      await server.close();
    }
  }, 300_000);
});

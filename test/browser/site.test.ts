// The dashboard site, built from a hand-made snapshot and opened in real headless
// Chromium (Debian's `chromium`, driven by playwright-core).
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type BuildSiteResult } from '../../dashboards/build.ts';
import { FIXTURE_RANKING, FIXTURE_SCHOOLS, createFixtureSnapshot } from './fixture.ts';
import { serveStatic, type StaticServer } from '../../dashboards/serve.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Screenshots go here when set (e.g. SAFECAMPUS_SHOTS_DIR=/tmp/shots). */
const SHOTS_DIR = process.env.SAFECAMPUS_SHOTS_DIR;
const SCOPED_UNIT = '411002';

let work: string;
let snapshot: string;
let site: BuildSiteResult;
let scoped: BuildSiteResult;

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const file of await allFiles(dir)) out.set(file.slice(dir.length + 1), await readFile(file, 'utf8'));
  return out;
}

function pct(numerator: number, denominator: number): string {
  return `${((numerator / denominator) * 100).toFixed(1)}%`;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'safecampus-site-'));
  snapshot = join(work, 'snapshot.duckdb');
  await createFixtureSnapshot(snapshot);
  site = await buildSite({ snapshotPath: snapshot, outDir: join(work, 'site') });
  scoped = await buildSite({ snapshotPath: snapshot, outDir: join(work, 'site-unit'), unit: SCOPED_UNIT });
  console.info(`dashboards build: city ${site.durationMs} ms, unit ${SCOPED_UNIT} ${scoped.durationMs} ms`);
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('dashboards build', () => {
  it('builds the overview page', () => {
    expect(site.pages).toContain('index.html');
    expect(scoped.pages).toContain('index.html');
  });

  it('produces output that refers to no other host', async () => {
    for (const [name, text] of await readTree(site.outDir)) {
      expect(text, name).not.toMatch(/cdn\.jsdelivr|fonts\.googleapis|fonts\.gstatic|unpkg\.com/);
      expect(text, name).not.toMatch(/\b(?:from|import)\s*\(?\s*["']npm:/);
      if (name.endsWith('.html')) {
        expect(text, name).toContain('<html lang="zh-CN">');
        expect(text, name).not.toMatch(/<(?:link|script|img)\b[^>]*\b(?:href|src)="(?:https?:)?\/\//);
      }
    }
  });

  it('puts no other unit’s school-level data into a unit-scoped build', async () => {
    const tree = await readTree(scoped.outDir);
    const everything = [...tree.values()].join('\n');
    for (const school of FIXTURE_SCHOOLS) {
      if (school.unit_code === SCOPED_UNIT) continue;
      expect(everything, school.school_code).not.toContain(school.school_code);
      expect(everything, school.school_name).not.toContain(school.school_name);
    }
    // …and the check is not vacuous: the unit's own schools are there.
    expect(everything).toContain('2141002002');
    expect(everything).toContain('魏都区育才小学');
  });

  it('rebuilds from a new snapshot instead of serving cached loader output', async () => {
    const changed = join(work, 'snapshot-2.duckdb');
    await copyFile(snapshot, changed);
    const instance = await DuckDBInstance.create(changed);
    const connection = await instance.connect();
    await connection.run(
      "update marts.unit_indicator_ranking set numerator = 11, value = 11.0 / 30 where unit_code = '411071' and indicator_id = 'A3' and period = '2025'",
    );
    connection.closeSync();
    instance.closeSync();
    const outDir = join(work, 'site-2');
    await buildSite({ snapshotPath: changed, outDir });
    const json = [...(await readTree(outDir)).entries()].find(([name]) => /^_file\/data\/overview\.[0-9a-f]+\.json$/.test(name));
    expect(json, 'overview.json in the output').toBeDefined();
    const data = JSON.parse(json![1]);
    expect(data.units.find((u: { unit_code: string }) => u.unit_code === '411071').numerator).toBe(11);
  }, 120_000);

  it('fails with the loader’s message when the unit is unknown', async () => {
    await expect(buildSite({ snapshotPath: snapshot, outDir: join(work, 'site-bad'), unit: '419999' })).rejects.toThrow(
      /SAFECAMPUS_UNIT=419999 is not a unit/,
    );
    expect(existsSync(join(work, 'site-bad'))).toBe(false);
  }, 120_000);

  it('refuses a missing snapshot', async () => {
    await expect(buildSite({ snapshotPath: join(work, 'nope.duckdb'), outDir: join(work, 'x') })).rejects.toThrow(/snapshot not found/);
  });
});

describe.skipIf(!HAS_CHROMIUM)('dashboards in Chromium', () => {
  let browser: Browser;
  let server: StaticServer;
  let scopedServer: StaticServer;

  beforeAll(async () => {
    server = await serveStatic(site.outDir);
    scopedServer = await serveStatic(scoped.outDir);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await scopedServer?.close();
  });

  /** Opens a page and records console errors, failed requests and requests off its origin. */
  async function open(origin: string, path: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== origin && url.protocol !== 'data:' && url.protocol !== 'blob:') {
        problems.push(`foreign request: ${request.url()}`);
      }
    });
    page.on('requestfailed', (request) => problems.push(`failed request: ${request.url()} ${request.failure()?.errorText}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(`${origin}${path}`, { waitUntil: 'networkidle' });
    return { page, problems };
  }

  it('shows the overview: title, KPI cards, the ranking with ties, and the chart', async () => {
    const { page, problems } = await open(server.origin, '/');
    await page.locator('[data-testid="unit-ranking"] tbody tr').first().waitFor();
    await page.locator('figure.sc-chart svg').first().waitFor();

    expect(await page.title()).toContain('许昌市校园安全评估');
    expect(await page.locator('h1').first().textContent()).toContain('校园安全总览');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    // the publish time is stored as Shanghai wall time and shown as such
    expect(await page.locator('body').textContent()).toContain('数据更新于 2026年1月5日 10:10');

    const kpis = await page.locator('.sc-kpi').allTextContents();
    expect(kpis.join(' ')).toContain('参评学校数');
    const total = FIXTURE_RANKING.reduce((s, r) => ({ n: s.n + r.numerator, d: s.d + r.denominator }), { n: 0, d: 0 });
    expect(kpis.join(' ')).toContain(pct(total.n, total.d));

    const rows = await page
      .locator('[data-testid="unit-ranking"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent?.trim())));
    const ranked = FIXTURE_RANKING.filter((r) => r.rank !== null);
    expect(rows.slice(0, ranked.length)).toEqual(
      ranked.map((r) => [String(r.rank), r.unit_name, pct(r.numerator, r.denominator), `${r.numerator} / ${r.denominator}`, String(r.n_schools)]),
    );
    expect(rows.slice(0, 4).map((r) => r[0])).toEqual(['1', '2', '2', '4']);
    // 市直 is not in the ranking table but noted separately.
    expect(rows.some((r) => r[1] === '市直')).toBe(false);
    expect(await page.locator('main').textContent()).toContain('不参与县区排名');

    // The chart: one bar per unit with data (ranked units and 市直), Chinese axis label.
    const bars = page.locator('figure.sc-chart svg g[aria-label="bar"] rect');
    expect(await bars.count()).toBe(FIXTURE_RANKING.length);
    expect(await page.locator('figure.sc-chart svg').first().textContent()).toContain('按期整改率（%）');
    // Tooltip on hover.
    await bars.first().hover();
    await page.locator('figure.sc-chart g[aria-label="tip"] text').first().waitFor({ timeout: 5_000 });
    expect(await page.locator('figure.sc-chart g[aria-label="tip"]').textContent()).toMatch(/第 1 名/);

    // Sorting by clicking a header.
    await page.locator('[data-testid="unit-ranking"] th[data-key="value"] button').click();
    const firstAfterSort = await page.locator('[data-testid="unit-ranking"] tbody tr td[data-key="unit_name"]').first().textContent();
    expect(firstAfterSort).toBe('许昌经济技术开发区');

    if (SHOTS_DIR) {
      await page.locator('[data-testid="unit-ranking"] th[data-key="rank"] button').click();
      await page.mouse.move(0, 0);
      await mkdir(SHOTS_DIR, { recursive: true });
      await page.screenshot({ path: join(SHOTS_DIR, 'index.png'), fullPage: true });
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a unit-scoped build with its banner and only its schools', async () => {
    const { page, problems } = await open(scopedServer.origin, '/');
    await page.locator('[data-testid="lowest-schools"] tbody tr').first().waitFor();
    expect(await page.locator('[data-testid="scope"]').textContent()).toContain('魏都区');
    const schools = await page.locator('[data-testid="lowest-schools"] tbody tr td:first-child').allTextContents();
    expect(schools.length).toBeGreaterThan(0);
    const own = new Set(FIXTURE_SCHOOLS.filter((s) => s.unit_code === SCOPED_UNIT).map((s) => s.school_name));
    for (const name of schools) expect(own.has(name), name).toBe(true);
    expect(await page.locator('[data-testid="unit-ranking"] tr.sc-highlight td[data-key="unit_name"]').textContent()).toBe('魏都区');
    if (SHOTS_DIR) await page.screenshot({ path: join(SHOTS_DIR, 'index-unit.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

if (!HAS_CHROMIUM) {
  console.warn(`SKIPPED browser tests: ${CHROMIUM} not found (install Debian's chromium and fonts-noto-cjk, or set CHROMIUM_PATH).`);
}

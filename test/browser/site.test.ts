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
import { FIXTURE_BATCHES, FIXTURE_FRESHNESS, FIXTURE_RANKING, FIXTURE_SCHOOLS, RAW_MARKER, createFixtureSnapshot } from './fixture.ts';
import { loadDefinition } from '../../transforms/definitions/load.ts';
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
/** Every page the site has so far, as built files. */
const PAGES = ['index.html', 'methodology.html', 'quality.html'];

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
  it('builds every page, city-wide and unit-scoped', () => {
    expect(site.pages).toEqual(PAGES);
    expect(scoped.pages).toEqual(PAGES);
  });

  it('never publishes row contents (rejected rows, messages, data-test samples)', async () => {
    for (const built of [site, scoped]) {
      for (const [name, text] of await readTree(built.outDir)) expect(text, name).not.toContain(RAW_MARKER);
    }
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
    expect(data.by_period['2025'].units.find((u: { unit_code: string }) => u.unit_code === '411071').numerator).toBe(11);
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

  /** Rows of a table as arrays of cell texts. */
  async function tableRows(page: Page, testId: string): Promise<string[][]> {
    return page
      .locator(`[data-testid="${testId}"] tbody tr`)
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent?.trim() ?? '')));
  }

  for (const [label, which] of [['city-wide', 'site'], ['unit-scoped', 'scoped']] as const) {
    it(`loads every page of the ${label} build with no console error, failed or foreign request, and the sidebar lists them`, async () => {
      const origin = which === 'site' ? server.origin : scopedServer.origin;
      for (const file of PAGES) {
        const path = file === 'index.html' ? '/' : `/${file.replace(/\.html$/, '')}`;
        const { page, problems } = await open(origin, path);
        await page.locator('#observablehq-main h1').first().waitFor();
        // every cell rendered: no Framework error boxes
        expect(await page.locator('.observablehq--error').count(), `${path} error cells`).toBe(0);
        expect(await page.locator('#observablehq-sidebar a').allTextContents(), path).toEqual(['许昌市校园安全评估', '总览', '数据质量', '指标说明']);
        if (SHOTS_DIR) {
          await mkdir(SHOTS_DIR, { recursive: true });
          await page.screenshot({ path: join(SHOTS_DIR, `${which}-${file.replace(/\.html$/, '')}.png`), fullPage: true });
        }
        expect(problems, path).toEqual([]);
        await page.close();
      }
    }, 120_000);
  }

  it('switches the overview to another period with the period selector', async () => {
    const { page, problems } = await open(server.origin, '/');
    await page.locator('[data-testid="unit-ranking"] tbody tr').first().waitFor();
    const select = page.locator('[data-testid="period-select"] select');
    expect(await select.inputValue()).toBe('2025');
    expect(await select.locator('option').allTextContents()).toEqual(['2025年', '2024年']);
    await select.selectOption('2024');
    await page.locator('.sc-subtitle', { hasText: '2024年' }).waitFor();
    const rows = await tableRows(page, 'unit-ranking');
    expect(rows.slice(0, 2)).toEqual([
      ['3', '禹州市', '60.0%', '6 / 10', '3'],
      ['4', '魏都区', '50.0%', '5 / 10', '3'],
    ]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows data quality: batch counts, the held batch with its release command, rejects by reason and source, tests, freshness', async () => {
    const { page, problems } = await open(server.origin, '/quality');
    await page.locator('[data-testid="batches"] tbody tr').first().waitFor();
    const kpis = await page.locator('.sc-kpi').evaluateAll((cards) => cards.map((c) => [c.querySelector('h2')?.textContent, c.querySelector('.big')?.textContent]));
    const read = FIXTURE_BATCHES.reduce((n, b) => n + b.rows_read, 0);
    const rejected = FIXTURE_BATCHES.reduce((n, b) => n + b.rows_rejected, 0);
    expect([read, rejected]).toEqual([202, 25]);
    expect(kpis).toEqual([
      ['入库批次', '4'], // landed b-01, b-02, b-06 and released b-04
      ['暂扣待审批次', '1'],
      ['拒收行数', '25'],
      ['数据检验未通过', '1'],
    ]);
    expect(await page.locator('.sc-kpi').nth(0).textContent()).toContain('共 6 个批次 · 已放行 1');
    expect(await page.locator('.sc-kpi').nth(2).textContent()).toContain('占读取行数 12.4%（202 行）');

    expect(await tableRows(page, 'held-batches')).toEqual([['alerts_2025.ndjson', '预警告警记录', '10 / 40', '25.0%', 'safecampus release b-03']]);
    // reasons × sources (in the loader's source order), largest total first, ties in the loader's order
    const header = await page.locator('[data-testid="rejects"] thead th').allTextContents();
    expect(header).toEqual(['拒收原因', '原因代码', '预警告警记录', '安全检查记录', '物联设备状态', '未识别', '合计']);
    expect(await tableRows(page, 'rejects')).toEqual([
      ['缺少必填字段', 'missing_required', '10', '', '', '', '10'],
      ['数值超出合理范围', 'out_of_range', '', '', '10', '', '10'],
      ['学校不在名录中', 'unknown_school', '', '3', '', '', '3'],
      ['日期无法识别', 'bad_date', '', '2', '', '', '2'],
      ['空文件', 'empty_file', '', '', '', '1', '1'],
    ]);
    expect(await tableRows(page, 'failing-tests')).toEqual([['staging.stg_alerts', 'expect: acknowledged_at >= raised_at', '警告', '2', '未通过']]);
    expect(await page.locator('[data-testid="all-tests"] tbody tr').count()).toBe(3);

    const freshness = await tableRows(page, 'freshness');
    expect(freshness.map((r) => [r[0], r[3]])).toEqual([
      ['学校基础信息', `${FIXTURE_FRESHNESS.schools.city}（填报日期）`],
      ['安全检查记录', `${FIXTURE_FRESHNESS.inspections.city}（检查日期）`],
      ['物联设备状态', `${FIXTURE_FRESHNESS.sensors.city}（事件时间）`],
      ['预警告警记录', '无数据'],
      ['事故案件', '无数据'],
      ['专项工作记录', `${FIXTURE_FRESHNESS.activities.city}（日期）`],
    ]);
    // the held alerts file is not "landed": the source has no landed file yet
    expect(freshness[3]!.slice(1, 3)).toEqual(['尚无', '—']);

    const batches = await tableRows(page, 'batches');
    expect(batches.map((r) => [r[0], r[1], r[3]])).toEqual(
      FIXTURE_BATCHES.map((b, i) => [String(i + 1), b.file.split('/').at(-1), { landed: '已入库', held: '暂扣待审', released: '已放行', failed: '失败' }[b.status]]).reverse(),
    );
    expect(batches.find((r) => r[0] === '5')![7]).toBe('空文件');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows the scoped unit’s own freshness in a unit-scoped build', async () => {
    const { page, problems } = await open(scopedServer.origin, '/quality');
    await page.locator('[data-testid="freshness"] tbody tr').first().waitFor();
    const freshness = await tableRows(page, 'freshness');
    expect(freshness.map((r) => r[3].slice(0, 10))).toEqual(
      Object.values(FIXTURE_FRESHNESS).map((f) => (f.weidu ?? '无数据').slice(0, 10)),
    );
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('explains every indicator of the definition file, with grades, vetoes and the AHP weights', async () => {
    const definition = loadDefinition(2025);
    const { page, problems } = await open(server.origin, '/methodology');
    await page.locator('[data-testid="domains"] tbody tr').first().waitFor();
    expect((await tableRows(page, 'domains')).map((r) => [r[0], r[2]])).toEqual(definition.domains.map((d) => [d.id, String(d.points)]));
    for (const domain of definition.domains) {
      const rows = await tableRows(page, `indicators-${domain.id}`);
      expect(rows.map((r) => [r[0], r[1], r[2], r[4]])).toEqual(domain.indicators.map((i) => [i.id, i.name.zh, i.formula_text, String(i.points)]));
    }
    const a2 = (await tableRows(page, 'indicators-A'))[1]!;
    expect(a2[3]).toBe('目标 98%，底线 80%（越高越好）');
    expect((await tableRows(page, 'indicators-A'))[3]![3]).toBe('每项扣 3 分，扣完为止');
    const d2 = (await tableRows(page, 'indicators-D'))[1]!;
    expect(d2[5]).toBe('全部学校；仅临水学校（1公里内有河流、坑塘、水库）');
    expect((await tableRows(page, 'indicators-E'))[0]![5]).toBe('不含幼儿园');
    expect((await tableRows(page, 'supervision')).map((r) => r[0])).toEqual(['I1', 'I2', 'I3']);
    expect((await tableRows(page, 'supervision'))[2]![3]).toBe('基准 100 分，每次约谈扣 2 分、每次处罚扣 3 分，扣完为止');
    expect(await tableRows(page, 'grades')).toEqual([
      ['优秀', '≥ 90'],
      ['良好', '80 ≤ 得分 < 90'],
      ['合格', '60 ≤ 得分 < 80'],
      ['不合格', '0 ≤ 得分 < 60'],
    ]);
    expect(await page.locator('[data-testid="vetoes"] li').count()).toBe(definition.vetoes.length);
    expect((await tableRows(page, 'ahp')).length).toBe(8);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

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

// @module-tag browser
// @module-tag site
// The dashboard site, built from a hand-made snapshot and opened in real headless
// Chromium (the browser from npm, reports/browser.ts, driven by playwright-core).
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, readOutputText, type BuildSiteResult } from '../../dashboards/build.ts';
import { slicesFor } from '../../shared/fonts.ts';
import { FIXTURE_BATCHES, FIXTURE_FRESHNESS, FIXTURE_SCHOOLS, FIXTURE_UNITS, RAW_MARKER, createFixtureSnapshot } from './fixture.ts';
import { loadDefinition } from '../../transforms/definitions/load.ts';
import { serveStatic, type StaticServer } from '../../dashboards/serve.ts';
import { launchChromium, openPage, tableRows } from './chromium.ts';
import { systemCjkFont } from './system-font.ts';

/** Screenshots go here when set (e.g. SAFECAMPUS_SHOTS_DIR=/tmp/shots). */
const SHOTS_DIR = process.env.SAFECAMPUS_SHOTS_DIR;
const SCOPED_UNIT = '411002';
const UNIT_CODES = FIXTURE_UNITS.map(([code]) => code).sort();
/** Every page of the city-wide site, as built files: one unit scorecard per unit, one 学校 page for every school. */
const PAGES = [
  'alerts.html',
  'appraisal.html',
  'dictionary.html',
  'failing.html',
  'hazards.html',
  'incidents.html',
  'index.html',
  'methodology.html',
  'programmes.html',
  'quality.html',
  'schools.html',
  'units/index.html',
  ...UNIT_CODES.map((code) => `units/${code}.html`),
].sort();
/** A unit-scoped build has only its own unit's pages. */
const SCOPED_PAGES = ['alerts.html', 'appraisal.html', 'dictionary.html', 'failing.html', 'hazards.html', 'incidents.html', 'index.html', 'methodology.html', 'programmes.html', 'quality.html', 'schools.html', `units/${SCOPED_UNIT}.html`, 'units/index.html'];
const SIDEBAR = ['许昌市校园安全评估', '总览', '县区评分卡', '学校', '不合格与一票否决学校', '隐患治理', '预警与设备', '专项工作', '事故案件', '年度考核', '数据质量', '指标说明', '数据字典'];

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
  for (const file of await allFiles(dir)) out.set(file.slice(dir.length + 1), await readOutputText(file));
  return out;
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
    expect(scoped.pages).toEqual(SCOPED_PAGES);
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
    // the city's on-time rectifications: 169 in the fixture, 21 of them 经开区's, now 11
    expect(data.by_period['2025'].city.rectified_on_time).toBe(159);
  }, 300_000);

  it('refuses an unknown unit before Framework runs, naming the units there are', async () => {
    await expect(buildSite({ snapshotPath: snapshot, outDir: join(work, 'site-bad'), unit: '419999' })).rejects.toThrow(
      /^419999 不是快照中的县区，县区有：411000 [^/]+ \/ 419999 is not a unit of the snapshot; its units are: 411000 /,
    );
    expect(existsSync(join(work, 'site-bad'))).toBe(false);
  }, 120_000);

  it('refuses a missing snapshot', async () => {
    await expect(buildSite({ snapshotPath: join(work, 'nope.duckdb'), outDir: join(work, 'x') })).rejects.toThrow(/snapshot not found/);
  });
});

describe('dashboards in Chromium', () => {
  let browser: Browser;
  let server: StaticServer;
  let scopedServer: StaticServer;

  beforeAll(async () => {
    server = await serveStatic(site.outDir);
    scopedServer = await serveStatic(scoped.outDir);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await scopedServer?.close();
  });

  const open = (origin: string, path: string): Promise<{ page: Page; problems: string[] }> => openPage(browser, origin, path);

  for (const [label, which] of [['city-wide', 'site'], ['unit-scoped', 'scoped']] as const) {
    it(`loads every page of the ${label} build with no console error, failed or foreign request, and the sidebar lists them`, async () => {
      const origin = which === 'site' ? server.origin : scopedServer.origin;
      for (const file of which === 'site' ? PAGES : SCOPED_PAGES) {
        const path = file === 'index.html' ? '/' : `/${file.replace(/(index)?\.html$/, '')}`;
        const { page, problems } = await open(origin, path);
        await page.locator('#observablehq-main h1').first().waitFor();
        // every cell rendered: no Framework error boxes
        expect(await page.locator('.observablehq--error').count(), `${path} error cells`).toBe(0);
        expect(await page.locator('#observablehq-sidebar a').allTextContents(), path).toEqual(SIDEBAR);
        if (SHOTS_DIR) {
          await mkdir(SHOTS_DIR, { recursive: true });
          await page.screenshot({ path: join(SHOTS_DIR, `${which}-${file.replace(/\.html$/, '').replaceAll('/', '-')}.png`), fullPage: true });
        }
        expect(problems, path).toEqual([]);
        await page.close();
      }
    }, 300_000); // some 30 pages one after another: generous for a loaded machine
  }

  it('switches the overview to another period with the period selector', async () => {
    const { page, problems } = await open(server.origin, '/');
    await page.locator('[data-testid="unit-ranking"] tbody tr').first().waitFor();
    const select = page.locator('[data-testid="period-select"] select');
    expect(await select.inputValue()).toBe('2025');
    expect(await select.locator('option').allTextContents()).toEqual(['2025年', '2024年']);
    await select.selectOption('2024');
    await page.locator('.sc-subtitle', { hasText: '2024年' }).waitFor();
    expect((await tableRows(page, 'unit-ranking')).map((r) => r.slice(0, 4))).toEqual([
      ['1', '魏都区', '80.00', '良好'],
      ['2', '禹州市', '78.00', '合格'],
      ['不排名', '市直', '75.00', '合格'],
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
      // 报送监测 (fixture.ts HEALTH_SQL)
      ['缺报', '2'],
      ['迟报', '1'],
      ['报送量异常', '1'],
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
    // it passed in t-0 and failed in t-1 and t-2: failing since t-1
    expect(await tableRows(page, 'failing-tests')).toEqual([['staging.stg_alerts', 'expect: acknowledged_at >= raised_at', '警告', '2', '未通过', '2026年1月4日 02:05（连续 2 次运行）']]);
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

  it('shows 报送监测 on 数据质量: every unit × source, the rows not on time with since when, and the rules', async () => {
    const { page, problems } = await open(server.origin, '/quality');
    await page.locator('[data-testid="health-problems"] tbody tr').first().waitFor();
    expect(await page.locator('.sc-kpi').nth(4).textContent()).toContain('其中学校 1 所');
    expect(await page.locator('[data-testid="health-note"]').textContent()).toContain(
      '最近一次每日检查：检查日 2026-01-01（2026年1月1日 02:10，数据截至 2025-12-31），全市缺报 2 项、迟报 1 项、报送量异常 1 项；共保存 3 次检查记录。',
    );
    // units with a problem first (缺报, then 异常), sources in the contracts' order
    expect(await page.locator('[data-testid="health-units"] thead th').allTextContents()).toEqual(['单位', '安全检查记录（自查）', '物联设备状态', '预警告警记录', '事故案件']);
    expect(await tableRows(page, 'health-units')).toEqual([
      ['鄢陵县', '正常2025-12-15', '正常2025-12-31', '缺报2025-10-14', '不判定从未报送'],
      ['禹州市', '正常2025-12-28', '异常2025-12-31', '正常2025-12-31', '不判定2025-11-03'],
      ['魏都区', '正常2025-12-20', '正常2025-12-31', '正常2025-12-31', '不判定2025-10-01'],
    ]);
    expect(await tableRows(page, 'health-problems')).toEqual([
      ['鄢陵县', '（单位整体）', '预警告警记录', '缺报', '2025-10-14', '76', '2025-10-23 起', '2026-01-01（连续 1 次检查）'],
      ['禹州市', '（单位整体）', '物联设备状态', '异常', '2025-12-31', '0', '2025-12-30 起', '2026-01-01（连续 1 次检查）'],
      ['禹州市', '禹州市第一小学2141081001', '安全检查记录（自查）', '缺报', '2025-08-20', '82', '2025-11-11 起', '2025-12-30（连续 3 次检查）'],
      ['魏都区', '魏都区育才小学2141002002', '安全检查记录（自查）', '迟报', '2025-10-05', '21', '2025-12-11 起', '2026-01-01（连续 1 次检查）'],
    ]);
    expect(await tableRows(page, 'health-rules')).toEqual([
      ['安全检查记录（自查）', '每所学校', '每月（有教学日的月份，暑假除外）至少一条自查记录，月结束后 10 天内报送；逾期 1 个月为迟报，2 个月为缺报'],
      ['学校基础信息', '每所学校', '每学期至少一条记录，学期开始后 30 天内报送；逾期 1 个学期为缺报'],
      ['事故案件', '每个单位', '随发随报，不设报送周期，不判定'],
      ['物联设备状态', '每个单位', '每天至少一条记录，日结束后 1 天内报送；逾期 3 天为迟报，7 天为缺报；报送量低于前 8 周同一星期几中位数的 50% 为异常（中位数不少于 20 条时判断）'],
    ]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('puts a one-line 报送监测 banner on 总览 when anything is 缺报 — and none in a unit with nothing missing', async () => {
    const city = await open(server.origin, '/');
    await city.page.locator('[data-testid="health-banner"]').waitFor();
    expect(await city.page.locator('[data-testid="health-banner"]').textContent()).toBe('报送监测：缺报 2 项——鄢陵县 预警告警记录；禹州市 安全检查记录（自查） 1 所学校。查看报送监测');
    expect(await city.page.locator('[data-testid="health-banner"] a').getAttribute('href')).toBe('./quality.html#health');
    expect(city.problems).toEqual([]);
    await city.page.close();
    const unit = await open(scopedServer.origin, '/');
    await unit.page.locator('[data-testid="unit-ranking"] tbody tr').first().waitFor();
    expect(await unit.page.locator('[data-testid="health-banner"]').count()).toBe(0);
    expect(unit.problems).toEqual([]);
    await unit.page.close();
  }, 60_000);

  it('shows each unit’s 报送监测 on its 县区评分卡, and a unit-scoped 数据质量 page only the unit’s own', async () => {
    const { page, problems } = await open(server.origin, '/units/411081');
    await page.locator('[data-testid="health-sources"] tbody tr').first().waitFor();
    expect(await tableRows(page, 'health-sources')).toEqual([
      ['安全检查记录（自查）', '正常', '2025-12-28', '0', '66.7%（2 / 3）', '1', '0', '—'],
      ['物联设备状态', '异常', '2025-12-31', '0', '100.0%（3 / 3）', '—', '—', '2025-12-30 起'],
      ['预警告警记录', '正常', '2025-12-31', '0', '66.7%（2 / 3）', '—', '—', '—'],
      ['事故案件', '不判定', '2025-11-03', '—', '—', '—', '—', '—'],
    ]);
    expect(await tableRows(page, 'health-problems')).toEqual([
      ['（单位整体）', '物联设备状态', '异常', '2025-12-31', '0', '2025-12-30 起', '2026-01-01（连续 1 次检查）'],
      ['禹州市第一小学2141081001', '安全检查记录（自查）', '缺报', '2025-08-20', '82', '2025-11-11 起', '2025-12-30（连续 3 次检查）'],
    ]);
    expect(await page.locator('[data-testid="health-problems"] a').first().getAttribute('href')).toBe('../schools.html#2141081001');
    // the unit's own rows: no city-wide counts, and the rules are on 数据质量
    expect(await page.locator('[data-testid="health-note"]').textContent()).toContain('依据数据质量页“报送要求”；');
    expect(await page.locator('[data-testid="health-note"]').textContent()).toContain('最近一次每日检查：检查日 2026-01-01（2026年1月1日 02:10，数据截至 2025-12-31）；共保存 3 次检查记录。');
    expect(problems).toEqual([]);
    await page.close();

    const scopedQuality = await open(scopedServer.origin, '/quality');
    await scopedQuality.page.locator('[data-testid="health-sources"] tbody tr').first().waitFor();
    expect((await tableRows(scopedQuality.page, 'health-sources')).map((r) => r.slice(0, 3))).toEqual([
      ['安全检查记录（自查）', '正常', '2025-12-20'],
      ['物联设备状态', '正常', '2025-12-31'],
      ['预警告警记录', '正常', '2025-12-31'],
      ['事故案件', '不判定', '2025-10-01'],
    ]);
    expect(await tableRows(scopedQuality.page, 'health-problems')).toEqual([
      ['魏都区', '魏都区育才小学2141002002', '安全检查记录（自查）', '迟报', '2025-10-05', '21', '2025-12-11 起', '2026-01-01（连续 1 次检查）'],
    ]);
    expect(scopedQuality.problems).toEqual([]);
    await scopedQuality.page.close();
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
    // the county status bands, from the definition's status_bands (95% and 80%)
    expect(await tableRows(page, 'status-bands')).toEqual([
      ['达标', '得分率 ≥ 95%'],
      ['接近', '80% ≤ 得分率 < 95%'],
      ['落后', '得分率 < 80%'],
    ]);
    expect(await page.locator('[data-testid="vetoes"] li').count()).toBe(definition.vetoes.length);
    expect((await tableRows(page, 'ahp')).length).toBe(8);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows the overview: KPI cards, the ranking with ties and rank changes, the changes and the chart', async () => {
    const { page, problems } = await open(server.origin, '/');
    await page.locator('[data-testid="unit-ranking"] tbody tr').first().waitFor();
    await page.locator('figure.sc-chart svg').first().waitFor();
    expect(await page.title()).toContain('许昌市校园安全评估');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.locator('body').textContent()).toContain('数据更新于 2026年1月5日 10:10');
    const kpis = await page.locator('.sc-kpi').evaluateAll((cards) => cards.map((c) => [c.querySelector('h2')?.textContent, c.querySelector('.big')?.textContent]));
    // hand-checked in fixture.ts: 989 / 12 schools; A3 pooled 169 / 190; B2 2950 / 3000
    expect(kpis).toEqual([
      ['参评学校数', '12'],
      ['学校优良率', '75.0%'],
      ['一票否决学校', '1'],
      ['事故案件', '7'],
      ['未整改重大隐患', '2'],
      ['隐患按期整改率', '88.9%'],
      ['红橙预警认领用时中位数', '4.0 分钟'],
      ['设备在线率', '98.33%'],
    ]);
    expect(await page.locator('.sc-kpi').nth(0).textContent()).toContain('学校平均分 82.42');
    expect(await page.locator('.sc-kpi').nth(4).textContent()).toContain('其中超期 1 项');
    // against 2024 (6 schools, 5 优秀/良好, 11 of 20 on time, one open major hazard, no case, no device or alert data):
    // 75.0% − 83.3% and 88.9% − 55.0% in 个百分点; nothing where 2024 has no number
    const kpiChanges = await page.locator('.sc-kpi').evaluateAll((cards) => cards.map((c) => c.querySelector('.sc-kpi-change')?.textContent ?? null));
    expect(kpiChanges).toEqual(['同比 +6 所', '同比 −8.3 个百分点', '同比 +1 所', '同比 +7 起', '同比 +1 项', '同比 +33.9 个百分点', null, null]);
    // five lines (four counties and 市直): one chart, each line named at its end with its latest score
    const ends = await page.locator('[data-testid="trend-chart"] svg g[aria-label="text"] text').allTextContents();
    expect(ends.sort()).toEqual(['市直 90.20', '禹州市 88.50', '许昌经济技术开发区 62.30', '鄢陵县 85.00', '魏都区 85.00'].sort());
    expect(await page.locator('[data-testid="trend-chart"] svg g[aria-label="y-axis label"]').textContent()).toBe('得分（分），纵轴自 60 分起');
    expect(await tableRows(page, 'unit-ranking')).toEqual([
      ['1', '禹州市', '88.50', '良好', '↑1', '78.00', '3', '0'],
      ['2', '魏都区', '85.00', '良好', '↓1', '80.00', '3', '0'],
      ['2', '鄢陵县', '85.00', '良好', '—', '—', '2', '0'],
      ['4', '许昌经济技术开发区', '62.30', '合格', '—', '—', '2', '1'],
      ['不排名', '市直', '90.20', '优秀', '—', '75.00', '2', '0'],
    ]);
    const changes = await page.locator('[data-testid="changes"]').textContent();
    expect(changes).toContain('全市等级上升的学校 2 所，下降的 2 所。');
    expect(changes).toContain('禹州市：得分 78.00 → 88.50（+10.50）；名次 2 → 1（上升 1 位）；等级 合格 → 良好');
    // the chart: one bar per unit, Chinese axis label, a tooltip on hover
    const bars = page.locator('[data-testid="score-chart"] svg g[aria-label="bar"]').first().locator('rect');
    expect(await bars.count()).toBe(5);
    expect(await page.locator('[data-testid="score-chart"] svg').first().textContent()).toContain('得分（分）');
    await bars.first().hover();
    await page.locator('[data-testid="score-chart"] g[aria-label="tip"] text').first().waitFor();
    expect(await page.locator('[data-testid="score-chart"] g[aria-label="tip"]').textContent()).toMatch(/第 1 名/);
    // sorting by clicking a header
    await page.locator('[data-testid="unit-ranking"] th[data-key="score"] button').click();
    expect(await page.locator('[data-testid="unit-ranking"] tbody tr td[data-key="unit_name"]').first().textContent()).toBe('许昌经济技术开发区');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a unit scorecard: score, grade, rank, indicators with status, short boards, schools, vetoes', async () => {
    const { page, problems } = await open(server.origin, '/units/411002');
    await page.locator('[data-testid="indicators"] tbody tr').first().waitFor();
    expect(await page.locator('h1').first().textContent()).toBe('魏都区校园安全评分卡');
    const kpis = await page.locator('.sc-kpi').evaluateAll((cards) => cards.map((c) => c.querySelector('.big')?.textContent));
    expect(kpis).toEqual(['85.00', '良好', '第 2 名', '3']);
    expect(await page.locator('.sc-kpi').nth(2).textContent()).toContain('共 4 个县区 · 较上期 ↓1');
    expect(await page.locator('.sc-kpi').nth(0).locator('.sc-kpi-change').textContent()).toBe('同比 +5.00 分');
    // value, target, city median of the units' values, points, band by attainment (A3 13/18, B2 1, I1 0.75 against 95% / 80%)
    expect(await tableRows(page, 'indicators')).toEqual([
      ['A3', '隐患按期整改率', '90.0%', '100.0%', '90.0%', '4.33 / 6', '落后', '2'],
      ['B2', '一键报警在线率', '99.0%', '99.0%', '98.5%', '4.00 / 4', '达标', '1'],
      ['I1', '交办函按期反馈率', '90.0%', '100.0%', '90.0%', '3.75 / 5', '落后', '—'],
    ]);
    expect(await page.locator('[data-testid="short-boards"]').textContent()).toContain('A3 隐患按期整改率：得分率 72.2%，全市中位数 75.0%，差距 2.8%。');
    expect((await tableRows(page, 'schools')).map((r) => [r[0], r[3], r[4], r[5]])).toEqual([
      ['魏都区实验小学', '90.00', '优秀', '2 / 6'],
      ['魏都区第一初级中学', '88.00', '良好', '1 / 2'],
      ['魏都区育才小学', '78.00', '合格', '4 / 6'],
    ]);
    expect(await page.locator('[data-testid="vetoes"]').textContent()).toContain('本期所辖学校无一票否决');
    // the domain chart: bars where there are data, and a row that says so where there are none (the fixture scores domains A and B)
    const chart = (await page.locator('[data-testid="domain-chart"] svg').textContent()) ?? '';
    expect(chart).toContain('本县区 72.2%');
    expect(chart).toContain('全市 68.9%');
    expect(chart.match(/本县区 无数据/g)).toHaveLength(6);
    expect(chart.match(/全市 无数据/g)).toHaveLength(6);
    expect(problems).toEqual([]);
    await page.close();
    const other = await open(server.origin, '/units/411071');
    await other.page.locator('[data-testid="vetoes"] strong').waitFor();
    expect(await other.page.locator('[data-testid="vetoes"]').textContent()).toBe('经开区长村张小学（2141071001）：V1 发生死亡事故（AJ-9）');
    expect(other.problems).toEqual([]);
    await other.page.close();
  }, 60_000);

  it('finds a school by code and by part of its name, and opens its details from its bucket', async () => {
    const { page, problems } = await open(server.origin, '/schools');
    const search = page.locator('[data-testid="school-search"]');
    await search.fill('3141002003');
    expect(await page.locator('[data-testid="school-results"] li a').allTextContents()).toEqual(['魏都区第一初级中学']);
    await search.fill('育才');
    expect(await page.locator('[data-testid="school-results"] li a').allTextContents()).toEqual(['魏都区育才小学']);
    await search.fill('魏都区');
    expect(await page.locator('[data-testid="school-results"] li').count()).toBe(3);
    await search.fill('实验小学');
    await page.locator('[data-testid="school-results"] li a', { hasText: '魏都区实验小学' }).click();
    await page.waitForURL(/\/schools#2141002001$/);
    const detail = page.locator('[data-testid="school-detail"][data-school="2141002001"]');
    await detail.waitFor();
    expect(await detail.locator('.sc-kpi .big').allTextContents()).toEqual(['90.00', '优秀', '2 / 6', '0']);
    expect(await tableRows(page, 'school-indicators')).toEqual([
      ['A3', '隐患按期整改率', '100.0%', '6.00 / 6', '达标'],
      ['A4', '重大隐患超期', '1 项', '3.00 / 6', '未达标'],
      ['D1', '告知书回执率', '99.95%', '3.99 / 4', '未达标'],
      ['D2', '水域巡查', '—', '—', '不适用'],
      ['F1', '心理测评覆盖率', '—', '0.00 / 4', '无数据'],
    ]);
    expect(await tableRows(page, 'school-drills')).toEqual([['2025-03', '2'], ['2025-09', '1']]);
    expect((await tableRows(page, 'school-alerts')).map((r) => r.slice(0, 3))).toEqual([['橙', '1', '1'], ['红', '1', '0']]);
    // another school, by its hash: its open major hazard is overdue
    await page.goto(`${server.origin}/schools#2141002002`);
    await page.locator('[data-testid="school-detail"][data-school="2141002002"]').waitFor();
    expect(await tableRows(page, 'school-hazards')).toEqual([['重大', '消防通道堆放杂物', '2025-10-01', '2025-11-01', '已超期']]);
    // a school of another unit in the same bucket (code ending 01), and a code no school has
    await page.goto(`${server.origin}/schools#2141081001`);
    await page.locator('[data-testid="school-detail"][data-school="2141081001"] h2', { hasText: '禹州市第一小学' }).waitFor();
    await page.goto(`${server.origin}/schools#2141099999`);
    expect(await page.locator('[data-testid="school-missing"]').textContent()).toBe('没有学校标识码为 2141099999 的学校。请在上面的搜索框中按名称或标识码查找。');
    // the page fetched the bucket of each school it opened (codes ending 01, 02, 01, 99) and nothing else on demand
    const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/data/')));
    expect([...new Set(fetched)].sort()).toEqual(['/data/schools/01.json.gz', '/data/schools/02.json.gz', '/data/schools/99.json.gz']);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows incidents with small sensitive school-level counts as "<3", withholds ("—") what would give them away, and never writes the exact numbers', async () => {
    const { page, problems } = await open(server.origin, '/incidents');
    await page.locator('[data-testid="school-cases"] tbody tr').first().waitFor();
    // 2025: 性侵害 1 in the city, at 魏都区实验小学, whose county has 3 cases and whose 其他案件 are 2 — so the
    // category's city count, the school's 其他案件 and every county's total are withheld (the overview's 7 stays);
    // the one death, at 经开区长村张小学, is also its county's and its category's
    expect(await tableRows(page, 'school-cases')).toEqual([
      ['禹州市第一小学', '2141081001', '禹州市', '0', '0', '—', '0', '0'],
      ['魏都区实验小学', '2141002001', '魏都区', '—', '<3', '0', '3', '0'],
      ['经开区长村张小学', '2141071001', '许昌经济技术开发区', '—', '0', '0', '0', '<3'],
    ]);
    expect((await tableRows(page, 'unit-cases')).map((r) => [r[0], r[1], r[4]])).toEqual([['魏都区', '—', '0'], ['许昌经济技术开发区', '—', '—'], ['禹州市', '—', '0']]);
    expect(await page.locator('[data-testid="small-counts-note"]').textContent()).toContain('另有少数数字显示为“—”（不公开）');
    expect(problems).toEqual([]);
    await page.close();
    const [name, text] = [...(await readTree(site.outDir)).entries()].find(([file]) => /^_file\/data\/incidents\..*\.gz$/.test(file))!;
    const schools = JSON.parse(text).by_period['2025'].schools as Array<{ school_code: string; n_deaths: unknown; sensitive: Record<string, unknown> }>;
    expect(schools.find((s) => s.school_code === '2141002001')!.sensitive, name).toEqual({ 性侵害: '<3', 心理危机: 0 });
    expect(schools.find((s) => s.school_code === '2141071001')!.n_deaths, name).toBe('<3');
  }, 60_000);

  it('shows hazards: open hazards by age, the overdue major hazards, the funnel and recurrence, and follows the period', async () => {
    const { page, problems } = await open(server.origin, '/hazards');
    await page.locator('[data-testid="overdue-major"] tbody tr').first().waitFor();
    // hand-checked in fixture.ts: H1 found 2025-10-01, due 2025-11-01, open at 2025-12-31
    expect(await tableRows(page, 'overdue-major')).toEqual([
      ['魏都区育才小学', '魏都区', 'XF-03 消防通道畅通无占用', '消防通道堆放杂物', '2025-10-01', '2025-11-01', '60'],
    ]);
    expect(await page.locator('[data-testid="overdue-count"]').textContent()).toBe('统计截止日共 1 项超期未整改的重大隐患。');
    const funnel = await page.locator('[data-testid="funnel"] svg g[aria-label="text"] text').allTextContents();
    expect(funnel).toEqual(['3 项', '2 项', '1 项（占到期 50.0%）', '1 项（占到期 50.0%）']);
    const byAge = await page.locator('[data-testid="open-hazards"] svg g[aria-label="text"] text').allTextContents();
    expect(byAge).toEqual(['1 项', '0 项', '1 项', '0 项']);
    expect(await tableRows(page, 'recurrence')).toEqual([['1', '禹州市', '0.0%', '0', '5'], ['2', '魏都区', '25.0%', '1', '4']]);
    await page.locator('[data-testid="period-select"] select').selectOption('2024');
    await page.locator('.sc-subtitle', { hasText: '2024年' }).waitFor();
    expect((await tableRows(page, 'overdue-major')).map((r) => [r[0], r[2], r[6]])).toEqual([['经开区长村张小学', 'RF-02', '213']]);
    expect(await page.locator('[data-testid="recurrence"]').textContent()).toContain('没有隐患复发率');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows alerts: response times by origin and level, false-alarm rates, weekdays, device uptime by unit', async () => {
    const { page, problems } = await open(server.origin, '/alerts');
    await page.locator('[data-testid="false-alarms"] tbody tr').first().waitFor();
    // hand-checked in fixture.ts: AL5 (a duplicate) left out; 视频AI 1 false alarm of 2
    expect(await tableRows(page, 'false-alarms')).toEqual([
      ['视频AI', '2', '1', '50.0%'],
      ['消防物联', '1', '0', '0.0%'],
      ['语音AI', '1', '0', '0.0%'],
    ]);
    expect((await tableRows(page, 'acknowledge')).filter((r) => r[0] === '视频AI')).toEqual([
      ['视频AI', '橙', '1', '1', '4.0 分钟', '4.0 分钟'],
      ['视频AI', '黄', '1', '1', '30.0 分钟', '30.0 分钟'],
    ]);
    expect(await page.locator('[data-testid="by-weekday"] svg g[aria-label="text"] text').allTextContents()).toEqual(['2', '1', '1']);
    expect(await tableRows(page, 'devices')).toEqual([['魏都区', '99.0%'], ['禹州市', '98.0%']]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows programmes: drowning indicators by unit and the water patrols by month with the May–Sep season', async () => {
    const { page, problems } = await open(server.origin, '/programmes');
    await page.locator('[data-testid="programme-drowning"] tbody tr').first().waitFor();
    // hand-checked in fixture.ts: D1 禹州 1800 / 2000, 魏都 1700 / 2000
    expect(await tableRows(page, 'programme-drowning')).toEqual([['禹州市', '90.0%'], ['魏都区', '85.0%']]);
    expect(await page.locator('[data-testid="programme-bullying"]').textContent()).toContain('本期没有这些指标的县区数据');
    // 水域巡查 2025-05 (1), 2025-07 (2), 2025-10 (1)
    expect(await page.locator('[data-testid="patrols"] svg g[aria-label="text"]').first().locator('text').allTextContents()).toEqual(['1', '2', '1']);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows only the approved appraisal, with its sign-off, the ranking of its year and the method comparison', async () => {
    const { page, problems } = await open(server.origin, '/appraisal');
    await page.locator('[data-testid="appraisal-ranking"] tbody tr').first().waitFor();
    expect(await page.locator('[data-testid="period-select"] option').allTextContents()).toEqual(['2025年']);
    const signoff = await page.locator('[data-testid="signoff"]').textContent();
    expect(signoff).toContain('批准人安全科 王科长');
    expect(signoff).toContain('批准时间2026年1月12日 16:30');
    expect(signoff).toContain('f00dfeedcafe');
    expect((await tableRows(page, 'appraisal-ranking')).map((r) => r.slice(0, 4))).toEqual([
      ['1', '禹州市', '88.50', '良好'],
      ['2', '魏都区', '85.00', '良好'],
      ['2', '鄢陵县', '85.00', '良好'],
      ['4', '许昌经济技术开发区', '62.30', '合格'],
      ['不排名', '市直', '90.20', '优秀'],
    ]);
    // the method comparison, hand-checked in fixture.ts: a rank unlike the official one is bold with an arrow
    const comparison = [
      ['禹州市', '1（88.50）', '1（86.87）', '1（92.34）', '1（1.0000）', '一致'],
      ['魏都区', '2（85.00）', '3 ↓1（69.05）', '2（73.52）', '2（0.7455）', '有差异'],
      ['鄢陵县', '2（85.00）', '2（69.42）', '3 ↓1（61.71）', '3 ↓1（0.4336）', '有差异'],
      ['许昌经济技术开发区', '4（62.30）', '4（28.49）', '4（22.34）', '4（0.0000）', '一致'],
    ];
    expect(await tableRows(page, 'method-comparison')).toEqual(comparison);
    expect(await page.locator('[data-testid="method-comparison"] .sc-rank-diff').allTextContents()).toEqual(['3 ↓1', '3 ↓1', '3 ↓1']);
    await page.locator('[data-testid="method-comparison"] th[data-key="ahp"] button').click();
    expect((await tableRows(page, 'method-comparison')).map((r) => r[0])).toEqual(['禹州市', '鄢陵县', '魏都区', '许昌经济技术开发区']);
    const notes = await page.locator('[data-testid="method-notes"]').textContent();
    expect(notes).toContain('年度考核的正式排名以此为准');
    expect(notes).toContain('隐患排查治理 27%');
    expect(notes).toContain('未纳入：B2 一键报警在线率、A2 检查项合格率');
    expect(problems).toEqual([]);
    await page.close();
    // a unit-scoped build shows the same city-level comparison (AHP needs every unit's schools), its own unit highlighted
    const own = await open(scopedServer.origin, '/appraisal');
    await own.page.locator('[data-testid="method-comparison"] tbody tr').first().waitFor();
    expect(await tableRows(own.page, 'method-comparison')).toEqual(comparison);
    expect(await own.page.locator('[data-testid="method-comparison"] tr.sc-highlight td[data-key="unit_name"]').textContent()).toBe('魏都区');
    expect(own.problems).toEqual([]);
    await own.page.close();
  }, 60_000);

  it('lists every table of the data dictionary and filters tables and columns as one types', async () => {
    const dictionary = JSON.parse(await readFile(new URL('../../docs/data-dictionary.json', import.meta.url), 'utf8')) as { tables: Array<{ table: string; columns: unknown[] }> };
    const { page, problems } = await open(server.origin, '/dictionary');
    await page.locator('[data-testid="dictionary-count"]').waitFor();
    expect(await page.locator('section[data-table]').evaluateAll((s) => s.map((e) => e.getAttribute('data-table')))).toEqual(dictionary.tables.map((t) => t.table));
    const nColumns = dictionary.tables.reduce((n, t) => n + t.columns.length, 0);
    expect(await page.locator('[data-testid="dictionary-count"]').textContent()).toBe(`共 ${dictionary.tables.length} 张表、${nColumns.toLocaleString('zh-CN')} 个字段`);
    expect((await tableRows(page, 'columns-core.fct_hazards')).find((r) => r[0] === 'due_on')).toEqual(['due_on', '日期', '整改期限']);
    // every table is named and described in Chinese; what is not Chinese is a name typed in SQL, set in <code>
    // (a table's, labelled 表名, or a column's, under 字段名), or an indicator code (A1–A5)
    const words = await page.locator('section[data-table]').evaluateAll((sections) =>
      sections.map((section) => {
        const outsideCode = (e: Element) => [...e.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('');
        return {
          table: section.getAttribute('data-table'),
          title: section.querySelector('h3')!.textContent!,
          grain: outsideCode(section.querySelector('[data-testid="dictionary-grain"]')!),
          code: section.querySelector('[data-testid="dictionary-grain"] code')!.textContent,
          headers: [...section.querySelectorAll('thead th')].map((th) => th.textContent),
          types: [...new Set([...section.querySelectorAll('td[data-key="type"]')].map((td) => td.textContent))],
        };
      }),
    );
    const cjk = /[\u4e00-\u9fff]/;
    const latin = (text: string) => text.replace(/\b[A-I]\d\b/g, '').match(/[A-Za-z]+/g) ?? [];
    expect(words.filter((w) => !cjk.test(w.title) || !/^表名 。粒度：每.*[\u4e00-\u9fff].*。$/.test(w.grain) || w.code !== w.table)).toEqual([]);
    expect(words.flatMap((w) => [w.title, w.grain, ...w.types].flatMap(latin))).toEqual([]);
    expect(new Set(words.map((w) => w.headers.join('|')))).toEqual(new Set(['字段名|类型|说明']));
    expect(new Set(words.flatMap((w) => w.types))).toEqual(new Set(['文本', '整数', '小数', '日期', '日期时间', '是/否', '结构化文本', '文本列表']));
    await page.locator('[data-testid="dictionary-filter"]').fill('整改期限');
    expect(await page.locator('section[data-table]').evaluateAll((s) => s.map((e) => e.getAttribute('data-table')))).toEqual(['core.fct_hazards']);
    expect((await tableRows(page, 'columns-core.fct_hazards')).map((r) => r[0])).toEqual(['due_on', 'is_rectified_on_time']);
    await page.locator('[data-testid="dictionary-filter"]').fill('没有这种列');
    expect(await page.locator('section[data-table]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a unit-scoped build with its banner, the unit ranking and only its own schools', async () => {
    const { page, problems } = await open(scopedServer.origin, '/');
    await page.locator('[data-testid="unit-ranking"] tbody tr').first().waitFor();
    expect(await page.locator('[data-testid="scope"]').textContent()).toContain('魏都区');
    expect(await page.locator('[data-testid="unit-ranking"] tr.sc-highlight td[data-key="unit_name"]').textContent()).toBe('魏都区');
    // school-level headline numbers are the unit's own: 3 schools
    expect(await page.locator('.sc-kpi .big').first().textContent()).toBe('3');
    await page.close();
    const schools = await open(scopedServer.origin, '/schools#2141002001');
    await schools.page.locator('[data-testid="school-detail"][data-school="2141002001"]').waitFor();
    const own = FIXTURE_SCHOOLS.filter((s) => s.unit_code === SCOPED_UNIT);
    expect(await schools.page.locator('.sc-search .sc-note').textContent()).toBe(`共 ${own.length} 所学校可查。`);
    await schools.page.locator('[data-testid="school-search"]').fill('小学');
    expect(await schools.page.locator('[data-testid="school-results"] li a').allTextContents()).toEqual(['魏都区实验小学', '魏都区育才小学']);
    if (SHOTS_DIR) await schools.page.screenshot({ path: join(SHOTS_DIR, 'schools-unit.png'), fullPage: true });
    // another unit's school in the same bucket is not in the scoped build's bucket
    await schools.page.goto(`${scopedServer.origin}/schools#2141081001`);
    await schools.page.locator('[data-testid="school-missing"]').waitFor();
    expect([...problems, ...schools.problems]).toEqual([]);
    await schools.page.close();
  }, 60_000);

  /** The bundled font's files that hold the characters of the heading of /units/411002. */
  const HEADING_SLICES = slicesFor('魏都区校园安全评分卡', [400]).map((slice) => slice.file);

  /** The fonts Chromium drew the text of the first element matching `selector` with, and the bundled font's files the page fetched. */
  async function fontsOf(page: Page, selector: string) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name).filter((url) => url.includes('/_fonts/')));
    await cdp.detach();
    return { fonts, slices: fetched.filter((url) => url.endsWith('.woff2')), stylesheets: fetched.filter((url) => url.endsWith('.css')) };
  }

  it('draws Chinese with the bundled Noto Sans SC, from its own origin, on a machine without a CJK font', async () => {
    const bare = await launchChromium({ systemFonts: false });
    try {
      const { page, problems } = await openPage(bare, server.origin, '/units/411002');
      await page.locator('#observablehq-main h1').first().waitFor();
      await page.evaluate(() => document.fonts.ready);
      const { fonts, slices, stylesheets } = await fontsOf(page, '#observablehq-main h1');
      expect(await page.locator('#observablehq-main h1').first().textContent()).toBe('魏都区校园安全评分卡');
      expect(fonts).toEqual([expect.objectContaining({ familyName: 'Noto Sans SC Thin', isCustomFont: true, glyphCount: 10 })]);
      // the site's title in the sidebar is in the page as served, laid out before any slice has arrived
      expect(await page.locator('#observablehq-sidebar li a').first().textContent()).toBe('许昌市校园安全评估');
      expect((await fontsOf(page, '#observablehq-sidebar li a')).fonts).toEqual([expect.objectContaining({ familyName: 'Noto Sans SC Thin', isCustomFont: true, glyphCount: 9 })]);
      expect(stylesheets).toEqual([`${server.origin}/_fonts/bundled-noto-sans-sc.css`]);
      // the slices that hold the heading's characters, fetched from the site itself
      expect(slices).toEqual(expect.arrayContaining(HEADING_SLICES.map((file) => `${server.origin}/_fonts/${file}`)));
      expect(slices.filter((url) => !url.startsWith(`${server.origin}/_fonts/noto-sans-sc-`))).toEqual([]);
      if (SHOTS_DIR) await page.screenshot({ path: join(SHOTS_DIR, 'no-system-font-unit-411002.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await bare.close();
    }
  }, 60_000);

  it('draws Chinese with the system’s font when it has one of the stack (Microsoft YaHei), and fetches no bundled slice for the characters it has', async () => {
    const fonts = await mkdtemp(join(work, 'fonts-'));
    const windows = await launchChromium({ systemFonts: false, fontconfig: await systemCjkFont(fonts, 'Microsoft YaHei') });
    try {
      const { page, problems } = await openPage(windows, server.origin, '/units/411002');
      await page.locator('#observablehq-main h1').first().waitFor();
      await page.evaluate(() => document.fonts.ready);
      const drawn = await fontsOf(page, '#observablehq-main h1');
      // the system font, not a web font (the family is the file's own name; fontconfig serves it as Microsoft YaHei)
      expect(drawn.fonts).toEqual([expect.objectContaining({ familyName: 'Noto Sans SC Thin', isCustomFont: false, glyphCount: 10 })]);
      expect((await fontsOf(page, '#observablehq-sidebar li a')).fonts).toEqual([expect.objectContaining({ familyName: 'Noto Sans SC Thin', isCustomFont: false, glyphCount: 9 })]);
      // none of the heading's slices is fetched (the stand-in system font lacks a few of the page's other characters: those are)
      expect(drawn.slices.filter((url) => HEADING_SLICES.some((file) => url.endsWith(`/_fonts/${file}`)))).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await windows.close();
    }
  }, 60_000);

});


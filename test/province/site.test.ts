// @module-tag site
// @module-tag browser
// The province site (issue 18 item 3) built from a province warehouse over hand-made city
// snapshots (test/province/fixture.ts, the cities of rollup.test.ts: three ranked, one late, one
// scored with last year's edition, one with nothing published), each ranked city with a
// hand-written site. In Chromium: the city and county rankings are the province file's rows and
// numbers, the cities that are not ranked are listed with why, the late city is marked, a city and a
// county link land on the copied city site, the rules are the province file's, and nothing is wider
// than a 390 px phone. SAFECAMPUS_SHOTS_DIR gets every page at 1280 and 390 px.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProvinceSite, type BuildProvinceSiteResult, type CitySite } from '../../dashboards/province-build.ts';
import { serveStatic, type StaticServer } from '../../dashboards/serve.ts';
import { loadProvinceDefinition } from '../../transforms/definitions/province.ts';
import { buildProvinceWarehouse, findPublication, type ProvinceCity } from '../../transforms/province/rollup.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { launchChromium, openPage, tableRows } from '../browser/chromium.ts';
import { tempDir } from '../helpers.ts';
import { publishedCity, writeCitySite } from './fixture.ts';

const SHOTS_DIR = process.env.SAFECAMPUS_SHOTS_DIR;
const PAGES = ['index.html', 'counties.html', 'rules.html'];

const root = tempDir('safecampus-province-site-');
const provincePath = join(root, 'province', 'province.duckdb');
let citySites: CitySite[];
let site: BuildProvinceSiteResult;
let server: StaticServer;
let browser: Browser;

/** What the province file says, read straight from it: the expectations of the pages. */
async function provinceRows() {
  const db = await Warehouse.open(provincePath, { readOnly: true });
  try {
    return {
      cities: await db.all<{ rank: number; city_name: string; score: number; grade: string; n_vetoed_units: number; n_units: number; n_schools: number; published_at: string; is_late: boolean }>(
        `select rank, r.city_name, score::double as score, grade, n_vetoed_units, n_units, n_schools, strftime(published_at, '%Y-%m-%d %H:%M') as published_at, is_late
         from province.city_ranking as r join province.cities using (city_code) order by rank`,
      ),
      units: await db.all<{ rank: number; unit_name: string; city_name: string; score: number; grade: string; city_rank: number; n_vetoed_schools: number; city_code: string }>(
        'select rank, unit_name, city_name, score::double as score, grade, city_rank, n_vetoed_schools, city_code from province.unit_ranking order by rank, city_code, unit_code',
      ),
      rollup: (await db.one<{ title: string; city_score_text: string; county_ranking_text: string; veto_text: string; definition_sha256: string }>(
        'select title, city_score_text, county_ranking_text, veto_text, definition_sha256 from province.rollup',
      ))!,
    };
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  const ranked: [ProvinceCity, [string, string][]][] = [
    [await publishedCity(root, '4110', '许昌市', [['411002', '魏都区', 91, 1000, true, 0, 1], ['411003', '建安区', 85.5, 3000, true, 0, 2], ['411000', '市直', 70, 1000, false, 0, null]], '2026-02-02T01:00:00.000Z'), [['411002', '魏都区'], ['411003', '建安区'], ['411000', '市直']]],
    [await publishedCity(root, '4111', '漯河市', [['411102', '源汇区', 95, 2000, true, 1, 1], ['411103', '郾城区', 93.33, 1000, true, 0, 2]], '2026-01-20T02:00:00.000Z'), [['411102', '源汇区'], ['411103', '郾城区']]],
    [await publishedCity(root, '4114', '平顶山市', [['411402', '新华区', 91, 100, true, 0, 1], ['411403', '卫东区', 90.01, 100, true, 0, 2]], '2026-01-30T02:00:00.000Z'), [['411402', '新华区'], ['411403', '卫东区']]],
  ];
  for (const [city, units] of ranked) writeCitySite(city, units);
  const cities = [
    ...ranked.map(([city]) => city),
    await publishedCity(root, '4113', '南阳市', [['411302', '宛城区', 99, 100, true, 0, 1]], '2026-01-10T02:00:00.000Z', 2024),
    { code: '4112', name: '三门峡市', warehousePath: join(root, '4112', 'warehouse.duckdb'), siteDir: join(root, '4112', 'site') },
  ];
  const definition = loadProvinceDefinition(2025);
  const publications = await Promise.all(cities.map((city) => findPublication(city, 2025, definition.city_edition)));
  mkdirSync(join(root, 'province'), { recursive: true });
  await buildProvinceWarehouse({
    outPath: provincePath,
    province: { code: '41', name: '河南省' },
    year: 2025,
    definition,
    deadline: '2026-01-31T16:00:00.000Z',
    publications,
    siteHref: (city) => (city.siteDir ? `cities/${city.code}/index.html` : null),
  });
  citySites = ranked.map(([city]) => ({ code: city.code, siteDir: city.siteDir }));
  site = await buildProvinceSite({ provincePath, outDir: join(root, 'province', 'site'), citySites });
  server = await serveStatic(site.outDir, 0, { cleanUrls: false });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

async function open(path: string, width = 1280) {
  const opened = await openPage(browser, server.origin, `/${path}`, width);
  await opened.page.locator('#observablehq-main h1').first().waitFor();
  return opened;
}

describe('the province site', () => {
  it('builds its three pages and copies each ranked city\'s site where the province file links it', () => {
    expect(site.pages).toEqual(['counties.html', 'index.html', 'rules.html']);
    expect(site.cities).toEqual([
      { code: '4111', folder: 'cities/4111/' },
      { code: '4114', folder: 'cities/4114/' },
      { code: '4110', folder: 'cities/4110/' },
    ]);
  });

  it('全省总览: the city ranking as the province file has it, the late city marked, the unranked cities with why', async () => {
    const { page, problems } = await open('index.html');
    const expected = await provinceRows();
    expect(await page.locator('#observablehq-main h1').first().textContent()).toBe('河南省校园安全评估 · 2025年度');
    expect(await page.getByTestId('province-subtitle').textContent()).toContain('报送截止 2026年1月31日 24:00（北京时间）');
    const rows = await tableRows(page, 'city-ranking');
    expect(rows).toEqual(
      expected.cities.map((c) => [
        String(c.rank),
        c.is_late ? `${c.city_name} 逾期` : c.city_name,
        c.score.toFixed(2),
        c.grade,
        c.n_vetoed_units ? `否决（${c.n_vetoed_units} 个县区）` : '无',
        String(c.n_units),
        String(c.n_schools),
        c.is_late ? `逾期发布（${c.published_at} 发布）` : `${c.published_at} 按期`,
      ]),
    );
    // the hand-checked figures of rollup.test.ts
    expect(rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[7]])).toEqual([
      ['1', '漯河市', '94.44', '良好', '否决（1 个县区）', '2026-01-20 10:00 按期'],
      ['2', '平顶山市', '90.51', '优秀', '无', '2026-01-30 10:00 按期'],
      ['3', '许昌市 逾期', '83.50', '良好', '无', '逾期发布（2026-02-02 09:00 发布）'],
    ]);
    expect(await page.getByTestId('late-mark').allTextContents()).toEqual(['逾期发布（2026-02-02 09:00 发布）']);
    expect(await page.locator('[data-testid="unranked-cities"] li').allTextContents()).toEqual([
      '三门峡市：未发布（截至期限无年度快照）',
      '南阳市：指标体系版本不符（用的是 2024 版），2026-01-10 10:00 发布',
    ]);
    expect(await page.locator('[data-testid="score-chart"] svg').count()).toBe(1);
    expect(problems).toEqual([]);

    await page.locator('[data-testid="city-ranking"] a', { hasText: '许昌市' }).click();
    await page.waitForURL(`${server.origin}/cities/4110/index.html`);
    expect(await page.locator('h1').textContent()).toBe('许昌市校园安全评估');
    await page.close();
  });

  it('全省县区排名: every ranked county of the province, filtered by city, each linked to its page in its city\'s site', async () => {
    const { page, problems } = await open('counties.html');
    const { units } = await provinceRows();
    const row = (u: (typeof units)[number]) => [String(u.rank), u.unit_name, u.city_name, u.score.toFixed(2), u.grade, String(u.city_rank), String(u.n_vetoed_schools)];
    expect(await tableRows(page, 'county-ranking')).toEqual(units.map(row));
    expect(units.map((u) => u.unit_name)).toEqual(['源汇区', '郾城区', '魏都区', '新华区', '卫东区', '建安区']);
    expect(await page.locator('[data-testid="county-ranking"] a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      'cities/4111/units/411102.html',
      'cities/4111/units/411103.html',
      'cities/4110/units/411002.html',
      'cities/4114/units/411402.html',
      'cities/4114/units/411403.html',
      'cities/4110/units/411003.html',
    ]);
    await page.getByTestId('city-filter').locator('select').selectOption('4110');
    await expect.poll(() => tableRows(page, 'county-ranking')).toEqual(units.filter((u) => u.city_code === '4110').map(row));
    expect(problems).toEqual([]);

    await page.locator('[data-testid="county-ranking"] a', { hasText: '魏都区' }).click();
    await page.waitForURL(`${server.origin}/cities/4110/units/411002.html`);
    expect(await page.locator('h1').textContent()).toBe('魏都区校园安全评分卡');
    await page.close();
  });

  it('考核说明: the province file\'s rules, grade bands and definition checksum', async () => {
    const { page, problems } = await open('rules.html');
    const { rollup } = await provinceRows();
    expect(await page.getByTestId('city-score-text').textContent()).toBe(rollup.city_score_text);
    expect(await page.getByTestId('county-ranking-text').textContent()).toBe(rollup.county_ranking_text);
    expect(await page.getByTestId('veto-text').textContent()).toBe(rollup.veto_text);
    expect(await page.locator('.sc-subtitle').first().textContent()).toContain(rollup.title);
    expect(await page.locator('#observablehq-main').textContent()).toContain(rollup.definition_sha256);
    expect(await tableRows(page, 'grade-bands')).toEqual([
      ['优秀', '≥ 90'],
      ['良好', '80 ≤ 得分 < 90'],
      ['合格', '60 ≤ 得分 < 80'],
      ['不合格', '得分 < 60'],
    ]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('fits a 390 px phone: no page is wider than the screen', async () => {
    for (const path of PAGES) {
      for (const width of [1280, 390]) {
        const { page } = await open(path, width);
        if (SHOTS_DIR) await page.screenshot({ path: join(SHOTS_DIR, `province-${path.replace('.html', '')}-${width}.png`), fullPage: true });
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} at ${width} px`).toBeLessThanOrEqual(width);
        await page.close();
      }
    }
  });

  it('refuses city sites that do not match the province file\'s links, before building anything', async () => {
    const outDir = join(root, 'province', 'refused');
    await expect(buildProvinceSite({ provincePath, outDir, citySites: citySites.slice(1) })).rejects.toThrow(
      "the cities' sites do not match the province file:\ncity 4110: the province file links cities/4110/index.html but no site is given for it",
    );
    await expect(buildProvinceSite({ provincePath, outDir, citySites: [...citySites, { code: '4113', siteDir: citySites[0].siteDir }] })).rejects.toThrow(
      'city 4113: a site is given but the province file links none (site_href is null)',
    );
  });
});

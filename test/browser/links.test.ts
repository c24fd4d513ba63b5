// @module-tag browser
// @module-tag site
// The built site on a plain static web server (issue 20 items 5 and 8): served from disk with no
// rewrite rule (dashboards/serve.ts with cleanUrls off, as nginx, IIS or `python3 -m http.server`
// serve it), every link of every page — the sidebar and Markdown links Framework writes and the
// links pages build in JavaScript — is followed from the overview and must not 404, nor name a page
// without its .html; the 年度考核 page's PDF and XLSX are the approval's files; and the schematic tile
// map of 总览 and 年度考核 places, colours and labels the units as the snapshot has them.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type BuildSiteResult } from '../../dashboards/build.ts';
import { serveStatic, type StaticServer } from '../../dashboards/serve.ts';
import { launchChromium, openPage } from './chromium.ts';
import { FIXTURE_APPRAISAL_FILES, createFixtureSnapshot } from './fixture.ts';

/** Screenshots of the two pages with the map at 1280 and 390 px go here when set. */
const SHOTS_DIR = process.env.SAFECAMPUS_SHOTS_DIR;

let work: string;
let site: BuildSiteResult;
let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'safecampus-links-'));
  const snapshot = join(work, 'snapshot.duckdb');
  await createFixtureSnapshot(snapshot);
  site = await buildSite({ snapshotPath: snapshot, outDir: join(work, 'site') });
  server = await serveStatic(site.outDir, 0, { cleanUrls: false });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Every link, stylesheet, script and image the page has once its JavaScript ran, as absolute URLs. */
function linksOf(page: Page): Promise<string[]> {
  return page.evaluate(() => [
    ...Array.from(document.querySelectorAll<HTMLAnchorElement | HTMLLinkElement>('a[href], link[href]'), (e) => e.href),
    ...Array.from(document.querySelectorAll<HTMLScriptElement | HTMLImageElement>('script[src], img[src]'), (e) => e.src),
  ]);
}

describe('the site on a static server without rewrite rules', () => {
  it('follows every link from the overview to every page, and none 404s or names a page without .html', async () => {
    const start = `${server.origin}/`;
    const queue = [start];
    const visited = new Set<string>();
    const checked = new Map<string, number>();
    const problems: string[] = [];
    while (queue.length) {
      const url = queue.shift()!;
      if (visited.has(url)) continue;
      visited.add(url);
      const { page, problems: loading } = await openPage(browser, server.origin, url.slice(server.origin.length));
      await page.locator('#observablehq-main h1').first().waitFor();
      problems.push(...loading.map((p) => `${url}: ${p}`));
      for (const link of await linksOf(page)) {
        const target = new URL(link);
        if (target.origin !== server.origin) {
          problems.push(`${url}: links off the site to ${link}`);
          continue;
        }
        target.hash = '';
        if (target.href === url) continue; // an anchor on this page (#…)
        const file = target.pathname.split('/').at(-1)!;
        if (!file.includes('.')) problems.push(`${url}: links ${link}, a path without its file name`);
        if (file.endsWith('.html')) queue.push(target.href);
        else if (!checked.has(target.href)) checked.set(target.href, (await fetch(target)).status);
      }
      await page.close();
    }
    for (const [url, status] of checked) if (status !== 200) problems.push(`${url}: HTTP ${status}`);
    expect(problems).toEqual([]);
    // every built page is reached by a link (the site's root is index.html)
    expect([...visited].filter((u) => u !== start).map((u) => u.slice(server.origin.length + 1)).sort()).toEqual(site.pages);
  }, 300_000);

  it('links the 年度考核 page to the approval’s PDF and XLSX, shipped byte for byte', async () => {
    const { page, problems } = await openPage(browser, server.origin, '/appraisal.html');
    const links = page.locator('[data-testid="official-files"] a');
    await links.first().waitFor();
    const found = await links.evaluateAll((as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute('href'), url: (a as HTMLAnchorElement).href })));
    expect(found.map(({ text, href }) => ({ text, href }))).toEqual([
      { text: '2025年度考核报告（PDF）', href: './appraisal-files/2025/report.pdf' },
      { text: '2025年度考核排名表（Excel）', href: './appraisal-files/2025/ranking.xlsx' },
    ]);
    for (const [{ url }, [name, bytes], type] of [
      [found[0], Object.entries(FIXTURE_APPRAISAL_FILES)[0], 'application/pdf'],
      [found[1], Object.entries(FIXTURE_APPRAISAL_FILES)[1], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ] as const) {
      const response = await fetch(url);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toBe(type);
      expect(await response.text(), name).toBe(bytes);
    }
    expect(problems).toEqual([]);
    await page.close();
  });
});

/** The map's squares: unit, text, link and place on the grid (column, row from 1), or "below" for the row under it. */
function tilesOf(page: Page): Promise<string[][]> {
  return page.locator('[data-testid="tile-map"] .sc-tile').evaluateAll((tiles) =>
    tiles.map((t) => [
      t.getAttribute('data-unit') ?? '',
      Array.from(t.children, (c) => c.textContent).join(' | '),
      t.getAttribute('href') ?? '',
      t.closest('.sc-tile-unplaced') ? 'below' : `${(t as HTMLElement).style.gridColumn},${(t as HTMLElement).style.gridRow}`,
      getComputedStyle(t).backgroundColor,
    ]),
  );
}

describe('the schematic tile map', () => {
  for (const [path, name] of [['/index.html', 'overview'], ['/appraisal.html', 'appraisal']] as const) {
    it(`draws every unit of the ${name} page on its square or below the grid, coloured and labelled by its score`, async () => {
      const { page, problems } = await openPage(browser, server.origin, path);
      await page.locator('[data-testid="tile-map"] .sc-tile').first().waitFor();
      // 2025 (both pages' year): marts.unit_scorecard of the fixture; the five units without a scorecard grey, 市直 below
      const sky = 'rgb(86, 180, 233)';
      const grey = 'rgb(232, 232, 232)';
      expect(await tilesOf(page)).toEqual([
        ['411082', '长葛市 | — | 无数据', './units/411082.html', '2,1', grey],
        ['411081', '禹州市 | 88.50 | 良好 · 第1名', './units/411081.html', '1,2', sky],
        ['411003', '建安区 | — | 无数据', './units/411003.html', '2,2', grey],
        ['411024', '鄢陵县 | 85.00 | 良好 · 第2名', './units/411024.html', '3,2', sky],
        ['411072', '城乡一体化示范区 | — | 无数据', './units/411072.html', '1,3', grey],
        ['411002', '魏都区 | 85.00 | 良好 · 第2名', './units/411002.html', '2,3', sky],
        ['411073', '东城区 | — | 无数据', './units/411073.html', '3,3', grey],
        ['411025', '襄城县 | — | 无数据', './units/411025.html', '1,4', grey],
        ['411071', '许昌经济技术开发区 | 62.30 | 合格 · 第4名', './units/411071.html', '2,4', 'rgb(230, 159, 0)'],
        ['411000', '市直 | 90.20 | 优秀 · 不排名', './units/411000.html', 'below', 'rgb(0, 158, 115)'],
      ]);
      // on a 390 px phone the map fits the screen, three squares abreast
      await page.setViewportSize({ width: 390, height: 900 });
      const box = await page.locator('[data-testid="tile-map"]').boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      if (SHOTS_DIR) {
        await mkdir(SHOTS_DIR, { recursive: true });
        for (const width of [1280, 390]) {
          await page.setViewportSize({ width, height: 900 });
          await page.screenshot({ path: join(SHOTS_DIR, `map-${name}-${width}.png`), fullPage: true });
          await page.locator('[data-testid="tile-map"]').screenshot({ path: join(SHOTS_DIR, `map-${name}-${width}-map.png`) });
        }
      }
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});

describe('on a 390 px phone', () => {
  it('no page is wider than the screen: a wide table scrolls inside its card', async () => {
    const wider: string[] = [];
    for (const file of site.pages.filter((f) => f.endsWith('.html'))) {
      const { page } = await openPage(browser, server.origin, `/${file}`, 390);
      await page.waitForLoadState('networkidle');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390) wider.push(`${file}: ${width} px`);
      await page.close();
    }
    expect(wider).toEqual([]);
  });
});

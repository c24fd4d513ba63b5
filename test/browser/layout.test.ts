// @module-tag browser
// @module-tag site
// Layout of the built site in real Chromium: a 县区评分卡 prints cleanly on A4 (issue 6:
// "a print stylesheet so a unit scorecard prints cleanly on A4"; issue 20 item 7: a short, dense
// printout with the period, the day of printing and page numbers on every sheet), its wide tables
// keep their key columns in view on a 390 px phone and say that they scroll, a stacked chart's
// categories are told apart by hatching as well as colour (a black-and-white printout), and the
// widest table of the site fits a 1280 px desktop without sideways scrolling.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type BuildSiteResult } from '../../dashboards/build.ts';
import { serveStatic, type StaticServer } from '../../dashboards/serve.ts';
import { readPdf } from '../reports/pdf-content.ts';
import { launchChromium, openPage } from './chromium.ts';
import { createFixtureSnapshot } from './fixture.ts';

/** Screenshots (and the PDF) go here when set (e.g. SAFECAMPUS_SHOTS_DIR=/tmp/shots). */
const SHOTS_DIR = process.env.SAFECAMPUS_SHOTS_DIR;
/** A4 is 210 mm wide; style.css prints with 15 mm margins: 180 mm = 680 CSS px at 96 px per inch. */
const A4_PRINTABLE_PX = Math.floor(((210 - 2 * 15) / 25.4) * 96);

let work: string;
let site: BuildSiteResult;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'safecampus-layout-'));
  const snapshot = join(work, 'snapshot.duckdb');
  await createFixtureSnapshot(snapshot);
  site = await buildSite({ snapshotPath: snapshot, outDir: join(work, 'site') });
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Elements wider than the page, or tables and figures wider than the box they sit in (so they scroll or spill). */
function overflowing(page: Page, width: number): Promise<string[]> {
  return page.evaluate((limit) => {
    const name = (e: Element) => `${e.tagName.toLowerCase()}${e.getAttribute('data-testid') ? `[${e.getAttribute('data-testid')}]` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ')[0]}` : ''}`;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > limit) out.push(`page ${document.documentElement.scrollWidth} px`);
    if (document.body.scrollWidth > document.body.clientWidth) out.push(`body ${document.body.scrollWidth} > ${document.body.clientWidth} px`);
    for (const e of document.querySelectorAll('#observablehq-main table, #observablehq-main figure, #observablehq-main svg, #observablehq-main .card, .sc-table-wrap')) {
      const box = e.getBoundingClientRect();
      if (box.width === 0) continue;
      if (box.right > limit + 0.5) out.push(`${name(e)} right edge at ${Math.round(box.right)} px`);
      if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible') out.push(`${name(e)} scrolls: ${e.scrollWidth} > ${e.clientWidth} px`);
    }
    return out;
  }, width);
}

describe('site layout in Chromium', () => {
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    server = await serveStatic(site.outDir);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('prints a 县区评分卡 on two A4 pages: nothing wider than the paper, no sidebar or selector, rows and charts kept whole, each page headed with the period and the day of printing and numbered', async () => {
    // opened on a desktop, then printed: the charts must follow the paper's width
    const { page, problems } = await openPage(browser, server.origin, '/units/411002');
    await page.locator('[data-testid="indicators"] tbody tr').first().waitFor();
    if (SHOTS_DIR) {
      await mkdir(SHOTS_DIR, { recursive: true });
      await page.screenshot({ path: join(SHOTS_DIR, 'unit-411002-1280.png'), fullPage: true });
    }
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: A4_PRINTABLE_PX, height: 1100 });
    await page.waitForFunction((limit) => [...document.querySelectorAll('#observablehq-main svg')].every((svg) => svg.getBoundingClientRect().right <= limit), A4_PRINTABLE_PX);

    expect(await overflowing(page, A4_PRINTABLE_PX)).toEqual([]);
    // printed straight from a desktop, before resize() redraws them, charts still shrink to the paper
    // (a legend's 15 px colour swatch is not a chart)
    const unbounded = await page.locator('#observablehq-main svg').evaluateAll((svgs) =>
      svgs
        .filter((svg) => !svg.parentElement?.className.includes('swatch') && getComputedStyle(svg).maxWidth !== '100%')
        .map((svg) => `${svg.parentElement?.outerHTML.slice(0, 300)}: max-width ${getComputedStyle(svg).maxWidth}`),
    );
    expect(unbounded).toEqual([]);
    const hidden = await page.evaluate(() =>
      ['#observablehq-sidebar', '#observablehq-toc', '[data-testid="period-select"] select', '.sc-scroll-hint'].map((selector) => {
        const e = document.querySelector(selector);
        return [selector, e === null || getComputedStyle(e).display === 'none'];
      }),
    );
    expect(hidden).toEqual([
      ['#observablehq-sidebar', true],
      ['#observablehq-toc', true],
      ['[data-testid="period-select"] select', true],
      ['.sc-scroll-hint', true],
    ]);
    // the chosen period is printed as text instead
    expect(await page.locator('[data-testid="period-select"] .sc-print-only').evaluate((e) => [getComputedStyle(e).display !== 'none', e.textContent])).toEqual([true, '2025年']);
    // a card with a chart is kept whole; a card with a table breaks between rows, never inside one
    const breaks = await page.evaluate(() => ({
      rows: [...document.querySelectorAll('table.sc-table tr')].map((tr) => getComputedStyle(tr).breakInside),
      charts: [...document.querySelectorAll('.card:has(svg)')].map((card) => getComputedStyle(card).breakInside),
      tables: [...document.querySelectorAll('.card:has(table.sc-table):not(:has(svg))')].map((card) => getComputedStyle(card).breakInside),
      heads: [...document.querySelectorAll('table.sc-table thead')].map((thead) => getComputedStyle(thead).display),
      headings: [...document.querySelectorAll('#observablehq-main h2')].map((h2) => getComputedStyle(h2).breakAfter),
      notes: [...document.querySelectorAll('#observablehq-main h2 + p')].map((p) => getComputedStyle(p).breakAfter),
    }));
    expect(breaks.rows.length).toBeGreaterThan(10);
    expect(new Set(breaks.rows)).toEqual(new Set(['avoid']));
    expect(breaks.charts.length).toBe(2); // 一级指标得分率, the score trend
    expect(new Set(breaks.charts)).toEqual(new Set(['avoid']));
    expect(breaks.tables.length).toBe(5);
    expect(new Set(breaks.tables)).toEqual(new Set(['auto']));
    expect(new Set(breaks.heads)).toEqual(new Set(['table-header-group']));
    expect(new Set(breaks.headings)).toEqual(new Set(['avoid']));
    expect(breaks.notes.length).toBe(4); // the notes under 指标明细, 未达标指标的明细记录, 报送监测, 所辖学校排名
    expect(new Set(breaks.notes)).toEqual(new Set(['avoid']));
    if (SHOTS_DIR) await page.screenshot({ path: join(SHOTS_DIR, 'print-unit-411002.png'), fullPage: true });

    // printed on another day than the site was built and the page opened: the header says the day of
    // printing (set again on beforeprint), Beijing time
    await page.clock.setFixedTime(new Date('2027-03-14T16:30:00Z'));
    const pdfPath = join(work, 'unit-411002.pdf');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await writeFile(pdfPath, pdf);
    if (SHOTS_DIR) await writeFile(join(SHOTS_DIR, 'print-unit-411002.pdf'), pdf);
    const { pages } = await readPdf(pdfPath);
    // the fixture's 魏都区 (3 schools, 3 indicators with values): the charts, tables and notes fill two sheets
    expect(pages.length).toBe(2);
    expect(pages.map((text) => /^.*?第 \d+ 页 \/ 共 \d+ 页/.exec(text)?.[0])).toEqual([
      '魏都区校园安全评分卡 · 考核期 2025年 打印日期 2027年3月15日第 1 页 / 共 2 页',
      '魏都区校园安全评分卡 · 考核期 2025年 打印日期 2027年3月15日第 2 页 / 共 2 页',
    ]);
    // another period chosen: the header follows it
    await page.locator('[data-testid="period-select"] select').evaluate((select: HTMLSelectElement) => {
      select.value = '2024'; // hidden in print media, so chosen as a script would
      select.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForFunction(() => document.getElementById('sc-print-header')?.textContent?.includes('考核期 2024年'));
    await writeFile(pdfPath, await page.pdf({ format: 'A4', printBackground: true }));
    expect((await readPdf(pdfPath)).pages[0]).toMatch(/^魏都区校园安全评分卡 · 考核期 2024年 打印日期 2027年3月15日第 1 页 \/ 共 \d 页/);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('keeps a wide table’s key columns in view on a 390 px phone and says the table scrolls; the page stays 390 px wide', async () => {
    const { page, problems } = await openPage(browser, server.origin, '/units/411002', 390);
    await page.locator('[data-testid="schools"] tbody tr').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    /** Scrolls the table's box to its right end; the left edges of its first columns in the box, and the frame's state. */
    const scrolled = (testId: string) =>
      page.locator(`[data-testid="${testId}"]`).evaluate(async (table) => {
        const box = table.parentElement!;
        const frame = box.parentElement!;
        const before = { hint: getComputedStyle(frame.querySelector('.sc-scroll-hint')!).display, classes: frame.className };
        box.scrollLeft = box.scrollWidth;
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        const cells = [...table.querySelector('tbody tr')!.children].slice(0, 3) as HTMLElement[];
        const left = box.getBoundingClientRect().left;
        return {
          before,
          after: frame.className,
          position: cells.map((td) => getComputedStyle(td).position),
          left: cells.map((td) => Math.round(td.getBoundingClientRect().left - left)),
          widths: cells.map((td) => Math.round(td.getBoundingClientRect().width)),
        };
      });
    const schools = await scrolled('schools');
    expect(schools.before).toEqual({ hint: 'block', classes: 'sc-table-frame sc-scrolls sc-more-right' });
    expect(schools.after).toBe('sc-table-frame sc-scrolls sc-more-left');
    expect(schools.position).toEqual(['sticky', 'static', 'static']);
    expect(schools.left[0]).toBe(0); // the school's name stays at the box's left edge
    expect(schools.left[1]).toBeLessThan(0); // 学校标识码 scrolled away under it
    // 编号 and 指标 both stay: the name right after the code
    const indicators = await scrolled('indicators');
    expect(indicators.position).toEqual(['sticky', 'sticky', 'static']);
    expect(indicators.left.slice(0, 2)).toEqual([0, indicators.widths[0]]);
    expect(indicators.left[2]).toBeLessThan(0);
    if (SHOTS_DIR) {
      await page.locator('[data-testid="schools"]').evaluate((table) => (table.parentElement!.scrollLeft = 0));
      await page.screenshot({ path: join(SHOTS_DIR, 'unit-411002-390.png'), fullPage: true });
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('tells the categories of a stacked chart apart without colour: each is hatched in the chart and in its legend swatch', async () => {
    // the fixture's open hazards are all 重大, the third level: crossed
    const { page, problems } = await openPage(browser, server.origin, '/hazards');
    const chart = page.locator('[data-testid="open-hazards"]');
    await chart.locator('.sc-hatch rect').first().waitFor({ state: 'attached' });
    expect(await chart.locator('.sc-hatch rect').evaluateAll((rects) => [...new Set(rects.map((r) => r.getAttribute('fill')))])).toEqual(['url(#sc-hatch-cross)']);
    expect(await chart.locator('pattern#sc-hatch-cross path').count()).toBe(1);
    const swatches = await chart.locator('.sc-legend span').evaluateAll((spans) =>
      spans.map((span) => [span.textContent, getComputedStyle(span.querySelector('.sc-swatch')!).backgroundImage.match(/repeating-linear-gradient/g)?.length ?? 0]),
    );
    expect(swatches).toEqual([['重大', 2]]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('fits the incidents’ school table and every other table of the page at 1280 px without sideways scrolling', async () => {
    const { page, problems } = await openPage(browser, server.origin, '/incidents');
    await page.locator('[data-testid="school-cases"] tbody tr').first().waitFor();
    expect(await overflowing(page, 1280)).toEqual([]);
    if (SHOTS_DIR) await page.screenshot({ path: join(SHOTS_DIR, 'incidents-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});


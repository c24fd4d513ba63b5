// @module-tag browser
// @module-tag site
// Layout of the built site in real Chromium: a 县区评分卡 prints cleanly on A4 (issue 6:
// "a print stylesheet so a unit scorecard prints cleanly on A4"), and the widest table of the
// site fits a 1280 px desktop without sideways scrolling.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type BuildSiteResult } from '../../dashboards/build.ts';
import { serveStatic, type StaticServer } from '../../dashboards/serve.ts';
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

  it('prints a 县区评分卡 on A4: nothing wider than the paper, no sidebar or selector, rows and cards kept whole, a few pages', async () => {
    // opened on a desktop, then printed: the charts must follow the paper's width
    const { page, problems } = await openPage(browser, server.origin, '/units/411002');
    await page.locator('[data-testid="indicators"] tbody tr').first().waitFor();
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
      ['#observablehq-sidebar', '#observablehq-toc', '[data-testid="period-select"] select'].map((selector) => {
        const e = document.querySelector(selector);
        return [selector, e === null || getComputedStyle(e).display === 'none'];
      }),
    );
    expect(hidden).toEqual([
      ['#observablehq-sidebar', true],
      ['#observablehq-toc', true],
      ['[data-testid="period-select"] select', true],
    ]);
    // the chosen period is printed as text instead
    expect(await page.locator('[data-testid="period-select"] .sc-print-only').evaluate((e) => [getComputedStyle(e).display !== 'none', e.textContent])).toEqual([true, '2025年']);
    const breaks = await page.evaluate(() => ({
      rows: [...document.querySelectorAll('table.sc-table tr')].map((tr) => getComputedStyle(tr).breakInside),
      cards: [...document.querySelectorAll('.card')].map((card) => getComputedStyle(card).breakInside),
      heads: [...document.querySelectorAll('table.sc-table thead')].map((thead) => getComputedStyle(thead).display),
      headings: [...document.querySelectorAll('#observablehq-main h2')].map((h2) => getComputedStyle(h2).breakAfter),
    }));
    expect(breaks.rows.length).toBeGreaterThan(10);
    expect(new Set(breaks.rows)).toEqual(new Set(['avoid']));
    expect(new Set(breaks.cards)).toEqual(new Set(['avoid']));
    expect(new Set(breaks.heads)).toEqual(new Set(['table-header-group']));
    expect(new Set(breaks.headings)).toEqual(new Set(['avoid']));

    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g)?.length ?? 0;
    expect(pages).toBeGreaterThan(0);
    expect(pages).toBeLessThanOrEqual(4);
    if (SHOTS_DIR) {
      await mkdir(SHOTS_DIR, { recursive: true });
      await writeFile(join(SHOTS_DIR, 'print-unit-411002.pdf'), pdf);
      await page.screenshot({ path: join(SHOTS_DIR, 'print-unit-411002.png'), fullPage: true });
    }
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


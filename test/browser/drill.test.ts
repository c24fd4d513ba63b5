// @module-tag browser
// @module-tag site
// The morning walk (issue 20): the site built from the scoring city (test/scoring/city.ts, a
// real pipeline run and published snapshot: a 不合格 county, 魏都区, and its 不合格 school P1,
// two vetoed schools) and walked in Chromium from the overview to the records behind a
// failing indicator — overview → the failing schools list → a school → its records, and
// overview → the failing county → its worst indicator → the records. Every number the walk
// reads is checked against the snapshot, queried here with its own SQL.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type BuildSiteResult } from '../../dashboards/build.ts';
import { serveStatic, type StaticServer } from '../../dashboards/serve.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { publishSnapshot } from '../../warehouse/snapshot.ts';
import { tempDir } from '../helpers.ts';
import { P1, landScoringCity } from '../scoring/city.ts';
import { launchChromium, openPage, tableRows } from './chromium.ts';

/** Screenshots go here when set (e.g. SAFECAMPUS_SHOTS_DIR=/tmp/shots). */
const SHOTS_DIR = process.env.SAFECAMPUS_SHOTS_DIR;
const PERIOD = '2025';

let work: string;
let snapshot: Warehouse;
let site: BuildSiteResult;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  const db = await landScoringCity();
  let path: string;
  try {
    path = (await publishSnapshot(db)).path;
  } finally {
    db.close();
  }
  work = tempDir('safecampus-drill-');
  site = await buildSite({ snapshotPath: path, outDir: join(work, 'site') });
  snapshot = await Warehouse.open(path, { readOnly: true, tempDirectory: '' });
  server = await serveStatic(site.outDir);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  snapshot?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/**
 * The page as it is at 1280 px, and opened afresh at 390 px (as a phone opens it: the sidebar
 * closed) with `restore` redoing what was clicked; kept when SHOTS_DIR is set.
 */
async function shoot(page: Page, name: string, restore: (phone: Page) => Promise<unknown> = async () => {}): Promise<void> {
  if (!SHOTS_DIR) return;
  await mkdir(SHOTS_DIR, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS_DIR, `drill-${name}-1280.png`), fullPage: true });
  // the records close up: a full page is too tall to read
  const records = (p: Page) => p.locator('[data-testid="records"]');
  if (await records(page).count()) await records(page).screenshot({ path: join(SHOTS_DIR, `drill-${name}-records-1280.png`) });
  const url = new URL(page.url());
  const phone = await openPage(browser, url.origin, `${url.pathname}${url.hash}`, 390);
  await phone.page.locator('#observablehq-main h1').first().waitFor();
  await restore(phone.page);
  await phone.page.evaluate(() => window.scrollTo(0, 0));
  await phone.page.screenshot({ path: join(SHOTS_DIR, `drill-${name}-390.png`), fullPage: true });
  if (await records(phone.page).count()) await records(phone.page).screenshot({ path: join(SHOTS_DIR, `drill-${name}-records-390.png`) });
  expect(phone.problems, name).toEqual([]);
  await phone.page.close();
}

/** The open escape obstacles (C3) of the schools in scope at the period's end, as the snapshot holds them: school, item with its name, found on. */
function openObstacles(scope: string) {
  return snapshot.all<{ school_name: string; item: string; found_on: string }>(
    `select s.school_name, h.item_code || ' ' || c.item_name as item, h.found_on::varchar as found_on
     from core.fct_hazards h join core.int_school_periods s using (school_code) join ref.checklist_items c using (item_code)
     where s.period_id = $1 and (s.school_code = $2 or s.unit_code = $2) and h.is_escape_obstacle
       and h.found_on <= s.window_end_on and (h.rectified_on is null or h.rectified_on > s.window_end_on)
     order by h.found_on, s.school_code, h.hazard_id`,
    [PERIOD, scope],
  );
}

/** The records section of an indicator, opened from the link on its name: its rows and the total it states. */
async function openRecords(page: Page, container: string, indicatorId: string) {
  await page.locator(`[data-testid="${container}"] a[data-records="${indicatorId}"]`).first().click();
  const section = page.locator(`[data-testid="records-${indicatorId}"]`);
  expect(await section.evaluate((e) => (e as HTMLDetailsElement).open)).toBe(true);
  expect(await section.locator('summary').isVisible()).toBe(true);
  const table = section.locator('[data-testid$="-0"]');
  return {
    total: Number(await table.getAttribute('data-total')),
    note: (await table.locator('p').textContent())!,
    rows: await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent!.trim()))),
  };
}

describe('the morning walk', () => {
  it('goes from the overview to the failing schools, to a school and to the records behind its weakest indicator', async () => {
    const [city] = await snapshot.all<{ n_fail: number; n_vetoed: number }>(
      `select count(*) filter (where grade = '不合格') as n_fail, count(*) filter (where is_vetoed) as n_vetoed from marts.school_scorecard where period = $1`,
      [PERIOD],
    );
    const { page, problems } = await openPage(browser, server.origin, '/');
    const failingLink = page.locator('[data-testid="failing-link"]');
    expect(await failingLink.textContent()).toBe(`不合格 ${city.n_fail} 所`);
    expect(await page.locator('[data-testid="vetoed-link"]').textContent()).toBe(String(city.n_vetoed));
    expect(await page.locator('[data-testid="vetoed-link"]').getAttribute('href')).toBe(await failingLink.getAttribute('href'));
    await shoot(page, 'overview');

    // one click: the list of the period's failing and vetoed schools, vetoed first, then lowest score first
    await failingLink.click();
    await page.locator('[data-testid="failing-schools"] tbody tr').first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/failing.html');
    const listed = await snapshot.all<{ school_name: string; unit_name: string; school_type: string; score: number; grade: string; veto_reason: string | null }>(
      `select s.school_name, u.unit_name, s.school_type, s.score, s.grade, s.veto_reason from marts.school_scorecard s join ref.units u using (unit_code)
       where s.period = $1 and (s.grade = '不合格' or s.is_vetoed) order by s.is_vetoed desc, s.score, s.school_code`,
      [PERIOD],
    );
    const rows = await tableRows(page, 'failing-schools');
    expect(rows.map((r) => r.slice(0, 5))).toEqual(listed.map((s) => [s.school_name, s.unit_name, s.school_type, s.score.toFixed(2), s.grade]));
    expect(rows.map((r) => r[6])).toEqual(listed.map((s) => s.veto_reason ?? '—'));
    // P1's weakest indicators: its three lowest shares of points in the mart, by name
    const weakest = await snapshot.all<{ text: string }>(
      `select indicator_id || ' ' || indicator_name || ' ' || printf('%.2f', coalesce(points, 0)) || ' / ' || cast(max_points as integer) || ' 分' as text
       from marts.indicator_values where period = $1 and school_code = $2 and status <> 'not_applicable' and coalesce(points, 0) < max_points
       order by coalesce(points, 0) / max_points, sort_order limit 3`,
      [PERIOD, P1],
    );
    const p1 = listed.findIndex((s) => s.school_name === '魏都区第一小学');
    expect(await page.locator('[data-testid="failing-schools"] tbody tr').nth(p1).locator('ol li').allTextContents()).toEqual(weakest.map((w) => w.text));
    expect(weakest[0].text).toMatch(/^C3 拆窗破网 /);
    await shoot(page, 'failing');

    // the school, and the records behind its weakest indicator
    await page.locator('[data-testid="failing-schools"] a', { hasText: '魏都区第一小学' }).click();
    await page.locator(`[data-testid="school-detail"][data-school="${P1}"]`).waitFor();
    const records = await openRecords(page, 'school-indicators', 'C3');
    const expected = await openObstacles(P1);
    expect(records.total).toBe(expected.length);
    expect(records.note).toBe(`未整改的拆窗破网（逃生障碍）问题（${expected.length} 条）`);
    // one school's records leave its name out
    expect(records.rows.map((r) => [r[0], r[3]])).toEqual(expected.map((h) => [h.item, h.found_on]));
    // its overdue major hazards (A4): item by name, due date and days overdue at the period's end
    const overdue = await snapshot.all<{ item: string; due_on: string; days: number }>(
      `select h.item_code || ' ' || c.item_name as item, h.due_on::varchar as due_on, s.window_end_on - h.due_on as days
       from core.fct_hazards h join core.int_school_periods s using (school_code) join ref.checklist_items c using (item_code)
       where s.period_id = $1 and s.school_code = $2 and h.hazard_level = '重大' and h.found_on <= s.window_end_on and h.due_on < s.window_end_on
         and (h.rectified_on is null or h.rectified_on > s.window_end_on)
       order by h.due_on, h.hazard_id`,
      [PERIOD, P1],
    );
    expect(overdue.length).toBeGreaterThan(0);
    const a4 = await openRecords(page, 'school-indicators', 'A4');
    expect(a4.total).toBe(overdue.length);
    expect(a4.rows.map((r) => [r[0], r[4], r[5]])).toEqual(overdue.map((h) => [h.item, h.due_on, String(h.days)]));
    await shoot(page, 'school', (phone) => openRecords(phone, 'school-indicators', 'C3'));
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('goes from the overview to the failing county, its worst indicator and the records behind it', async () => {
    const [county] = await snapshot.all<{ unit_code: string; unit_name: string; score: number }>(
      `select unit_code, unit_name, score from marts.unit_scorecard where period = $1 and grade = '不合格' order by score`,
      [PERIOD],
    );
    expect(county.unit_name).toBe('魏都区');
    const { page, problems } = await openPage(browser, server.origin, '/');
    await page.locator('[data-testid="unit-ranking"] a', { hasText: county.unit_name }).click();
    await page.locator('[data-testid="short-boards"]').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/units/${county.unit_code}.html`);

    // its failing and vetoed schools head the schools table
    const flagged = await snapshot.all<{ school_name: string }>(
      `select school_name from marts.school_scorecard where period = $1 and unit_code = $2 and (grade = '不合格' or is_vetoed) order by is_vetoed desc, score`,
      [PERIOD, county.unit_code],
    );
    expect(flagged.length).toBeGreaterThan(0);
    expect((await tableRows(page, 'schools')).slice(0, flagged.length).map((r) => r[0])).toEqual(flagged.map((s) => s.school_name));

    // the worst indicator: the county's first short board
    const [worst] = await snapshot.all<{ indicator_id: string; indicator_name: string }>(
      `select indicator_id, indicator_name from marts.short_boards where period = $1 and unit_code = $2 and school_code is null order by board_rank limit 1`,
      [PERIOD, county.unit_code],
    );
    expect(worst.indicator_id).toBe('C3');
    const records = await openRecords(page, 'short-boards', worst.indicator_id);
    const expected = await openObstacles(county.unit_code);
    expect(expected.length).toBeGreaterThan(0);
    expect(records.total).toBe(expected.length);
    expect(records.rows.map((r) => [r[0], r[1], r[4]])).toEqual(expected.map((h) => [h.school_name, h.item, h.found_on]));
    // the same records open from the indicator's name in the indicator table
    expect(await page.locator(`[data-testid="indicators"] a[data-records="${worst.indicator_id}"]`).textContent()).toBe(worst.indicator_name);
    await shoot(page, 'unit', (phone) => openRecords(phone, 'short-boards', worst.indicator_id));
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('links the schools and counties of the topic pages to their pages, names checklist items and filters by county and school type', async () => {
    const overdue = await snapshot.all<{ school_code: string; unit_code: string; school_type: string; item: string }>(
      `select h.school_code, h.unit_code, s.school_type, h.item_code || ' ' || c.item_name as item
       from core.fct_hazards h join core.dim_periods d on d.period_id = $1 join core.dim_schools s on s.school_code = h.school_code and s.is_current
         join ref.checklist_items c using (item_code)
       where h.is_major and h.found_on <= d.as_of_on and (h.rectified_on is null or h.rectified_on > d.as_of_on) and h.due_on < d.as_of_on
       order by d.as_of_on - h.due_on desc, h.hazard_id`,
      [PERIOD],
    );
    expect(overdue.length).toBeGreaterThan(1);
    const { page, problems } = await openPage(browser, server.origin, '/hazards');
    await page.locator('[data-testid="overdue-major"] tbody tr').first().waitFor();
    const links = (testId: string, column: string) =>
      page.locator(`[data-testid="${testId}"] tbody td[data-key="${column}"] a`).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(await links('overdue-major', 'school_name')).toEqual(overdue.map((h) => `./schools.html#${h.school_code}`));
    expect(await links('overdue-major', 'unit_name')).toEqual(overdue.map((h) => `./units/${h.unit_code}.html`));
    expect((await tableRows(page, 'overdue-major')).map((r) => r[2])).toEqual(overdue.map((h) => h.item));
    // one county, then one school type within it
    const [unit, type] = [overdue[0].unit_code, overdue[0].school_type];
    await page.locator('[data-testid="overdue-filters-unit"] select').selectOption(unit);
    await page.locator('[data-testid="overdue-filtered"]').waitFor();
    expect(await links('overdue-major', 'school_name')).toEqual(overdue.filter((h) => h.unit_code === unit).map((h) => `./schools.html#${h.school_code}`));
    await page.locator('[data-testid="overdue-filters-type"] select').selectOption(type);
    await page.locator('[data-testid="overdue-filtered"]', { hasText: `所选县区、学段的有 ${overdue.filter((h) => h.unit_code === unit && h.school_type === type).length} 项` }).waitFor();
    await shoot(page, 'hazards');
    expect(problems).toEqual([]);
    await page.close();

    const incidents = await openPage(browser, server.origin, '/incidents');
    await incidents.page.locator('[data-testid="school-cases"] tbody tr').first().waitFor();
    const cases = await snapshot.all<{ school_code: string }>(
      `select distinct c.school_code from core.fct_cases c join core.dim_periods d on d.period_id = $1
       where c.occurred_at >= d.start_on and c.occurred_at < d.as_of_on + 1 and c.school_code is not null order by 1`,
      [PERIOD],
    );
    const caseLinks = await incidents.page.locator('[data-testid="school-cases"] tbody td[data-key="school_name"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(caseLinks.sort()).toEqual(cases.map((c) => `./schools.html#${c.school_code}`));
    expect(incidents.problems).toEqual([]);
    await incidents.page.close();

    // 预警与设备 and 专项工作: every county of their indicator tables links to its scorecard
    const drowningUnits = await snapshot.all<{ unit_code: string }>(
      `select distinct unit_code from marts.unit_indicator_ranking where period = $1 and indicator_id in ('D1', 'D2', 'D3') order by 1`,
      [PERIOD],
    );
    expect(drowningUnits.length).toBeGreaterThan(1);
    for (const [path, testId] of [['/alerts', 'devices'], ['/programmes', 'programme-drowning']] as const) {
      const topic = await openPage(browser, server.origin, path);
      await topic.page.locator(`[data-testid="${testId}"] tbody tr`).first().waitFor();
      const unitLinks = await topic.page.locator(`[data-testid="${testId}"] tbody td[data-key="unit_name"] a`).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      if (testId === 'programme-drowning') expect(unitLinks.sort()).toEqual(drowningUnits.map((u) => `./units/${u.unit_code}.html`));
      else expect(unitLinks.length > 1 && unitLinks.every((href) => /^\.\/units\/\d{6}\.html$/.test(href ?? ''))).toBe(true);
      expect(topic.problems).toEqual([]);
      await topic.page.close();
    }
  }, 120_000);
});

// The browser tests' helpers around reports/browser.ts (the Chromium from npm, or CHROMIUM_PATH):
// how to open a page while recording every console error, failed request and request off its
// origin, and how to read a SortableTable's cells.
import type { Browser, Page } from 'playwright-core';

export { launchChromium } from '../../reports/browser.ts';

/** Opens `origin + path` at `width` px and records console errors, failed requests and requests off its origin. */
export async function openPage(browser: Browser, origin: string, path: string, width = 1280): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
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
export async function tableRows(page: Page, testId: string): Promise<string[][]> {
  return page
    .locator(`[data-testid="${testId}"] tbody tr`)
    .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent?.trim() ?? '')));
}

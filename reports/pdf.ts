/**
 * Printing report HTML to PDF with headless Chromium (Debian's chromium through
 * playwright-core): A4, page numbers in the footer. One printer = one browser, reused for
 * every report of a call (`--all-schools` prints many).
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { ReportError } from './source.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Footer: 第 N 页 / 共 M 页, filled in by Chromium's print template. */
const FOOTER = `<div style="width:100%;font-size:8pt;color:#555;text-align:center;font-family:'Noto Sans CJK SC',sans-serif;">
第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>`;

export interface Printer {
  /** Prints the HTML file at `htmlPath` (its own print CSS applies) to `pdfPath`. */
  print(htmlPath: string, pdfPath: string): Promise<void>;
  close(): Promise<void>;
}

export async function openPrinter(): Promise<Printer> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new ReportError(`cannot print PDF: no Chromium at ${CHROMIUM_PATH}; install Debian's chromium and fonts-noto-cjk (apt-get install chromium fonts-noto-cjk) or set CHROMIUM_PATH`);
  }
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
  } catch (error) {
    throw new ReportError(`cannot start Chromium at ${CHROMIUM_PATH} to print PDF: ${(error as Error).message.split('\n')[0]}`);
  }
  const context = await browser.newContext();
  // a report is self-contained: nothing leaves the machine while it prints
  await context.route(/^(?!file:|data:|about:)/, (route) => route.abort());
  return {
    async print(htmlPath, pdfPath) {
      const page = await context.newPage();
      try {
        await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
        await page.pdf({
          path: pdfPath,
          format: 'A4',
          printBackground: true,
          displayHeaderFooter: true,
          headerTemplate: '<span></span>',
          footerTemplate: FOOTER,
          margin: { top: '18mm', bottom: '20mm', left: '16mm', right: '16mm' },
        });
      } finally {
        await page.close();
      }
    },
    async close() {
      await browser.close();
    },
  };
}

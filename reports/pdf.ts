/**
 * Printing report HTML to PDF with headless Chromium (reports/browser.ts: the browser from
 * npm, or CHROMIUM_PATH) through playwright-core: A4, 第 N 页 / 共 M 页 in the footer — both
 * from the report's own print CSS (reports/html.ts), set in the bundled font like the rest of
 * the page. One printer = one browser, reused for every report of a call (`--all-schools`
 * prints many). The PDF is dated by the data (the as-of day it reports), not the wall clock,
 * so printing the same snapshot again gives the same bytes.
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium, type ChromiumOptions } from './browser.ts';
import { ReportError } from './source.ts';

export interface Printer {
  /** Prints the HTML file at `htmlPath` (its own print CSS applies) to `pdfPath`, dated `asOfDay` (YYYY-MM-DD). */
  print(htmlPath: string, pdfPath: string, asOfDay: string): Promise<void>;
  close(): Promise<void>;
}

/** `fonts`: what the browser sees of the machine's fonts (reports/browser.ts); the reports print with the default. */
export async function openPrinter(fonts: ChromiumOptions = {}): Promise<Printer> {
  let browser: Browser;
  try {
    browser = await launchChromium(fonts);
  } catch (error) {
    throw new ReportError(`cannot print PDF: ${(error as Error).message}`);
  }
  const context = await browser.newContext();
  // a report is self-contained: nothing leaves the machine while it prints
  await context.route(/^(?!file:|data:|about:)/, (route) => route.abort());
  return {
    async print(htmlPath, pdfPath, asOfDay) {
      const page = await context.newPage();
      try {
        await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
        // A report declares only the font slices its text needs (the footer's included), and the
        // footer is drawn after layout: load them all before printing. A slice that cannot be
        // read fails the print instead of falling back to another font.
        await page.evaluate(() => Promise.all(Array.from(document.fonts, (face) => face.load())));
        const pdf = await page.pdf({ format: 'A4', printBackground: true });
        await writeFile(pdfPath, datePdf(pdf, asOfDay));
      } finally {
        await page.close();
      }
    },
    async close() {
      await browser.close();
    },
  };
}

/** A PDF date of the same length as Chromium's (D:YYYYMMDDHHmmSS+00'00'), so no byte offset in the file moves. */
const PDF_DATE = /\/(CreationDate|ModDate) \(D:\d{14}[+-]\d{2}'\d{2}'\)/g;

/** Sets the document's creation and modification dates (the wall clock, as Chromium writes them) to 00:00 Beijing time of `day`. */
export function datePdf(pdf: Buffer, day: string): Buffer {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`a PDF date must be a day (YYYY-MM-DD), got ${JSON.stringify(day)}`);
  const stamp = `D:${day.replaceAll('-', '')}000000+08'00'`;
  return Buffer.from(pdf.toString('latin1').replace(PDF_DATE, (_match, key: string) => `/${key} (${stamp})`), 'latin1');
}

/**
 * The HTML both reports are written in: an escaping template tag, number formats, the print
 * stylesheet (A4, page numbers in the footer, no page break inside a table row or a chart) and
 * the bundled Chinese font (shared/fonts.ts): a report declares the slices of it that
 * its text needs and `writePage` copies them into `fonts/` beside it, so the HTML and its
 * folder look the same on every machine, and the PDF embeds that font whatever the system has.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { copyFontFiles, fontFaceCss, fontSlices, slicesFor, BUNDLED_FONT_FAMILY, type FontWeight } from '../shared/fonts.ts';
import { fixedShort, indicatorText, int, pct, type Goal } from '../shared/format.js';

export { int };

/** Trusted markup: produced by `html` or `raw`, inserted as is. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = Markup | string | number | null | undefined | false | Part[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (Array.isArray(part)) return part.map(render).join('');
  if (part instanceof Markup) return part.text;
  return escapeHtml(String(part));
}

/** `html\`<td>${value}</td>\`` escapes every interpolated value unless it is Markup. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Markup {
  return new Markup(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''));
}

export const raw = (text: string) => new Markup(text);

/** A table: header cells and rows of cells; a row may carry a class (e.g. `differs`). */
export function table(headers: string[], rows: (Part[] | { cells: Part[]; className: string })[], className = ''): Markup {
  return html`<table class="${className}"><thead><tr>${headers.map((h) => html`<th${nowrap(h)}>${h}</th>`)}</tr></thead><tbody>${rows.map((row) =>
    Array.isArray(row) ? html`<tr>${row.map(cell)}</tr>` : html`<tr class="${row.className}">${row.cells.map(cell)}</tr>`,
  )}</tbody></table>`;
}

const cell = (c: Part) => html`<td${nowrap(c)}>${c}</td>`;

/**
 * A cell of one short word (a grade, 是/否, a three-character county) never wraps: a narrow column
 * would otherwise break 合格 into 合 / 格. Longer text wraps as usual.
 */
function nowrap(part: Part): Markup {
  const text = typeof part === 'string' || typeof part === 'number' ? String(part) : null;
  return raw(text !== null && text.length <= 4 && !/\s/.test(text) ? ' class="nw"' : '');
}

export const fixed = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '—' : x.toFixed(digits));
/** A share 0..1 as a percentage, by the site's rule (one that falls short of a `goal` never reads as reaching it). */
export const percent = pct;
/** Rank change, as the site writes it: ↑2 moved up, ↓1 moved down, 持平 unchanged, — no previous rank. */
export const rankChange = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n > 0 ? `↑${n}` : n < 0 ? `↓${-n}` : '持平');

/** An indicator value in its display unit, as the site writes it (shared/format.js). */
export const indicatorValue = (value: number | null, unit: string | null, goal: Goal | null = null) => indicatorText(value, unit, goal);

/** Points with two decimals; points short of the maximum never read as reaching it. */
export const pointsText = (points: number | null, max: number | null) => (points === null ? '—' : fixedShort(points, 2, max));

/** The bundled font first; the system's CJK fonts only for a character it lacks (and for the HTML opened without its fonts/ folder). */
const FONT_STACK = `"${BUNDLED_FONT_FAMILY}", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif`;

const STYLE = `
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
  @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-family: ${FONT_STACK}; font-size: 8pt; color: #555; } }
* { box-sizing: border-box; }
body { font-family: ${FONT_STACK};
  font-size: 10.5pt; line-height: 1.55; color: #111; margin: 0; }
@media screen { body { max-width: 210mm; margin: 0 auto; padding: 12mm 14mm; background: #fff; } }
h1 { font-size: 20pt; margin: 0 0 6mm; }
h2 { font-size: 14pt; margin: 8mm 0 3mm; border-bottom: 1.5px solid #333; padding-bottom: 1mm; break-after: avoid; }
h3 { font-size: 12pt; margin: 5mm 0 2mm; break-after: avoid; }
p, li { margin: 1.5mm 0; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 9pt; }
thead { display: table-header-group; }
th, td { border: 0.6px solid #888; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
tr, .chart, .keep { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; }
td.nw, th.nw { white-space: nowrap; }
tr.differs td { background: #fff3cd; }
tr.vetoed td { color: #9b1c1c; }
.cover { height: 250mm; display: flex; flex-direction: column; justify-content: center; text-align: center; break-after: page; }
.cover h1 { font-size: 26pt; }
.cover dl { display: grid; grid-template-columns: 34mm 1fr; gap: 2mm 4mm; text-align: left; margin: 10mm auto 0; width: 150mm; font-size: 10pt; }
.cover dt { font-weight: 600; }
.cover dd { margin: 0; word-break: break-all; }
.section { break-before: page; }
.muted { color: #555; font-size: 9pt; }
.status-达标 { color: #1b6e2a; }
.status-未达标 { color: #9b1c1c; font-weight: 600; }
.status-无数据 { color: #8a5a00; font-weight: 600; }
.status-不适用 { color: #777; }
.chart { margin: 2mm 0 4mm; }
.chart svg { width: 100%; height: auto; }
.checklist td { height: 12mm; }
`;

/** Regular for the text, bold for headings and table headers. */
const WEIGHTS: FontWeight[] = [400, 700];
/** Where a report's font slices sit, relative to it. */
const FONTS_DIR = 'fonts';

/**
 * A whole document: title, the print stylesheet, the body, and @font-face rules for the slices
 * of the bundled font that hold its characters (every character of the document, the footer's
 * included). Write it with `writePage`, which puts those slices beside it.
 */
export function page(title: string, body: Markup): string {
  const document = html`<html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title><style>${raw(STYLE)}</style></head><body>${body}</body></html>`.text;
  const faces = fontFaceCss(slicesFor(document, WEIGHTS), (file) => `${FONTS_DIR}/${file}`);
  return `<!doctype html>\n${document.replace('<style>', `<style>\n${faces}`)}\n`;
}

/** Writes a document made by `page` to `path`, with the font slices it declares in fonts/ beside it. */
export async function writePage(path: string, document: string): Promise<void> {
  const declared = new Set(Array.from(document.matchAll(new RegExp(`url\\("${FONTS_DIR}/([\\w.-]+\\.woff2)"\\)`, 'g')), (m) => m[1]!));
  const slices = WEIGHTS.flatMap((weight) => fontSlices(weight)).filter((slice) => declared.has(slice.file));
  await copyFontFiles(slices, join(dirname(path), FONTS_DIR));
  await writeFile(path, document);
}

// The running header of a printed page: what is printed (a county's scorecard and its 考核期) at
// the top left of every sheet and the day it was printed at the top right, in @page margin boxes
// (Chromium ≥ 131; style.css puts the page numbers at the bottom of every page of the site). The
// text changes with the chosen period and the day, so it is one <style> element this module
// rewrites: when the page draws the period and again just before printing.

const STYLE_ID = "sc-print-header";

/** The day `now` is in Beijing, in Chinese: 2026年12月4日. */
export function printDate(now = new Date()) {
  return new Intl.DateTimeFormat("zh-CN", {timeZone: "Asia/Shanghai", dateStyle: "long"}).format(now);
}

function cssString(text) {
  return `"${String(text).replace(/[\\"]/g, "\\$&").replace(/\n/g, " ")}"`;
}

let current = null;

function write() {
  let style = document.getElementById(STYLE_ID);
  if (!style) {
    style = document.createElement("style");
    style.id = STYLE_ID;
    document.head.append(style);
  }
  style.textContent = `@media print { @page {
  @top-left { content: ${cssString(`${current.title} · 考核期 ${current.period}`)}; }
  @top-right { content: ${cssString(`打印日期 ${printDate()}`)}; }
} }`;
}

/**
 * Prints `title` and `period` (a period's name, 2025年) at the top of every printed page, with the
 * day of printing. Call it again when the period changes; the date is refreshed on `beforeprint`.
 */
export function setPrintHeader({title, period}) {
  if (!current) addEventListener("beforeprint", write);
  current = {title, period};
  write();
}

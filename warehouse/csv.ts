/**
 * One CSV field for Excel, shared by every CSV the project writes (query exports, the
 * appraisal's ranking.csv): RFC 4180 quoting, and text that Excel would take for a formula
 * (=, +, -, @, a tab or a carriage return first) made inert by a leading apostrophe, which
 * Excel shows as text — a hostile export's `=cmd|' /C calc'!A0` must never run on the
 * analyst's machine (CSV injection). Plain numbers, negative ones included, are left as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** `text` as Excel should read it: never as a formula. */
export function inertText(text: string): string {
  return text.length > 1 && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** A CSV field: formula guard, then quotes where the field holds a quote, comma or line break; null is empty. */
export function csvField(text: string | null): string {
  if (text === null) return '';
  const safe = inertText(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

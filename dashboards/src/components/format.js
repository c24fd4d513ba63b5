// Number formatting for the zh-CN pages (no d3-format: Intl is built in).

const integer = new Intl.NumberFormat("zh-CN", {maximumFractionDigits: 0});

/**
 * `value` with `digits` decimals, or with up to four more when it falls short of `goal` and
 * rounding would make it read as reaching it: 0.9996 short of 1 is "0.9996", not "1.000", so a
 * value beside 未达标 never shows its target. Closer still than that, it is cut toward its side.
 * `higherBetter`: whether reaching the goal means at or above it (else at or below it). Within
 * 1e-9 of the goal counts as reaching it, as in the status rule (pooled sums carry binary noise).
 */
export function fixedShort(value, digits, goal = null, higherBetter = true) {
  const reaches = (x) => (higherBetter ? x >= goal - 1e-9 : x <= goal + 1e-9);
  if (goal == null || reaches(value)) return value.toFixed(digits);
  for (let d = digits; d <= digits + 4; d++) {
    if (!reaches(Number(value.toFixed(d)))) return value.toFixed(d);
  }
  const scale = 10 ** (digits + 4);
  return ((higherBetter ? Math.floor(value * scale) : Math.ceil(value * scale)) / scale).toFixed(digits + 4);
}

/** A share as a percentage number, without binary noise (0.29 → 29, not 28.999999999999996). */
const percentOf = (share) => Number((share * 100).toPrecision(12));

/**
 * A share 0..1 as a percentage with one decimal, e.g. 0.9 → "90.0%"; null → "—". With a `goal`
 * share ({target, direction}), one that falls short of it never reads as reaching it (fixedShort).
 */
export function pct(value, digits = 1, goal = null) {
  if (value == null || !Number.isFinite(value)) return "—";
  const target = goal?.target == null ? null : percentOf(goal.target);
  return `${fixedShort(percentOf(value), digits, target, goal?.direction !== "lower_better")}%`;
}

/** A count with zh-CN grouping, e.g. 12345 → "12,345"; null → "—". */
export function int(value) {
  return value == null || !Number.isFinite(value) ? "—" : integer.format(value);
}

/** "numerator / denominator" for a rate's parts, e.g. "45 / 50". */
export function ratio(numerator, denominator) {
  return numerator == null || denominator == null ? "—" : `${int(numerator)} / ${int(denominator)}`;
}

/**
 * A timestamp as a Beijing-time date and time, e.g. "2026年1月5日 10:10". The warehouse
 * stores Asia/Shanghai wall time without a zone; a zone, when present, is honoured.
 */
export function dateTime(iso) {
  if (!iso) return "—";
  const text = String(iso).replace(" ", "T");
  const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}+08:00`);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai",
    dateStyle: "long",
    timeStyle: "short",
    hourCycle: "h23"
  }).format(date);
}

/** The style every Plot chart of the site shares: the page's font stack at 13 px. */
export const PLOT_STYLE = {fontFamily: "var(--sans-serif)", fontSize: "13px"};

/** About how many pixels `text` takes in PLOT_STYLE: 13 for a CJK character, 7.5 for a digit or the like. */
export function textWidth(text) {
  let width = 0;
  for (const char of String(text)) width += /[\u3000-\u9fff\uff00-\uffef]/.test(char) ? 13 : 7.5;
  return width;
}

/** Integer ticks for a count axis up to `max` (Plot's default would label 0.2, 0.4, … as "0"). */
export function countTicks(max) {
  return max <= 10 ? Array.from({length: max + 1}, (_, i) => i) : undefined;
}

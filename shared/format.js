// How a value reads beside its goal, in the site (dashboards/src/components/format.js re-exports
// these through its symbolic link shared-format.js) and in the reports (reports/html.ts): one set
// of rules, so a page and a report never show the same value differently. Browser and Node code
// alike: no imports.

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

const integer = new Intl.NumberFormat("zh-CN", {maximumFractionDigits: 0});

/** A count with zh-CN grouping, e.g. 12345 → "12,345"; null → "—". */
export function int(value) {
  return value == null || !Number.isFinite(value) ? "—" : integer.format(value);
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

/** The definition's display units as people say them after a number: 每万人 (weighted cases per 10,000 students) is 起/万人. */
const SPOKEN_UNITS = {每万人: "起/万人"};

/**
 * An indicator's value in its display unit, the same on a page and in a report: a rate (%) as a
 * percentage, 是/否 as 是 or 否 (a pooled share between them as a percentage), anything else with
 * two decimals unless whole, followed by its unit as spoken (1.25 起/万人, 3 分钟). With a `goal`
 * ({target, direction}), a value short of it never reads as reaching it.
 */
export function indicatorText(value, unit, goal = null) {
  if (value == null || !Number.isFinite(value)) return "—";
  if (unit === "%") return pct(value, 1, goal);
  if (unit === "是/否") return value >= 1 ? "是" : value <= 0 ? "否" : pct(value, 1, goal);
  const text = fixedShort(value, Number.isInteger(value) ? 0 : 2, goal?.target, goal?.direction !== "lower_better");
  return unit ? `${text} ${SPOKEN_UNITS[unit] ?? unit}` : text;
}

/** A threshold of the definition (a target, a floor) in its indicator's unit: 98%, 20 起/万人. */
export function thresholdText(value, unit) {
  if (value == null) return "—";
  if (unit === "%") return pct(value, Number.isInteger(value * 100) ? 0 : 1);
  return unit ? `${value} ${SPOKEN_UNITS[unit] ?? unit}` : `${value}`;
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

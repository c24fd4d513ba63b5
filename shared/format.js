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

import {h} from "./dom.js";

/**
 * A grid of headline numbers.
 * items: [{label, value, note?, change?}] — value and note are already formatted text; change is a
 * KpiChange result (or null when there is no previous period to compare with).
 */
export function KpiCards(items, {columns = items.length} = {}) {
  return h(
    "div",
    {class: `grid grid-cols-${Math.min(4, columns)} sc-kpis`},
    items.map(({label, value, note, change}) =>
      h(
        "div",
        {class: "card sc-kpi"},
        h("h2", {}, label),
        h("span", {class: "big"}, value),
        change ? h("div", {class: "sc-kpi-change", "data-testid": "kpi-change"}, change) : null,
        note ? h("div", {class: "sc-kpi-note"}, note) : null
      )
    )
  );
}

/**
 * The change of a headline number from the previous period, as text: "同比 +2.5 个百分点",
 * "环比 −3 所", "同比持平". word: 同比 / 环比; rates (0–1 fractions, percent: true) change in
 * 个百分点; other numbers in `unit` with `digits` decimals. A change that rounds to zero reads 持平.
 * Either side missing (or not a number, e.g. withheld) → null.
 */
export function kpiChange(current, previous, {word, unit = "", digits = 0, percent = false}) {
  if (typeof current !== "number" || typeof previous !== "number" || !Number.isFinite(current) || !Number.isFinite(previous)) return null;
  const places = percent ? 1 : digits;
  const delta = Number(((current - previous) * (percent ? 100 : 1)).toFixed(places));
  if (delta === 0) return `${word}持平`;
  const size = Math.abs(delta).toLocaleString("zh-CN", {minimumFractionDigits: places, maximumFractionDigits: places});
  return `${word} ${delta > 0 ? "+" : "−"}${size}${percent ? " 个百分点" : unit ? ` ${unit}` : ""}`;
}

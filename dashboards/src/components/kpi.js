import {h} from "./dom.js";

/**
 * A grid of headline numbers.
 * items: [{label, value, note?}] — value and note are already formatted text.
 */
export function KpiCards(items, {columns = items.length} = {}) {
  return h(
    "div",
    {class: `grid grid-cols-${Math.min(4, columns)} sc-kpis`},
    items.map(({label, value, note}) =>
      h("div", {class: "card sc-kpi"}, h("h2", {}, label), h("span", {class: "big"}, value), note ? h("div", {class: "sc-kpi-note"}, note) : null)
    )
  );
}

// One table of several indicators per unit, from marts.unit_indicator_ranking rows
// ({unit_code, unit_name, indicator_id, indicator_name, unit, value, numerator, denominator, rank, target, direction}):
// a row per unit, a column per indicator with its value, parts and rank in the tooltip.
import {h} from "./dom.js";
import {int, ratio} from "./format.js";
import {indicatorValue} from "./scorecard.js";
import {SortableTable} from "./table.js";

/**
 * rows: ranking rows of the chosen period; indicators: the indicator ids, in column order.
 * Units without any of them are left out, and so are indicators without rows; a missing cell shows "无数据".
 */
export function UnitIndicatorTable(rows, {indicators, testId}) {
  if (!rows.length) return h("p", {class: "sc-note", "data-testid": testId}, "本期没有这些指标的县区数据。");
  const units = new Map();
  for (const r of rows) {
    if (!units.has(r.unit_code)) units.set(r.unit_code, {unit_code: r.unit_code, unit_name: r.unit_name});
    units.get(r.unit_code)[r.indicator_id] = r;
  }
  const names = new Map(rows.map((r) => [r.indicator_id, r.indicator_name ?? r.indicator_id]));
  const columns = indicators.filter((id) => names.has(id)).map((id) => ({
    key: id,
    label: `${id} ${names.get(id) ?? ""}`.trim(),
    numeric: true,
    sortValue: (d) => d[id]?.value ?? null,
    format: (d) => {
      const r = d[id];
      if (r?.value == null) return "无数据";
      const parts = r.unit === "%" ? `${ratio(r.numerator, r.denominator)}` : "";
      return h("span", {title: [parts, r.rank == null ? "不排名" : `第 ${int(r.rank)} 名`].filter(Boolean).join(" · ")}, indicatorValue(r));
    }
  }));
  return SortableTable([...units.values()], [{key: "unit_name", label: "县区"}, ...columns], {testId, sort: {key: columns[0].key, descending: true}, compact: true});
}

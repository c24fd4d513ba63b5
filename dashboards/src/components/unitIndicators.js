// Indicators of units: a table of several indicators per unit, and the county page's own
// indicators with their status bands. UnitIndicatorTable reads marts.unit_indicator_ranking rows
// ({unit_code, unit_name, indicator_id, indicator_name, unit, value, numerator, denominator, rank, target, direction}):
// a row per unit, a column per indicator with its value, parts and rank in the tooltip.
import {hasRecords, recordsLink} from "./records.js";
import {h} from "./dom.js";
import {int, ratio} from "./format.js";
import {indicatorValue, pointsOfMax} from "./scorecard.js";
import {linked, unitHref} from "./links.js";
import {SortableTable} from "./table.js";

/**
 * rows: ranking rows of the chosen period; indicators: the indicator ids, in column order.
 * Units without any of them are left out, and so are indicators without rows; a missing cell shows "无数据".
 * Each county links to its scorecard (none to another unit in a build scoped to `scope`).
 */
export function UnitIndicatorTable(rows, {indicators, testId, scope = null}) {
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
  return SortableTable([...units.values()], [{key: "unit_name", label: "县区", format: (d) => linked(d.unit_name, unitHref(scope)(d.unit_code))}, ...columns], {testId, sort: {key: columns[0].key, descending: true}, compact: true});
}

/** A band of the unit loader (met / near / behind) in Chinese. */
export const BANDS = {met: "达标", near: "接近", behind: "落后"};

/** A county indicator's status: its band (or 无数据 / 不适用), with 低于底线 when its value is at or past the floor. */
export function unitIndicatorStatus(d) {
  if (d.status === "not_applicable") return "不适用";
  if (d.status === "no_data" || d.band == null) return "无数据";
  return d.below_floor ? `${BANDS[d.band]} · 低于底线` : BANDS[d.band];
}

/**
 * The county's indicators (the unit loader's `indicators`): its value against the target and the
 * city median of the units, its points, and its status by the definition's bands.
 */
export function CountyIndicatorTable(rows, {testId = "indicators", records = null} = {}) {
  const of = (d, value) => (value == null ? "—" : indicatorValue({...d, value}));
  return SortableTable(
    rows,
    [
      {key: "indicator_id", label: "编号", sortValue: (d) => d.sort_order},
      {key: "indicator_name", label: "指标", format: (d) => (hasRecords(records, d.indicator_id) ? recordsLink(d.indicator_id, d.indicator_name) : d.indicator_name)},
      {key: "value", label: "本县区", numeric: true, format: indicatorValue},
      {key: "target", label: "目标", numeric: true, format: (d) => of(d, d.target)},
      {key: "city_median", label: "全市中位数", numeric: true, format: (d) => of(d, d.city_median)},
      {key: "points", label: "得分 / 满分", numeric: true, format: pointsOfMax},
      {
        key: "band",
        label: "状态",
        sortValue: (d) => ["behind", "near", "met"].indexOf(d.band),
        format: (d) => {
          const text = unitIndicatorStatus(d);
          return d.band === "met" || d.band == null ? text : h("strong", {}, text);
        }
      },
      {key: "rank", label: "县区排名", numeric: true, format: (d) => (d.rank == null ? "—" : String(d.rank))}
    ],
    {testId, sort: {key: "indicator_id"}, keyColumns: 2, rowClass: (d) => (d.below_floor ? "sc-warn" : null)}
  );
}

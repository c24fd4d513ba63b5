// Charts and tables of the 事故案件 page; data from data/incidents.json.gz.
import * as Plot from "@observablehq/plot";
import {h} from "./dom.js";
import {PLOT_STYLE, countTicks, int} from "./format.js";
import {linked, schoolHref, unitHref} from "./links.js";
import {HatchLegend, hatch, hatchMark} from "./hatch.js";
import {palette} from "./palette.js";
import {SortableTable} from "./table.js";

const SEVERITIES = [
  {key: "一般", color: palette.sky},
  {key: "较大", color: palette.orange},
  {key: "重大", color: palette.vermillion},
  {key: "特别重大", color: palette.ink}
];
const SEVERITY_KEYS = SEVERITIES.map((s) => s.key);

/**
 * Cases per category, stacked by severity, with the total at the bar end. rows: {category, severity, n_cases}.
 * A category with a withheld count ("—", see the page's note) draws no bar and reads "—".
 */
export function CategoryChart(rows, {width}) {
  if (!rows.length) return h("p", {class: "sc-note"}, "本期没有事故案件。");
  const withheld = new Set(rows.filter((r) => typeof r.n_cases !== "number").map((r) => r.category));
  const totals = new Map();
  for (const r of rows) totals.set(r.category, withheld.has(r.category) ? 0 : (totals.get(r.category) ?? 0) + r.n_cases);
  rows = rows.filter((r) => !withheld.has(r.category));
  const order = [...totals.keys()].sort((a, b) => totals.get(b) - totals.get(a));
  const present = SEVERITIES.filter((s) => rows.some((r) => r.severity === s.key));
  const plot = Plot.plot({
    width,
    height: 48 + order.length * 30,
    marginLeft: 80,
    marginRight: 48,
    marginBottom: 40,
    style: PLOT_STYLE,
    x: {label: "案件数（起）", labelAnchor: "center", labelArrow: "none", grid: true, tickFormat: ",d", ticks: countTicks(Math.max(1, ...totals.values()))},
    y: {domain: order, label: null, tickSize: 0},
    color: {domain: present.map((s) => s.key), range: present.map((s) => s.color)},
    marks: [
      Plot.barX(rows, Plot.stackX({x: "n_cases", y: "category", fill: "severity", order: present.map((s) => s.key), insetTop: 4, insetBottom: 4, channels: {等级: "severity"}, tip: {format: {x: true, y: true, fill: false, 等级: true}}})),
      hatchMark(rows, {x: "n_cases", y: "category", z: "severity", keys: SEVERITY_KEYS, order: present.map((s) => s.key), insetTop: 4, insetBottom: 4}),
      Plot.text(order, {x: (c) => totals.get(c), y: (c) => c, text: (c) => (withheld.has(c) ? "—" : `${totals.get(c)} 起`), textAnchor: "start", dx: 4}),
      Plot.ruleX([0])
    ]
  });
  return h("figure", {class: "sc-chart"}, hatch(plot), HatchLegend(present, {keys: SEVERITY_KEYS}));
}

/** scope: the build's unit or null (links to the units that have pages). */
export function UnitCaseTable(rows, {scope = null} = {}) {
  return SortableTable(
    rows,
    [
      {key: "unit_name", label: "县区", format: (d) => linked(d.unit_name, unitHref(scope)(d.unit_code))},
      ...[["n_cases", "案件数"], ["weighted", "加权案件数"], ["n_late_reported", "迟报（较大及以上）"], ["n_deaths", "死亡人数"]].map(([key, label]) => ({key, label, numeric: true, sortValue: (d) => sortValue(d[key]), format: (d) => published(d[key])}))
    ],
    {testId: "unit-cases", sort: {key: "n_cases", descending: true}, compact: true}
  );
}

/** "<3" and "—" stay as published; numbers are formatted. */
function published(value) {
  return typeof value === "number" ? int(value) : value;
}

/** Sorting a published count: "<3" as 1, a withheld "—" below every number. */
function sortValue(value) {
  return typeof value === "number" ? value : value === "<3" ? 1 : -1;
}

/**
 * School rows as incidents.json.gz publishes them (small counts already "<3", complements "—").
 * Short headers, and names that wrap, so the table fits a 1280 px screen without scrolling.
 * 其他案件 = cases outside the sensitive categories; 受伤 / 死亡 = people.
 */
export function SchoolCaseTable(rows, {sensitive, showUnit = true, scope = null}) {
  return SortableTable(
    rows,
    [
      {key: "school_name", label: "学校", wrap: true, format: (d) => linked(d.school_name, schoolHref(d.school_code))},
      {key: "school_code", label: "学校标识码"},
      ...(showUnit ? [{key: "unit_name", label: "县区", wrap: true, format: (d) => linked(d.unit_name, unitHref(scope)(d.unit_code))}] : []),
      {key: "n_other", label: "其他案件", numeric: true, sortValue: (d) => sortValue(d.n_other), format: (d) => published(d.n_other)},
      ...sensitive.map((c) => ({key: `s:${c}`, label: c, numeric: true, sortValue: (d) => sortValue(d.sensitive[c]), format: (d) => published(d.sensitive[c])})),
      {key: "n_injured", label: "受伤", numeric: true, format: (d) => int(d.n_injured)},
      {key: "n_deaths", label: "死亡", numeric: true, sortValue: (d) => sortValue(d.n_deaths), format: (d) => published(d.n_deaths)}
    ],
    {testId: "school-cases", sort: {key: "n_other", descending: true}}
  );
}

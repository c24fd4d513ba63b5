// Charts and tables of the 隐患治理 page; data from data/hazards.json.gz.
import * as Plot from "@observablehq/plot";
import {h} from "./dom.js";
import {PLOT_STYLE, countTicks, int, pct} from "./format.js";
import {checklistItem, linked, schoolHref, unitHref} from "./links.js";
import {HatchLegend, hatch, hatchMark} from "./hatch.js";
import {palette} from "./palette.js";
import {SortableTable} from "./table.js";

const LEVELS = [
  {key: "一般", color: palette.sky},
  {key: "较大", color: palette.orange},
  {key: "重大", color: palette.vermillion}
];
const LEVEL_KEYS = LEVELS.map((l) => l.key);

/** Open hazards per age band, stacked by level, total at the bar end. rows: {band, hazard_level, n}. */
export function OpenHazardChart(rows, {width, bands}) {
  if (!rows.length) return h("p", {class: "sc-note"}, "统计截止日没有未整改的隐患。");
  const totals = new Map(bands.map((b) => [b, 0]));
  for (const r of rows) totals.set(r.band, totals.get(r.band) + r.n);
  const present = LEVELS.filter((l) => rows.some((r) => r.hazard_level === l.key));
  const plot = Plot.plot({
    width,
    height: 48 + bands.length * 34,
    marginLeft: 84,
    marginRight: 56,
    marginBottom: 40,
    style: PLOT_STYLE,
    x: {label: "未整改隐患（项）", labelAnchor: "center", labelArrow: "none", grid: true, tickFormat: ",d", ticks: countTicks(Math.max(...totals.values()))},
    y: {domain: bands, label: null, tickSize: 0},
    color: {domain: present.map((l) => l.key), range: present.map((l) => l.color)},
    marks: [
      Plot.barX(rows, Plot.stackX({x: "n", y: "band", fill: "hazard_level", order: present.map((l) => l.key), insetTop: 5, insetBottom: 5, channels: {等级: "hazard_level"}, tip: {format: {x: true, y: true, fill: false, 等级: true}}})),
      hatchMark(rows, {x: "n", y: "band", z: "hazard_level", keys: LEVEL_KEYS, order: present.map((l) => l.key), insetTop: 5, insetBottom: 5}),
      Plot.text(bands, {x: (b) => totals.get(b), y: (b) => b, text: (b) => `${totals.get(b)} 项`, textAnchor: "start", dx: 4}),
      Plot.ruleX([0])
    ]
  });
  return h("figure", {class: "sc-chart", "data-testid": "open-hazards"}, hatch(plot), HatchLegend(present, {keys: LEVEL_KEYS}));
}

/** The rectification funnel: found → due → rectified → on time, each with its share of the due hazards. */
export function FunnelChart(funnel, {width}) {
  const stages = [
    {stage: "期内发现", n: funnel.n_found, note: ""},
    {stage: "期内到期", n: funnel.n_due, note: ""},
    {stage: "已整改", n: funnel.n_rectified, note: funnel.n_due ? `（占到期 ${pct(funnel.n_rectified / funnel.n_due)}）` : ""},
    {stage: "按期整改", n: funnel.n_on_time, note: funnel.n_due ? `（占到期 ${pct(funnel.n_on_time / funnel.n_due)}）` : ""}
  ];
  const plot = Plot.plot({
    width,
    height: 48 + stages.length * 34,
    marginLeft: 72,
    marginRight: 160,
    marginBottom: 40,
    style: PLOT_STYLE,
    x: {label: "隐患数（项）", labelAnchor: "center", labelArrow: "none", grid: true, tickFormat: ",d", domain: [0, Math.max(1, ...stages.map((s) => s.n))], ticks: countTicks(Math.max(1, ...stages.map((s) => s.n)))},
    y: {domain: stages.map((s) => s.stage), label: null, tickSize: 0},
    marks: [
      Plot.barX(stages, {x: "n", y: "stage", fill: palette.blue, insetTop: 5, insetBottom: 5, tip: {format: {x: true, y: true}}}),
      Plot.text(stages, {x: "n", y: "stage", text: (s) => `${int(s.n)} 项${s.note}`, textAnchor: "start", dx: 4}),
      Plot.ruleX([0])
    ]
  });
  return h("figure", {class: "sc-chart", "data-testid": "funnel"}, plot);
}

/** A period's listed overdue major hazards as table rows: overdue_major.rows are [index into overdue_hazards, days overdue]. */
export function overdueRows(data, current) {
  return current.overdue_major.rows.map(([i, days]) => ({...data.overdue_hazards[i], days_overdue: days}));
}

/** How many major hazards are overdue, and where the full list is when the page lists only the most overdue. */
export function OverdueNote({total, rows}) {
  if (!total) return "";
  if (rows.length === total) return h("p", {class: "sc-note", "data-testid": "overdue-count"}, `统计截止日共 ${int(total)} 项超期未整改的重大隐患。`);
  return h(
    "p",
    {class: "sc-note", "data-testid": "overdue-count"},
    `统计截止日共 ${int(total)} 项超期未整改的重大隐患，下表列出超期最久的 ${int(rows.length)} 项。完整清单请数据分析人员用 `,
    h("code", {}, "safecampus query"),
    " 运行《常用查询》（",
    h("code", {}, "docs/queries.md"),
    "）第 4 条“截至某日超期未整改的隐患清单”导出：日期改为统计截止日，按隐患等级筛选“重大”。"
  );
}

/**
 * rows: overdueRows; scope: the build's unit or null (links to the units that have pages). The
 * school's name links to the 学校 page, which shows its code: no code column, so the items'
 * names fit a 1280 px screen.
 */
export function OverdueTable(rows, {showUnit = true, scope = null} = {}) {
  if (!rows.length) return h("p", {class: "sc-note", "data-testid": "overdue-major"}, "统计截止日没有超期未整改的重大隐患。");
  return SortableTable(
    rows,
    [
      {key: "school_name", label: "学校", wrap: true, format: (d) => linked(d.school_name, schoolHref(d.school_code))},
      ...(showUnit ? [{key: "unit_name", label: "县区", wrap: true, format: (d) => linked(d.unit_name, unitHref(scope)(d.unit_code))}] : []),
      {key: "item_code", label: "检查项", wrap: true, format: checklistItem},
      {key: "hazard_text", label: "隐患描述", wrap: true},
      {key: "found_on", label: "发现日期"},
      {key: "due_on", label: "整改期限"},
      {key: "days_overdue", label: "超期天数", numeric: true, format: (d) => int(d.days_overdue)}
    ],
    {testId: "overdue-major", sort: {key: "days_overdue", descending: true}}
  );
}

export function RecurrenceTable(rows, {scope = null} = {}) {
  if (!rows.length) return h("p", {class: "sc-note", "data-testid": "recurrence"}, "本期没有隐患复发率（A5）数据。");
  return SortableTable(
    rows,
    [
      {key: "rank", label: "排名", numeric: true, format: (d) => (d.rank == null ? "不排名" : int(d.rank))},
      {key: "unit_name", label: "县区", format: (d) => linked(d.unit_name, unitHref(scope)(d.unit_code))},
      {key: "value", label: "复发率", numeric: true, format: (d) => pct(d.value)},
      {key: "n_recurred", label: "复发隐患", numeric: true, format: (d) => int(d.n_recurred)},
      {key: "n_hazards", label: "隐患总数", numeric: true, format: (d) => int(d.n_hazards)}
    ],
    {testId: "recurrence", sort: {key: "rank"}, compact: true, keyColumns: 2}
  );
}

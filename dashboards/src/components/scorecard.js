// Scores, grades and ranks: the tables and charts shared by 总览, 县区评分卡 and 学校.
import * as Plot from "@observablehq/plot";
import {h} from "./dom.js";
import {PLOT_STYLE, fixedShort, indicatorText, int, pct, textWidth} from "./format.js";
import {palette} from "./palette.js";
import {periodLabel, shortPeriodLabel} from "./period.js";
import {hasRecords, recordsLink} from "./records.js";
import {SortableTable} from "./table.js";

/** Grades from best to worst, each with a colour (grades are also always written out). */
export const GRADES = [
  {grade: "优秀", color: palette.green},
  {grade: "良好", color: palette.sky},
  {grade: "合格", color: palette.orange},
  {grade: "不合格", color: palette.vermillion}
];

/** A score out of 100 with two decimals; null → "—". */
export function score(value) {
  return value == null || !Number.isFinite(value) ? "—" : value.toFixed(2);
}

/** A rank change (positive = moved up) as ↑2 / ↓1 / 持平; no previous rank → "新". */
export function rankChange(change, previous) {
  if (previous == null) return "—";
  if (change == null || change === 0) return "持平";
  return change > 0 ? `↑${change}` : `↓${-change}`;
}

function rankText(d) {
  return d.rank == null ? "不排名" : String(d.rank);
}

/** The unit ranking: rank, change, score, grade, vetoed schools. rows: overview.json `units`. */
/** href(d): the unit's scorecard link, or null for no link. */
export function UnitScoreTable(units, {highlight = null, href = null} = {}) {
  return SortableTable(
    units,
    [
      {key: "rank", label: "排名", numeric: true, format: rankText},
      {key: "unit_name", label: "县区", format: (d) => (href?.(d) ? h("a", {href: href(d)}, d.unit_name) : d.unit_name)},
      {key: "score", label: "得分", numeric: true, format: (d) => score(d.score)},
      {key: "grade", label: "等级", sortValue: (d) => GRADES.findIndex((g) => g.grade === d.grade)},
      {key: "rank_change", label: "名次变化", numeric: true, format: (d) => rankChange(d.rank_change, d.previous_rank)},
      {key: "previous_score", label: "上期得分", numeric: true, format: (d) => score(d.previous_score)},
      {key: "n_schools", label: "学校数", numeric: true, format: (d) => int(d.n_schools)},
      {key: "n_vetoed_schools", label: "一票否决学校数", numeric: true, format: (d) => int(d.n_vetoed_schools)}
    ],
    {testId: "unit-ranking", sort: {key: "rank"}, keyColumns: 2, rowClass: (d) => (d.unit_code === highlight ? "sc-highlight" : null)}
  );
}

/** Whether a school needs acting on: graded 不合格 or vetoed. */
export const isFailing = (d) => d.is_vetoed || d.grade === "不合格";

/**
 * Schools with score, grade and rank within their type. rows: {school_code, school_name, school_type, score, grade, rank, n_ranked, rank_change, previous_rank, is_vetoed, veto_reason}.
 * failingFirst: the vetoed schools, then the 不合格 ones (lowest score first), above the rest in their order.
 */
export function SchoolScoreTable(schools, {testId = "schools", href = null, failingFirst = false} = {}) {
  const flagged = failingFirst ? schools.filter(isFailing).sort((a, b) => b.is_vetoed - a.is_vetoed || a.score - b.score) : [];
  return SortableTable(
    failingFirst ? [...flagged, ...schools.filter((d) => !isFailing(d))] : schools,
    [
      {key: "school_name", label: "学校", format: (d) => (href ? h("a", {href: href(d)}, d.school_name) : d.school_name)},
      {key: "school_code", label: "学校标识码"},
      {key: "school_type", label: "学段"},
      {key: "score", label: "得分", numeric: true, format: (d) => score(d.score)},
      {key: "grade", label: "等级", sortValue: (d) => GRADES.findIndex((g) => g.grade === d.grade)},
      {key: "rank", label: "同学段名次", numeric: true, format: (d) => (d.rank == null ? "—" : `${d.rank} / ${d.n_ranked}`)},
      {key: "rank_change", label: "名次变化", numeric: true, format: (d) => rankChange(d.rank_change, d.previous_rank)},
      {key: "veto_reason", label: "一票否决", wrap: true, format: (d) => (d.is_vetoed ? h("strong", {}, d.veto_reason ?? "是") : "")}
    ],
    {testId, sort: failingFirst ? null : {key: "score", descending: true}, rowClass: (d) => (d.is_vetoed || (failingFirst && isFailing(d)) ? "sc-warn" : null)}
  );
}

/** Indicator status in Chinese: 达标 = full points, 未达标, 无数据, 不适用. */
export function indicatorStatus(d) {
  if (d.status === "not_applicable") return "不适用";
  if (d.status === "no_data") return "无数据";
  // pooled unit points are sums of 4-decimal school points: allow for floating-point noise
  return d.points != null && d.max_points != null && d.points >= d.max_points - 1e-9 ? "达标" : "未达标";
}

/** An indicator's value in its unit, as the reports write it (shared/format.js); the row carries its goal (target, direction). */
export const indicatorValue = (d) => indicatorText(d.value, d.unit, d);

/** "points / max" with two decimals; points short of the maximum never read as reaching it. */
export function pointsOfMax(d) {
  return d.max_points == null ? "—" : `${fixedShort(d.points ?? 0, 2, d.max_points)} / ${d.max_points}`;
}

/**
 * Indicator rows {indicator_id, indicator_name, value, unit, points, max_points, status, rank?} with their status.
 * records: {indicatorId: evidence tables} (components/records.js): a name with records links to them.
 */
export function IndicatorTable(rows, {testId = "indicators", showRank = false, records = null} = {}) {
  return SortableTable(
    rows,
    [
      {key: "indicator_id", label: "编号", sortValue: (d) => d.sort_order},
      {key: "indicator_name", label: "指标", format: (d) => (hasRecords(records, d.indicator_id) ? recordsLink(d.indicator_id, d.indicator_name) : d.indicator_name)},
      {key: "value", label: "指标值", numeric: true, format: indicatorValue},
      {key: "points", label: "得分 / 满分", numeric: true, format: pointsOfMax},
      {key: "status", label: "状态", sortValue: indicatorStatus, format: (d) => (indicatorStatus(d) === "未达标" ? h("strong", {}, "未达标") : indicatorStatus(d))},
      ...(showRank ? [{key: "rank", label: "县区排名", numeric: true, format: (d) => (d.rank == null ? "—" : String(d.rank))}] : [])
    ],
    {testId, sort: {key: "indicator_id"}, keyColumns: 2}
  );
}

/** Short boards with their suggestions. rows: marts.short_boards rows; records as for IndicatorTable. */
export function ShortBoards(rows, {testId = "short-boards", records = null} = {}) {
  if (!rows.length) return h("p", {class: "sc-note", "data-testid": testId}, "本期没有低于全市中位数的指标。");
  return h(
    "ol",
    {class: "sc-boards", "data-testid": testId},
    rows.map((d) =>
      h(
        "li",
        {},
        h("strong", {}, `${d.indicator_id} ${d.indicator_name}`),
        hasRecords(records, d.indicator_id) ? ["（", recordsLink(d.indicator_id, "查看明细记录"), "）"] : null,
        `：得分率 ${pct(d.attainment)}，全市中位数 ${pct(d.city_median_attainment)}，差距 ${pct(d.gap)}。`,
        h("ul", {}, (d.suggestions ?? [d.suggestion]).map((s) => h("li", {}, s)))
      )
    )
  );
}

/** Horizontal bars of unit scores (0–100) in rank order, coloured by grade, score at the bar end. */
export function ScoreBarChart(units, {width, highlight = null, cityAverage = null}) {
  const rows = units.map((d) => ({...d, name: d.is_ranked ? d.unit_name : `${d.unit_name}（不排名）`}));
  const longest = Math.max(4, ...rows.map((d) => d.name.length));
  const present = new Set(rows.map((d) => d.grade));
  const grades = GRADES.filter((g) => present.has(g.grade));
  const plot = Plot.plot({
    width,
    height: 48 + rows.length * 32,
    marginLeft: 12 + longest * 14,
    marginRight: 56,
    marginBottom: 40,
    style: PLOT_STYLE,
    x: {domain: [0, 100], label: "得分（分）", labelAnchor: "center", labelArrow: "none", grid: true},
    y: {domain: rows.map((d) => d.name), label: null, tickSize: 0},
    color: {domain: grades.map((g) => g.grade), range: grades.map((g) => g.color)},
    marks: [
      Plot.barX(rows, {
        x: "score",
        y: "name",
        fill: "grade",
        insetTop: 5,
        insetBottom: 5,
        channels: {等级: "grade", 排名: {value: (d) => (d.rank == null ? "不排名" : `第 ${d.rank} 名`)}},
        tip: {format: {y: true, x: (v) => `${v.toFixed(2)} 分`, fill: false, stroke: false, 等级: true, 排名: true}}
      }),
      Plot.barX(rows.filter((d) => d.unit_code === highlight), {x: "score", y: "name", stroke: palette.ink, strokeWidth: 2, insetTop: 5, insetBottom: 5}),
      cityAverage != null ? Plot.ruleX([cityAverage], {stroke: palette.ink, strokeDasharray: "8,4"}) : null,
      Plot.text(rows, {x: "score", y: "name", text: (d) => `${score(d.score)} ${d.grade}`, textAnchor: "start", dx: 4, fill: "currentColor"}),
      Plot.ruleX([0])
    ]
  });
  const legend = h(
    "div",
    {class: "sc-legend"},
    grades.map((g) => h("span", {}, h("i", {class: "sc-swatch", style: `background:${g.color}`}), g.grade)),
    cityAverage != null ? h("span", {}, `虚线：学校平均分 ${score(cityAverage)}`) : null
  );
  return h("figure", {class: "sc-chart", "data-testid": "score-chart"}, plot, legend);
}

/** Labelled x ticks of a trend: every period up to 12, else every k-th (the latest always labelled). */
export function trendTicks(periods, max = 12) {
  const step = Math.ceil(periods.length / max);
  return periods.filter((_, i) => (periods.length - 1 - i) % step === 0);
}

/**
 * The y-axis floor of a score trend: 60 (the 合格 line) when every score is at or above it, else the
 * lowest score rounded down to ten. Scores start at a grade line, not at 0, so changes of a few
 * points show; the axis label says where it starts.
 */
export function trendFloor(scores) {
  const lowest = Math.min(...scores);
  return lowest >= 60 ? 60 : Math.max(0, Math.floor(lowest / 10) * 10);
}

/** End labels spread apart so that none is nearer than `gap` (in score units) to the next. */
function spreadLabels(ends, gap) {
  const sorted = [...ends].sort((a, b) => a.score - b.score);
  sorted.forEach((d, i) => (d.y = i === 0 ? d.score : Math.max(d.score, sorted[i - 1].y + gap)));
  return sorted;
}

/** Lines of unit scores over periods of one kind, `highlight` drawn thick, each line named at its end. */
function trendPlot(data, {width, height, periods, floor, top, label, highlight, colors, background = [], compact = false}) {
  const innerHeight = height - 50;
  const last = periods.at(-1);
  const ends = spreadLabels(
    data.filter((d) => d.period === last).map((d) => ({...d})),
    ((top - floor) * 14) / innerHeight
  );
  const longest = Math.max(0, ...ends.map((d) => textWidth(`${d.unit_name} ${score(d.score)}`)));
  return Plot.plot({
    width,
    height,
    marginBottom: 40,
    marginRight: compact ? 16 : 16 + longest,
    marginTop: compact ? 24 : 20,
    style: PLOT_STYLE,
    x: {domain: periods, label: null, ticks: trendTicks(periods, compact ? 4 : 12), tickFormat: shortPeriodLabel, padding: 0.2},
    y: {domain: [floor, top], label, labelArrow: "none", grid: true, ticks: compact ? 3 : undefined},
    marks: [
      Plot.line(background, {x: "period", y: "score", z: "unit_code", stroke: "#c8c8c8", strokeWidth: 1}),
      Plot.line(data, {x: "period", y: "score", z: "unit_code", stroke: (d) => colors.get(d.unit_code), strokeWidth: (d) => (d.unit_code === highlight ? 4 : 2)}),
      Plot.dot(data, {x: "period", y: "score", fill: (d) => colors.get(d.unit_code), r: 3, channels: {县区: "unit_name", 期间: "期间"}, tip: {format: {x: false, fill: false, 县区: true, 期间: true, y: (v) => `${v.toFixed(2)} 分`}}}),
      compact ? Plot.text([data[0]], {frameAnchor: "top-left", dy: -16, text: "unit_name", fontWeight: 600}) : null,
      compact ? null : Plot.text(ends, {x: "period", y: "y", text: (d) => `${d.unit_name} ${score(d.score)}`, textAnchor: "start", dx: 8, fill: (d) => colors.get(d.unit_code), fontWeight: (d) => (d.unit_code === highlight ? 700 : 400)})
    ]
  });
}

/**
 * Unit scores over periods of one kind. Up to five units: one chart, each line in its own colour
 * and named at its end. More: small multiples, one panel per unit, its line over the others in
 * light grey, on the same axes. The y-axis starts at trendFloor and says so.
 * rows: overview.json `trend` (or one unit's history with unit_code and unit_name).
 */
export function TrendChart(rows, {width, kind = "year", highlight = null, label = "得分（分）"}) {
  const data = rows.filter((d) => d.period_kind === kind && d.score != null).map((d) => ({...d, 期间: periodLabel(d.period)}));
  const periods = [...new Set(data.map((d) => d.period))].sort();
  if (periods.length < 2) return h("p", {class: "sc-note"}, "只有一个统计期，暂无趋势。");
  const floor = trendFloor(data.map((d) => d.score));
  const top = 100;
  const axisLabel = floor > 0 ? `${label}，纵轴自 ${floor} 分起` : label;
  // best latest score first, so the panels read like the ranking
  const latest = new Map(data.map((d) => [d.unit_code, d.score]));
  const units = [...new Map(data.map((d) => [d.unit_code, d.unit_name]))].sort(([a], [b]) => latest.get(b) - latest.get(a));
  const series = [palette.blue, palette.vermillion, palette.green, palette.purple, palette.orange];
  if (units.length <= series.length) {
    const colors = new Map(units.map(([code], i) => [code, series[i]]));
    return h("figure", {class: "sc-chart", "data-testid": "trend-chart"}, trendPlot(data, {width, height: 300, periods, floor, top, label: axisLabel, highlight, colors}));
  }
  const columns = width >= 900 ? 5 : width >= 560 ? 3 : 2;
  const panelWidth = Math.floor((width - (columns - 1) * 8) / columns);
  const panels = units.map(([code]) =>
    h(
      "div",
      {class: "sc-trend-panel", "data-unit": code},
      trendPlot(data.filter((d) => d.unit_code === code), {
        width: panelWidth,
        height: 170,
        periods,
        floor,
        top,
        label: null,
        highlight,
        colors: new Map([[code, code === highlight ? palette.orange : palette.blue]]),
        background: data.filter((d) => d.unit_code !== code),
        compact: true
      })
    )
  );
  return h(
    "figure",
    {class: "sc-chart", "data-testid": "trend-chart"},
    h("div", {class: "sc-trend-grid", style: `grid-template-columns: repeat(${columns}, minmax(0, 1fr))`}, panels),
    h("figcaption", {class: "sc-note"}, `每格一个县区（蓝线），灰线为其他县区；纵轴为得分，${floor > 0 ? `自 ${floor} 分起，` : ""}满分 100。`)
  );
}

/** Domain attainment of one unit (or school) against the city: paired bars per domain, in percent. rows: {domain_id, domain_name, points, attainment, city_attainment}. */
export function DomainChart(domains, {width, who = "本县区"}) {
  const both = domains.flatMap((d) => [
    {name: `${d.domain_id} ${d.domain_name}`, series: who, value: d.attainment, points: d.points},
    {name: `${d.domain_id} ${d.domain_name}`, series: "全市", value: d.city_attainment, points: d.points}
  ]);
  const rows = both.filter((d) => d.value != null);
  // a domain without data keeps its row and says so, rather than an empty row that reads as 0
  const missing = both.filter((d) => d.value == null);
  const series = [{key: who, color: palette.blue}, {key: "全市", color: palette.grey}];
  const plot = Plot.plot({
    width,
    height: 40 + domains.length * 44,
    marginLeft: 120,
    marginRight: 110,
    marginBottom: 40,
    style: PLOT_STYLE,
    x: {domain: [0, 100], label: "得分率（%）", labelAnchor: "center", labelArrow: "none", grid: true},
    fy: {domain: domains.map((d) => `${d.domain_id} ${d.domain_name}`), label: null, tickSize: 0, axis: "left", padding: 0.15},
    y: {domain: series.map((s) => s.key), axis: null},
    color: {domain: series.map((s) => s.key), range: series.map((s) => s.color)},
    marks: [
      Plot.barX(rows, {
        x: (d) => d.value * 100,
        y: "series",
        fy: "name",
        fill: "series",
        channels: {对象: "series", 折合得分: {value: (d) => `${(d.value * d.points).toFixed(2)} / ${d.points} 分`}},
        tip: {format: {fy: true, y: false, x: (v) => `${v.toFixed(1)}%`, fill: false, 对象: true, 折合得分: true}}
      }),
      Plot.text(rows, {x: (d) => d.value * 100, y: "series", fy: "name", text: (d) => `${d.series} ${pct(d.value)}`, textAnchor: "start", dx: 4, fontSize: 11}),
      Plot.text(missing, {x: 0, y: "series", fy: "name", text: (d) => `${d.series} 无数据`, textAnchor: "start", dx: 4, fontSize: 11, fill: "#6b7280"}),
      Plot.ruleX([0])
    ]
  });
  const legend = h("div", {class: "sc-legend"}, series.map((s) => h("span", {}, h("i", {class: "sc-swatch", style: `background:${s.color}`}), s.key)));
  return h("figure", {class: "sc-chart", "data-testid": "domain-chart"}, plot, legend);
}

/** Score, grade and rank per period. rows: {period, score, grade, rank, n_ranked?, previous_rank, rank_change}. */
export function HistoryTable(rows, {testId = "history"} = {}) {
  return SortableTable(
    rows,
    [
      {key: "period", label: "统计期", format: (d) => periodLabel(d.period)},
      {key: "score", label: "得分", numeric: true, format: (d) => score(d.score)},
      {key: "grade", label: "等级"},
      {key: "rank", label: "名次", numeric: true, format: (d) => (d.rank == null ? "不排名" : d.n_ranked ? `${d.rank} / ${d.n_ranked}` : String(d.rank))},
      {key: "rank_change", label: "名次变化", numeric: true, format: (d) => rankChange(d.rank_change, d.previous_rank)}
    ],
    {testId, compact: true, sort: {key: "period", descending: true}}
  );
}

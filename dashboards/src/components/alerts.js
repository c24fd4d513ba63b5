// Charts and tables of the 预警与设备 page; data from data/alerts.json.gz.
import * as Plot from "@observablehq/plot";
import {h} from "./dom.js";
import {PLOT_STYLE, countTicks, int, pct, textWidth} from "./format.js";
import {HatchLegend, hatch, hatchMark} from "./hatch.js";
import {palette} from "./palette.js";
import {SortableTable} from "./table.js";

const LEVELS = [
  {key: "红", color: palette.vermillion},
  {key: "橙", color: palette.orange},
  {key: "黄", color: palette.yellow},
  {key: "蓝", color: palette.blue}
];
const LEVEL_KEYS = LEVELS.map((l) => l.key);
const WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

function minutes(value) {
  return value == null ? "—" : `${value.toFixed(1)} 分钟`;
}

/** Median and 90th percentile of the minutes to acknowledge, per origin and level. */
export function AcknowledgeTable(rows) {
  if (!rows.length) return h("p", {class: "sc-note", "data-testid": "acknowledge"}, "本期没有预警。");
  const levelOrder = (d) => LEVELS.findIndex((l) => l.key === d.level);
  return SortableTable(
    rows,
    [
      {key: "origin", label: "来源"},
      {key: "level", label: "级别", sortValue: levelOrder},
      {key: "n", label: "预警数", numeric: true, format: (d) => int(d.n)},
      {key: "n_acknowledged", label: "已认领", numeric: true, format: (d) => int(d.n_acknowledged)},
      {key: "median_minutes", label: "认领用时中位数", numeric: true, format: (d) => minutes(d.median_minutes)},
      {key: "p90_minutes", label: "认领用时 90 分位", numeric: true, format: (d) => minutes(d.p90_minutes)}
    ],
    {testId: "acknowledge", compact: true}
  );
}

/** Acknowledged alerts per response-time band, stacked by level. rows: {band, level, n}. */
export function AcknowledgeChart(rows, {width, bands}) {
  if (!rows.length) return h("p", {class: "sc-note"}, "本期没有已认领的预警。");
  const totals = new Map(bands.map((b) => [b, 0]));
  for (const r of rows) totals.set(r.band, totals.get(r.band) + r.n);
  const present = LEVELS.filter((l) => rows.some((r) => r.level === l.key));
  const max = Math.max(...totals.values());
  const total = (b) => `${int(totals.get(b))} 条`;
  const plot = Plot.plot({
    width,
    height: 48 + bands.length * 34,
    marginLeft: 84,
    marginRight: 12 + Math.max(...bands.map((b) => textWidth(total(b)))),
    marginBottom: 40,
    style: PLOT_STYLE,
    x: {label: "预警数（条）", labelAnchor: "center", labelArrow: "none", grid: true, tickFormat: ",d", ticks: countTicks(max)},
    y: {domain: bands, label: null, tickSize: 0},
    color: {domain: present.map((l) => l.key), range: present.map((l) => l.color)},
    marks: [
      Plot.barX(rows, Plot.stackX({x: "n", y: "band", fill: "level", order: present.map((l) => l.key), insetTop: 5, insetBottom: 5, stroke: palette.ink, strokeWidth: 0.5, channels: {级别: "level"}, tip: {format: {x: true, y: true, fill: false, 级别: true}}})),
      hatchMark(rows, {x: "n", y: "band", z: "level", keys: LEVEL_KEYS, order: present.map((l) => l.key), insetTop: 5, insetBottom: 5}),
      Plot.text(bands, {x: (b) => totals.get(b), y: (b) => b, text: total, textAnchor: "start", dx: 4}),
      Plot.ruleX([0])
    ]
  });
  return h("figure", {class: "sc-chart", "data-testid": "acknowledge-bins"}, hatch(plot), HatchLegend(present, {keys: LEVEL_KEYS, name: (l) => `${l.key}色预警`}));
}

export function FalseAlarmTable(rows) {
  if (!rows.length) return h("p", {class: "sc-note", "data-testid": "false-alarms"}, "本期没有预警。");
  return SortableTable(
    rows.map((r) => ({...r, rate: r.n ? r.n_false / r.n : null})),
    [
      {key: "origin", label: "来源"},
      {key: "n", label: "预警数", numeric: true, format: (d) => int(d.n)},
      {key: "n_false", label: "误报数", numeric: true, format: (d) => int(d.n_false)},
      {key: "rate", label: "误报率", numeric: true, format: (d) => pct(d.rate)}
    ],
    {testId: "false-alarms", sort: {key: "rate", descending: true}, compact: true}
  );
}

/**
 * Alerts per slot (hour of day or weekday), every slot shown, the count at the bar top when every
 * count fits its bar's width (else they would overlap: the tooltip has them).
 */
function SlotChart(rows, {width, slots, key, label, testId}) {
  const counts = new Map(rows.map((r) => [r[key], r.n]));
  const data = slots.map((s) => ({slot: s.label, n: counts.get(s.value) ?? 0}));
  const max = Math.max(1, ...data.map((d) => d.n));
  const [marginLeft, marginRight] = [48, 20];
  const slotWidth = (width - marginLeft - marginRight) / slots.length;
  const countsFit = data.every((d) => textWidth(int(d.n)) <= slotWidth - 2);
  const plot = Plot.plot({
    width,
    height: 240,
    marginLeft,
    marginRight,
    marginBottom: 40,
    style: PLOT_STYLE,
    x: {domain: data.map((d) => d.slot), label, labelAnchor: "center", labelArrow: "none", tickSize: 0, tickFormat: (d, i) => (slots.length > 12 && i % 3 ? "" : d)},
    y: {domain: [0, max * 1.15], label: "预警数（条）", labelArrow: "none", grid: true, tickFormat: ",d", ticks: countTicks(max)},
    marks: [
      Plot.barY(data, {x: "slot", y: "n", fill: palette.blue, insetLeft: 2, insetRight: 2, tip: {format: {x: true, y: true}}}),
      countsFit ? Plot.text(data.filter((d) => d.n), {x: "slot", y: "n", text: (d) => int(d.n), dy: -8}) : null,
      Plot.ruleY([0])
    ]
  });
  return h("figure", {class: "sc-chart", "data-testid": testId}, plot);
}

export function HourChart(rows, {width}) {
  const slots = Array.from({length: 24}, (_, i) => ({value: i, label: String(i)}));
  return SlotChart(rows, {width, slots, key: "hour", label: "发生时刻（时）", testId: "by-hour"});
}

export function WeekdayChart(rows, {width}) {
  const slots = WEEKDAYS.map((label, i) => ({value: i + 1, label}));
  return SlotChart(rows, {width, slots, key: "weekday", label: null, testId: "by-weekday"});
}

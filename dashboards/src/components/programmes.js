// Charts of the 专项工作 page; data from data/programmes.json.gz (tables: unitIndicators.js).
import * as Plot from "@observablehq/plot";
import {h} from "./dom.js";
import {PLOT_STYLE, int} from "./format.js";
import {palette} from "./palette.js";

const SEASON = {key: "防溺水重点期（5–9月）", color: palette.blue};
const OFF_SEASON = {key: "其他月份", color: palette.sky};

/** 水域巡查 per month of the period; season months in a darker colour and, where there is room, labelled "重点期" inside non-empty bars. rows: {month, in_season, n}. */
export function PatrolChart(rows, {width}) {
  if (!rows.some((r) => r.n)) return h("p", {class: "sc-note", "data-testid": "patrols"}, "本期没有水域巡查记录。");
  // on a phone twelve "10月" labels and the in-bar "重点期" collide: months as numbers, the season by colour and legend only
  const narrow = (width - 68) / rows.length < 36;
  const data = rows.map((r) => ({...r, label: narrow ? String(Number(r.month.slice(5))) : `${Number(r.month.slice(5))}月`, 时段: r.in_season ? "重点期" : "其他月份"}));
  const max = Math.max(1, ...data.map((d) => d.n));
  const plot = Plot.plot({
    width,
    height: 260,
    marginLeft: 48,
    marginBottom: 40,
    style: PLOT_STYLE,
    x: {domain: data.map((d) => d.label), label: narrow ? "月份" : null, labelAnchor: "center", labelArrow: "none", tickSize: 0},
    y: {domain: [0, max * 1.2], label: "水域巡查（次）", labelArrow: "none", grid: true, tickFormat: ",d", ticks: max <= 10 ? max : undefined},
    marks: [
      Plot.barY(data, {x: "label", y: "n", fill: (d) => (d.in_season ? SEASON.color : OFF_SEASON.color), insetLeft: 2, insetRight: 2, channels: {时段: "时段"}, tip: {format: {x: true, y: true, fill: false, 时段: true}}}),
      Plot.text(data.filter((d) => d.n), {x: "label", y: "n", text: (d) => int(d.n), dy: -8}),
      narrow ? null : Plot.text(data.filter((d) => d.in_season && d.n), {x: "label", y: 0, text: () => "重点期", dy: -8, fill: "white", fontSize: 10}),
      Plot.ruleY([0])
    ]
  });
  const legend = h("div", {class: "sc-legend"}, [SEASON, OFF_SEASON].map((s) => h("span", {}, h("i", {class: "sc-swatch", style: `background:${s.color}`}), s.key)));
  return h("figure", {class: "sc-chart", "data-testid": "patrols"}, plot, legend);
}

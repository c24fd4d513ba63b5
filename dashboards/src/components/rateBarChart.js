import * as Plot from "@observablehq/plot";
import {h} from "./dom.js";
import {int, pct} from "./format.js";
import {palette} from "./palette.js";

const SVG = "http://www.w3.org/2000/svg";

/**
 * Horizontal bars of a rate per unit, in rank order, with the indicator's target and
 * floor as reference lines and the city rate as a dashed line, plus a legend.
 *
 * data: [{unit_code, unit_name, value (0..1), numerator, denominator, rank, is_ranked}]
 * options: {width, target?, floor?, cityValue?, highlight? (a unit_code), label?, partsLabels?}
 * Unranked units (市直) are drawn in grey below the ranked ones, marked 不排名.
 */
export function RateBarChart(
  data,
  {width, target = null, floor = null, cityValue = null, highlight = null, label = "按期整改率（%）", partsLabels = ["按期整改", "应整改"]} = {}
) {
  const rows = data
    .filter((d) => d.value != null)
    .map((d) => ({
      ...d,
      name: d.is_ranked ? d.unit_name : `${d.unit_name}（不排名）`,
      percent: d.value * 100,
      group: d.unit_code === highlight ? "本单位" : d.is_ranked ? "县区" : "不排名"
    }));
  const order = rows
    .slice()
    .sort((a, b) => b.is_ranked - a.is_ranked || (a.rank ?? Infinity) - (b.rank ?? Infinity) || b.value - a.value)
    .map((d) => d.name);
  const longest = Math.max(4, ...rows.map((d) => d.name.length));
  const groups = [
    {key: "县区", color: palette.blue},
    {key: "本单位", color: palette.orange},
    {key: "不排名", color: palette.grey}
  ];
  const lines = [
    target != null && {x: target * 100, text: `目标 ${pct(target, 0)}`, dash: null, color: palette.green},
    floor != null && {x: floor * 100, text: `底线 ${pct(floor, 0)}`, dash: "3,3", color: palette.vermillion},
    cityValue != null && {x: cityValue * 100, text: `全市 ${pct(cityValue)}`, dash: "8,4", color: palette.ink}
  ].filter(Boolean);
  const [numeratorLabel, denominatorLabel] = partsLabels;
  const valueText = {x: "percent", y: "name", text: (d) => pct(d.value), fontWeight: 600};

  const plot = Plot.plot({
    width,
    height: 48 + rows.length * 34,
    marginLeft: 12 + longest * 14,
    marginRight: 60,
    marginBottom: 40,
    style: {fontFamily: "var(--sans-serif)", fontSize: "13px"},
    x: {domain: [0, 100], label, labelAnchor: "center", labelArrow: "none", tickFormat: (d) => `${d}%`, grid: true},
    y: {domain: order, label: null, tickSize: 0},
    color: {domain: groups.map((g) => g.key), range: groups.map((g) => g.color)},
    marks: [
      Plot.barX(rows, {
        x: "percent",
        y: "name",
        fill: "group",
        insetTop: 6,
        insetBottom: 6,
        channels: {
          排名: {value: (d) => (d.rank == null ? "不排名" : `第 ${d.rank} 名`)},
          [numeratorLabel]: {value: (d) => int(d.numerator)},
          [denominatorLabel]: {value: (d) => int(d.denominator)}
        },
        tip: {format: {y: true, x: (v) => `${v.toFixed(1)}%`, fill: false, 排名: true, [numeratorLabel]: true, [denominatorLabel]: true}}
      }),
      ...lines.map((line) => Plot.ruleX([line.x], {stroke: line.color, strokeWidth: 1.5, strokeDasharray: line.dash ?? undefined})),
      // Value labels inside the bar end (outside when the bar is too short to hold one).
      Plot.text(rows.filter((d) => d.percent >= 25 && d.group !== "本单位"), {...valueText, textAnchor: "end", dx: -6, fill: "white"}),
      Plot.text(rows.filter((d) => d.percent >= 25 && d.group === "本单位"), {...valueText, textAnchor: "end", dx: -6, fill: "black"}),
      Plot.text(rows.filter((d) => d.percent < 25), {...valueText, textAnchor: "start", dx: 4, fill: "currentColor"}),
      Plot.ruleX([0])
    ]
  });

  const present = new Set(rows.map((d) => d.group));
  const legend = h(
    "div",
    {class: "sc-legend"},
    groups.filter((g) => present.has(g.key)).map((g) => h("span", {}, swatchBox(g.color), g.key === "不排名" ? "市直（单列，不排名）" : g.key)),
    lines.map((line) => h("span", {}, swatchLine(line.color, line.dash), line.text))
  );
  return h("figure", {class: "sc-chart"}, plot, legend);
}

function swatchBox(color) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", "14");
  svg.setAttribute("height", "14");
  svg.setAttribute("aria-hidden", "true");
  const rect = document.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries({x: 1, y: 1, width: 12, height: 12, fill: color})) rect.setAttribute(k, v);
  svg.append(rect);
  return svg;
}

function swatchLine(color, dash) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", "28");
  svg.setAttribute("height", "14");
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(SVG, "line");
  for (const [k, v] of Object.entries({x1: 1, x2: 27, y1: 7, y2: 7, stroke: color, "stroke-width": 2})) line.setAttribute(k, v);
  if (dash) line.setAttribute("stroke-dasharray", dash);
  svg.append(line);
  return svg;
}

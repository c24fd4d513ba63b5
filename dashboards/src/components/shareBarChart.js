import * as Plot from "@observablehq/plot";
import {PLOT_STYLE, int, pct} from "./format.js";
import {palette} from "./palette.js";

/**
 * Horizontal bars of a share (0..1) per category, largest first, one colour, the value
 * printed at the bar end and a tooltip with the counts behind it.
 *
 * data: [{name, value (0..1), numerator, denominator}]
 * options: {width, label (x axis, e.g. "拒收比例（%）"), parts: [numeratorLabel, denominatorLabel]}
 */
export function ShareBarChart(data, {width, label, parts: [numeratorLabel, denominatorLabel]}) {
  const rows = data.filter((d) => d.value != null).map((d) => ({...d, percent: d.value * 100}));
  const max = Math.max(1, ...rows.map((d) => d.percent));
  const longest = Math.max(4, ...rows.map((d) => d.name.length));
  return Plot.plot({
    width,
    height: 48 + rows.length * 32,
    marginLeft: 12 + longest * 14,
    marginRight: 64,
    marginBottom: 40,
    style: PLOT_STYLE,
    x: {domain: [0, Math.ceil(max * 1.1)], label, labelAnchor: "center", labelArrow: "none", tickFormat: (d) => `${d}%`, grid: true},
    y: {domain: rows.slice().sort((a, b) => b.value - a.value).map((d) => d.name), label: null, tickSize: 0},
    marks: [
      Plot.barX(rows, {
        x: "percent",
        y: "name",
        fill: palette.blue,
        insetTop: 5,
        insetBottom: 5,
        channels: {[numeratorLabel]: {value: (d) => int(d.numerator)}, [denominatorLabel]: {value: (d) => int(d.denominator)}},
        tip: {format: {y: true, x: (v) => `${v.toFixed(1)}%`, [numeratorLabel]: true, [denominatorLabel]: true}}
      }),
      Plot.text(rows, {x: "percent", y: "name", text: (d) => pct(d.value), textAnchor: "start", dx: 4, fill: "currentColor"}),
      Plot.ruleX([0])
    ]
  });
}

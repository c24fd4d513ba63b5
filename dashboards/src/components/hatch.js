// Stacked bars whose categories a black-and-white printout (or a reader who cannot tell the
// colours apart) still tells apart: each category keeps its colour and gets a hatching — none,
// diagonal, crossed, horizontal, in the order of the chart's categories — drawn over its segments
// and repeated in its legend swatch.
import * as Plot from "@observablehq/plot";
import {h} from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const INK = "rgb(0 0 0 / 0.55)";
const line = (angle) => `repeating-linear-gradient(${angle}deg, ${INK} 0 1px, transparent 1px 4px)`;
const HATCHES = [
  null,
  {id: "sc-hatch-diagonal", path: "M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2", css: line(-45)},
  {id: "sc-hatch-cross", path: "M0,0 L6,6 M0,6 L6,0", css: `${line(-45)}, ${line(45)}`},
  {id: "sc-hatch-horizontal", path: "M0,3 H6", css: line(0)}
];

/**
 * The hatching over a stacked barX: the same rows and stack options as the coloured bars
 * (`stack`: x, y, order, insets…), `z` the field naming the category, `keys` every category the
 * chart may show, in its order (a category keeps its hatching whichever others are present). Plot cannot fill with an SVG pattern, so every segment is drawn with its category
 * as its title and `hatch(svg)` swaps the title for the pattern after the chart is drawn.
 */
export function hatchMark(rows, {keys, ...stack}) {
  return Plot.barX(rows, Plot.stackX({...stack, fill: "none", title: (d) => `${keys.indexOf(d[stack.z])}`, className: "sc-hatch"}));
}

/** Fills the hatchMark's segments with their patterns; returns the chart. */
export function hatch(svg) {
  const defs = document.createElementNS(SVG, "defs");
  for (const hatching of HATCHES.filter(Boolean)) {
    const pattern = document.createElementNS(SVG, "pattern");
    for (const [name, value] of Object.entries({id: hatching.id, patternUnits: "userSpaceOnUse", width: 6, height: 6})) pattern.setAttribute(name, value);
    const path = document.createElementNS(SVG, "path");
    for (const [name, value] of Object.entries({d: hatching.path, stroke: "#000", "stroke-opacity": 0.55, "stroke-width": 1})) path.setAttribute(name, value);
    pattern.append(path);
    defs.append(pattern);
  }
  svg.prepend(defs);
  for (const rect of svg.querySelectorAll(".sc-hatch rect")) {
    const title = rect.querySelector("title");
    const hatching = HATCHES[Number(title?.textContent)];
    title?.remove();
    rect.setAttribute("fill", hatching ? `url(#${hatching.id})` : "none");
  }
  return svg;
}

/** The legend of a hatched chart: each category of `items` ({key, color}) in its colour and hatching, and its name. */
export function HatchLegend(items, {keys, name = (item) => item.key}) {
  return h(
    "div",
    {class: "sc-legend"},
    items.map((item) => {
      const hatching = HATCHES[keys.indexOf(item.key)];
      return h("span", {}, h("i", {class: "sc-swatch", style: `background: ${hatching ? `${hatching.css}, ` : ""}${item.color}`}), name(item));
    })
  );
}

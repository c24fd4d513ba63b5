// The schematic tile map of 总览 and 年度考核: one square per unit, placed on the grid of
// data/reference/unit_tiles.csv (data/unit-tiles.json) roughly as the units lie, coloured by
// grade and labelled with name, score, grade and rank, so it needs no boundary data and no map
// tiles. A unit without a square is drawn in a row below the grid, never left out.
import {h} from "./dom.js";
import {GRADES, score} from "./scorecard.js";

const GRADE_COLOR = new Map(GRADES.map((g) => [g.grade, g.color]));

function tile(unit, row, {href, highlight}) {
  const link = href?.(unit) ?? null;
  const color = row?.grade ? GRADE_COLOR.get(row.grade) : null;
  return h(
    link ? "a" : "div",
    {
      class: `sc-tile${color ? "" : " sc-tile-empty"}${unit.unit_code === highlight ? " sc-tile-own" : ""}`,
      href: link,
      style: color ? `background:${color}` : null,
      "data-unit": unit.unit_code,
      title: `${unit.unit_name}：${row ? `${score(row.score)} 分，${row.grade ?? "无等级"}` : "本期无得分"}`
    },
    h("span", {class: "sc-tile-name"}, unit.unit_name),
    h("span", {class: "sc-tile-score"}, row ? score(row.score) : "—"),
    h("span", {class: "sc-tile-grade"}, row ? [row.grade ?? "—", row.rank == null ? " · 不排名" : ` · 第${row.rank}名`] : "无数据")
  );
}

/**
 * tiles: unit-tiles.json `units` ({unit_code, unit_name, col, row}); rows: the period's unit
 * scores ({unit_code, score, grade, rank}); href(unit) → link or null; highlight: a unit code.
 */
export function TileMap(tiles, rows, {href = null, highlight = null} = {}) {
  const byCode = new Map(rows.map((d) => [d.unit_code, d]));
  const placed = tiles.filter((d) => d.col != null && d.row != null);
  const unplaced = tiles.filter((d) => d.col == null || d.row == null);
  const columns = Math.max(0, ...placed.map((d) => d.col + 1));
  const grid = placed.length
    ? h(
        "div",
        {class: "sc-tile-grid", style: `grid-template-columns:repeat(${columns},minmax(0,1fr))`},
        placed.map((d) => {
          const element = tile(d, byCode.get(d.unit_code), {href, highlight});
          element.style.gridColumn = String(d.col + 1);
          element.style.gridRow = String(d.row + 1);
          return element;
        })
      )
    : null;
  const below = unplaced.length
    ? h(
        "div",
        {class: "sc-tile-unplaced"},
        h("p", {class: "sc-note"}, placed.length ? "未在示意图上定位的单位：" : "参考数据未给出各单位在示意图上的位置："),
        h("div", {class: "sc-tile-row"}, unplaced.map((d) => tile(d, byCode.get(d.unit_code), {href, highlight})))
      )
    : null;
  const legend = h(
    "div",
    {class: "sc-legend"},
    GRADES.map((g) => h("span", {}, h("span", {class: "sc-swatch", style: `background:${g.color}`}), g.grade)),
    h("span", {}, h("span", {class: "sc-swatch sc-tile-empty"}), "无数据"),
    h("span", {}, "方块位置为大致方位示意，不代表辖区边界和面积")
  );
  return h("figure", {class: "sc-tile-map", "data-testid": "tile-map"}, grid, below, legend);
}

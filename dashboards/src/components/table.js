import {h} from "./dom.js";

/**
 * A sortable HTML table (click a header to sort; again to reverse).
 *
 * columns: [{
 *   key,                 // field name, used for sorting unless `sortValue` is given
 *   label,               // header text
 *   format?: (row) => string | Node,   // cell content (default: row[key])
 *   sortValue?: (row) => number | string | null,
 *   numeric?: boolean,   // right-aligned, sorts numerically
 *   wrap?: boolean,      // long text: let the cell wrap (cells stay on one line by default)
 * }]
 * options: {caption?, rowClass?: (row) => string | null, sort?: {key, descending?}, testId?, compact? (as wide as its content),
 *   keyColumns? (1 or 2, default 1: the leading columns that name a row — the school or county, or a rank
 *   or code and then the name — kept in view while a narrow screen scrolls the table sideways)}
 * Nulls sort last in both directions. Ties keep the incoming order (stable sort).
 *
 * A table wider than its box scrolls inside it: the frame then says so above the table
 * ("左右滑动查看更多") and shades the edge that has more to show (ScrollCue).
 */
function cellClass(column, index, keyColumns) {
  return [column.numeric && "sc-num", column.wrap && "sc-wrap", index < keyColumns && "sc-key", index === keyColumns - 1 && "sc-key-last"].filter(Boolean).join(" ") || null;
}

export function SortableTable(rows, columns, {caption, rowClass, sort, testId, compact = false, keyColumns = 1} = {}) {
  let state = sort ? {key: sort.key, descending: !!sort.descending} : null;
  const tbody = h("tbody");
  const headers = columns.map((column, index) =>
    h(
      "th",
      {scope: "col", class: cellClass({numeric: column.numeric}, index, keyColumns), "data-key": column.key},
      h("button", {type: "button", onclick: () => toggle(column.key)}, column.label)
    )
  );

  function valueOf(column, row) {
    const v = column.sortValue ? column.sortValue(row) : row[column.key];
    return v === undefined ? null : v;
  }

  function render() {
    let ordered = rows;
    if (state) {
      const column = columns.find((c) => c.key === state.key);
      const sign = state.descending ? -1 : 1;
      ordered = rows
        .map((row, index) => ({row, index, value: valueOf(column, row)}))
        .sort((a, b) => {
          if (a.value == null || b.value == null) return (a.value == null) - (b.value == null) || a.index - b.index;
          const c = typeof a.value === "number" && typeof b.value === "number" ? a.value - b.value : String(a.value).localeCompare(String(b.value), "zh-CN");
          return sign * c || a.index - b.index;
        })
        .map((d) => d.row);
    }
    tbody.replaceChildren(
      ...ordered.map((row) =>
        h(
          "tr",
          {class: rowClass?.(row) ?? null},
          columns.map((column, index) => h("td", {class: cellClass(column, index, keyColumns), "data-key": column.key}, column.format ? column.format(row) : row[column.key] ?? "—"))
        )
      )
    );
    for (const th of headers) {
      const key = th.getAttribute("data-key");
      if (state?.key === key) th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    }
  }

  function toggle(key) {
    state = state?.key === key ? {key, descending: !state.descending} : {key, descending: false};
    render();
  }

  render();
  const table = h("table", {class: compact ? "sc-table sc-compact" : "sc-table", "data-testid": testId ?? null}, caption ? h("caption", {}, caption) : null, h("thead", {}, h("tr", {}, headers)), tbody);
  return ScrollCue(table, keyColumns);
}

/**
 * `table` in a box that scrolls it sideways when it is wider, and says so: the frame then has the
 * class sc-scrolls (the hint above the table shows), sc-more-left / sc-more-right (a shadow on the
 * edge that hides more). The key columns are sticky (style.css); a second one starts where the
 * first ends (--sc-key-offset).
 */
function ScrollCue(table, keyColumns) {
  const scroller = h("div", {class: "sc-table-wrap"}, table);
  const frame = h("div", {class: "sc-table-frame"}, h("div", {class: "sc-scroll-hint"}, "← 左右滑动查看更多 →"), scroller);
  function update() {
    const more = scroller.scrollWidth - scroller.clientWidth;
    frame.classList.toggle("sc-scrolls", more > 1);
    frame.classList.toggle("sc-more-left", more > 1 && scroller.scrollLeft > 1);
    frame.classList.toggle("sc-more-right", more > 1 && scroller.scrollLeft < more - 1);
    const first = table.querySelector("thead th");
    if (keyColumns > 1 && first) table.style.setProperty("--sc-key-offset", `${first.getBoundingClientRect().width}px`);
  }
  scroller.addEventListener("scroll", update, {passive: true});
  const observer = new ResizeObserver(update);
  observer.observe(table);
  observer.observe(scroller);
  return frame;
}

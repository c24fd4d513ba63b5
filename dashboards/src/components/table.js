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
 * options: {caption?, rowClass?: (row) => string | null, sort?: {key, descending?}, testId?, compact? (as wide as its content)}
 * Nulls sort last in both directions. Ties keep the incoming order (stable sort).
 */
function cellClass(column) {
  return [column.numeric && "sc-num", column.wrap && "sc-wrap"].filter(Boolean).join(" ") || null;
}

export function SortableTable(rows, columns, {caption, rowClass, sort, testId, compact = false} = {}) {
  let state = sort ? {key: sort.key, descending: !!sort.descending} : null;
  const tbody = h("tbody");
  const headers = columns.map((column) =>
    h(
      "th",
      {scope: "col", class: column.numeric ? "sc-num" : null, "data-key": column.key},
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
          columns.map((column) => h("td", {class: cellClass(column), "data-key": column.key}, column.format ? column.format(row) : row[column.key] ?? "—"))
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
  return h(
    "div",
    {class: "sc-table-wrap"},
    h("table", {class: compact ? "sc-table sc-compact" : "sc-table", "data-testid": testId ?? null}, caption ? h("caption", {}, caption) : null, h("thead", {}, h("tr", {}, headers)), tbody)
  );
}

// The 数据字典 page: every table of core and marts with its columns, and a filter box that
// narrows them as one types; data from data/dictionary.json.
import {h} from "./dom.js";
import {int} from "./format.js";
import {SortableTable} from "./table.js";

const COLUMNS = [
  {key: "name", label: "字段名", format: (d) => h("code", {}, d.name)},
  {key: "type", label: "类型"},
  {key: "description_zh", label: "说明", wrap: true}
];

const matches = (query, ...texts) => texts.some((t) => String(t ?? "").toLowerCase().includes(query));

/**
 * The tables that match `query` (case-insensitive): a table whose name, title or grain matches
 * keeps all its columns, otherwise only the columns whose name, type or description match.
 */
export function filterTables(tables, query) {
  const q = query.trim().toLowerCase();
  if (!q) return tables;
  return tables
    .map((t) => (matches(q, t.table, t.title_zh, t.grain_zh) ? t : {...t, columns: t.columns.filter((c) => matches(q, c.name, c.type, c.description_zh))}))
    .filter((t) => t.columns.length);
}

function tableSection(t) {
  return h(
    "section",
    {class: "sc-dictionary-table", "data-table": t.table},
    h("h3", {id: t.table}, t.title_zh),
    h("p", {class: "sc-note", "data-testid": "dictionary-grain"}, "表名 ", h("code", {}, t.table), `。粒度：${t.grain_zh}。`),
    h("div", {class: "card"}, SortableTable(t.columns, COLUMNS, {testId: `columns-${t.table}`}))
  );
}

/** The filter box, the count of what matches, and the tables, re-rendered on every keystroke. */
export function Dictionary(tables) {
  const input = h("input", {type: "search", placeholder: "输入表名、字段名或说明中的文字筛选，如 school_code、整改", "aria-label": "筛选", "data-testid": "dictionary-filter", style: "width: 100%; max-width: 36em; font-size: 16px; padding: 0.3rem 0.5rem"});
  const count = h("p", {class: "sc-subtitle", "data-testid": "dictionary-count"});
  const list = h("div");
  function render() {
    const shown = filterTables(tables, input.value);
    const nColumns = shown.reduce((n, t) => n + t.columns.length, 0);
    count.textContent = input.value.trim() ? `匹配 ${int(shown.length)} 张表、${int(nColumns)} 个字段` : `共 ${int(tables.length)} 张表、${int(nColumns)} 个字段`;
    list.replaceChildren(...(shown.length ? shown.map(tableSection) : [h("p", {class: "sc-note"}, "没有匹配的表或字段，请换一个关键词。")]));
  }
  input.addEventListener("input", render);
  render();
  return h("div", {}, input, count, list);
}

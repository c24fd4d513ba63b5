// The records behind an indicator that is not met (transforms/evidence.ts, as the assessment
// report lists them): per indicator a collapsible section with its tables, the first rows and
// the total. An indicator's name elsewhere on the page links to its section (recordsLink).
import {h} from "./dom.js";
import {int} from "./format.js";
import {SortableTable} from "./table.js";

const sectionId = (indicatorId) => `records-${indicatorId}`;

/** The sections a reader opened, by `key` and indicator: a page drawn again at another width (resize) keeps them open. */
const opened = new Set();

/**
 * A link to an indicator's records that opens its section and scrolls to it, leaving the
 * address alone (the 学校 page keeps the school's code after "#").
 */
export function recordsLink(indicatorId, label) {
  return h(
    "a",
    {
      href: `#${sectionId(indicatorId)}`,
      "data-records": indicatorId,
      onclick: (event) => {
        const section = document.getElementById(sectionId(indicatorId));
        if (!section) return;
        event.preventDefault();
        section.open = true;
        section.scrollIntoView({block: "start"});
      }
    },
    label
  );
}

/** "（共 N 条，列出前 M 条）" or "（N 条）": how much of the total a table lists. */
function countNote(table) {
  return table.total > table.rows.length ? `（共 ${int(table.total)} 条，列出前 ${int(table.rows.length)} 条）` : `（${int(table.total)} 条）`;
}

/** The table without its 学校 column (on one school's page every row names that school). */
function withoutSchool(table) {
  if (table.headers[0] !== "学校") return table;
  return {...table, headers: table.headers.slice(1), rows: table.rows.map((row) => row.slice(1))};
}

/** One evidence table: its title with the count, its rows. */
function RecordTable(table, testId) {
  const columns = table.headers.map((label, i) => ({key: String(i), label, numeric: typeof table.rows[0]?.[i] === "number", wrap: /描述/.test(label)}));
  return h(
    "div",
    {class: "sc-records", "data-testid": testId, "data-total": table.total},
    h("p", {class: "sc-note"}, table.title, countNote(table)),
    SortableTable(table.rows.map((row) => Object.fromEntries(row.map((v, i) => [String(i), v]))), columns, {compact: table.headers.length <= 3})
  );
}

/**
 * The records of every unmet indicator that has any. records: {indicatorId: [{title, headers,
 * rows, total}]}; indicators: rows with {indicator_id, indicator_name, sort_order?} naming them;
 * oneSchool: the records are one school's (its name is left out of the rows); key: whose
 * records they are (a school or unit code), so the sections a reader opened stay open.
 */
export function RecordSections(records, indicators, {empty = "本期未达标的指标没有可列出的明细记录。", oneSchool = false, key = ""} = {}) {
  const ids = indicators.map((d) => d.indicator_id).filter((id) => records?.[id]?.some((t) => t.rows.length));
  if (!ids.length) return h("p", {class: "sc-note", "data-testid": "records-empty"}, empty);
  const named = new Map(indicators.map((d) => [d.indicator_id, d.indicator_name]));
  return h(
    "div",
    {"data-testid": "records"},
    ids.map((id) =>
      h(
        "details",
        {
          class: "sc-details",
          id: sectionId(id),
          "data-testid": sectionId(id),
          open: opened.has(`${key}\t${id}`),
          ontoggle: (event) => (event.currentTarget.open ? opened.add(`${key}\t${id}`) : opened.delete(`${key}\t${id}`))
        },
        h("summary", {}, `${id} ${named.get(id) ?? ""} · `, records[id].map((t) => `${t.title}${countNote(t)}`).join("；")),
        records[id].map((t, i) => RecordTable(oneSchool ? withoutSchool(t) : t, `${sectionId(id)}-${i}`))
      )
    )
  );
}

/** Whether an indicator has records to open. */
export function hasRecords(records, indicatorId) {
  return !!records?.[indicatorId]?.some((t) => t.rows.length);
}

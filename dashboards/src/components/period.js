import {h} from "./dom.js";

// Period identifiers as the warehouse writes them (transforms/periods.ts): 2025 (year),
// 2025-T1 (spring term, Feb–Jul), 2025-T2 (autumn term, Sep–Jan), 2025-Q3, 2025-09.
const KINDS = [
  {kind: "year", group: "年度", pattern: /^(\d{4})$/, label: ([, y]) => `${y}年`},
  {kind: "term", group: "学期", pattern: /^(\d{4})-T([12])$/, label: ([, y, t]) => `${y}年${t === "1" ? "春季" : "秋季"}学期`},
  {kind: "quarter", group: "季度", pattern: /^(\d{4})-Q([1-4])$/, label: ([, y, q]) => `${y}年第${q}季度`},
  {kind: "month", group: "月份", pattern: /^(\d{4})-(0[1-9]|1[0-2])$/, label: ([, y, m]) => `${y}年${Number(m)}月`}
];

function kindOf(period) {
  for (const kind of KINDS) {
    const match = kind.pattern.exec(String(period));
    if (match) return {kind, match};
  }
  return null;
}

/** A period id in Chinese, e.g. "2025-T2" → "2025年秋季学期", "2025-09" → "2025年9月". */
export function periodLabel(period) {
  const found = kindOf(period);
  return found ? found.kind.label(found.match) : String(period);
}

/** A short name for a chart axis, e.g. "2025-T1" → "2025春", "2025-Q3" → "2025Q3"; a year stays "2025年". */
export function shortPeriodLabel(period) {
  const found = kindOf(period);
  if (!found) return String(period);
  const [, y, part] = found.match;
  return {year: `${y}年`, term: `${y}${part === "1" ? "春" : "秋"}`, quarter: `${y}Q${part}`, month: `${y}.${Number(part)}`}[found.kind.kind];
}

/**
 * The shared period selector: a <select> grouped by 年度 / 学期 / 季度 / 月份, latest first
 * within each group. It is an Observable "view" (it has a `value` and emits `input`), so a
 * page writes `const period = view(PeriodSelect(periods))` and everything that uses
 * `period` follows the choice. Prints as the chosen period's name.
 *
 * periods: period ids; options: {value? (default: the latest year), label?}
 */
export function PeriodSelect(periods, {value, label = "统计期间"} = {}) {
  const known = [...new Set(periods)].filter((p) => kindOf(p));
  if (known.length === 0) throw new Error("PeriodSelect: no periods to choose from");
  const latestYear = known.filter((p) => kindOf(p).kind.kind === "year").sort().at(-1);
  const initial = value != null && known.includes(value) ? value : latestYear ?? known.slice().sort().at(-1);
  const select = h(
    "select",
    {"aria-label": label},
    KINDS.map(({kind, group}) => {
      const members = known.filter((p) => kindOf(p).kind.kind === kind).sort().reverse();
      return members.length ? h("optgroup", {label: group}, members.map((p) => h("option", {value: p, selected: p === initial}, periodLabel(p)))) : null;
    })
  );
  select.value = initial;
  const printed = h("span", {class: "sc-print-only"}, periodLabel(initial));
  select.addEventListener("input", () => (printed.textContent = periodLabel(select.value)));
  const element = h("label", {class: "sc-period", "data-testid": "period-select"}, h("span", {}, `${label}：`), select, printed);
  Object.defineProperty(element, "value", {get: () => select.value});
  return element;
}

/** The latest period of the same kind before `period` among `periods`, or null (a year's previous year, a term's previous term). */
export function previousPeriod(periods, period) {
  const kind = kindOf(period)?.kind.kind;
  return [...new Set(periods)].filter((p) => kindOf(p)?.kind.kind === kind && String(p) < String(period)).sort().at(-1) ?? null;
}

/** How a change from the previous period is named: 同比 for a year against the year before, 环比 for terms, quarters and months. */
export function changeWord(period) {
  return kindOf(period)?.kind.kind === "year" ? "同比" : "环比";
}

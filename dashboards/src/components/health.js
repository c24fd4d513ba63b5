// 报送监测 (source monitoring) on the 数据质量 and 县区评分卡 pages and the 总览 banner; the data is
// lib/health.ts's (quality.json `health`, units/CODE.json.gz `health`, overview.json `missing_sources`).
import {h} from "./dom.js";
import {pageHref} from "./links.js";
import {dateTime, int, pct} from "./format.js";
import {SortableTable} from "./table.js";

const STATUS_CLASS = {正常: "ok", 迟报: "late", 缺报: "missing", 异常: "anomaly"};
const STATUS_ORDER = {缺报: 0, 迟报: 1, 异常: 2, 正常: 3};

/** The status as a word (the class only helps the eye); a source not judged reads 不判定. */
export function statusBadge(status) {
  return h("span", {class: `sc-health sc-health-${STATUS_CLASS[status] ?? "none"}`}, status ?? "不判定");
}

const since = (d) => (d.status_since_on ? `${d.status_since_on} 起` : "—");
const flagged = (d) => (d.flagged_since_on ? `${d.flagged_since_on}（连续 ${int(d.n_checks)} 次检查）` : "—");
const latest = (d) => d.latest_on ?? "从未报送";

/**
 * Where the statuses come from: the data's last day, and the latest daily check kept in the
 * snapshot. On a unit page (`unitPage`) without the check's city-wide counts — the page shows the
 * unit's own rows — and pointing to the rules on 数据质量 instead of below.
 */
export function HealthNote(health, {unitPage = false} = {}) {
  const check = health.latest_check;
  const counts = check && !unitPage ? `，全市缺报 ${int(check.n_missing)} 项、迟报 ${int(check.n_late)} 项、报送量异常 ${int(check.n_anomalies)} 项` : "";
  const checked = check
    ? `最近一次每日检查：检查日 ${check.check_on}（${dateTime(check.checked_at)}，数据截至 ${check.data_until_on ?? "—"}）${counts}；共保存 ${int(check.n_checks)} 次检查记录。`
    : "快照中尚无每日检查记录。";
  return h(
    "p",
    {class: "sc-note", "data-testid": "health-note"},
    `按数据最新日期 ${health.as_of_on ?? "—"} 判定：最新业务日期、逾期天数和状态（正常、迟报、缺报、异常）依据${unitPage ? "数据质量页" : "下方"}“报送要求”；“问题起始”为按数据推算的状态起始日，“首次检出”为连续检查中最早发现该问题的检查日。${checked}`
  );
}

/** The sources in the order of the contracts: the registry first, cases (not judged) last. */
const SOURCE_ORDER = ["schools", "inspections", "sensors", "alerts", "activities", "cases"];
const bySource = (a, b) => SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source);

/** Units × sources: each cell the status and the latest business date; the units with a problem first (city-wide 数据质量 page). */
export function UnitSourceMatrix(units) {
  const sources = [...new Map(units.slice().sort(bySource).map((d) => [d.source, d.what])).entries()];
  const byUnit = new Map();
  for (const d of units) {
    const row = byUnit.get(d.unit_code) ?? {unit_code: d.unit_code, unit_name: d.unit_name, cells: {}, worst: 3};
    row.cells[d.source] = d;
    if (d.status) row.worst = Math.min(row.worst, STATUS_ORDER[d.status]);
    byUnit.set(d.unit_code, row);
  }
  return SortableTable(
    [...byUnit.values()].sort((a, b) => a.worst - b.worst || a.unit_code.localeCompare(b.unit_code)),
    [
      {key: "unit_name", label: "单位", format: (d) => h("a", {href: pageHref(`./units/${d.unit_code}`)}, d.unit_name)},
      ...sources.map(([source, label]) => ({
        key: `source:${source}`,
        label,
        sortValue: (d) => STATUS_ORDER[d.cells[source]?.status] ?? 4,
        format: (d) => {
          const cell = d.cells[source];
          if (!cell) return "—";
          return h("span", {}, statusBadge(cell.status), h("br"), h("span", {class: "sc-note"}, latest(cell)));
        }
      }))
    ],
    {testId: "health-units", rowClass: (d) => (d.worst <= 1 ? "sc-warn" : null)}
  );
}

/** One unit's sources (县区评分卡): status, dates, completeness and how many of its schools are late or missing. */
export function UnitSourceTable(units) {
  return SortableTable(
    units.slice().sort(bySource),
    [
      {key: "what", label: "数据来源"},
      {key: "status", label: "状态", format: (d) => statusBadge(d.status), sortValue: (d) => STATUS_ORDER[d.status] ?? 4},
      {key: "latest_on", label: "最新业务日期", format: latest},
      {key: "lag_days", label: "逾期天数", numeric: true, format: (d) => int(d.lag_days)},
      {key: "completeness", label: "完整率", numeric: true, format: (d) => (d.completeness == null ? "—" : `${pct(d.completeness)}（${int(d.n_schools_reporting)} / ${int(d.n_schools_expected)}）`)},
      {key: "n_schools_missing", label: "缺报学校", numeric: true, format: (d) => int(d.n_schools_missing)},
      {key: "n_schools_late", label: "迟报学校", numeric: true, format: (d) => int(d.n_schools_late)},
      {key: "status_since_on", label: "问题起始", format: since}
    ],
    {testId: "health-sources", compact: true, rowClass: (d) => (STATUS_ORDER[d.status] <= 1 ? "sc-warn" : null)}
  );
}

/** Every unit or school row not 正常, with how long it stands: the list people act on. */
export function ProblemTable(problems, {testId = "health-problems", showUnit = true} = {}) {
  const school = (d) =>
    d.school_code
      ? h("span", {}, h("a", {href: pageHref(`${showUnit ? "." : ".."}/schools#${d.school_code}`)}, d.school_name), h("br"), h("span", {class: "sc-note"}, d.school_code))
      : "（单位整体）";
  return SortableTable(
    problems,
    [
      ...(showUnit ? [{key: "unit_name", label: "单位"}] : []),
      {key: "school_name", label: "学校", format: school, sortValue: (d) => d.school_code ?? "", wrap: true},
      {key: "what", label: "数据来源", wrap: true},
      {key: "status", label: "状态", format: (d) => statusBadge(d.status), sortValue: (d) => STATUS_ORDER[d.status]},
      {key: "latest_on", label: "最新记录", format: latest},
      {key: "lag_days", label: "逾期天数", numeric: true, format: (d) => int(d.lag_days)},
      {key: "status_since_on", label: "问题起始", format: since},
      {key: "flagged_since_on", label: "首次检出", format: flagged, wrap: true}
    ],
    {testId, rowClass: (d) => (d.status === "缺报" ? "sc-warn" : null)}
  );
}

/** What each source owes and when it is late: the cadences of data/reference/source_cadence.csv, in words. */
export function RuleTable(rules) {
  return SortableTable(
    rules,
    [
      {key: "what", label: "数据来源"},
      {key: "scope", label: "监测对象", format: (d) => (d.scope === "school" ? "每所学校" : "每个单位")},
      {key: "rule", label: "报送要求", wrap: true}
    ],
    {testId: "health-rules"}
  );
}

/** The 总览 line when anything is 缺报 (null otherwise). missing: overview.json `missing_sources`. */
export function MissingBanner(missing) {
  if (!missing.length) return null;
  const n = missing.reduce((sum, d) => sum + (d.n_schools ?? 1), 0);
  const items = missing.map((d) => `${d.unit_name} ${d.what}${d.n_schools ? ` ${int(d.n_schools)} 所学校` : ""}`);
  return h(
    "div",
    {class: "sc-health-banner", "data-testid": "health-banner", role: "alert"},
    h("strong", {}, `报送监测：缺报 ${int(n)} 项`),
    `——${items.join("；")}。`,
    h("a", {href: pageHref("./quality#health")}, "查看报送监测")
  );
}

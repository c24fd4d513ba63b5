// Tables and wording of the 指标说明 page; data from data/methodology.json
// (src/data/methodology.json.ts), one edition of the indicator system at a time.
import {h} from "./dom.js";
import {int, pct, thresholdText} from "./format.js";
import {SortableTable} from "./table.js";

const DIRECTION = {higher_better: "越高越好", lower_better: "越低越好"};
const EMPTY = {not_applicable: "按不适用折算", no_data: "计 0 分（无数据）"};

/** The ranking methods of the definition file, in Chinese. */
export const METHODS = {
  points: {name: "分值法", text: "正式得分：各适用指标得分之和，按适用分值折算为百分制。"},
  ahp: {name: "层次分析法（AHP）", text: "由一级指标两两比较判断矩阵的主特征向量求出权重，一致性比率 CR ≤ 0.10 方可使用。"},
  entropy: {name: "熵权法", text: "按各学校指标得分率的离散程度确定指标权重，学校间差异越大的指标权重越高。"},
  topsis: {name: "TOPSIS 法", text: "按与最优解、最劣解的相对接近度排序。"}
};

/** A threshold in the indicator's unit: rates are stored as fractions (0.98 → 98%). */
export const threshold = (indicator, value) => thresholdText(value, indicator.unit);

/** How an indicator scores, in one phrase. */
export function scoringRule(indicator) {
  switch (indicator.kind) {
    case "rate":
    case "duration":
      return `目标 ${threshold(indicator, indicator.target)}，底线 ${threshold(indicator, indicator.floor)}（${DIRECTION[indicator.direction]}）`;
    case "deduction":
      if (indicator.deductions?.length) {
        return `基准 ${indicator.base} 分，${indicator.deductions.map((d) => `每次${d.action}扣 ${d.per_occurrence} 分`).join("、")}，扣完为止`;
      }
      return `每${indicator.unit}扣 ${indicator.deduction_per_occurrence} 分，扣完为止`;
    case "yes_no":
      return "达标得满分，未达标 0 分";
    default:
      return indicator.kind;
  }
}

/** Which schools an indicator applies to, e.g. "全部学校" or "不含幼儿园；仅临水学校". */
export function applicability(indicator, {schoolTypes, flags}) {
  const types = indicator.applies_to ?? schoolTypes;
  const excluded = schoolTypes.filter((t) => !types.includes(t));
  const base = excluded.length === 0 ? "全部学校" : excluded.length < types.length ? `不含${excluded.join("、")}` : `仅${types.join("、")}`;
  const flagNames = indicator.requires_flags.map((id) => flags.find((f) => f.id === id)?.name ?? id);
  return flagNames.length ? `${base}；仅${flagNames.join("、")}` : base;
}

export function DomainTable(domains, {schoolTypes}) {
  return SortableTable(
    domains,
    [
      {key: "id", label: "编号"},
      {key: "name", label: "一级指标"},
      {key: "points", label: "分值", numeric: true},
      {key: "n", label: "二级指标", sortValue: (d) => d.indicators.length, format: (d) => d.indicators.map((i) => `${i.id} ${i.name}`).join("、"), wrap: true},
      {key: "applies_to", label: "适用学校", format: (d) => applicability({applies_to: d.applies_to, requires_flags: []}, {schoolTypes, flags: []})}
    ],
    {testId: "domains", keyColumns: 2}
  );
}

export function IndicatorTable(indicators, {schoolTypes, flags, testId}) {
  return SortableTable(
    indicators,
    [
      {key: "id", label: "编号"},
      {key: "name", label: "指标"},
      {key: "formula_text", label: "计算方法", wrap: true},
      {key: "rule", label: "计分规则", sortValue: (d) => d.kind, format: scoringRule, wrap: true},
      {key: "points", label: "分值", numeric: true},
      ...(schoolTypes ? [{key: "applies_to", label: "适用范围", format: (d) => applicability(d, {schoolTypes, flags}), wrap: true}] : []),
      {key: "empty_denominator", label: "无可计量对象时", format: (d) => EMPTY[d.empty_denominator] ?? d.empty_denominator},
      {key: "data_sources", label: "数据来源", format: (d) => d.data_sources.join("、"), wrap: true}
    ],
    {testId, keyColumns: 2}
  );
}

/** The rectification suggestions of a list of indicators, as a collapsible list. */
export function Suggestions(indicators) {
  const items = indicators.filter((i) => i.suggestions.length);
  if (!items.length) return null;
  return h(
    "details",
    {class: "sc-details"},
    h("summary", {}, `整改建议（${items.map((i) => i.id).join("、")}）`),
    h(
      "dl",
      {class: "sc-suggestions"},
      items.map((i) => [h("dt", {}, `${i.id} ${i.name}`), i.suggestions.map((s) => h("dd", {}, s))])
    )
  );
}

export function GradeTable(bands) {
  return SortableTable(
    bands.map((b, i) => ({...b, max: i === 0 ? null : bands[i - 1].min_score})),
    [
      {key: "grade", label: "等级"},
      {key: "min_score", label: "得分区间", format: (d) => (d.max == null ? `≥ ${d.min_score}` : `${d.min_score} ≤ 得分 < ${d.max}`)}
    ],
    {testId: "grades", compact: true}
  );
}

/** The 县区评分卡 status bands: attainment thresholds {met, near} (0–1) as three rows. */
export function StatusBandTable({met, near}) {
  const percent = (x) => `${+(x * 100).toFixed(2)}%`;
  return SortableTable(
    [
      {band: "达标", range: `得分率 ≥ ${percent(met)}`},
      {band: "接近", range: `${percent(near)} ≤ 得分率 < ${percent(met)}`},
      {band: "落后", range: `得分率 < ${percent(near)}`}
    ],
    [
      {key: "band", label: "状态"},
      {key: "range", label: "县区该项得分率"}
    ],
    {testId: "status-bands", compact: true}
  );
}

export function GuardTable(staffing) {
  return SortableTable(
    staffing.enrollment_bands,
    [
      {
        key: "min_enrollment",
        label: "在校生数",
        format: (d) => (d.max_enrollment == null ? `${int(d.min_enrollment)} 人及以上` : `${int(d.min_enrollment)}–${int(d.max_enrollment)} 人`)
      },
      {
        key: "guards",
        label: "应配专职保安",
        format: (d) =>
          d.extra_guard_per_students ? `${d.guards} 人，超出部分每 ${int(d.extra_guard_per_students)} 名学生增配 1 人` : `${d.guards} 人`
      }
    ],
    {testId: "guards", compact: true}
  );
}

export function AhpTable(ahp, domains, {totalPoints}) {
  const rows = ahp.labels.map((id, i) => ({id, name: domains.find((d) => d.id === id)?.name ?? id, weight: ahp.weights[i], points: domains.find((d) => d.id === id)?.points}));
  return SortableTable(
    rows,
    [
      {key: "id", label: "编号"},
      {key: "name", label: "一级指标"},
      {key: "weight", label: "AHP 权重", numeric: true, format: (d) => pct(d.weight)},
      {key: "points", label: "分值法权重", numeric: true, format: (d) => (d.points == null ? "—" : pct(d.points / totalPoints, 0))}
    ],
    {testId: "ahp", sort: {key: "weight", descending: true}, keyColumns: 2}
  );
}

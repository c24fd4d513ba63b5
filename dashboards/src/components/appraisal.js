// The 年度考核 page: the sign-off of an approved appraisal, its official unit ranking and the
// ranking under the other methods of the definition; data from data/appraisal.json.
import {h} from "./dom.js";
import {dateTime, int} from "./format.js";
import {GRADES, score} from "./scorecard.js";
import {SortableTable} from "./table.js";

/** Who approved the appraisal and when, and what it was computed on (hashes shortened, full on hover). */
export function SignOff(a) {
  const hash = (value) => h("code", {title: value}, value.slice(0, 12));
  return h(
    "dl",
    {class: "sc-signoff", "data-testid": "signoff"},
    h("dt", {}, "考核编号"), h("dd", {}, h("code", {}, a.appraisal_id)),
    h("dt", {}, "批准人"), h("dd", {}, a.approver ?? "—"),
    h("dt", {}, "批准时间"), h("dd", {}, dateTime(a.decided_at)),
    h("dt", {}, "数据截止日"), h("dd", {}, a.cutoff_on),
    h("dt", {}, "指标体系版本"), h("dd", {}, a.definition_version),
    h("dt", {}, "冻结快照校验码（SHA-256）"), h("dd", {}, hash(a.snapshot_sha256)),
    a.comment ? [h("dt", {}, "审批意见"), h("dd", {}, a.comment)] : null
  );
}

/**
 * Links to the official report (PDF) and ranking workbook (XLSX) the site ships beside the page
 * (appraisal.json `files`, paths from the site's root); or why there are none.
 */
export function OfficialFiles(a, {scoped = false} = {}) {
  if (!a.files.length) {
    return h("p", {class: "sc-note", "data-testid": "official-files"}, scoped ? "正式文件（考核报告和排名表）含全市各学校的排名，只在全市站点发布。" : "本站点未附正式文件（考核报告和排名表）：审批通过时未生成或已被移走，请向市教育局索取。");
  }
  return h(
    "ul",
    {"data-testid": "official-files"},
    a.files.map((f) => h("li", {}, h("a", {href: `./${f.href}`, "data-kind": f.kind}, `${a.year}年度${f.label}`)))
  );
}

export function AppraisalRanking(rows) {
  return SortableTable(
    rows,
    [
      {key: "rank", label: "排名", numeric: true, format: (d) => (d.rank == null ? "不排名" : String(d.rank))},
      {key: "unit_name", label: "县区"},
      {key: "score", label: "综合得分", numeric: true, format: (d) => score(d.score)},
      {key: "grade", label: "等级", sortValue: (d) => GRADES.findIndex((g) => g.grade === d.grade)},
      {key: "school_mean", label: "学校加权平均分", numeric: true, format: (d) => score(d.school_mean)},
      {key: "supervision_score", label: "督导得分", numeric: true, format: (d) => score(d.supervision_score)},
      {key: "n_schools", label: "学校数", numeric: true, format: (d) => int(d.n_schools)},
      {key: "n_vetoed_schools", label: "一票否决学校数", numeric: true, format: (d) => int(d.n_vetoed_schools)}
    ],
    {testId: "appraisal-ranking", sort: {key: "rank"}, keyColumns: 2}
  );
}

/** The ranking methods of the definition's `ranking.side_by_side`, as the page names them. */
const METHODS = {
  points: {label: "得分法（官方）", digits: 2},
  ahp: {label: "层次分析法（AHP）", digits: 2},
  entropy: {label: "熵权法", digits: 2},
  topsis: {label: "TOPSIS 法（优劣解距离法）", digits: 4}
};

const share = (w) => `${Math.round(w * 100)}%`;

/** Where TOPSIS takes its weights from (`ranking.methods.topsis.weights_from`). */
function topsisWeights(c) {
  if (c.topsis_weights_from === "entropy") return "取熵权法的权重";
  if (c.topsis_weights_from === "ahp") return "取层次分析法的领域权重，按分值分到各指标";
  return `按各指标分值（学校指标合占 ${share(c.school_weight)}、督导指标合占 ${share(c.supervision_weight)}）`;
}

/** A unit's rank and score under a method, "2（85.00）"; a rank unlike the official one is bold with an arrow, "3 ↓1（63.83）". */
function methodCell(d, method) {
  const result = d.methods[method];
  if (!result) return "—";
  const score = h("span", {class: "sc-method-score"}, `（${result.score.toFixed(METHODS[method].digits)}）`);
  const official = d.methods.points?.rank;
  if (method === "points" || official == null || result.rank === official) return [String(result.rank), score];
  const diff = official - result.rank;
  const rank = h("span", {class: "sc-rank-diff", title: `比官方排名${diff > 0 ? "高" : "低"} ${Math.abs(diff)} 位`}, `${result.rank} ${diff > 0 ? "↑" : "↓"}${Math.abs(diff)}`);
  return [rank, score];
}

/**
 * The ranked units under every method: per method the rank with the score (TOPSIS: closeness)
 * in brackets, sorted by rank; ranks that differ from the official one in bold with an arrow,
 * and whether the methods agree. c: appraisal.json `comparison`.
 */
export function MethodComparisonTable(c, {highlight = null} = {}) {
  const columns = [
    {key: "unit_name", label: "县区"},
    ...c.methods.map((method) => ({key: method, label: METHODS[method].label, numeric: true, sortValue: (d) => d.methods[method]?.rank ?? null, format: (d) => methodCell(d, method)})),
    {key: "differs", label: "各方法名次", format: (d) => (d.differs ? h("strong", {}, "有差异") : "一致")}
  ];
  return SortableTable(c.units, columns, {
    caption: "名次（得分；TOPSIS 法为贴近度）",
    testId: "method-comparison",
    sort: {key: "points"},
    rowClass: (d) => (d.unit_code === highlight ? "sc-highlight" : null)
  });
}

/** What each method weighs, in a sentence or two; the official rank is the points ranking. */
export function MethodNotes(c) {
  const school = share(c.school_weight);
  const supervision = share(c.supervision_weight);
  const text = {
    points: `各指标得分相加，按适用分值折算为百分制；县区得分 = ${school} × 所辖学校得分按学生人日（在校生数 × 开办天数）加权平均 + ${supervision} × 督导得分。年度考核的正式排名以此为准。`,
    ahp: c.ahp
      ? `按专家两两比较判断矩阵求出各领域权重（${c.ahp.domains.map((d) => `${d.name} ${share(d.weight)}`).join("，")}；一致性比率 CR = ${c.ahp.cr.toFixed(3)}），学校得分 = 各适用领域得分率的加权平均 × 100，县区同样按 ${school} / ${supervision} 合成。`
      : null,
    entropy: `以各县区的指标得分率为评价准则，县区之间差异越大的指标权重越高（客观赋权）；得分 = 100 × ∑ 权重 × 得分率。`,
    topsis: `在同一组指标得分率上，计算各县区与最优、最劣方案的距离，贴近度（0–1）越大越好；权重${topsisWeights(c)}。`
  };
  const dropped = c.dropped_criteria.length
    ? h("p", {class: "sc-note"}, `熵权法和 TOPSIS 法只用所有参与排名的县区都能评价的指标（${(c.entropy_criteria ?? []).map((d) => d.id).join("、") || "无"}）；未纳入：${c.dropped_criteria.map((d) => `${d.id} ${d.name}`).join("、")}。`)
    : null;
  return h(
    "div",
    {"data-testid": "method-notes"},
    h("dl", {class: "sc-suggestions"}, c.methods.map((method) => [h("dt", {}, METHODS[method].label), h("dd", {}, text[method] ?? "—")])),
    dropped,
    h("p", {class: "sc-note"}, "其他方法的排名仅供参考和分析短板，不改变官方排名；加粗并带箭头的名次与官方排名不同（↑ 高于官方，↓ 低于官方）。")
  );
}

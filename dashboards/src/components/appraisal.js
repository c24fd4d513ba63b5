// The 年度考核 page: the sign-off of an approved appraisal and its official unit ranking;
// data from data/appraisal.json.
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
      {key: "n_vetoed_schools", label: "否决学校", numeric: true, format: (d) => int(d.n_vetoed_schools)}
    ],
    {testId: "appraisal-ranking", sort: {key: "rank"}}
  );
}

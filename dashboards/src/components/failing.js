// The 不合格与一票否决学校 page: the schools graded 不合格 and the vetoed ones of a period
// (data/failing.json), each with its weakest indicators and links to the school and its unit.
import {h} from "./dom.js";
import {fixedShort} from "./format.js";
import {linked, schoolHref, unitHref} from "./links.js";
import {GRADES, score} from "./scorecard.js";
import {SortableTable} from "./table.js";

/** "A4 重大隐患超期 3.00 / 6 分": an indicator with the points it earned of its maximum. */
function weakest(d) {
  return `${d.indicator_id} ${d.indicator_name} ${fixedShort(d.points, 2, d.max_points)} / ${d.max_points} 分`;
}

/** rows: data/failing.json `by_period[p]`; scope: the build's unit or null (links to the units that have pages). */
export function FailingTable(rows, {scope = null} = {}) {
  return SortableTable(
    rows,
    [
      {key: "school_name", label: "学校", format: (d) => linked(d.school_name, schoolHref(d.school_code))},
      {key: "unit_name", label: "县区", format: (d) => linked(d.unit_name, unitHref(scope)(d.unit_code))},
      {key: "school_type", label: "学段"},
      {key: "score", label: "得分", numeric: true, format: (d) => score(d.score)},
      {key: "grade", label: "等级", sortValue: (d) => GRADES.findIndex((g) => g.grade === d.grade)},
      {key: "rank", label: "同学段名次", numeric: true, format: (d) => (d.rank == null ? "—" : `${d.rank} / ${d.n_ranked}`)},
      {key: "veto_reason", label: "一票否决", wrap: true, sortValue: (d) => (d.is_vetoed ? 0 : 1), format: (d) => (d.is_vetoed ? h("strong", {}, d.veto_reason ?? "是") : "—")},
      {
        key: "worst",
        label: "最弱指标",
        wrap: true,
        sortValue: (d) => (d.worst[0] ? d.worst[0].points / d.worst[0].max_points : null),
        format: (d) => (d.worst.length ? h("ol", {class: "sc-worst"}, d.worst.map((w) => h("li", {}, weakest(w)))) : "—")
      }
    ],
    {testId: "failing-schools", rowClass: (d) => (d.is_vetoed ? "sc-warn" : null)}
  );
}

// "What changed since the last period" on the 总览 page.
import {h} from "./dom.js";
import {int} from "./format.js";
import {score} from "./scorecard.js";

/** units: overview.json `units` (with previous_score/previous_grade); gradeChanges: {up?, down?} school counts. */
export function ChangeList(units, gradeChanges, {where}) {
  const withPrevious = units.filter((d) => d.previous_score != null);
  if (!withPrevious.length) return h("p", {class: "sc-note", "data-testid": "changes"}, "没有上一统计期的数据，无法比较。");
  const items = [];
  for (const d of withPrevious) {
    const delta = d.score - d.previous_score;
    const parts = [`得分 ${score(d.previous_score)} → ${score(d.score)}（${delta >= 0 ? "+" : ""}${delta.toFixed(2)}）`];
    if (d.rank != null && d.previous_rank != null && d.rank !== d.previous_rank) {
      parts.push(`名次 ${d.previous_rank} → ${d.rank}（${d.rank < d.previous_rank ? "上升" : "下降"} ${Math.abs(d.rank - d.previous_rank)} 位）`);
    }
    if (d.grade !== d.previous_grade) parts.push(`等级 ${d.previous_grade} → ${d.grade}`);
    items.push({delta, element: h("li", {}, h("strong", {}, d.unit_name), "：", parts.join("；"))});
  }
  items.sort((a, b) => b.delta - a.delta);
  return h(
    "div",
    {"data-testid": "changes"},
    h("p", {}, `${where}等级上升的学校 ${int(gradeChanges.up ?? 0)} 所，下降的 ${int(gradeChanges.down ?? 0)} 所。`),
    h("ul", {}, items.map((i) => i.element))
  );
}

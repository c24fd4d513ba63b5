// Links from a top-level page (总览, 隐患治理, …) to a school on the 学校 page and to a unit's
// 县区评分卡, as the site writes them: ./schools#CODE and ./units/CODE. A unit-scoped build has
// only its own unit's scorecard, so another unit's name stays text.
import {h} from "./dom.js";

export const schoolHref = (code) => `./schools#${code}`;

/** unitHref(scope)(code): the unit's scorecard, or null when this build has no page for it. */
export const unitHref = (scope) => (code) => (code && (!scope || code === scope.unit_code) ? `./units/${code}` : null);

/** `text` as a link to `href`, or as it is when there is none. */
export function linked(text, href) {
  return href && text != null ? h("a", {href}, text) : text ?? "—";
}

/** A checklist item as "XF05 电气线路无私拉乱接" (its code and name), the code alone when the reference has no name. */
export function checklistItem(d) {
  return d.item_code ? [d.item_code, d.item_name].filter(Boolean).join(" ") : "—";
}

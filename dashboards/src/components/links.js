// Links between the site's pages that work on any static web server (nginx, IIS,
// `python3 -m http.server`): every page is a file, so a link names it with its .html, as
// Framework writes the sidebar and Markdown links (preserveExtension in observablehq.config.js).
// Every href a page or component builds in JavaScript goes through pageHref.
import {h} from "./dom.js";

/**
 * A page's relative link with its file name: "./units/411002" → "./units/411002.html",
 * "../schools#CODE" → "../schools.html#CODE", a folder "./units/" → "./units/index.html";
 * a link to the same page ("#CODE") or to a file with an extension stays as it is.
 */
export function pageHref(path) {
  const [, page, rest] = /^([^?#]*)(.*)$/s.exec(path);
  if (page === "" || /\.[A-Za-z0-9]+$/.test(page.slice(page.lastIndexOf("/") + 1))) return path;
  return page.endsWith("/") ? `${page}index.html${rest}` : `${page}.html${rest}`;
}

// From a top-level page (总览, 隐患治理, …) to a school on the 学校 page and to a unit's 县区评分卡.
// A unit-scoped build has only its own unit's scorecard, so another unit's name stays text.
export const schoolHref = (code) => pageHref(`./schools#${code}`);

/** unitHref(scope)(code): the unit's scorecard, or null when this build has no page for it. */
export const unitHref = (scope) => (code) => (code && (!scope || code === scope.unit_code) ? pageHref(`./units/${code}`) : null);

/** `text` as a link to `href`, or as it is when there is none. */
export function linked(text, href) {
  return href && text != null ? h("a", {href}, text) : text ?? "—";
}

/** A checklist item as "XF05 电气线路无私拉乱接" (its code and name), the code alone when the reference has no name. */
export function checklistItem(d) {
  return d.item_code ? [d.item_code, d.item_name].filter(Boolean).join(" ") : "—";
}

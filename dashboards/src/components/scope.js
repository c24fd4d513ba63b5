import {h} from "./dom.js";

/** The banner of a unit-scoped build (null for a city-wide build). */
export function ScopeBanner(scope) {
  if (!scope) return null;
  return h(
    "div",
    {class: "sc-scope", "data-testid": "scope"},
    `本站点按单位构建：仅含${scope.unit_name}（${scope.unit_code}）的学校数据；县区排名为各单位汇总数据。`
  );
}

// The province site's tables: the city ranking with every city that is not ranked and why, and the
// county ranking across the province. Rows: data/province.json (dashboards/lib/province.ts).
import {h} from "../components/dom.js";
import {int} from "../components/format.js";
import {linked} from "../components/links.js";
import {GRADES, score} from "../components/scorecard.js";
import {SortableTable} from "../components/table.js";

const gradeOrder = (d) => GRADES.findIndex((g) => g.grade === d.grade);

/** A city that is not ranked, in words: why it is missing from the ranking. */
export function statusText(city) {
  if (city.status === "missing") return "未发布（截至期限无年度快照）";
  if (city.status === "edition_mismatch") return `指标体系版本不符（用的是 ${city.definition_edition ?? "—"} 版）`;
  return "已发布";
}

/** When a ranked city published: on time, or the late mark with its publish time. */
export function publishedText(city) {
  return city.is_late ? h("span", {class: "sc-late", "data-testid": "late-mark"}, `逾期发布（${city.published_at} 发布）`) : `${city.published_at} 按期`;
}

/** "2026-02-01 00:00" (the last moment) → "2026年1月31日 24:00"; any other time as it is. */
export function deadlineText(at) {
  const [date, time] = at.split(" ");
  const day = new Date(`${date}T00:00:00Z`);
  if (time === "00:00") day.setUTCDate(day.getUTCDate() - 1);
  return `${day.getUTCFullYear()}年${day.getUTCMonth() + 1}月${day.getUTCDate()}日 ${time === "00:00" ? "24:00" : time}`;
}

/** The veto column: how many of the city's counties have a vetoed school. */
const cityVeto = (d) => (d.is_vetoed ? `否决（${d.n_vetoed_units} 个县区）` : "无");

/** The ranked cities: rank, city (linked to its own site), score, grade, veto, counties and schools, when published. */
export function CityRankingTable(cities) {
  return SortableTable(
    cities,
    [
      {key: "rank", label: "排名", numeric: true},
      // the short mark stays in view with the name when a phone scrolls the table sideways
      {key: "city_name", label: "市", format: (d) => [linked(d.city_name, d.site_href), d.is_late ? h("span", {class: "sc-late"}, " 逾期") : null]},
      {key: "score", label: "得分", numeric: true, format: (d) => score(d.score)},
      {key: "grade", label: "等级", sortValue: gradeOrder},
      {key: "is_vetoed", label: "一票否决", format: cityVeto, sortValue: (d) => d.n_vetoed_units},
      {key: "n_units", label: "县区数", numeric: true, format: (d) => int(d.n_units)},
      {key: "n_schools", label: "学校数", numeric: true, format: (d) => int(d.n_schools)},
      {key: "published_at", label: "发布", format: publishedText}
    ],
    {testId: "city-ranking", sort: {key: "rank"}, keyColumns: 2}
  );
}

/** Every city that is not ranked, with why in words. */
export function UnrankedCities(cities) {
  return h(
    "ul",
    {class: "sc-list", "data-testid": "unranked-cities"},
    cities.map((d) => h("li", {}, h("strong", {}, linked(d.city_name, d.site_href)), "：", statusText(d), d.published_at && d.status !== "missing" ? `，${d.published_at} 发布` : null))
  );
}

/** Every ranked county of the province: province rank, city, county (linked to its page in its city's site), score, grade, rank in its city, veto. */
export function CountyRankingTable(units) {
  return SortableTable(
    units,
    [
      {key: "rank", label: "全省排名", numeric: true},
      {key: "unit_name", label: "县区", format: (d) => linked(d.unit_name, d.href)},
      {key: "city_name", label: "市"},
      {key: "score", label: "得分", numeric: true, format: (d) => score(d.score)},
      {key: "grade", label: "等级", sortValue: gradeOrder},
      {key: "city_rank", label: "市内排名", numeric: true},
      {key: "n_vetoed_schools", label: "一票否决学校数", numeric: true, format: (d) => int(d.n_vetoed_schools)}
    ],
    {testId: "county-ranking", sort: {key: "rank"}, keyColumns: 2}
  );
}

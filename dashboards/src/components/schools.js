// The 学校 page: client-side search over the school index (data/schools/index.json.gz) and
// one school's details from its bucket (data/schools/NN.json.gz, see schoolBuckets.js),
// fetched when the school is opened. Both files are gzip-compressed JSON.
import * as Plot from "@observablehq/plot";
import {h} from "./dom.js";
import {gunzipJson} from "./gzip.js";
import {PLOT_STYLE, int} from "./format.js";
import {palette} from "./palette.js";
import {periodLabel, shortPeriodLabel} from "./period.js";
import {schoolBucket, schoolBucketPath} from "./schoolBuckets.js";
import {RecordSections} from "./records.js";
import {HistoryTable, IndicatorTable, indicatorStatus, pointsOfMax, score} from "./scorecard.js";
import {SortableTable} from "./table.js";

const MAX_RESULTS = 50;

/** {chunk, school} for a school code: its bucket fetched from the site; school is undefined when no school has the code. */
export async function loadSchool(code) {
  const url = new URL(schoolBucketPath(schoolBucket(code)), document.baseURI);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`无法下载学校数据 ${url.pathname}（HTTP ${response.status}），请刷新页面重试。`);
  const chunk = await gunzipJson(await response.arrayBuffer());
  return {chunk, school: chunk.schools.find((d) => d.school_code === code)};
}

/** Indexes of the schools whose code or name contains `query` (case-insensitive, spaces ignored). */
function searchSchools(index, query) {
  const q = query.replace(/\s+/g, "").toLowerCase();
  if (!q) return [];
  const found = [];
  for (let i = 0; i < index.c.length && found.length < MAX_RESULTS; i++) {
    if (index.c[i].includes(q) || index.n[i].toLowerCase().includes(q)) found.push(i);
  }
  return found;
}

/**
 * A search box with a live result list; each result links to the school.
 * index: data/schools/index.json.gz (c codes, n names, u unit indexes); href(schoolCode) → link.
 */
export function SchoolSearch(index, {href}) {
  const input = h("input", {type: "search", placeholder: "输入学校名称的一部分或 10 位学校标识码", "aria-label": "查找学校", "data-testid": "school-search", style: "width: 100%; max-width: 36em; font-size: 16px; padding: 0.3rem 0.5rem"});
  const results = h("ul", {class: "sc-search-results", "data-testid": "school-results"});
  const total = `共 ${int(index.c.length)} 所学校可查。`;
  const status = h("p", {class: "sc-note"}, total);
  input.addEventListener("input", () => {
    const found = searchSchools(index, input.value);
    results.replaceChildren(...found.map((i) => h("li", {}, h("a", {href: href(index.c[i])}, index.n[i]), ` ${index.c[i]} · ${index.units[index.u[i]]?.unit_name ?? ""}`)));
    status.textContent = input.value.trim() ? (found.length ? `找到 ${found.length}${found.length === MAX_RESULTS ? "+" : ""} 所学校。` : "没有找到匹配的学校。") : total;
  });
  return h("div", {class: "sc-search"}, input, status, results);
}

/** The opened school (found: loadSchool's result), or a note when no school has the code. */
export function SchoolView(code, found, {width}) {
  if (found?.school) return SchoolDetail(found.chunk, found.school, {width});
  return h("p", {class: "sc-note", "data-testid": "school-missing"}, "没有学校标识码为 ", h("code", {}, code), " 的学校。请在上面的搜索框中按名称或标识码查找。");
}

/** The indicator rows of one period as IndicatorTable rows. */
function indicatorRows(chunk, school, period) {
  const names = new Map(chunk.indicators.map((d) => [d.indicator_id, d]));
  return school.indicator_rows
    .filter((r) => r[0] === period)
    .map(([, id, value, points, max_points, status, target]) => ({...names.get(id), indicator_id: id, value, points, max_points, status, target}));
}

/** Score per term, as a line: short term names ("2025春"), every k-th one when they would crowd; the grade is in the tooltip. */
function ScoreChart(cards, {width}) {
  const rows = cards.filter((d) => /^\d{4}-T\d$/.test(d.period));
  if (rows.length < 2) return h("p", {class: "sc-note"}, "学期数据不足，暂无趋势。");
  const step = Math.ceil((rows.length * 56) / (width - 60)); // a label needs about 56 px
  const ticks = rows.map((d) => d.period).filter((_, i) => (rows.length - 1 - i) % step === 0); // the latest term always
  return Plot.plot({
    width,
    height: 220,
    marginTop: 28,
    marginLeft: 40,
    marginRight: 24,
    style: PLOT_STYLE,
    x: {domain: rows.map((d) => d.period), label: null, tickFormat: shortPeriodLabel, ticks},
    y: {domain: [0, 100], label: "得分（分）", labelArrow: "none", grid: true},
    marks: [
      Plot.line(rows, {x: "period", y: "score", stroke: palette.blue}),
      Plot.dot(rows, {x: "period", y: "score", fill: palette.blue, channels: {等级: "grade"}, tip: {format: {x: periodLabel, y: (v) => `${v.toFixed(2)} 分`, 等级: true}}}),
      Plot.text(rows.filter((d) => ticks.includes(d.period)), {x: "period", y: "score", text: (d) => score(d.score), dy: -10})
    ]
  });
}

/** Every year's status of each indicator side by side: the indicator history. */
function IndicatorHistory(chunk, school) {
  const years = [...new Set(school.indicator_rows.map((r) => r[0]))].sort();
  return SortableTable(
    chunk.indicators.map((d) => ({...d, byYear: Object.fromEntries(years.map((y) => [y, indicatorRows(chunk, school, y).find((r) => r.indicator_id === d.indicator_id)]))})),
    [
      {key: "indicator_id", label: "编号", sortValue: (d) => d.sort_order},
      {key: "indicator_name", label: "指标"},
      ...years.map((y) => ({key: `y${y}`, label: periodLabel(y), sortValue: (d) => d.byYear[y]?.points ?? null, format: (d) => (d.byYear[y] ? `${indicatorStatus(d.byYear[y])}（${pointsOfMax(d.byYear[y])}）` : "—")}))
    ],
    {testId: "indicator-history", sort: {key: "indicator_id"}, keyColumns: 2}
  );
}

/** One school's page section. chunk: a bucket, data/schools/NN.json.gz; school: one of chunk.schools. */
function SchoolDetail(chunk, school, {width}) {
  const year = chunk.year;
  const card = school.cards.find((d) => d.period === year) ?? school.cards.at(-1);
  const alerts = school.alerts;
  const shown = card?.period ?? year;
  // the records are of the latest year only
  const records = shown === year ? school.records ?? {} : {};
  const indicators = indicatorRows(chunk, school, shown);
  return h(
    "section",
    {"data-testid": "school-detail", "data-school": school.school_code},
    h("h2", {}, `${school.school_name}`),
    h("p", {class: "sc-subtitle"}, `学校标识码 ${school.school_code} · ${school.school_type} · ${periodLabel(year)}（截至 ${chunk.as_of_on}）`),
    card
      ? h(
          "div",
          {class: "grid grid-cols-4 sc-kpis"},
          kpi("得分", score(card.score), `在校生 ${int(card.enrollment)} 人`),
          kpi("等级", card.grade, card.is_vetoed ? `一票否决：${card.veto_reason}` : "无一票否决"),
          kpi("同学段名次", card.rank == null ? "—" : `${card.rank} / ${card.n_ranked}`, "全市同学段"),
          kpi("未整改隐患", int(school.open_hazards.length), `其中超期 ${int(school.open_hazards.filter((d) => d.is_overdue).length)} 项`)
        )
      : h("p", {}, "本期无评分数据。"),
    h("h3", {}, "指标明细"),
    h("div", {class: "card"}, IndicatorTable(indicators, {testId: "school-indicators", records})),
    h("h3", {}, "未达标指标的明细记录"),
    h("p", {class: "sc-note"}, `超期隐患、离线设备、超时预警、缺漏的演练等，与评估报告所列相同：每项最多列出 ${int(chunk.evidence_limit)} 条并注明总数。点击指标名称展开。`),
    h("div", {class: "card"}, RecordSections(records, indicators, {oneSchool: true, key: school.school_code})),
    h("h3", {}, "得分与名次历史"),
    h("div", {class: "grid grid-cols-2"}, h("div", {class: "card"}, HistoryTable(school.cards, {testId: "school-history"})), h("div", {class: "card"}, ScoreChart(school.cards, {width: Math.max(320, width / 2 - 40)}))),
    h("h3", {}, "指标历年情况"),
    h("div", {class: "card"}, IndicatorHistory(chunk, school)),
    h("h3", {}, "未整改隐患"),
    h(
      "div",
      {class: "card"},
      school.open_hazards.length
        ? SortableTable(
            school.open_hazards,
            [
              {key: "hazard_level", label: "等级", format: (d) => (d.hazard_level === "重大" ? h("strong", {}, "重大") : d.hazard_level)},
              {key: "hazard_text", label: "隐患描述", wrap: true},
              {key: "found_on", label: "发现日期"},
              {key: "due_on", label: "整改期限"},
              {key: "is_overdue", label: "是否超期", format: (d) => (d.is_overdue ? h("strong", {}, "已超期") : "未到期")}
            ],
            {testId: "school-hazards"}
          )
        : "截至统计截止日没有未整改的隐患。"
    ),
    h("h3", {}, `${periodLabel(year)}预警与演练`),
    h(
      "div",
      {class: "grid grid-cols-2"},
      h(
        "div",
        {class: "card"},
        alerts.length
          ? SortableTable(
              alerts,
              [
                {key: "level", label: "级别"},
                {key: "n", label: "预警数", numeric: true, format: (d) => int(d.n)},
                {key: "n_false", label: "误报", numeric: true, format: (d) => int(d.n_false)},
                {key: "median_minutes", label: "认领用时中位数（分钟）", numeric: true, format: (d) => (d.median_minutes == null ? "—" : d.median_minutes.toFixed(1))}
              ],
              {testId: "school-alerts", compact: true}
            )
          : "本年度没有预警。"
      ),
      h(
        "div",
        {class: "card"},
        school.drills.length
          ? SortableTable(
              school.drills,
              [
                {key: "month", label: "月份"},
                {key: "n", label: "应急演练次数", numeric: true, format: (d) => int(d.n)}
              ],
              {testId: "school-drills", compact: true}
            )
          : "本年度没有应急演练记录。"
      )
    )
  );
}

function kpi(label, value, note) {
  return h("div", {class: "card sc-kpi"}, h("h2", {}, label), h("span", {class: "big"}, value), h("div", {class: "sc-kpi-note"}, note));
}

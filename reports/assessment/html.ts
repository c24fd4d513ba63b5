/** The 评估报告 of a school or a unit: print-ready A4 HTML in Simplified Chinese. */
import { barChart } from '../chart.ts';
import { fixed, html, indicatorValue, int, page, percent, pointsText, rankChange, table, type Markup } from '../html.ts';
import { EVIDENCE_LIMIT } from './evidence.ts';
import type { AssessmentData, IndicatorRow } from './data.ts';

/** 2025 → 2025年, 2025-Q3 → 2025年第3季度, 2025-09 → 2025年9月, 2025-T1 → 2025年春季学期, 2025-T2 → 2025年秋季学期. */
export function periodLabel(period: string): string {
  const [year, part] = period.split('-');
  if (!part) return `${year}年`;
  if (part.startsWith('Q')) return `${year}年第${part.slice(1)}季度`;
  if (part === 'T1') return `${year}年春季学期`;
  if (part === 'T2') return `${year}年秋季学期`;
  return `${year}年${Number(part)}月`;
}

export function assessmentTitle(data: AssessmentData): string {
  return `${data.standing.name}${periodLabel(data.period.period_id)}校园安全评估报告`;
}

/** How many of a unit's schools the report names as its weakest. */
export const WEAKEST_SCHOOLS = 5;

export function assessmentHtml(data: AssessmentData): string {
  const unit = data.subject.kind === 'unit';
  const sections = [overview, ...(unit ? [schoolsSection] : []), indicatorSection, problemSection, shortBoardSection, checklistSection];
  return page(assessmentTitle(data), html`${header(data)}${sections.map((render, i) => render(data, i + 1))}`);
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七'];
const heading = (n: number, text: string) => html`<h2>${NUMERALS[n - 1]}、${text}</h2>`;

function header(data: AssessmentData): Markup {
  const s = data.standing;
  const subject =
    data.subject.kind === 'school'
      ? `${s.name}（学校标识码 ${data.subject.code}，${s.school_type}，在校生 ${int(s.enrollment)} 人，${s.unit_name}）`
      : `${s.name}（单位代码 ${data.subject.code}，所辖学校 ${int(s.n_schools)} 所，在校生 ${int(s.enrollment)} 人）`;
  return html`<h1>${assessmentTitle(data)}</h1>
<table class="keep"><tbody>
<tr><th>评估对象</th><td>${subject}</td></tr>
<tr><th>评估期间</th><td>${periodLabel(data.period.period_id)}（${data.period.start_on} 至 ${data.period.end_on}），统计截止日 ${data.period.as_of_on}${data.period.is_complete ? '' : '，期间未结束'}</td></tr>
<tr><th>指标体系</th><td>${data.edition.title_zh}，版本 ${data.edition.version}（SHA-256 ${data.edition.definition_sha256}）</td></tr>
<tr><th>数据来源</th><td>${data.snapshotFile}（SHA-256 ${data.snapshotSha256}）</td></tr>
</tbody></table>`;
}

function overview(data: AssessmentData, n: number): Markup {
  const s = data.standing;
  const group = data.subject.kind === 'school' ? `全市${s.school_type}` : '全市县区';
  const rank = s.rank === null ? '不参与县区排名（单独成组）' : `${group}第 ${s.rank} 名（共 ${s.n_ranked} 个）`;
  return html`${heading(n, '总体情况')}
<p>得分 <b>${fixed(s.score)}</b> 分，等级 <b>${s.grade}</b>，${rank}，较上期 ${rankChange(s.rank_change)}${s.previous_rank !== null ? `（上期第 ${s.previous_rank} 名）` : ''}。${s.is_vetoed ? html`<b>一票否决：${s.veto_reason}</b>。` : ''}</p>
<h3>历次评估</h3>
${table(
  ['期间', '得分', '等级', '名次'],
  data.history.map((h) => [periodLabel(h.period), fixed(h.score), h.grade, h.rank === null ? '—' : `${h.rank}/${h.n_ranked}`]),
)}
${barChart(
  data.history.map((h) => ({ label: periodLabel(h.period), value: h.score, marked: h.period === data.period.period_id })),
  { caption: '历次得分（红色：本期）' },
)}`;
}

function schoolsSection(data: AssessmentData, n: number): Markup {
  const weakest = data.schools.slice(0, WEAKEST_SCHOOLS);
  return html`${heading(n, '所辖学校')}
<h3>得分最低的 ${weakest.length} 所学校</h3>
${table(
  ['学校标识码', '学校', '学段', '得分', '等级', '学段内名次', '一票否决'],
  weakest.map((s) => [s.school_code, s.school_name, s.school_type, fixed(s.score), s.grade, `${s.rank}/${s.n_ranked}`, s.veto_reason ?? '']),
)}
<h3>全部学校（${data.schools.length} 所，按得分从低到高）</h3>
${table(
  ['学校标识码', '学校', '学段', '得分', '等级', '学段内名次', '一票否决'],
  data.schools.map((s) => ({
    className: s.is_vetoed ? 'vetoed' : '',
    cells: [s.school_code, s.school_name, s.school_type, fixed(s.score), s.grade, `${s.rank}/${s.n_ranked}`, s.is_vetoed ? '是' : ''],
  })),
)}`;
}

const statusCell = (status: string) => html`<span class="status-${status}">${status}</span>`;

function basis(i: IndicatorRow): string {
  if (i.numerator === null && i.denominator === null) return '—';
  const num = (x: number | null) => (x === null ? '—' : Number.isInteger(x) ? int(x) : x.toFixed(1));
  return `${num(i.numerator)} / ${num(i.denominator)}`;
}

/** A unit's pooled yes/no indicator: the share of its schools meeting it. */
const isPooledYesNo = (data: AssessmentData, i: IndicatorRow) => data.subject.kind === 'unit' && i.unit === '是/否' && i.domain_id !== 'I';

function valueText(data: AssessmentData, i: IndicatorRow): string {
  return isPooledYesNo(data, i) ? `${percent(i.value, 1, i)} 的学校达到` : indicatorValue(i.value, i.unit, i);
}

/** The target as the value is written: a yes/no indicator's is 是 (a unit: all its schools). */
function targetText(data: AssessmentData, i: IndicatorRow): string {
  if (i.unit === '是/否') return isPooledYesNo(data, i) ? '全部学校达到' : '是';
  return indicatorValue(i.target, i.unit);
}

function indicatorSection(data: AssessmentData, n: number): Markup {
  const unit = data.subject.kind === 'unit';
  const counts = ['达标', '未达标', '无数据', '不适用'].map((s) => `${s} ${data.indicators.filter((i) => i.status === s).length} 项`).join('，');
  return html`${heading(n, '指标达标情况')}
<p>${counts}。达标：该项得满分；未达标：有数据但未得满分；无数据：应有数据而没有，按零分计；不适用：该项不适用于${unit ? '本单位' : '本校'}，不计分。${
    unit ? '学校指标为所辖学校汇总（比率按分子分母合计），全部适用学校得满分为达标；“县区名次”为该指标在全市县区中的名次。' : ''
  }</p>
${data.domains.map((d) => {
  const rows = data.indicators.filter((i) => i.domain_id === d.domain_id);
  if (!rows.length) return '';
  return html`<h3>${d.domain_id} ${d.domain_name_zh}</h3>${table(
    ['指标', '实际值', '目标', '计算依据', unit ? '得分率' : '得分', unit ? '县区名次' : '满分', '状态'],
    rows.map((i) => [
      `${i.indicator_id} ${i.indicator_name}`,
      valueText(data, i),
      targetText(data, i),
      basis(i),
      unit ? percent(i.attainment, 1, { target: 1 }) : pointsText(i.points, i.max_points),
      unit ? (i.unit_rank ?? '—') : fixed(i.max_points, 0),
      statusCell(i.status),
    ]),
  )}`;
})}`;
}

function problemSection(data: AssessmentData, n: number): Markup {
  const unmet = data.indicators.filter((i) => i.status === '未达标' || i.status === '无数据');
  return html`${heading(n, '存在的问题')}
${unmet.length
  ? unmet.map((i) => {
      const tables = data.evidence.get(i.indicator_id) ?? [];
      return html`<div><h3>${i.indicator_id} ${i.indicator_name}：${i.status}</h3>
<p>实际值 ${valueText(data, i)}，目标 ${targetText(data, i)}，计算依据 ${basis(i)}。${i.status === '无数据' ? '应报送的数据缺失，请核查数据报送。' : ''}</p>
${tables.map((t) =>
  t.rows.length
    ? html`<p class="muted">${t.title}${t.total > t.rows.length ? `（共 ${int(t.total)} 条，列出前 ${EVIDENCE_LIMIT} 条）` : `（${int(t.total)} 条）`}</p>${table(t.headers, t.rows)}${t.note ? html`<p class="muted">${t.note}</p>` : ''}`
    : '',
)}</div>`;
    })
  : html`<p>全部适用指标均已达标。</p>`}`;
}

function shortBoardSection(data: AssessmentData, n: number): Markup {
  return html`${heading(n, '短板与整改建议')}
<p>短板：得分率低于全市${data.subject.kind === 'school' ? '学校' : '县区'}中位数最多的指标（至多三项）。</p>
${data.shortBoards.length
  ? table(
      ['序号', '指标', '得分率', '全市中位数', '差距', '整改建议'],
      data.shortBoards.map((b) => [b.board_rank, `${b.indicator_id} ${b.indicator_name}`, percent(b.attainment), percent(b.city_median_attainment), percent(b.gap), b.suggestions.join('；')]),
    )
  : html`<p>没有低于全市中位数的指标。</p>`}`;
}

function checklistSection(data: AssessmentData, n: number): Markup {
  const boards = new Set(data.shortBoards.map((b) => b.indicator_id));
  const items = data.indicators.filter((i) => i.status === '未达标' || i.status === '无数据' || boards.has(i.indicator_id));
  return html`${heading(n, '整改清单')}
<p>请逐项落实整改，填写责任人、完成时限和完成情况，于规定时间内报送${data.subject.kind === 'school' ? '所属县区教育局' : '市教育局'}。</p>
${table(
  ['序号', '整改事项', '责任人', '完成时限', '完成情况'],
  items.map((i, k) => [
    k + 1,
    html`${i.indicator_id} ${i.indicator_name}（${i.status}，实际值 ${valueText(data, i)}，目标 ${targetText(data, i)}）${i.suggestion ? html`<br><span class="muted">建议：${i.suggestion}</span>` : ''}`,
    '',
    '',
    '',
  ]),
  'checklist',
)}
<p>填报单位（盖章）：________________　　负责人：__________　　填报日期：______年____月____日</p>`;
}

/** report.html of the annual appraisal: print-ready A4, Simplified Chinese. */
import { barChart } from '../chart.ts';
import { fixed, html, indicatorValue, int, page, percent, rankChange, table, type Markup } from '../html.ts';
import type { AppraisalData, IndicatorInfo, SchoolRow } from './data.ts';
import { SEPARATE_NOTE } from './tables.ts';

const METHOD_NAMES: Record<string, string> = { points: '官方得分（指标积分）', ahp: '层次分析法（AHP）', entropy: '熵权法', topsis: 'TOPSIS 逼近理想解' };

/** 许昌市2025年度校园安全考核报告: the city's name from the reference data (ref.units.city_name). */
export function appraisalTitle(year: number, cityName: string | null): string {
  return `${cityName ?? ''}${year}年度校园安全考核报告`;
}

export function appraisalHtml(data: AppraisalData): string {
  return page(
    appraisalTitle(data.year, data.cityName),
    html`${cover(data)}${unitRanking(data)}${unitSections(data)}${schoolRankings(data)}${methodComparison(data)}${appendix(data)}`,
  );
}

function cover(data: AppraisalData): Markup {
  const sign = data.signOff;
  return html`<section class="cover">
<h1>${appraisalTitle(data.year, data.cityName)}</h1>
${data.cityName ? html`<p>${data.cityName}教育局</p>` : ''}
<dl>
<dt>考核年度</dt><dd>${data.year}年</dd>
<dt>统计截止日</dt><dd>${data.period.as_of_on}${data.period.is_complete ? '' : '（年度未结束，按截止日已有数据评价）'}</dd>
<dt>指标体系</dt><dd>${data.edition.title_zh}，版本 ${data.edition.version}</dd>
<dt>指标体系文件 SHA-256</dt><dd>${data.edition.definition_sha256}</dd>
<dt>数据快照</dt><dd>${data.snapshotFile}</dd>
<dt>数据快照 SHA-256</dt><dd>${data.snapshotSha256}</dd>
<dt>审批</dt><dd>${sign ? html`已签批：${sign.approver}，${sign.decided_at}` : '未签批（草稿，不作为正式考核结果）'}</dd>
${sign ? html`<dt>审批意见</dt><dd>${sign.comment || '无'}</dd>` : ''}
</dl>
</section>`;
}

function unitRanking(data: AppraisalData): Markup {
  const ranked = data.units.filter((u) => u.rank !== null);
  return html`<section>
<h2>一、县区考核排名</h2>
<p>${data.unitFormula}。同分同名次（1、2、2、4）。有学校被一票否决的县区不得评为优秀。</p>
${table(
  ['名次', '单位代码', '单位', '综合得分', '等级', '学校得分', '督导得分', '上年名次', '名次变化', '一票否决', '学校数'],
  data.units.map((u) => ({
    className: u.is_vetoed ? 'vetoed' : '',
    cells: [
      u.rank ?? '—',
      u.unit_code,
      u.unit_name,
      fixed(u.score),
      u.grade,
      fixed(u.school_mean),
      fixed(u.supervision_score),
      u.previous_rank ?? '—',
      rankChange(u.rank_change),
      u.is_vetoed ? `是（${int(u.n_vetoed_schools)}所学校）` : '否',
      int(u.n_schools),
    ],
  })),
  'units',
)}
<p class="muted">名次为“—”的单位：${SEPARATE_NOTE}。</p>
${barChart(ranked.map((u) => ({ label: u.unit_name, value: u.score, marked: u.is_vetoed })), { caption: '县区综合得分（红色：有学校被一票否决）' })}
<h3>一票否决</h3>
${data.vetoedSchools.length
  ? table(['学校标识码', '学校', '所属单位', '得分', '等级', '否决事项'], data.vetoedSchools.map((s) => [s.school_code, s.school_name, s.unit_name, fixed(s.score), s.grade, s.veto_reason]))
  : html`<p>本年度无一票否决事项。</p>`}
</section>`;
}

function unitSections(data: AppraisalData): Markup {
  return html`<section class="section"><h2>二、各县区情况</h2>${data.units.map((u) => {
    const means = data.unitDomainMeans.get(u.unit_code) ?? new Map<string, { earned: number; applicable: number }>();
    const boards = data.shortBoards.filter((b) => b.unit_code === u.unit_code);
    return html`<div class="unit"><h3>${u.unit_name}（${u.unit_code}）：${fixed(u.score)}分，${u.grade}${u.rank !== null ? `，第${u.rank}名` : ''}</h3>
${table(
  ['一级指标', '满分', '学校平均得分', '学校平均适用分值', '得分率'],
  data.domains.map((d) => {
    const mean = means.get(d.domain_id);
    return mean === undefined
      ? [`${d.domain_id} ${d.domain_name_zh}`, d.points, '不适用', '—', '—']
      : [`${d.domain_id} ${d.domain_name_zh}`, d.points, fixed(mean.earned), fixed(mean.applicable), percent(mean.earned / mean.applicable)];
  }),
)}
${boards.length
  ? table(
      ['短板', '指标', '得分率', '全市中位数', '差距', '整改建议'],
      boards.map((b) => [b.board_rank, `${b.indicator_id} ${b.indicator_name}`, percent(b.attainment), percent(b.city_median_attainment), percent(b.gap), b.suggestions.join('；')]),
    )
  : html`<p>各项指标均不低于全市中位数，无短板。</p>`}</div>`;
  })}</section>`;
}

function schoolRankings(data: AppraisalData): Markup {
  const groups = new Map<string, SchoolRow[]>();
  for (const s of data.schools) {
    const key = `${s.school_type}${s.is_separately_ranked ? '（市直）' : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return html`<section class="section"><h2>三、学校排名（按学段）</h2>
<p>学校按学段分组排名；市直学校单独成组。一票否决的学校等级为不合格。</p>
${[...groups].map(
  ([group, schools]) => html`<h3>${group}（${schools.length}所）</h3>${table(
    ['名次', '学校标识码', '学校', '所属单位', '得分', '等级', '上年名次', '名次变化', '一票否决'],
    schools.map((s) => ({
      className: s.is_vetoed ? 'vetoed' : '',
      cells: [s.rank, s.school_code, s.school_name, s.unit_name, fixed(s.score), s.grade, s.previous_rank ?? '—', rankChange(s.rank_change), s.veto_reason ?? ''],
    })),
  )}`,
)}</section>`;
}

function methodComparison(data: AppraisalData): Markup {
  const c = data.comparison;
  const names = (ids: string[]) => ids.map((id) => `${id} ${data.indicators.find((i) => i.indicator_id === id)?.indicator_name_zh ?? ''}`.trim());
  const differing = c.units.filter((u) => u.differs);
  return html`<section class="section"><h2>四、排名方法对比</h2>
<p>正式排名以官方得分为准。以下用层次分析法、熵权法和 TOPSIS 对同一批数据重新排序，供参考；名次因方法而异的单位以黄色标出。</p>
${table(
  ['单位', ...c.methods.flatMap((m) => [`${METHOD_NAMES[m]}得分`, '名次'])],
  c.units.map((u) => ({
    className: u.differs ? 'differs' : '',
    cells: [
      `${u.unit_name}（${u.unit_code}）`,
      ...c.methods.flatMap((m) => {
        const s = u.methods[m];
        return s ? [m === 'topsis' ? fixed(s.score, 4) : fixed(s.score), s.rank] : ['—', '—'];
      }),
    ],
  })),
  'methods',
)}
<p>${differing.length ? `名次因方法而异的单位：${differing.map((u) => u.unit_name).join('、')}。` : '各方法下所有单位名次一致。'}</p>
${c.ahp
  ? html`<h3>层次分析法权重（一致性比率 CR = ${c.ahp.cr.toFixed(4)}）</h3>${table(
      ['一级指标', '指标分值占比', 'AHP 权重'],
      c.ahp.labels.map((label, i) => {
        const d = data.domains.find((x) => x.domain_id === label);
        return [`${label} ${d?.domain_name_zh ?? ''}`, d ? percent(d.points / 100) : '—', percent(c.ahp!.weights[i])];
      }),
    )}<p class="muted">学校 AHP 得分 = 100 × ∑ 一级指标权重 × 该指标得分率（不适用的一级指标权重按比例分配给其余指标）；县区按官方公式汇总学校得分与督导得分。</p>`
  : ''}
${c.entropy
  ? html`<h3>熵权法权重</h3>${table(['指标', '熵权'], names(c.entropy.criteria).map((n, j) => [n, percent(c.entropy!.weights[j])]))}<p class="muted">熵权法得分 = 100 × ∑ 熵权 × 县区指标得分率；TOPSIS 以指标分值为权重、向量归一化，得分为与理想解的贴近度（0–1）。</p>`
  : ''}
${c.droppedCriteria.length ? html`<p class="muted">未参与熵权法和 TOPSIS 的指标（有县区无可评价数据）：${names(c.droppedCriteria).join('、')}。</p>` : ''}
</section>`;
}

function threshold(i: IndicatorInfo): string {
  if (i.kind === 'deduction') return i.deduction_per_occurrence !== null ? `每项扣 ${i.deduction_per_occurrence} 分` : '按扣分规则';
  if (i.kind === 'yes_no') return '是则得满分';
  return `目标 ${indicatorValue(i.target, i.unit)}，下限 ${indicatorValue(i.floor, i.unit)}`;
}

function appendix(data: AppraisalData): Markup {
  const school = data.indicators.filter((i) => i.scope === 'school');
  const unit = data.indicators.filter((i) => i.scope === 'unit');
  const rows = (list: IndicatorInfo[]) =>
    list.map((i) => [
      i.indicator_id,
      i.indicator_name_zh,
      i.points,
      i.formula_text,
      threshold(i),
      `${i.applies_to ?? '县区'}${i.requires_flags ? `（需 ${i.requires_flags}）` : ''}`,
    ]);
  return html`<section class="section"><h2>附录 考核指标说明</h2>
<p>${data.edition.title_zh}（版本 ${data.edition.version}，SHA-256 ${data.edition.definition_sha256}）。比率类指标达到目标值得满分、低于下限得零分，其间按线性计分；扣分类指标按次扣分，扣完为止；是否类指标全有或全无。不适用的指标不计入，学校得分按适用指标折算为百分制；应有数据而无数据的指标得零分。</p>
${data.domains.map(
  (d) => html`<h3>${d.domain_id} ${d.domain_name_zh}（${d.points}分）</h3>${table(['编号', '指标', '分值', '计算方法', '评分标准', '适用学段'], rows(school.filter((i) => i.domain_id === d.domain_id)))}`,
)}
<h3>县区督导指标（督导得分百分制）</h3>
${table(['编号', '指标', '分值', '计算方法', '评分标准', '适用'], rows(unit))}
<h3>一票否决</h3>
${table(['编号', '事项', '条件', '学校等级', '县区'], data.vetoes.map((v) => [v.veto_id, v.veto_name_zh, v.condition_text, `最高为${v.school_grade_cap}`, `不得评为${v.unit_grade_barred}`]))}
<h3>等级划分</h3>
${table(['等级', '最低得分'], data.gradeBands.map((b) => [b.grade, b.min_score === 0 ? '0（低于上一等级）' : `${b.min_score}`]))}
</section>`;
}

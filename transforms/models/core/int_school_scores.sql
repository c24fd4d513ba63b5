-- grain: one row per period and school: points per domain, the score rescaled to 100 over applicable points, grade, vetoes and rank within school type (the school scorecard adds the previous period's rank)
-- grain_zh: 每个统计周期的每所学校一行：各一级指标得分、按适用分值折算为百分制的得分、等级、一票否决和同学段名次（学校评分卡再补上期名次）
-- incremental: period
-- unique: period, school_code
-- not_null: period, school_code, school_name, unit_code, school_type, score, grade, is_vetoed, earned_points, applicable_points
-- relationships: period -> core.dim_periods.period_id
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: score between 0 and 100
-- expect: earned_points <= applicable_points + 1e-9
-- expect: not is_vetoed or veto_reason is not null
-- expect: rank >= 1
-- title: 学校得分（不含上期名次） | school scores (before the previous period's rank)
-- column: period | 统计周期编号 | period id
-- column: school_code | 学校标识码 | school code
-- column: school_name | 学校名称 | school name
-- column: unit_code | 所属单位代码 | unit code
-- column: school_type | 学校类型 | school type
-- column: enrollment | 在校生数（截止日登记） | students enrolled (as registered on the as-of day)
-- column: student_days | 学生人日：评价期内每日在校生数之和（单位均分的权重） | pupil-days in the school's window (its weight in the unit's mean)
-- column: closed_on | 撤销日期（截止日前撤销的学校只按开办日评价；否则为空） | date the school closed, if by the as-of day (it is judged on its open days only); empty otherwise
-- column: points_a | 隐患排查治理得分 | points earned in domain A (hazard management)
-- column: points_b | 人防技防得分 | points earned in domain B (guards and technical protection)
-- column: points_c | 消防与演练得分 | points earned in domain C (fire safety and drills)
-- column: points_d | 防溺水得分 | points earned in domain D (drowning prevention)
-- column: points_e | 防欺凌得分 | points earned in domain E (bullying prevention)
-- column: points_f | 心理健康得分 | points earned in domain F (mental health)
-- column: points_g | 预警处置得分 | points earned in domain G (alert handling)
-- column: points_h | 事故案件得分 | points earned in domain H (incidents)
-- column: earned_points | 各指标得分合计 | points earned
-- column: applicable_points | 适用指标满分合计（折算分母） | points of the applicable indicators (the rescaling base)
-- column: score | 得分：折算为百分制，精确计算后四舍五入保留两位小数 | score rescaled to 100, computed exactly and rounded half up to two decimals
-- column: grade | 等级：优秀、良好、合格、不合格（一票否决封顶为不合格） | grade: 优秀, 良好, 合格 or 不合格 (capped by a veto)
-- column: is_vetoed | 是否一票否决 | whether vetoed
-- column: veto_reason | 否决原因与案件编号 | veto rule and cases
-- column: rank | 同学段名次（并列同名次；市直学校单独排名） | rank within school type (ties share; 市直 ranked separately)
-- column: n_ranked | 同组参与排名的学校数 | schools ranked in the group
-- column: is_separately_ranked | 是否单独成组排名（市直） | ranked as a separate group (市直)
-- column: n_indicators_ok | 有值指标数 | indicators measured
-- column: n_indicators_no_data | 无数据指标数 | indicators without data
-- column: n_indicators_not_applicable | 不适用指标数 | indicators not applicable
-- column: definition_edition | 指标体系版本 | definition edition
with indicator_values as (
  select * from marts.indicator_values where scope = 'school' and period in (select period_id from core.int_build_periods)
),

school_periods as (
  select * from core.int_school_periods where period_id in (select period_id from core.int_build_periods)
),

vetoes as (
  select * from core.int_school_vetoes where period_id in (select period_id from core.int_build_periods)
),

ref_vetoes as (
  select * from ref.vetoes
),

grade_bands as (
  select * from ref.grade_bands
),

-- points are exact to 1/10,000: summed as integers of that unit, whatever the order of parallel aggregation
scaled as (
  select
    *,
    cast(round(points * 10000) as hugeint) as points_scaled,
    cast(round(max_points * 10000) as hugeint) as max_points_scaled
  from indicator_values
),

totals as (
  select
    period,
    school_code,
    sum(points_scaled) filter (where domain_id = 'A') / 10000 as points_a,
    sum(points_scaled) filter (where domain_id = 'B') / 10000 as points_b,
    sum(points_scaled) filter (where domain_id = 'C') / 10000 as points_c,
    sum(points_scaled) filter (where domain_id = 'D') / 10000 as points_d,
    sum(points_scaled) filter (where domain_id = 'E') / 10000 as points_e,
    sum(points_scaled) filter (where domain_id = 'F') / 10000 as points_f,
    sum(points_scaled) filter (where domain_id = 'G') / 10000 as points_g,
    sum(points_scaled) filter (where domain_id = 'H') / 10000 as points_h,
    coalesce(sum(points_scaled), 0) as earned_scaled,
    coalesce(sum(max_points_scaled), 0) as applicable_scaled,
    count(*) filter (where status = 'ok') as n_indicators_ok,
    count(*) filter (where status = 'no_data') as n_indicators_no_data,
    count(*) filter (where status = 'not_applicable') as n_indicators_not_applicable
  from scaled
  group by all
),

-- a school's vetoes, and the grade they cap it at (the strictest cap when several apply)
school_vetoes as (
  select
    vetoes.period_id as period,
    vetoes.school_code,
    string_agg(vetoes.veto_id || ' ' || vetoes.veto_name_zh || '（' || vetoes.case_ids || '）', '；' order by vetoes.veto_id) as veto_reason,
    arg_max(cap_band.grade, cap_band.sort_order) as grade_cap,
    max(cap_band.sort_order) as grade_cap_order
  from vetoes
  join school_periods on school_periods.period_id = vetoes.period_id and school_periods.school_code = vetoes.school_code
  join ref_vetoes on ref_vetoes.edition = school_periods.definition_edition and ref_vetoes.veto_id = vetoes.veto_id
  join grade_bands as cap_band on cap_band.edition = ref_vetoes.edition and cap_band.grade = ref_vetoes.school_grade_cap
  group by all
),

scored as (
  select
    totals.*,
    school_periods.school_name,
    school_periods.unit_code,
    school_periods.school_type,
    school_periods.enrollment,
    school_periods.is_separately_ranked,
    school_periods.definition_edition,
    school_periods.student_days,
    school_periods.closed_on,
    -- 100 × earned ÷ applicable, rounded once, half up, to hundredths of a point
    case when totals.applicable_scaled > 0
      then (2 * 10000 * totals.earned_scaled + totals.applicable_scaled) // (2 * totals.applicable_scaled)
      else 0
    end as score_hundredths,
    score_hundredths / 100 as score,
    school_vetoes.veto_reason is not null as is_vetoed,
    school_vetoes.veto_reason,
    school_vetoes.grade_cap,
    school_vetoes.grade_cap_order
  from totals
  join school_periods on school_periods.period_id = totals.period and school_periods.school_code = totals.school_code
  left join school_vetoes on school_vetoes.period = totals.period and school_vetoes.school_code = totals.school_code
),

-- the band the score reaches (the highest band whose minimum it meets), capped by a veto
capped as (
  select
    scored.*,
    case when scored.grade_cap_order > band.sort_order then scored.grade_cap else band.grade end as grade
  from scored
  asof join grade_bands as band
    on band.edition = scored.definition_edition
   and scored.score >= band.min_score
),

-- ties share a rank (1, 2, 2, 4); 市直 schools are ranked as their own group within each type
ranked as (
  select
    *,
    cast(rank() over (partition by period, school_type, is_separately_ranked order by score_hundredths desc) as integer) as rank,
    cast(count(*) over (partition by period, school_type, is_separately_ranked) as integer) as n_ranked
  from capped
),

final as (
  select
    ranked.period,
    ranked.school_code,
    ranked.school_name,
    ranked.unit_code,
    ranked.school_type,
    ranked.enrollment,
    ranked.student_days,
    ranked.closed_on,
    ranked.points_a,
    ranked.points_b,
    ranked.points_c,
    ranked.points_d,
    ranked.points_e,
    ranked.points_f,
    ranked.points_g,
    ranked.points_h,
    ranked.earned_scaled / 10000 as earned_points,
    ranked.applicable_scaled / 10000 as applicable_points,
    ranked.score,
    ranked.grade,
    ranked.is_vetoed,
    ranked.veto_reason,
    ranked.rank,
    ranked.n_ranked,
    ranked.is_separately_ranked,
    ranked.n_indicators_ok,
    ranked.n_indicators_no_data,
    ranked.n_indicators_not_applicable,
    ranked.definition_edition
  from ranked
)

select * from final

-- grain: one row per period, school and case formula (E2, H1): bullying investigations and the severity-weighted incident rate
-- grain_zh: 每个统计周期、学校和案件类公式（E2、H1）一行：欺凌事件调查和按严重程度加权的事故发生率
-- incremental: period_id
-- materialized: temporary
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: (value_numerator is null) = (value_denominator is null)
-- expect: value_numerator is null or (value_numerator >= 0 and value_denominator > 0)
-- title: 案件类指标计量 | case measures
-- column: period_id | 统计周期编号 | period id
-- column: school_code | 学校标识码 | school code
-- column: formula | 指标公式键（定义文件 formula，如 on_time_rectification_rate） | formula key (the definition file’s formula, e.g. on_time_rectification_rate)
-- column: numerator | 分子（计数、时长或人数，见 docs/scoring.md） | numerator (a count, hours or students; see docs/scoring.md)
-- column: denominator | 分母（同上） | denominator (likewise)
-- column: value_numerator | 指标值的精确分数之分子（整数；无可计量内容时为空） | the value as an exact fraction: its numerator (an integer; empty when there is nothing to measure)
-- column: value_denominator | 指标值的精确分数之分母（正整数） | the value as an exact fraction: its denominator (a positive integer)
-- column: is_required | 本周期是否有此项要求（如该周期无学期结束则为否） | whether the period holds a requirement (false e.g. when no term ends in it)
with school_periods as (
  select * from core.int_school_periods where period_id in (select period_id from core.int_build_periods)
),

params as (
  select * from core.int_indicator_params where period_id in (select period_id from core.int_build_periods)
),

cases as (
  select * from core.fct_cases
),

severity_weights as (
  select * from ref.severity_weights
),

period_days as (
  select * from core.dim_period_days where period_id in (select period_id from core.int_build_periods)
),

-- the cases that occurred in the school's window
cases_in_window as (
  select school_periods.period_id, school_periods.window_end_on, cases.*
  from cases
  join period_days on period_days.day_on = cast(cases.occurred_at as date)
  join school_periods
    on school_periods.period_id = period_days.period_id
   and school_periods.school_code = cases.school_code
   and period_days.day_on between school_periods.window_start_on and school_periods.window_end_on
),

-- E2: bullying cases whose investigation closed within the limit; a case still open inside its limit is not judged yet
e2_cases as (
  select
    cases_in_window.period_id,
    cases_in_window.school_code,
    count(*) filter (
      where date_diff('second', cases_in_window.occurred_at, cases_in_window.investigation_closed_at)
        <= cast(json_extract(params.params, '$.max_days') as double) * 86400
    ) as n_closed_in_time,
    count(*) as n_cases
  from cases_in_window
  join params on params.period_id = cases_in_window.period_id and params.formula = 'bullying_case_timely_closure_rate'
  where cases_in_window.category = json_extract_string(params.params, '$.case_category')
    and (cases_in_window.investigation_closed_at is not null
         or cases_in_window.occurred_at + to_days(cast(json_extract(params.params, '$.max_days') as integer))
            <= cases_in_window.window_end_on::timestamp + interval 1 day)
  group by all
),

e2 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'bullying_case_timely_closure_rate' as formula,
    coalesce(e2_cases.n_closed_in_time, 0) as numerator,
    coalesce(e2_cases.n_cases, 0) as denominator,
    e2_cases.n_closed_in_time as value_numerator,
    e2_cases.n_cases as value_denominator,
    true as is_required
  from school_periods
  join params on params.period_id = school_periods.period_id and params.formula = 'bullying_case_timely_closure_rate'
  left join e2_cases
    on e2_cases.period_id = school_periods.period_id
   and e2_cases.school_code = school_periods.school_code
),

-- H1: cases weighted by severity, per 10,000 students (weights and the per-students scale to 1/10,000, so the value is exact)
h1_weights as (
  select
    cases_in_window.period_id,
    cases_in_window.school_code,
    sum(severity_weights.weight) as weight,
    sum(cast(round(severity_weights.weight * 10000) as hugeint)) as scaled_weight
  from cases_in_window
  join school_periods using (period_id, school_code)
  join severity_weights
    on severity_weights.edition = school_periods.definition_edition
   and severity_weights.severity = cases_in_window.severity
  group by all
),

h1 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'severity_weighted_incidents_per_10k' as formula,
    coalesce(h1_weights.weight, 0) as numerator,
    school_periods.enrollment as denominator,
    case when school_periods.enrollment > 0
      then coalesce(h1_weights.scaled_weight, 0) * cast(round(cast(json_extract(params.params, '$.per_students') as double) * 10000) as hugeint)
    end as value_numerator,
    case when school_periods.enrollment > 0 then cast(school_periods.enrollment as hugeint) * 100000000 end as value_denominator,
    true as is_required
  from school_periods
  join params on params.period_id = school_periods.period_id and params.formula = 'severity_weighted_incidents_per_10k'
  left join h1_weights
    on h1_weights.period_id = school_periods.period_id
   and h1_weights.school_code = school_periods.school_code
),

final as (
  select * from e2
  union all by name select * from h1
)

select * from final

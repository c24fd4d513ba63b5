-- grain: one row per period, school and case formula (E2, H1): bullying investigations and the severity-weighted incident rate
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: value is null or value >= 0
-- title: 案件类指标计量 | case measures
-- column: period_id | 统计周期编号 | period id
-- column: school_code | 学校标识码 | school code
-- column: formula | 指标公式键（定义文件 formula，如 on_time_rectification_rate） | formula key (the definition file’s formula, e.g. on_time_rectification_rate)
-- column: numerator | 分子（计数、时长或人数，见 docs/scoring.md） | numerator (a count, hours or students; see docs/scoring.md)
-- column: denominator | 分母（同上） | denominator (likewise)
-- column: value | 指标值；无可计量内容时为空 | the measured value; empty when there is nothing to measure
-- column: is_required | 本周期是否有此项要求（如该周期无学期结束则为否） | whether the period holds a requirement (false e.g. when no term ends in it)
with school_periods as (
  select * from core.int_school_periods
),

params as (
  select * from core.int_indicator_params
),

cases as (
  select * from core.fct_cases
),

severity_weights as (
  select * from ref.severity_weights
),

periods as (
  select * from core.dim_periods
),

period_days as (
  select * from core.dim_period_days
),

cases_in_period as (
  select period_days.period_id, periods.as_of_on, periods.definition_edition, cases.*
  from cases
  join period_days on period_days.day_on = cast(cases.occurred_at as date)
  join periods on periods.period_id = period_days.period_id
),

-- E2: bullying cases whose investigation closed within the limit; a case still open inside its limit is not judged yet
e2 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'bullying_case_timely_closure_rate' as formula,
    count(cases_in_period.case_id) filter (where cases_in_period.days_to_close <= cast(json_extract(params.params, '$.max_days') as double)) as numerator,
    count(cases_in_period.case_id) as denominator,
    case when denominator > 0 then numerator / denominator end as value,
    true as is_required
  from school_periods
  join params on params.period_id = school_periods.period_id and params.formula = 'bullying_case_timely_closure_rate'
  left join cases_in_period
    on cases_in_period.period_id = school_periods.period_id
   and cases_in_period.school_code = school_periods.school_code
   and cases_in_period.category = json_extract_string(params.params, '$.case_category')
   and (cases_in_period.investigation_closed_at is not null
        or cases_in_period.occurred_at + to_days(cast(json_extract(params.params, '$.max_days') as integer)) <= cases_in_period.as_of_on::timestamp + interval 1 day)
  group by all
),

-- H1: cases weighted by severity, per 10,000 students
h1 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'severity_weighted_incidents_per_10k' as formula,
    coalesce(sum(severity_weights.weight), 0) as numerator,
    any_value(school_periods.enrollment) as denominator,
    case when denominator > 0 then numerator / denominator * cast(json_extract(any_value(params.params), '$.per_students') as double) end as value,
    true as is_required
  from school_periods
  join params on params.period_id = school_periods.period_id and params.formula = 'severity_weighted_incidents_per_10k'
  left join cases_in_period
    on cases_in_period.period_id = school_periods.period_id
   and cases_in_period.school_code = school_periods.school_code
  left join severity_weights
    on severity_weights.edition = school_periods.definition_edition
   and severity_weights.severity = cases_in_period.severity
  group by school_periods.period_id, school_periods.school_code
),

final as (
  select * from e2
  union all by name select * from h1
)

select * from final

-- grain: one row per period, school and screening formula (F1 screening coverage, F2 tracking of warned students): the psychological screenings of the twelve months up to the last day of the school's window
-- grain_zh: 每个统计周期、学校和心理筛查公式（F1 筛查覆盖率、F2 预警学生跟踪）一行：截至该校时段最后一天的十二个月内的心理筛查
-- incremental: period_id
-- materialized: temporary
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: (value_numerator is null) = (value_denominator is null)
-- expect: value_numerator is null or (value_numerator >= 0 and value_denominator > 0)
-- title: 心理筛查计量 | psychological screening measures
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

screening_params as (
  select period_id, json_extract_string(params, '$.activity_kind') as activity_kind
  from core.int_indicator_params
  where period_id in (select period_id from core.int_build_periods) and formula = 'psych_screening_coverage'
),

screenings as (
  select *
  from core.fct_activities
  where school_code is not null and activity_kind in (select activity_kind from screening_params)
),

-- screening is yearly, so both formulas look at the twelve months up to the window's last day
screening as (
  select
    school_periods.period_id,
    school_periods.school_code,
    any_value(school_periods.enrollment) as enrollment,
    coalesce(sum(screenings.n_screened), 0) as n_screened,
    coalesce(sum(screenings.n_warned), 0) as n_warned,
    coalesce(sum(screenings.n_tracked), 0) as n_tracked
  from school_periods
  left join screenings
    on screenings.school_code = school_periods.school_code
   and screenings.activity_on > school_periods.window_end_on - interval 1 year
   and screenings.activity_on <= school_periods.window_end_on
  group by all
),

screening_coverage as (
  select
    period_id,
    school_code,
    'psych_screening_coverage' as formula,
    n_screened as numerator,
    enrollment as denominator,
    case when enrollment > 0 then least(n_screened, enrollment) end as value_numerator,
    case when enrollment > 0 then enrollment end as value_denominator,
    true as is_required
  from screening
),

warned_tracking as (
  select
    period_id,
    school_code,
    'warned_student_tracking_rate' as formula,
    n_tracked as numerator,
    n_warned as denominator,
    case when n_warned > 0 then least(n_tracked, n_warned) end as value_numerator,
    case when n_warned > 0 then n_warned end as value_denominator,
    true as is_required
  from screening
),

final as (
  select * from screening_coverage
  union all by name select * from warned_tracking
)

select * from final

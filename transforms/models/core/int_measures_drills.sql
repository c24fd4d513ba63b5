-- grain: one row per period and school, for the evacuation-drill formula (C1): requirement windows of the school's frequency held against the drills logged
-- grain_zh: 每个统计周期的每所学校一行，用于应急疏散演练公式（C1）：按该校演练频次划分的时段与已登记演练的对照
-- incremental: period_id
-- materialized: temporary
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: (value_numerator is null) = (value_denominator is null)
-- expect: value_numerator is null or (value_numerator >= 0 and value_denominator > 0)
-- title: 应急疏散演练计量 | evacuation drill measures
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

drill_params as (
  select period_id, params, json_extract_string(params, '$.activity_kind') as activity_kind
  from core.int_indicator_params
  where period_id in (select period_id from core.int_build_periods) and formula = 'evacuation_drill_rate'
),

quarters as (
  select * from core.dim_periods where period_kind = 'quarter'
),

terms as (
  select * from core.dim_terms
),

activities as (
  select * from core.fct_activities where school_code is not null
),

-- requirement windows: each month of the school's window that overlaps a term (monthly_in_term), each quarter ending in it (quarterly)
drill_windows as (
  select school_periods.period_id, school_periods.school_code, 'monthly_in_term' as frequency, month_start as window_start_on
  from school_periods,
    unnest(generate_series(date_trunc('month', school_periods.window_start_on), school_periods.window_end_on, interval 1 month)) as m(month_start)
  where exists (select 1 from terms where terms.start_on <= last_day(month_start) and terms.end_on >= month_start)
  union all
  select school_periods.period_id, school_periods.school_code, 'quarterly', quarters.start_on
  from school_periods
  join quarters on quarters.end_on between school_periods.window_start_on and school_periods.window_end_on
),

-- the school's frequency (kindergartens quarterly, other schools monthly in term) and its windows
school_drill_windows as (
  select drill_windows.*
  from drill_windows
  join school_periods using (period_id, school_code)
  join drill_params on drill_params.period_id = drill_windows.period_id
  where drill_windows.frequency = json_extract_string(
    drill_params.params,
    case when school_periods.school_type = '幼儿园' then '$.kindergarten_frequency' else '$.school_frequency' end
  )
),

-- the windows each school's drills fall in, at both granularities
drill_held as (
  select distinct school_code, activity_kind, 'monthly_in_term' as frequency, date_trunc('month', activity_on) as window_start_on
  from activities
  union all
  select distinct school_code, activity_kind, 'quarterly', date_trunc('quarter', activity_on)
  from activities
),

drill_counts as (
  select
    school_drill_windows.period_id,
    school_drill_windows.school_code,
    count(*) as n_windows,
    count(drill_held.window_start_on) as n_met
  from school_drill_windows
  join drill_params on drill_params.period_id = school_drill_windows.period_id
  left join drill_held
    on drill_held.school_code = school_drill_windows.school_code
   and drill_held.frequency = school_drill_windows.frequency
   and drill_held.window_start_on = school_drill_windows.window_start_on
   and drill_held.activity_kind = drill_params.activity_kind
  group by all
),

final as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'evacuation_drill_rate' as formula,
    coalesce(drill_counts.n_met, 0) as numerator,
    coalesce(drill_counts.n_windows, 0) as denominator,
    drill_counts.n_met as value_numerator,
    drill_counts.n_windows as value_denominator,
    denominator > 0 as is_required
  from school_periods
  join drill_params on drill_params.period_id = school_periods.period_id
  left join drill_counts
    on drill_counts.period_id = school_periods.period_id
   and drill_counts.school_code = school_periods.school_code
)

select * from final

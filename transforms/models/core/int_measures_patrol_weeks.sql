-- grain: one row per period and school, for the water-patrol formula (D2): weeks of the patrol months in the school's window held against the patrols logged
-- grain_zh: 每个统计周期的每所学校一行，用于防溺水巡查公式（D2）：该校时段内巡查月份的周数与已登记巡查的对照
-- incremental: period_id
-- materialized: temporary
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: (value_numerator is null) = (value_denominator is null)
-- expect: value_numerator is null or (value_numerator >= 0 and value_denominator > 0)
-- title: 防溺水巡查周计量 | water patrol week measures
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

patrol_params as (
  select period_id, params, json_extract_string(params, '$.activity_kind') as activity_kind
  from core.int_indicator_params
  where period_id in (select period_id from core.int_build_periods) and formula = 'water_patrol_week_coverage'
),

activities as (
  select * from core.fct_activities where school_code is not null
),

-- weeks (Monday to Sunday) whose Monday is in the school's window and in the patrol months
school_weeks as (
  select school_periods.period_id, school_periods.school_code, patrol_params.activity_kind, week_start
  from school_periods
  join patrol_params on patrol_params.period_id = school_periods.period_id,
    unnest(generate_series(date_trunc('week', school_periods.window_start_on), school_periods.window_end_on, interval 7 day)) as w(week_start)
  where week_start >= school_periods.window_start_on
    and list_contains(from_json(json_extract(patrol_params.params, '$.months'), '["INTEGER"]'), month(week_start))
),

patrolled_weeks as (
  select distinct school_code, activity_kind, date_trunc('week', activity_on) as week_start
  from activities
),

week_counts as (
  select
    school_weeks.period_id,
    school_weeks.school_code,
    count(*) as n_weeks,
    count(patrolled_weeks.week_start) as n_weeks_patrolled
  from school_weeks
  left join patrolled_weeks
    on patrolled_weeks.school_code = school_weeks.school_code
   and patrolled_weeks.week_start = school_weeks.week_start
   and patrolled_weeks.activity_kind = school_weeks.activity_kind
  group by all
),

final as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'water_patrol_week_coverage' as formula,
    coalesce(week_counts.n_weeks_patrolled, 0) as numerator,
    coalesce(week_counts.n_weeks, 0) as denominator,
    week_counts.n_weeks_patrolled as value_numerator,
    week_counts.n_weeks as value_denominator,
    denominator > 0 as is_required
  from school_periods
  left join week_counts
    on week_counts.period_id = school_periods.period_id
   and week_counts.school_code = school_periods.school_code
)

select * from final

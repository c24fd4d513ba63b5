-- grain: one row per period, school and device-based formula (B2–B5): device-hours behind uptime, repair times
-- grain_zh: 每个统计周期、学校和设备类公式（B2–B5）一行：在线率所依据的设备小时数、维修时长
-- incremental: period_id
-- materialized: temporary
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: (value_numerator is null) = (value_denominator is null)
-- expect: value_numerator is null or (value_numerator >= 0 and value_denominator > 0)
-- expect: numerator is null or denominator is null or numerator <= denominator + 1e-9
-- title: 设备类指标计量 | device-based measures
-- column: period_id | 统计周期编号 | period id
-- column: school_code | 学校标识码 | school code
-- column: formula | 指标公式键（定义文件 formula，如 on_time_rectification_rate） | formula key (the definition file’s formula, e.g. on_time_rectification_rate)
-- column: numerator | 分子（计数、时长或人数，见 docs/scoring.md） | numerator (a count, hours or students; see docs/scoring.md)
-- column: denominator | 分母（同上） | denominator (likewise)
-- column: value_numerator | 指标值的精确分数之分子（整数，按秒计；无可计量内容时为空） | the value as an exact fraction: its numerator (an integer, from whole seconds; empty when there is nothing to measure)
-- column: value_denominator | 指标值的精确分数之分母（正整数） | the value as an exact fraction: its denominator (a positive integer)
-- column: is_required | 本周期是否有此项要求（如该周期无学期结束则为否） | whether the period holds a requirement (false e.g. when no term ends in it)
with school_periods as (
  select * from core.int_school_periods where period_id in (select period_id from core.int_build_periods)
),

params as (
  select * from core.int_indicator_params where period_id in (select period_id from core.int_build_periods)
),

intervals as (
  select * from core.fct_device_intervals
),

periods as (
  select * from core.dim_periods where period_id in (select period_id from core.int_build_periods)
),

-- each status interval cut to the school's window; the last (open) interval runs to the end of the window's last day
clipped as (
  select
    school_periods.period_id,
    intervals.school_code,
    intervals.device_id,
    intervals.device_type,
    intervals.state,
    -- whole seconds, summed exactly (a float sum would depend on the order of parallel aggregation)
    date_diff(
      'second',
      greatest(intervals.started_at, school_periods.window_start_on::timestamp),
      least(coalesce(intervals.ended_at, timestamp '9999-12-31'), school_periods.window_end_on::timestamp + interval 1 day)
    ) as seconds
  from intervals
  -- a range join on the few periods first, then the school's own window
  join periods
    on intervals.started_at < periods.as_of_on::timestamp + interval 1 day
   and coalesce(intervals.ended_at, timestamp '9999-12-31') > periods.start_on::timestamp
  join school_periods
    on school_periods.period_id = periods.period_id
   and school_periods.school_code = intervals.school_code
  where intervals.started_at < school_periods.window_end_on::timestamp + interval 1 day
    and coalesce(intervals.ended_at, timestamp '9999-12-31') > school_periods.window_start_on::timestamp
),

-- B2, B3, B4: the share of device-time online, over the device types each formula names
uptime_formulas as (
  select period_id, formula, from_json(json_extract(params, '$.device_types'), '["VARCHAR"]') as device_types
  from params
  where formula in ('one_key_alarm_uptime', 'camera_uptime', 'fire_device_health')
),

uptime_measured as (
  select
    clipped.period_id,
    clipped.school_code,
    uptime_formulas.formula,
    coalesce(sum(clipped.seconds) filter (where clipped.state = 'online'), 0) as online_seconds,
    sum(clipped.seconds) as device_seconds
  from clipped
  join uptime_formulas
    on uptime_formulas.period_id = clipped.period_id
   and list_contains(uptime_formulas.device_types, clipped.device_type)
  group by all
),

uptime as (
  select
    school_periods.period_id,
    school_periods.school_code,
    uptime_formulas.formula,
    coalesce(uptime_measured.online_seconds, 0) / 3600.0 as numerator,
    uptime_measured.device_seconds / 3600.0 as denominator,
    case when uptime_measured.device_seconds > 0 then uptime_measured.online_seconds end as value_numerator,
    case when uptime_measured.device_seconds > 0 then uptime_measured.device_seconds end as value_denominator,
    true as is_required
  from school_periods
  join uptime_formulas on uptime_formulas.period_id = school_periods.period_id
  left join uptime_measured
    on uptime_measured.period_id = school_periods.period_id
   and uptime_measured.school_code = school_periods.school_code
   and uptime_measured.formula = uptime_formulas.formula
),

-- B5: fault episodes that ended (the device was restored) in the school's window, in whole seconds
repairs as (
  select
    school_periods.period_id,
    intervals.school_code,
    date_diff('second', intervals.started_at, intervals.ended_at) as repair_seconds
  from intervals
  join core.dim_period_days as period_days on period_days.day_on = cast(intervals.ended_at as date)
  join school_periods
    on school_periods.period_id = period_days.period_id
   and school_periods.school_code = intervals.school_code
   and period_days.day_on between school_periods.window_start_on and school_periods.window_end_on
  where intervals.state = 'fault'
),

-- the median of whole seconds is a whole or half second: twice it over 7,200 is the exact median in hours
b5 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'median_fault_repair_hours' as formula,
    null::double as numerator,
    count(repairs.repair_seconds) as denominator,
    cast(2 * median(repairs.repair_seconds) as hugeint) as value_numerator,
    case when count(repairs.repair_seconds) > 0 then 7200 end as value_denominator,
    true as is_required
  from school_periods
  left join repairs using (period_id, school_code)
  group by all
),

final as (
  select * from uptime
  union all by name
  select * from b5
)

select * from final

-- grain: one row per period, school and device-based formula (B2–B5): device-hours behind uptime, repair times
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: value is null or value >= 0
-- expect: numerator is null or denominator is null or numerator <= denominator + 1e-9
-- title: 设备类指标计量 | device-based measures
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

intervals as (
  select * from core.fct_device_intervals
),

periods as (
  select * from core.dim_periods
),

-- each status interval cut to the period; the last (open) interval runs to the end of the as-of day
clipped as (
  select
    periods.period_id,
    intervals.school_code,
    intervals.device_id,
    intervals.device_type,
    intervals.state,
    -- whole seconds, summed exactly (a float sum would depend on the order of parallel aggregation)
    date_diff(
      'second',
      greatest(intervals.started_at, periods.start_on::timestamp),
      least(coalesce(intervals.ended_at, periods.as_of_on::timestamp + interval 1 day), periods.as_of_on::timestamp + interval 1 day)
    ) as seconds
  from intervals
  join periods
    on intervals.started_at < periods.as_of_on::timestamp + interval 1 day
   and coalesce(intervals.ended_at, timestamp '9999-12-31') > periods.start_on::timestamp
),

-- B2, B3, B4: the share of device-hours online, over the device types each formula names
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
    sum(clipped.seconds) filter (where clipped.state = 'online') / 3600.0 as online_hours,
    sum(clipped.seconds) / 3600.0 as device_hours
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
    uptime_measured.online_hours as numerator,
    uptime_measured.device_hours as denominator
  from school_periods
  join uptime_formulas on uptime_formulas.period_id = school_periods.period_id
  left join uptime_measured
    on uptime_measured.period_id = school_periods.period_id
   and uptime_measured.school_code = school_periods.school_code
   and uptime_measured.formula = uptime_formulas.formula
),

-- B5: fault episodes that ended (the device was restored) in the period, in hours
repairs as (
  select
    period_days.period_id,
    intervals.school_code,
    date_diff('second', intervals.started_at, intervals.ended_at) / 3600.0 as repair_hours
  from intervals
  join core.dim_period_days as period_days on period_days.day_on = cast(intervals.ended_at as date)
  where intervals.state = 'fault'
),

b5 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'median_fault_repair_hours' as formula,
    null::double as numerator,
    count(repairs.repair_hours) as denominator,
    median(repairs.repair_hours) as value,
    true as is_required
  from school_periods
  left join repairs using (period_id, school_code)
  group by all
),

final as (
  select
    period_id,
    school_code,
    formula,
    coalesce(numerator, 0) as numerator,
    denominator,
    case when denominator > 0 then coalesce(numerator, 0) / denominator end as value,
    true as is_required
  from uptime
  union all by name
  select * from b5
)

select * from final

-- grain: one row per period, school and alert formula (C2, E3, G1, G2): response times and closure of the alerts raised in the period
-- grain_zh: 每个统计周期、学校和预警类公式（C2、E3、G1、G2）一行：周期内预警的响应时长和办结情况
-- incremental: period_id
-- materialized: temporary
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: (value_numerator is null) = (value_denominator is null)
-- expect: value_numerator is null or (value_numerator >= 0 and value_denominator > 0)
-- title: 预警类指标计量 | alert measures
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

alerts as (
  select * from core.fct_alerts
),

period_days as (
  select * from core.dim_period_days where period_id in (select period_id from core.int_build_periods)
),

-- the alerts raised in the school's window; an alert never acknowledged counts as acknowledged at the end of
-- the window's last day, so silence never beats a slow answer (whole seconds, so medians and percentiles are exact)
alerts_in_window as (
  select
    school_periods.period_id,
    school_periods.window_end_on,
    alerts.*,
    date_diff('second', alerts.raised_at, alerts.acknowledged_at) as seconds_to_acknowledge,
    coalesce(
      date_diff('second', alerts.raised_at, alerts.acknowledged_at),
      date_diff('second', alerts.raised_at, school_periods.window_end_on::timestamp + interval 1 day)
    ) as seconds_to_acknowledge_censored
  from alerts
  join period_days on period_days.day_on = cast(alerts.raised_at as date)
  join school_periods
    on school_periods.period_id = period_days.period_id
   and school_periods.school_code = alerts.school_code
   and period_days.day_on between school_periods.window_start_on and school_periods.window_end_on
),

formulas as (
  select
    period_id,
    formula,
    params,
    json_extract_string(params, '$.alert_origin') as origin,
    from_json(json_extract(params, '$.alert_levels'), '["VARCHAR"]') as levels,
    coalesce(from_json(json_extract(params, '$.exclude_dispositions'), '["VARCHAR"]'), []) as excluded_dispositions,
    cast(json_extract(params, '$.max_minutes') as double) as max_minutes,
    coalesce(cast(json_extract(params, '$.max_hours') as double), 24) as max_hours
  from params
  where formula in ('fire_alert_ack_p90_minutes', 'voice_ai_ack_within_5min_rate', 'alert_closure_24h_rate', 'red_orange_ack_median_minutes')
),

-- each alert under each formula whose filters (origin, levels, dispositions) it passes
alerts_by_formula as (
  select alerts_in_window.*, formulas.formula, formulas.max_minutes, formulas.max_hours
  from alerts_in_window
  join formulas on formulas.period_id = alerts_in_window.period_id
  where (formulas.origin is null or alerts_in_window.origin = formulas.origin)
    and (formulas.levels is null or list_contains(formulas.levels, alerts_in_window.level))
    and not coalesce(list_contains(formulas.excluded_dispositions, alerts_in_window.disposition), false)
    -- G1 judges an alert once its max_hours (24) have passed (or it is closed)
    and (formulas.formula <> 'alert_closure_24h_rate'
         or alerts_in_window.closed_at is not null
         or date_diff('second', alerts_in_window.raised_at, alerts_in_window.window_end_on::timestamp + interval 1 day) >= formulas.max_hours * 3600)
),

measured as (
  select
    period_id,
    school_code,
    formula,
    count(*) as n_alerts,
    count(*) filter (where seconds_to_acknowledge <= max_minutes * 60) as n_acknowledged_in_time,
    count(*) filter (where date_diff('second', raised_at, closed_at) <= max_hours * 3600) as n_closed_within_24h,
    list_sort(list(seconds_to_acknowledge_censored)) as sorted_seconds
  from alerts_by_formula
  group by all
),

-- exact order statistics of whole seconds, in minutes: the median (twice it over 120) and the 90th percentile by
-- linear interpolation at position 0.9 × (n − 1) (ten times it over 600)
order_statistics as (
  select
    *,
    len(sorted_seconds) as n,
    sorted_seconds[(n - 1) // 2 + 1] + sorted_seconds[n // 2 + 1] as twice_median_seconds,
    (9 * (n - 1)) // 10 + 1 as p90_low_index,
    (9 * (n - 1)) % 10 as p90_weight,
    10 * sorted_seconds[p90_low_index]
      + case when p90_weight > 0 then p90_weight * (sorted_seconds[p90_low_index + 1] - sorted_seconds[p90_low_index]) else 0 end
      as ten_times_p90_seconds
  from measured
),

final as (
  select
    school_periods.period_id,
    school_periods.school_code,
    formulas.formula,
    cast(case formulas.formula
      when 'voice_ai_ack_within_5min_rate' then coalesce(order_statistics.n_acknowledged_in_time, 0)
      when 'alert_closure_24h_rate' then coalesce(order_statistics.n_closed_within_24h, 0)
    end as double) as numerator,
    cast(coalesce(order_statistics.n_alerts, 0) as double) as denominator,
    cast(case formulas.formula
      when 'fire_alert_ack_p90_minutes' then order_statistics.ten_times_p90_seconds
      when 'red_orange_ack_median_minutes' then order_statistics.twice_median_seconds
      when 'voice_ai_ack_within_5min_rate' then order_statistics.n_acknowledged_in_time
      when 'alert_closure_24h_rate' then order_statistics.n_closed_within_24h
    end as hugeint) as value_numerator,
    cast(case when order_statistics.n_alerts > 0 then case formulas.formula
      when 'fire_alert_ack_p90_minutes' then 600
      when 'red_orange_ack_median_minutes' then 120
      else order_statistics.n_alerts
    end end as hugeint) as value_denominator,
    true as is_required
  from school_periods
  join formulas on formulas.period_id = school_periods.period_id
  left join order_statistics
    on order_statistics.period_id = school_periods.period_id
   and order_statistics.school_code = school_periods.school_code
   and order_statistics.formula = formulas.formula
)

select * from final

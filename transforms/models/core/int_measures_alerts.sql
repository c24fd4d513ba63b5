-- grain: one row per period, school and alert formula (C2, E3, G1, G2): response times and closure of the alerts raised in the period
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: value is null or value >= 0
-- title: 预警类指标计量 | alert measures
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

alerts as (
  select * from core.fct_alerts
),

-- an alert never acknowledged counts as acknowledged at the end of the as-of day, so silence never beats a slow answer
periods as (
  select * from core.dim_periods
),

period_days as (
  select * from core.dim_period_days
),

alerts_in_period as (
  select
    period_days.period_id,
    periods.as_of_on,
    alerts.*,
    coalesce(
      alerts.minutes_to_acknowledge,
      date_diff('second', alerts.raised_at, periods.as_of_on::timestamp + interval 1 day) / 60.0
    ) as minutes_to_acknowledge_censored
  from alerts
  join period_days on period_days.day_on = cast(alerts.raised_at as date)
  join periods on periods.period_id = period_days.period_id
),

formulas as (
  select
    period_id,
    formula,
    params,
    json_extract_string(params, '$.alert_origin') as origin,
    from_json(json_extract(params, '$.alert_levels'), '["VARCHAR"]') as levels,
    coalesce(from_json(json_extract(params, '$.exclude_dispositions'), '["VARCHAR"]'), []) as excluded_dispositions,
    cast(json_extract(params, '$.max_minutes') as double) as max_minutes
  from params
  where formula in ('fire_alert_ack_p90_minutes', 'voice_ai_ack_within_5min_rate', 'alert_closure_24h_rate', 'red_orange_ack_median_minutes')
),

-- each alert under each formula whose filters (origin, levels, dispositions) it passes
alerts_by_formula as (
  select alerts_in_period.*, formulas.formula, formulas.max_minutes
  from alerts_in_period
  join formulas on formulas.period_id = alerts_in_period.period_id
  where (formulas.origin is null or alerts_in_period.origin = formulas.origin)
    and (formulas.levels is null or list_contains(formulas.levels, alerts_in_period.level))
    and not coalesce(list_contains(formulas.excluded_dispositions, alerts_in_period.disposition), false)
    -- G1 judges an alert once its 24 hours have passed (or it is closed)
    and (formulas.formula <> 'alert_closure_24h_rate'
         or alerts_in_period.closed_at is not null
         or alerts_in_period.raised_at + interval 24 hour <= alerts_in_period.as_of_on::timestamp + interval 1 day)
),

measured as (
  select
    period_id,
    school_code,
    formula,
    count(*) as n_alerts,
    count(*) filter (where minutes_to_acknowledge <= max_minutes) as n_acknowledged_in_time,
    count(*) filter (where is_closed_within_24h) as n_closed_within_24h,
    quantile_cont(minutes_to_acknowledge_censored, 0.9) as p90_minutes,
    median(minutes_to_acknowledge_censored) as median_minutes
  from alerts_by_formula
  group by all
),

final as (
  select
    school_periods.period_id,
    school_periods.school_code,
    formulas.formula,
    cast(case formulas.formula
      when 'voice_ai_ack_within_5min_rate' then coalesce(measured.n_acknowledged_in_time, 0)
      when 'alert_closure_24h_rate' then coalesce(measured.n_closed_within_24h, 0)
    end as double) as numerator,
    cast(coalesce(measured.n_alerts, 0) as double) as denominator,
    cast(case formulas.formula
      when 'fire_alert_ack_p90_minutes' then measured.p90_minutes
      when 'red_orange_ack_median_minutes' then measured.median_minutes
      else numerator / measured.n_alerts
    end as double) as value,
    true as is_required
  from school_periods
  join formulas on formulas.period_id = school_periods.period_id
  left join measured
    on measured.period_id = school_periods.period_id
   and measured.school_code = school_periods.school_code
   and measured.formula = formulas.formula
)

select * from final

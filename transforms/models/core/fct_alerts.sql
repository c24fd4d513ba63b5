-- grain: one row per alert, with the school as it was when it was raised and its response times
-- unique: alert_id
-- not_null: alert_id, school_code, origin, level, raised_at
-- accepted_values: level = 红 | 橙 | 黄 | 蓝
-- accepted_values: origin = 视频AI | 语音AI | 消防物联 | 巡查 | 心理
-- relationships: school_code -> core.dim_schools.school_code
-- expect: minutes_to_acknowledge is null or minutes_to_acknowledge >= 0
-- expect: hours_to_close is null or hours_to_close >= 0
with alerts as (
  select * from staging.stg_alerts
),

schools as (
  select * from core.dim_schools
),

final as (
  select
    alerts.alert_id,
    alerts.school_code,
    schools.unit_code,
    alerts.origin,
    alerts.category,
    alerts.level,
    alerts.raised_at,
    alerts.acknowledged_at,
    alerts.closed_at,
    alerts.disposition,
    alerts.disposition = '误报' as is_false_alarm,
    alerts.disposition = '重复' as is_duplicate,
    date_diff('second', alerts.raised_at, alerts.acknowledged_at) / 60.0 as minutes_to_acknowledge,
    date_diff('second', alerts.raised_at, alerts.closed_at) / 3600.0 as hours_to_close,
    coalesce(alerts.closed_at <= alerts.raised_at + interval 24 hour, false) as is_closed_within_24h,
    alerts.student_id_number_hash
  from alerts
  left join schools
    on schools.school_code = alerts.school_code
   and cast(alerts.raised_at as date) between schools.valid_from and schools.valid_to
)

select * from final

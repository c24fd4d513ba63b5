-- grain: one row per alert, with the school as it was when it was raised and its response times
-- grain_zh: 每条预警一行，带预警发生时学校的情况和各项响应时长
-- unique: alert_id
-- not_null: alert_id, school_code, origin, level, raised_at
-- accepted_values: level = 红 | 橙 | 黄 | 蓝
-- accepted_values: origin = 视频AI | 语音AI | 消防物联 | 巡查 | 心理
-- relationships: school_code -> core.dim_schools.school_code
-- expect: minutes_to_acknowledge is null or minutes_to_acknowledge >= 0
-- expect: hours_to_close is null or hours_to_close >= 0
-- title: 预警告警 | alerts
-- column: alert_id | 告警编号 | alert id
-- column: school_code | 学校标识码 | school code
-- column: unit_code | 告警发生当日学校所属单位代码 | the school’s unit on the day the alert was raised
-- column: origin | 来源：视频AI、语音AI（防欺凌）、消防物联、巡查、心理 | origin: video AI, voice AI (anti-bullying), fire IoT, patrol, mental-health warning
-- column: category | 告警类型（如打架、拥挤、攀爬、烟火、求救语音、溺水风险水域、心理危机） | category (e.g. fighting, crowding, climbing, smoke/fire, distress words, drowning-risk water area, psychological crisis)
-- column: level | 级别：红、橙、黄、蓝（三级制和 I–IV 级已换算） | level: red, orange, yellow, blue (three-level and I–IV scales mapped onto it)
-- column: raised_at | 发生时间（北京时间） | raised at (Asia/Shanghai wall time)
-- column: acknowledged_at | 认领时间（北京时间） | acknowledged at (Asia/Shanghai wall time)
-- column: closed_at | 关闭时间（北京时间） | closed at (Asia/Shanghai wall time)
-- column: disposition | 处置结果：真实、误报、重复 | disposition: true (真实), false alarm (误报) or duplicate (重复)
-- column: is_false_alarm | 是否误报 | whether it was a false alarm
-- column: is_duplicate | 是否重复告警 | whether it duplicates another alert
-- column: minutes_to_acknowledge | 从发生到认领的分钟数 | minutes from raised to acknowledged
-- column: hours_to_close | 从发生到关闭的小时数 | hours from raised to closed
-- column: is_closed_within_24h | 是否在发生后 24 小时内关闭 | whether it was closed within 24 hours of being raised
-- column: student_id_number_hash | 涉及学生身份证号的加盐哈希（只用于统计人数，不可还原） | salted hash of the student’s ID number (only for counting distinct students; cannot be reversed)
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

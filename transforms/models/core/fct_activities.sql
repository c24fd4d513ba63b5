-- grain: one row per programme activity, attributed to a school (and its unit on that day) or to a unit
-- grain_zh: 每条专项工作记录一行，归属到学校（及当日所属单位）或单位
-- unique: activity_id
-- not_null: activity_id, unit_code, activity_on, activity_kind
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: n_returned is null or n_sent is null or n_returned <= n_sent
-- warn_expect: n_tracked is null or n_warned is null or n_tracked <= n_warned
-- title: 专项工作记录 | programme activities
-- column: activity_id | 活动编号 | activity id
-- column: school_code | 学校标识码（单位层面的活动为空） | school code (empty for an activity of a unit)
-- column: unit_code | 单位代码（学校的活动取活动当日学校所属单位） | unit code (for a school’s activity, the school’s unit on that day)
-- column: is_unit_level | 是否单位层面的活动（如区县督导） | whether a unit rather than a school logged the activity (e.g. county supervision)
-- column: activity_on | 活动日期 | date of the activity
-- column: activity_kind | 活动类型：应急演练、安全教育课、告知书、欺凌调查、心理测评、心理课、水域巡查、安全责任书、督导 | kind: evacuation drill, safety lesson, parent letters, anti-bullying survey, mental-health screening, mental-health course, water-area patrol, responsibility letters, supervision
-- column: topic | 教育主题：防溺水、防欺凌、消防、交通、心理健康、综合 | lesson topic: drowning, bullying, fire, traffic, mental health, general
-- column: supervision_action | 督导类型：约谈、交办函、提示函、处罚 | supervision action: interview, hazard assignment letter, reminder letter, penalty
-- column: target_school_code | 督导对象学校的标识码 | school code of the school a supervision action is about
-- column: n_participants | 参与人数 | participants
-- column: n_sent | 告知书发放数 | parent letters sent
-- column: n_returned | 告知书回执数 | parent-letter receipts returned
-- column: n_screened | 心理测评人数 | students screened
-- column: n_warned | 心理测评预警人数 | students warned by the screening
-- column: n_tracked | 已建立跟踪方案的预警学生数（二包一/三包一） | warned students with a tracking plan (二包一/三包一)
-- column: deadline_on | 交办函反馈期限 | reply deadline of a hazard assignment letter
-- column: replied_on | 交办函反馈日期 | date the assignment letter was answered
with activities as (
  select * from staging.stg_activities
),

schools as (
  select * from core.dim_schools
),

final as (
  select
    activities.activity_id,
    activities.school_code,
    coalesce(schools.unit_code, activities.unit_code) as unit_code,
    activities.school_code is null as is_unit_level,
    activities.activity_on,
    activities.activity_kind,
    activities.topic,
    activities.supervision_action,
    activities.target_school_code,
    activities.n_participants,
    activities.n_sent,
    activities.n_returned,
    activities.n_screened,
    activities.n_warned,
    activities.n_tracked,
    activities.deadline_on,
    activities.replied_on
  from activities
  left join schools
    on schools.school_code = activities.school_code
   and activities.activity_on between schools.valid_from and schools.valid_to
)

select * from final

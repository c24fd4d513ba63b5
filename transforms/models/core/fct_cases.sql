-- grain: one row per incident case, with the school as it was when it occurred
-- grain_zh: 每起事故案件一行，带案件发生时学校的情况
-- unique: case_id
-- not_null: case_id, school_code, occurred_at, reported_at, category, severity, severity_weight
-- accepted_values: severity = 一般 | 较大 | 重大 | 特别重大
-- relationships: school_code -> core.dim_schools.school_code
-- expect: hours_to_report >= 0
-- title: 事故案件 | incident cases
-- column: case_id | 案件编号 | case id
-- column: school_code | 学校标识码 | school code
-- column: unit_code | 案发当日学校所属单位代码 | the school’s unit on the day the case occurred
-- column: category | 类别：欺凌、溺水、意外伤害、火灾、交通、食品安全、性侵害、校园侵害、心理危机 | category: bullying, drowning, injury, fire, traffic, food safety, sexual harm, intrusion/violence, psychological crisis
-- column: severity | 等级：一般、较大、重大、特别重大 | severity: 一般 general, 较大 serious, 重大 major, 特别重大 especially major
-- column: severity_weight | 等级权重：一般 1、较大 3、重大 10、特别重大 30（用于事故发生率） | severity weight: 1, 3, 10 and 30 (for the incident rate)
-- column: occurred_at | 发生时间（北京时间） | occurred at (Asia/Shanghai wall time)
-- column: reported_at | 上报时间（北京时间） | reported at (Asia/Shanghai wall time)
-- column: hours_to_report | 从发生到上报的小时数 | hours from occurrence to report
-- column: is_late_reported | 较大及以上案件是否在发生 24 小时后才上报（视为迟报瞒报，一票否决） | whether a serious case (较大 or worse) was reported more than 24 h after it occurred (counts as concealed: a veto)
-- column: n_injured | 受伤人数（未填为 0） | people injured (0 when not given)
-- column: n_deaths | 死亡人数（未填为 0） | deaths (0 when not given)
-- column: investigation_closed_at | 调查结束时间 | investigation closed at
-- column: days_to_close | 从发生到调查结束的天数 | days from occurrence to the end of the investigation
-- column: status | 办理状态：处理中、已结案 | status: open (处理中) or closed (已结案)
-- column: accountability | 问责：无、约谈、通报、处分 | accountability: none, interview, public notice, sanction
-- column: student_id_number_hash | 涉及学生身份证号的加盐哈希（只用于统计人数，不可还原） | salted hash of the student’s ID number (only for counting distinct students; cannot be reversed)
with cases as (
  select * from staging.stg_cases
),

schools as (
  select * from core.dim_schools
),

final as (
  select
    cases.case_id,
    cases.school_code,
    schools.unit_code,
    cases.category,
    cases.severity,
    case cases.severity when '一般' then 1 when '较大' then 3 when '重大' then 10 when '特别重大' then 30 end as severity_weight,
    cases.occurred_at,
    cases.reported_at,
    date_diff('second', cases.occurred_at, cases.reported_at) / 3600.0 as hours_to_report,
    -- a serious case (较大 or worse) reported more than 24 h after it happened counts as concealed
    cases.severity <> '一般' and cases.reported_at > cases.occurred_at + interval 24 hour as is_late_reported,
    coalesce(cases.n_injured, 0) as n_injured,
    coalesce(cases.n_deaths, 0) as n_deaths,
    cases.investigation_closed_at,
    date_diff('second', cases.occurred_at, cases.investigation_closed_at) / 86400.0 as days_to_close,
    cases.status,
    cases.accountability,
    cases.student_id_number_hash
  from cases
  left join schools
    on schools.school_code = cases.school_code
   and cast(cases.occurred_at as date) between schools.valid_from and schools.valid_to
)

select * from final

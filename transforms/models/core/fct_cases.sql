-- grain: one row per incident case, with the school as it was when it occurred
-- unique: case_id
-- not_null: case_id, school_code, occurred_at, reported_at, category, severity, severity_weight
-- accepted_values: severity = 一般 | 较大 | 重大 | 特别重大
-- relationships: school_code -> core.dim_schools.school_code
-- expect: hours_to_report >= 0
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

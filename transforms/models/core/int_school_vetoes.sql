-- grain: one row per period, school and veto rule triggered, with the cases behind it
-- grain_zh: 每个统计周期、学校和触发的否决规则一行，带所依据的案件
-- incremental: period_id
-- unique: period_id, school_code, veto_id
-- not_null: period_id, school_code, veto_id, veto_name_zh, case_ids
-- relationships: period_id -> core.dim_periods.period_id
-- title: 学校一票否决 | school vetoes
-- column: period_id | 统计周期编号 | period id
-- column: school_code | 学校标识码 | school code
-- column: veto_id | 否决项编号（V1、V2） | veto id (V1, V2)
-- column: veto_name_zh | 否决项名称 | veto name
-- column: case_ids | 触发否决的案件编号 | the cases that triggered it
with school_periods as (
  select * from core.int_school_periods where period_id in (select period_id from core.int_build_periods)
),

vetoes as (
  select * from ref.vetoes
),

cases as (
  select * from core.fct_cases
),

severity_weights as (
  select * from ref.severity_weights
),

triggering_cases as (
  select
    school_periods.period_id,
    school_periods.school_code,
    vetoes.veto_id,
    vetoes.veto_name_zh,
    cases.case_id
  from school_periods
  join vetoes on vetoes.edition = school_periods.definition_edition
  join cases
    on cases.school_code = school_periods.school_code
   and cases.occurred_at >= school_periods.window_start_on::timestamp
   and cases.occurred_at < school_periods.window_end_on::timestamp + interval 1 day
  left join severity_weights as case_weight
    on case_weight.edition = school_periods.definition_edition and case_weight.severity = cases.severity
  left join severity_weights as min_weight
    on min_weight.edition = school_periods.definition_edition
   and min_weight.severity = json_extract_string(vetoes.params, '$.min_severity')
  where case vetoes.rule
    when 'death_in_school_incident' then cases.n_deaths >= cast(json_extract(vetoes.params, '$.min_deaths') as integer)
    when 'late_reported_serious_case' then case_weight.weight >= min_weight.weight
      and cases.hours_to_report > cast(json_extract(vetoes.params, '$.max_report_delay_hours') as double)
  end
),

final as (
  select
    period_id,
    school_code,
    veto_id,
    any_value(veto_name_zh) as veto_name_zh,
    string_agg(case_id, '、' order by case_id) as case_ids
  from triggering_cases
  group by period_id, school_code, veto_id
)

select * from final

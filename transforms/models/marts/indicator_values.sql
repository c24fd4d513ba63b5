-- grain: one row per period, school and indicator
-- unique: period, school_code, indicator_id
-- not_null: period, unit_code, school_code, indicator_id, status
-- accepted_values: status = ok | not_applicable | no_data
-- relationships: period -> core.dim_periods.period_id
-- expect: value is null or (value between 0 and 1 and numerator <= denominator)
-- expect: (status = 'ok') = (value is not null)
-- title: 学校指标值 | indicator values by school
-- column: period | 统计周期编号（见 core.dim_periods） | period id (see core.dim_periods)
-- column: unit_code | 学校在周期末所属单位代码 | the school’s unit at the end of the period
-- column: school_code | 学校标识码 | school code
-- column: school_name | 学校名称（周期末） | school name at the end of the period
-- column: indicator_id | 指标编号（如 A3 隐患按期整改率） | indicator id (e.g. A3 on-time rectification)
-- column: value | 指标值（比率在 0 到 1 之间；不适用或无数据时为空） | the indicator’s value (a rate between 0 and 1; empty when not applicable or without data)
-- column: numerator | 分子（如按期整改的隐患数） | numerator (e.g. hazards rectified on time)
-- column: denominator | 分母（如周期内到期的隐患数） | denominator (e.g. hazards due in the period)
-- column: status | 状态：ok 有值、not_applicable 不适用（不计分）、no_data 应有数据而无（计 0 分） | status: ok, not_applicable (drops out of the score) or no_data (required but missing: scores zero)
with periods as (
  select * from core.dim_periods
),

-- every school open during the period, as registered at the period's end (or its last report before it)
school_in_period as (
  select periods.period_id, periods.start_on, periods.end_on, schools.*
  from periods
  join core.dim_schools as schools
    on schools.valid_from <= periods.end_on
   and (schools.closed_on is null or schools.closed_on >= periods.start_on)
  qualify row_number() over (partition by periods.period_id, schools.school_code order by schools.valid_from desc) = 1
),

-- A3 隐患按期整改率: hazards rectified by their due date ÷ hazards due in the period
a3_counts as (
  select
    school_in_period.period_id,
    school_in_period.school_code,
    count(hazards.hazard_id) as n_due,
    count(hazards.hazard_id) filter (where hazards.is_rectified_on_time) as n_on_time
  from school_in_period
  left join core.fct_hazards as hazards
    on hazards.school_code = school_in_period.school_code
   and hazards.due_on between school_in_period.start_on and school_in_period.end_on
  group by all
),

final as (
  select
    school_in_period.period_id as period,
    school_in_period.unit_code,
    school_in_period.school_code,
    school_in_period.school_name,
    'A3' as indicator_id,
    case when a3_counts.n_due > 0 then a3_counts.n_on_time / a3_counts.n_due end as value,
    cast(a3_counts.n_on_time as double) as numerator,
    cast(a3_counts.n_due as double) as denominator,
    -- nothing fell due: there is nothing to judge, so the indicator drops out
    case when a3_counts.n_due > 0 then 'ok' else 'not_applicable' end as status
  from school_in_period
  join a3_counts using (period_id, school_code)
)

select * from final

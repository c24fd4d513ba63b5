-- grain: one row per period, school and indicator
-- unique: period, school_code, indicator_id
-- not_null: period, unit_code, school_code, indicator_id, status
-- accepted_values: status = ok | not_applicable | no_data
-- relationships: period -> core.dim_periods.period_id
-- expect: value is null or (value between 0 and 1 and numerator <= denominator)
-- expect: (status = 'ok') = (value is not null)
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

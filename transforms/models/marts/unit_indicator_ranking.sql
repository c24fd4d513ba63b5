-- grain: one row per period, reporting unit and indicator
-- unique: period, unit_code, indicator_id
-- not_null: period, unit_code, unit_name, indicator_id, n_schools
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: rank is null or rank >= 1
-- expect: value is null or value between 0 and 1
with school_values as (
  select * from marts.indicator_values
),

units as (
  select * from core.dim_units
),

-- a unit's value pools its schools' counts (hazards on time ÷ hazards due across the unit)
unit_values as (
  select
    period,
    unit_code,
    indicator_id,
    sum(numerator) as numerator,
    sum(denominator) as denominator,
    count(*) as n_schools
  from school_values
  group by all
),

ranked as (
  select
    unit_values.*,
    units.unit_name,
    units.is_ranked,
    case when unit_values.denominator > 0 then unit_values.numerator / unit_values.denominator end as value
  from unit_values
  join units using (unit_code)
),

final as (
  select
    period,
    unit_code,
    unit_name,
    indicator_id,
    value,
    numerator,
    denominator,
    cast(n_schools as integer) as n_schools,
    -- ties share a rank (1, 2, 2, 4); 市直 is shown but not ranked
    case when is_ranked and value is not null
      then cast(rank() over (partition by period, indicator_id, is_ranked and value is not null order by round(value, 9) desc) as integer)
    end as rank
  from ranked
)

select * from final

-- grain: one row per period, reporting unit and school-level indicator: the unit's schools pooled, and the units ranked on it
-- unique: period, unit_code, indicator_id
-- not_null: period, unit_code, unit_name, indicator_id, n_schools
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: rank is null or rank >= 1
-- expect: attainment is null or attainment between 0 and 1
with school_values as (
  select * from marts.indicator_values where scope = 'school'
),

units as (
  select * from core.dim_units
),

-- rates pool the schools' counts (hazards on time ÷ hazards due across the unit); yes/no is the share of schools meeting it,
-- deductions add up, durations take the median school
unit_values as (
  select
    period,
    unit_code,
    indicator_id,
    any_value(indicator_name) as indicator_name,
    any_value(kind) as kind,
    any_value(direction) as direction,
    any_value(unit) as unit,
    sum(numerator) filter (where status = 'ok') as numerator,
    sum(denominator) filter (where status = 'ok') as denominator,
    case
      -- the denominator-weighted mean of the school values: the pooled rate, on the indicator's own scale
      when any_value(kind) = 'rate'
        then sum(value * denominator) filter (where status = 'ok') / nullif(sum(denominator) filter (where status = 'ok'), 0)
      when any_value(kind) = 'yes_no' then avg(value)
      when any_value(kind) = 'deduction' then sum(value)
      else median(value)
    end as value,
    sum(points) / sum(max_points) as attainment,
    count(*) as n_schools,
    count(*) filter (where status <> 'not_applicable') as n_schools_applicable
  from school_values
  group by all
),

ranked as (
  select
    unit_values.*,
    units.unit_name,
    units.is_ranked
  from unit_values
  join units using (unit_code)
),

final as (
  select
    period,
    unit_code,
    unit_name,
    indicator_id,
    indicator_name,
    unit,
    value,
    numerator,
    denominator,
    attainment,
    cast(n_schools as integer) as n_schools,
    cast(n_schools_applicable as integer) as n_schools_applicable,
    -- ties share a rank (1, 2, 2, 4); units not ranked (市直) and units with nothing to judge are shown unranked
    case when is_ranked and value is not null
      then cast(rank() over (
        partition by period, indicator_id, is_ranked and value is not null
        order by case when direction = 'lower_better' then round(value, 9) else -round(value, 9) end
      ) as integer)
    end as rank
  from ranked
)

select * from final

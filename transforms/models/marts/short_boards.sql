-- grain: one row per period, school (or unit, school_code null) and short-board indicator: the up to three indicators furthest below the city median
-- unique: period, unit_code, school_code, indicator_id
-- not_null: period, unit_code, indicator_id, indicator_name, board_rank, attainment, city_median_attainment, gap
-- relationships: period -> core.dim_periods.period_id
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: gap > 0
-- expect: board_rank between 1 and 3
with indicator_values as (
  select * from marts.indicator_values where scope = 'school' and status <> 'not_applicable'
),

suggestions as (
  select * from ref.suggestions
),

-- attainment: the share of the indicator's points earned (0 to 1), comparable across indicators
school_attainment as (
  select
    period,
    unit_code,
    school_code,
    school_name,
    indicator_id,
    indicator_name,
    sort_order,
    definition_edition,
    value,
    points / max_points as attainment
  from indicator_values
),

unit_attainment as (
  select
    period,
    unit_code,
    null as school_code,
    null as school_name,
    indicator_id,
    any_value(indicator_name) as indicator_name,
    any_value(sort_order) as sort_order,
    any_value(definition_edition) as definition_edition,
    median(value) as value,
    sum(points) / sum(max_points) as attainment
  from indicator_values
  group by period, unit_code, indicator_id
),

-- each level against its own city median: schools against all schools, units against all units
compared as (
  select
    *,
    median(attainment) over (partition by period, indicator_id) as city_median_attainment,
    median(value) over (partition by period, indicator_id) as city_median_value
  from school_attainment
  union all by name
  select
    *,
    median(attainment) over (partition by period, indicator_id) as city_median_attainment,
    median(value) over (partition by period, indicator_id) as city_median_value
  from unit_attainment
),

boards as (
  select
    *,
    city_median_attainment - attainment as gap,
    row_number() over (partition by period, unit_code, school_code order by city_median_attainment - attainment desc, sort_order) as board_rank
  from compared
  -- the gap as published (4 decimals): a difference below that is no short board
  where round(city_median_attainment - attainment, 4) > 0
  qualify board_rank <= 3
),

catalogue as (
  select edition, indicator_id, list(suggestion order by suggestion_no) as suggestions
  from suggestions
  group by all
),

final as (
  select
    boards.period,
    boards.unit_code,
    boards.school_code,
    boards.school_name,
    boards.indicator_id,
    boards.indicator_name,
    cast(boards.board_rank as integer) as board_rank,
    boards.value,
    boards.city_median_value,
    round(boards.attainment, 4) as attainment,
    round(boards.city_median_attainment, 4) as city_median_attainment,
    round(boards.gap, 4) as gap,
    catalogue.suggestions[1] as suggestion,
    coalesce(catalogue.suggestions, []) as suggestions
  from boards
  left join catalogue on catalogue.edition = boards.definition_edition and catalogue.indicator_id = boards.indicator_id
)

select * from final

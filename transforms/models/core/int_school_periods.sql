-- grain: one row per period and school open during it, with the school as registered on the period's as-of day
-- unique: period_id, school_code
-- not_null: period_id, school_code, school_name, unit_code, school_type, definition_edition
-- relationships: period_id -> core.dim_periods.period_id
-- relationships: unit_code -> core.dim_units.unit_code
with periods as (
  select * from core.dim_periods
),

schools as (
  select * from core.dim_schools
),

separately_ranked as (
  select * from ref.separately_ranked_units
),

-- the latest registry state on or before the as-of day; a school closed before the period began is out
registered as (
  select
    periods.period_id,
    periods.period_kind,
    periods.start_on,
    periods.end_on,
    periods.as_of_on,
    periods.definition_edition,
    schools.*
  from periods
  join schools
    on schools.valid_from <= periods.as_of_on
   and (schools.closed_on is null or schools.closed_on >= periods.start_on)
   and (schools.opened_on is null or schools.opened_on <= periods.as_of_on)
  qualify row_number() over (partition by periods.period_id, schools.school_code order by schools.valid_from desc) = 1
),

final as (
  select
    registered.period_id,
    registered.period_kind,
    registered.start_on,
    registered.end_on,
    registered.as_of_on,
    registered.definition_edition,
    registered.school_code,
    registered.school_name,
    registered.unit_code,
    registered.school_type,
    registered.enrollment,
    registered.boarders,
    registered.guards,
    registered.is_near_water,
    -- the flags of the definition file (ENGINE_FLAGS): which conditional indicators apply
    list_filter(
      [case when registered.is_near_water then 'near_water' end, case when registered.boarders > 0 then 'boarding' end],
      flag -> flag is not null
    ) as flags,
    separately_ranked.unit_code is not null as is_separately_ranked
  from registered
  left join separately_ranked
    on separately_ranked.edition = registered.definition_edition
   and separately_ranked.unit_code = registered.unit_code
)

select * from final

-- grain: one row per school per validity interval: a registry report and the days until the school's next report
-- unique: school_code, valid_from
-- not_null: school_code, school_name, unit_code, school_type, valid_from, valid_to
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: valid_from <= valid_to
with reports as (
  select * from staging.stg_schools
),

versions as (
  select
    *,
    lead(reported_on) over (partition by school_code order by reported_on) as next_reported_on,
    row_number() over (partition by school_code order by reported_on) as version_number
  from reports
),

final as (
  select
    school_code,
    school_name,
    unit_code,
    school_type,
    ownership,
    enrollment,
    boarders,
    staff,
    guards,
    is_near_water,
    opened_on,
    closed_on,
    reported_on,
    -- the first report also describes the school before it (facts may predate the first export)
    case when version_number = 1 then date '1900-01-01' else reported_on end as valid_from,
    coalesce(next_reported_on - 1, date '9999-12-31') as valid_to,
    next_reported_on is null as is_current
  from versions
)

select * from final

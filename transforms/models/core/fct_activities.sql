-- grain: one row per programme activity, attributed to a school (and its unit on that day) or to a unit
-- unique: activity_id
-- not_null: activity_id, unit_code, activity_on, activity_kind
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: n_returned is null or n_sent is null or n_returned <= n_sent
-- warn_expect: n_tracked is null or n_warned is null or n_tracked <= n_warned
with activities as (
  select * from staging.stg_activities
),

schools as (
  select * from core.dim_schools
),

final as (
  select
    activities.activity_id,
    activities.school_code,
    coalesce(schools.unit_code, activities.unit_code) as unit_code,
    activities.school_code is null as is_unit_level,
    activities.activity_on,
    activities.activity_kind,
    activities.topic,
    activities.supervision_action,
    activities.target_school_code,
    activities.n_participants,
    activities.n_sent,
    activities.n_returned,
    activities.n_screened,
    activities.n_warned,
    activities.n_tracked,
    activities.deadline_on,
    activities.replied_on
  from activities
  left join schools
    on schools.school_code = activities.school_code
   and activities.activity_on between schools.valid_from and schools.valid_to
)

select * from final

-- grain: one row per hazard: a checklist item found 不合格 in one inspection
-- unique: hazard_id
-- not_null: hazard_id, school_code, unit_code, found_on, hazard_level
-- accepted_values: hazard_level = 一般 | 较大 | 重大
-- relationships: school_code -> core.dim_schools.school_code
-- expect: rectified_on is null or rectified_on >= found_on
-- expect: days_after_previous_rectification is null or days_after_previous_rectification >= 0
with failed_items as (
  select * from staging.stg_inspections where result = '不合格'
),

schools as (
  select * from core.dim_schools
),

checklist as (
  select * from ref.checklist_items
),

-- the latest earlier rectification of the same item at the same school: a failure soon after it is a recurrence
previous_rectification as (
  select
    later.inspection_id || ':' || later.item_code as hazard_id,
    arg_max(earlier.inspection_id || ':' || earlier.item_code, earlier.rectified_on) as previous_hazard_id,
    min(later.inspected_on - earlier.rectified_on) as days_after_previous_rectification
  from failed_items as later
  join failed_items as earlier
    on earlier.school_code = later.school_code
   and earlier.item_code = later.item_code
   and earlier.rectified_on is not null
   and earlier.inspected_on < later.inspected_on
   and earlier.rectified_on <= later.inspected_on
  group by all
),

final as (
  select
    items.inspection_id || ':' || items.item_code as hazard_id,
    items.inspection_id,
    items.item_code,
    items.school_code,
    schools.unit_code,
    schools.school_type,
    items.inspected_on as found_on,
    items.inspection_kind,
    coalesce(items.hazard_level, '一般') as hazard_level,
    coalesce(items.hazard_level, '一般') = '重大' as is_major,
    items.hazard_text,
    items.due_on,
    items.rectified_on,
    items.rectified_on is not null as is_rectified,
    coalesce(items.rectified_on <= items.due_on, false) as is_rectified_on_time,
    coalesce(checklist.is_escape_obstacle, false) as is_escape_obstacle,
    previous_rectification.previous_hazard_id,
    previous_rectification.days_after_previous_rectification
  from failed_items as items
  left join checklist using (item_code)
  left join previous_rectification on previous_rectification.hazard_id = items.inspection_id || ':' || items.item_code
  -- the school as it was on the day the hazard was found
  left join schools
    on schools.school_code = items.school_code
   and items.inspected_on between schools.valid_from and schools.valid_to
)

select * from final

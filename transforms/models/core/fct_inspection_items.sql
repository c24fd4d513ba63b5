-- grain: one row per checklist item checked in one inspection, with the school as it was that day
-- unique: inspection_id, item_code
-- not_null: inspection_id, item_code, school_code, unit_code, inspected_on, inspection_kind, result
-- accepted_values: result = 合格 | 不合格 | 不适用
-- accepted_values: inspection_kind = 自查 | 督查 | 联合检查
-- relationships: school_code -> core.dim_schools.school_code
with items as (
  select * from staging.stg_inspections
),

schools as (
  select * from core.dim_schools
),

checklist as (
  select * from ref.checklist_items
),

final as (
  select
    items.inspection_id,
    items.item_code,
    items.school_code,
    schools.unit_code,
    items.inspected_on,
    items.inspection_kind,
    items.result,
    items.result = '不合格' as is_failed,
    coalesce(checklist.is_escape_obstacle, false) as is_escape_obstacle,
    checklist.category as item_category
  from items
  left join schools
    on schools.school_code = items.school_code
   and items.inspected_on between schools.valid_from and schools.valid_to
  left join checklist using (item_code)
)

select * from final

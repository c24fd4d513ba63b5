-- grain: one row per checklist item checked in one inspection, with the school as it was that day
-- grain_zh: 每次检查的每个检查项一行，带检查当日学校的情况
-- unique: inspection_id, item_code
-- not_null: inspection_id, item_code, school_code, unit_code, inspected_on, inspection_kind, result
-- accepted_values: result = 合格 | 不合格 | 不适用
-- accepted_values: inspection_kind = 自查 | 督查 | 联合检查
-- relationships: school_code -> core.dim_schools.school_code
-- title: 检查项记录 | inspection items
-- column: inspection_id | 检查编号 | inspection id
-- column: item_code | 检查项编码 | checklist item code
-- column: school_code | 学校标识码 | school code
-- column: unit_code | 检查当日学校所属单位代码 | the school’s unit on the inspection day
-- column: inspected_on | 检查日期 | inspection date
-- column: inspection_kind | 检查类型：自查、督查、联合检查 | inspection kind: self-inspection (自查), bureau supervision (督查) or joint inspection (联合检查)
-- column: result | 检查结果：合格、不合格、不适用 | result: pass (合格), fail (不合格) or not applicable (不适用)
-- column: is_failed | 是否不合格 | whether the item failed
-- column: is_escape_obstacle | 是否“拆窗破网”类检查项（门窗上的防盗网、栅栏等逃生障碍） | whether the item is about escape obstacles (bars or mesh on windows and doors)
-- column: item_category | 检查项类别（来自检查项目录，如消防安全） | item category from the checklist catalogue (e.g. 消防安全 fire safety)
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

-- grain: one row per hazard: a checklist item found 不合格 in one inspection
-- unique: hazard_id
-- not_null: hazard_id, school_code, unit_code, found_on, hazard_level
-- accepted_values: hazard_level = 一般 | 较大 | 重大
-- relationships: school_code -> core.dim_schools.school_code
-- expect: rectified_on is null or rectified_on >= found_on
-- title: 隐患 | hazards
-- column: hazard_id | 隐患编号（检查编号:检查项编码） | hazard id (inspection id:item code)
-- column: inspection_id | 检查编号 | inspection id
-- column: item_code | 检查项编码 | checklist item code
-- column: school_code | 学校标识码 | school code
-- column: unit_code | 发现隐患当日学校所属单位代码 | the school’s unit on the day the hazard was found
-- column: school_type | 发现隐患当日的学校类型 | the school’s type on the day the hazard was found
-- column: found_on | 发现日期（检查日期） | date found (the inspection date)
-- column: inspection_kind | 检查类型：自查、督查、联合检查 | inspection kind: self-inspection (自查), bureau supervision (督查) or joint inspection (联合检查)
-- column: hazard_level | 隐患等级：一般、较大、重大（未填视为一般） | hazard level: 一般 general, 较大 serious or 重大 major (general when not given)
-- column: is_major | 是否重大隐患 | whether it is a major hazard
-- column: hazard_text | 隐患描述 | description of the hazard
-- column: due_on | 整改期限 | rectification due date
-- column: rectified_on | 整改完成日期（未整改为空） | date rectified (empty while open)
-- column: is_rectified | 是否已整改 | whether it has been rectified
-- column: is_rectified_on_time | 是否在整改期限内完成整改 | whether it was rectified by its due date
-- column: is_recurrence | 是否复发：同一学校同一检查项在上次整改后 90 天内再次不合格 | whether it recurs: the same item at the same school failed again within 90 days of the previous rectification
-- column: recurrence_of_hazard_id | 所复发的上一条隐患的编号 | id of the earlier hazard it recurs from
with failed_items as (
  select * from staging.stg_inspections where result = '不合格'
),

schools as (
  select * from core.dim_schools
),

-- the same item at the same school failing again within 90 days of the previous rectification
previous_rectification as (
  select
    later.inspection_id || ':' || later.item_code as hazard_id,
    arg_max(earlier.inspection_id || ':' || earlier.item_code, earlier.rectified_on) as recurrence_of_hazard_id
  from failed_items as later
  join failed_items as earlier
    on earlier.school_code = later.school_code
   and earlier.item_code = later.item_code
   and earlier.rectified_on is not null
   and earlier.inspected_on < later.inspected_on
   and later.inspected_on between earlier.rectified_on and earlier.rectified_on + interval 90 day
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
    previous_rectification.recurrence_of_hazard_id is not null as is_recurrence,
    previous_rectification.recurrence_of_hazard_id
  from failed_items as items
  left join previous_rectification on previous_rectification.hazard_id = items.inspection_id || ':' || items.item_code
  -- the school as it was on the day the hazard was found
  left join schools
    on schools.school_code = items.school_code
   and items.inspected_on between schools.valid_from and schools.valid_to
)

select * from final

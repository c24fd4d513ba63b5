-- grain: one row per hazard: a checklist item found 不合格 in one inspection
-- grain_zh: 每个隐患一行：一次检查中判为不合格的一个检查项
-- unique: hazard_id
-- not_null: hazard_id, school_code, unit_code, found_on, hazard_level
-- accepted_values: hazard_level = 一般 | 较大 | 重大
-- relationships: school_code -> core.dim_schools.school_code
-- expect: rectified_on is null or rectified_on >= found_on
-- expect: days_after_previous_rectification is null or days_after_previous_rectification >= 0
-- expect: days_after_previous_reported_rectification is null or days_after_previous_reported_rectification <= days_after_previous_rectification or days_after_previous_rectification is null
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
-- column: reported_rectified_on | 学校填报的整改完成日期 | rectification date the school reported
-- column: recheck_result | 复查结果：合格、不合格（未复查为空） | re-check result: 合格 passed or 不合格 failed (empty when not re-checked)
-- column: is_recheck_failed | 复查是否不合格（整改未通过复查，隐患仍视为未整改） | whether the re-check failed (the hazard then still counts as open)
-- column: rectified_on | 整改完成日期：填报的整改日期，复查不合格则为空（未整改为空） | date rectified: the reported date unless the re-check failed (empty while open)
-- column: is_rectified | 是否已整改（复查不合格不算） | whether it has been rectified (a failed re-check does not count)
-- column: is_rectified_on_time | 是否在整改期限内完成整改（复查不合格不算） | whether it was rectified by its due date (a failed re-check does not count)
-- column: is_escape_obstacle | 是否逃生障碍类检查项（门窗防盗网、铁栅栏、疏散门上锁等） | whether the item is an escape obstacle (bars, mesh, locked exits)
-- column: previous_hazard_id | 同一学校同一检查项此前最近一次已整改（复查未不合格）隐患的编号 | id of the latest earlier hazard on the same item at the same school rectified without a failed re-check
-- column: days_after_previous_rectification | 距上次整改完成（复查未不合格）的天数（A5 复发按定义文件的窗口判断） | days since that earlier rectification (A5 judges recurrence against the definition's window)
-- column: days_after_previous_reported_rectification | 距上次填报整改完成的天数（含复查不合格的整改） | days since the latest earlier reported rectification of the same item, a failed re-check included
with failed_items as (
  select
    *,
    rectified_on as reported_rectified_on,
    coalesce(recheck_result = '不合格', false) as is_recheck_failed
  from staging.stg_inspections
  where result = '不合格'
),

schools as (
  select * from core.dim_schools
),

checklist as (
  select * from ref.checklist_items
),

-- the latest earlier rectification of the same item at the same school: a failure soon after it is a recurrence
-- (a rectification that failed its re-check did not end the hazard; the definition file decides whether it counts, see A5)
previous_rectification as (
  select
    later.inspection_id || ':' || later.item_code as hazard_id,
    arg_max(earlier.inspection_id || ':' || earlier.item_code, earlier.reported_rectified_on) filter (where not earlier.is_recheck_failed) as previous_hazard_id,
    min(later.inspected_on - earlier.reported_rectified_on) filter (where not earlier.is_recheck_failed) as days_after_previous_rectification,
    min(later.inspected_on - earlier.reported_rectified_on) as days_after_previous_reported_rectification
  from failed_items as later
  join failed_items as earlier
    on earlier.school_code = later.school_code
   and earlier.item_code = later.item_code
   and earlier.reported_rectified_on is not null
   and earlier.inspected_on < later.inspected_on
   and earlier.reported_rectified_on <= later.inspected_on
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
    items.reported_rectified_on,
    items.recheck_result,
    items.is_recheck_failed,
    case when not items.is_recheck_failed then items.reported_rectified_on end as rectified_on,
    items.reported_rectified_on is not null and not items.is_recheck_failed as is_rectified,
    coalesce(items.reported_rectified_on <= items.due_on and not items.is_recheck_failed, false) as is_rectified_on_time,
    coalesce(checklist.is_escape_obstacle, false) as is_escape_obstacle,
    previous_rectification.previous_hazard_id,
    previous_rectification.days_after_previous_rectification,
    previous_rectification.days_after_previous_reported_rectification
  from failed_items as items
  left join checklist using (item_code)
  left join previous_rectification on previous_rectification.hazard_id = items.inspection_id || ':' || items.item_code
  -- the school as it was on the day the hazard was found
  left join schools
    on schools.school_code = items.school_code
   and items.inspected_on between schools.valid_from and schools.valid_to
)

select * from final

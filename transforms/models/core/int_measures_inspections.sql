-- grain: one row per period, school and inspection-based formula (A1–A5, C3): the counts and value behind the indicator
-- grain_zh: 每个统计周期、学校和检查类公式（A1–A5、C3）一行：指标所依据的计数和指标值
-- incremental: period_id
-- materialized: temporary
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: (value_numerator is null) = (value_denominator is null)
-- expect: value_numerator is null or (value_numerator >= 0 and value_denominator > 0)
-- title: 检查类指标计量 | inspection-based measures
-- column: period_id | 统计周期编号 | period id
-- column: school_code | 学校标识码 | school code
-- column: formula | 指标公式键（定义文件 formula，如 on_time_rectification_rate） | formula key (the definition file’s formula, e.g. on_time_rectification_rate)
-- column: numerator | 分子（计数、时长或人数，见 docs/scoring.md） | numerator (a count, hours or students; see docs/scoring.md)
-- column: denominator | 分母（同上） | denominator (likewise)
-- column: value_numerator | 指标值的精确分数之分子（整数；无可计量内容时为空） | the value as an exact fraction: its numerator (an integer; empty when there is nothing to measure)
-- column: value_denominator | 指标值的精确分数之分母（正整数） | the value as an exact fraction: its denominator (a positive integer)
-- column: is_required | 本周期是否有此项要求（如该周期无学期结束则为否） | whether the period holds a requirement (false e.g. when no term ends in it)
with school_periods as (
  select * from core.int_school_periods where period_id in (select period_id from core.int_build_periods)
),

params as (
  select * from core.int_indicator_params where period_id in (select period_id from core.int_build_periods)
),

editions as (
  select * from ref.definition_editions
),

items as (
  select * from core.fct_inspection_items
),

hazards as (
  select * from core.fct_hazards
),

period_days as (
  select * from core.dim_period_days where period_id in (select period_id from core.int_build_periods)
),

-- A1 and A2 read the checklist items inspected in the school's window
items_measured as (
  select
    school_periods.period_id,
    school_periods.school_code,
    count(*) as n_items,
    count(*) filter (where items.result = '合格') as n_passed,
    count(*) filter (where items.result in ('合格', '不合格')) as n_judged,
    count(distinct date_trunc('month', items.inspected_on)) filter (
      where items.inspection_kind = json_extract_string(a1_params.params, '$.inspection_kind')
    ) as n_months_self_inspected
  from items
  join period_days on period_days.day_on = items.inspected_on
  join school_periods
    on school_periods.period_id = period_days.period_id
   and school_periods.school_code = items.school_code
   and items.inspected_on between school_periods.window_start_on and school_periods.window_end_on
  join params as a1_params on a1_params.period_id = school_periods.period_id and a1_params.formula = 'self_inspection_month_coverage'
  group by all
),

items_in_period as (
  select
    school_periods.period_id,
    school_periods.school_code,
    -- months from the window's first to the month of its last day
    date_diff('month', school_periods.window_start_on, school_periods.window_end_on) + 1 as n_months,
    coalesce(items_measured.n_items, 0) as n_items,
    coalesce(items_measured.n_passed, 0) as n_passed,
    coalesce(items_measured.n_judged, 0) as n_judged,
    coalesce(items_measured.n_months_self_inspected, 0) as n_months_self_inspected
  from school_periods
  left join items_measured
    on items_measured.period_id = school_periods.period_id
   and items_measured.school_code = school_periods.school_code
),

a1 as (
  select
    period_id,
    school_code,
    'self_inspection_month_coverage' as formula,
    n_months_self_inspected as numerator,
    n_months as denominator,
    -- a school with no inspection of any kind in its window has no data, not a zero
    case when n_items > 0 then n_months_self_inspected end as value_numerator,
    case when n_items > 0 then n_months end as value_denominator,
    true as is_required
  from items_in_period
),

a2 as (
  select
    period_id,
    school_code,
    'checklist_pass_rate' as formula,
    n_passed as numerator,
    n_judged as denominator,
    case when n_judged > 0 then n_passed end as value_numerator,
    case when n_judged > 0 then n_judged end as value_denominator,
    true as is_required
  from items_in_period
),

-- each hazard of a school in each of its periods, rectified by the rule of the period's edition:
-- a rectification that failed its re-check counts only when the edition says so
period_hazards as (
  select
    school_periods.period_id,
    school_periods.school_code,
    school_periods.window_start_on,
    school_periods.window_end_on,
    hazards.item_code,
    hazards.hazard_level,
    hazards.is_escape_obstacle,
    hazards.found_on,
    hazards.due_on,
    case when editions.is_failed_recheck_rectified then hazards.reported_rectified_on else hazards.rectified_on end as rectified_on,
    case when editions.is_failed_recheck_rectified
      then hazards.days_after_previous_reported_rectification
      else hazards.days_after_previous_rectification
    end as days_after_previous_rectification
  from school_periods
  join editions on editions.edition = school_periods.definition_edition
  join hazards
    on hazards.school_code = school_periods.school_code
   and hazards.found_on <= school_periods.window_end_on
),

-- A3: hazards whose due date falls in the window, fixed by it
hazards_due as (
  select
    period_id,
    school_code,
    count(*) filter (where rectified_on <= due_on) as n_on_time,
    count(*) as n_due
  from period_hazards
  where due_on between window_start_on and window_end_on
  group by all
),

a3 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'on_time_rectification_rate' as formula,
    coalesce(hazards_due.n_on_time, 0) as numerator,
    coalesce(hazards_due.n_due, 0) as denominator,
    hazards_due.n_on_time as value_numerator,
    hazards_due.n_due as value_denominator,
    true as is_required
  from school_periods
  left join hazards_due
    on hazards_due.period_id = school_periods.period_id
   and hazards_due.school_code = school_periods.school_code
),

-- hazards still open on the window's last day (a rectification dated later had not happened yet)
open_on_window_end as (
  select *
  from period_hazards
  where rectified_on is null or rectified_on > window_end_on
),

-- A4: distinct checklist items with a major hazard open past its due date (the same item found twice is one hazard)
a4 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'overdue_major_hazards' as formula,
    count(distinct open_on_window_end.item_code) filter (
      where open_on_window_end.hazard_level = json_extract_string(a4_params.params, '$.hazard_level')
        and open_on_window_end.due_on < open_on_window_end.window_end_on
    ) as numerator,
    null::bigint as denominator,
    numerator as value_numerator,
    1 as value_denominator,
    true as is_required
  from school_periods
  join params as a4_params on a4_params.period_id = school_periods.period_id and a4_params.formula = 'overdue_major_hazards'
  left join open_on_window_end
    on open_on_window_end.period_id = school_periods.period_id
   and open_on_window_end.school_code = school_periods.school_code
  group by all
),

-- C3: distinct escape-obstacle items (bars, mesh, locked exits) failed and not yet rectified on the window's last day
c3 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'open_escape_obstacles' as formula,
    count(distinct open_on_window_end.item_code) filter (where open_on_window_end.is_escape_obstacle) as numerator,
    null::bigint as denominator,
    numerator as value_numerator,
    1 as value_denominator,
    true as is_required
  from school_periods
  left join open_on_window_end using (period_id, school_code)
  group by all
),

-- A5: hazards found in the window on an item rectified within the window days before
hazards_found as (
  select
    period_hazards.period_id,
    period_hazards.school_code,
    count(*) filter (
      where period_hazards.days_after_previous_rectification <= cast(json_extract(a5_params.params, '$.window_days') as integer)
    ) as n_recurrences,
    count(*) as n_found
  from period_hazards
  join params as a5_params on a5_params.period_id = period_hazards.period_id and a5_params.formula = 'hazard_recurrence_rate'
  where period_hazards.found_on >= period_hazards.window_start_on
  group by all
),

a5 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'hazard_recurrence_rate' as formula,
    coalesce(hazards_found.n_recurrences, 0) as numerator,
    coalesce(hazards_found.n_found, 0) as denominator,
    hazards_found.n_recurrences as value_numerator,
    hazards_found.n_found as value_denominator,
    true as is_required
  from school_periods
  left join hazards_found
    on hazards_found.period_id = school_periods.period_id
   and hazards_found.school_code = school_periods.school_code
),

final as (
  select * from a1
  union all by name select * from a2
  union all by name select * from a3
  union all by name select * from a4
  union all by name select * from c3
  union all by name select * from a5
)

select * from final

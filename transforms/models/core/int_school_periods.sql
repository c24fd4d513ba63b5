-- grain: one row per period and school open on at least one day of it up to the as-of day, with the school as registered on the as-of day and the days it is judged on
-- grain_zh: 每个统计周期内截至截止日至少开办一天的每所学校一行，带截止日的登记情况和据以评价的天数
-- incremental: period_id
-- unique: period_id, school_code
-- not_null: period_id, school_code, school_name, unit_code, school_type, definition_edition, window_start_on, window_end_on, student_days
-- expect: start_on <= window_start_on and window_start_on <= window_end_on and window_end_on <= as_of_on
-- relationships: period_id -> core.dim_periods.period_id
-- relationships: unit_code -> core.dim_units.unit_code
-- title: 周期内学校 | schools by period
-- column: period_id | 统计周期编号 | period id
-- column: period_kind | 周期类型 | kind of period
-- column: start_on | 周期第一天 | first day of the period
-- column: end_on | 周期最后一天 | last day of the period
-- column: as_of_on | 统计截止日 | as-of day
-- column: window_start_on | 学校评价期首日：周期首日与建校日期中较晚者 | first day the school is judged on: the period's first day or its opening day, whichever is later
-- column: window_end_on | 学校评价期末日：统计截止日与撤销日期前一日中较早者 | last day the school is judged on: the as-of day or the day before it closed, whichever is earlier
-- column: closed_on | 撤销日期（截止日前已撤销的学校；否则为空） | date the school closed (if by the as-of day; empty otherwise)
-- column: definition_edition | 评分所用指标体系版本 | the edition scoring the period
-- column: school_code | 学校标识码 | school code
-- column: school_name | 学校名称（截止日登记） | school name as registered on the as-of day
-- column: unit_code | 所属单位代码（截止日登记） | unit as registered on the as-of day
-- column: school_type | 学校类型 | school type
-- column: enrollment | 在校生数 | students enrolled
-- column: boarders | 住宿生数 | boarders
-- column: guards | 专职保安数 | full-time guards
-- column: is_near_water | 是否临水学校 | whether the school is near water
-- column: student_days | 学生人日：评价期内每日在校生数之和（单位均分的权重） | pupil-days: the enrollment on each day of the school's window, summed (its weight in the unit's mean)
-- column: flags | 学校标记（near_water 临水、boarding 寄宿），决定条件性指标是否适用 | school flags (near_water, boarding) that decide conditional indicators
-- column: is_separately_ranked | 是否单独成组排名（市直学校） | whether ranked as a separate group (市直 schools)
with periods as (
  select * from core.dim_periods where period_id in (select period_id from core.int_build_periods)
),

schools as (
  select * from core.dim_schools
),

separately_ranked as (
  select * from ref.separately_ranked_units
),

-- the school's registry state on the as-of day: its latest report on or before it
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
  join schools on schools.valid_from <= periods.as_of_on
  qualify row_number() over (partition by periods.period_id, schools.school_code order by schools.valid_from desc) = 1
),

-- a closure is known from the day it is reported, but dated by its closing day: the latest report decides
closures as (
  select school_code, closed_on
  from schools
  where is_current
),

-- the days of the period the school is judged on: open (from its opening day, before its closing day) and up to the as-of day
windowed as (
  select
    registered.*,
    closures.closed_on as known_closed_on,
    greatest(registered.start_on, coalesce(registered.opened_on, registered.start_on)) as window_start_on,
    least(registered.as_of_on, coalesce(closures.closed_on - 1, registered.as_of_on)) as window_end_on
  from registered
  join closures using (school_code)
),

open_in_period as (
  select * from windowed where window_start_on <= window_end_on
),

-- pupils counted once a day: each registry report's enrollment times the days of the window it was in force
student_days as (
  select
    open_in_period.period_id,
    open_in_period.school_code,
    sum(coalesce(versions.enrollment, 0) * (least(versions.valid_to, open_in_period.window_end_on) - greatest(versions.valid_from, open_in_period.window_start_on) + 1)) as student_days
  from open_in_period
  join schools as versions
    on versions.school_code = open_in_period.school_code
   and versions.valid_from <= open_in_period.window_end_on
   and versions.valid_to >= open_in_period.window_start_on
  group by all
),

final as (
  select
    open_in_period.period_id,
    open_in_period.period_kind,
    open_in_period.start_on,
    open_in_period.end_on,
    open_in_period.as_of_on,
    open_in_period.window_start_on,
    open_in_period.window_end_on,
    -- a closing after the as-of day is no part of the period
    case when open_in_period.known_closed_on <= open_in_period.as_of_on then open_in_period.known_closed_on end as closed_on,
    open_in_period.definition_edition,
    open_in_period.school_code,
    open_in_period.school_name,
    open_in_period.unit_code,
    open_in_period.school_type,
    open_in_period.enrollment,
    open_in_period.boarders,
    open_in_period.guards,
    open_in_period.is_near_water,
    cast(student_days.student_days as bigint) as student_days,
    -- the flags of the definition file (ENGINE_FLAGS): which conditional indicators apply
    list_filter(
      [case when open_in_period.is_near_water then 'near_water' end, case when open_in_period.boarders > 0 then 'boarding' end],
      flag -> flag is not null
    ) as flags,
    separately_ranked.unit_code is not null as is_separately_ranked
  from open_in_period
  join student_days using (period_id, school_code)
  left join separately_ranked
    on separately_ranked.edition = open_in_period.definition_edition
   and separately_ranked.unit_code = open_in_period.unit_code
)

select * from final

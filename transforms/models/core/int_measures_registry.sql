-- grain: one row per period, school and registry-based formula (B1): guards on the books against the number the staffing bands require
-- grain_zh: 每个统计周期、学校和登记类公式（B1）一行：在册保安人数与配备标准要求人数的对照
-- incremental: period_id
-- materialized: temporary
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: (value_numerator is null) = (value_denominator is null)
-- expect: value_numerator is null or (value_numerator >= 0 and value_denominator > 0)
-- title: 学校登记类指标计量 | registry-based measures
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

bands as (
  select * from ref.guard_bands
),

-- GB/T 29315: the band's guards, one more per N students above the open band's minimum, night cover per M boarders
required as (
  select
    school_periods.period_id,
    school_periods.school_code,
    school_periods.guards,
    bands.guards
      + coalesce(
          case bands.extra_rounding
            when 'ceil' then ceil((school_periods.enrollment - bands.min_enrollment) / bands.extra_guard_per_students)
            else floor((school_periods.enrollment - bands.min_enrollment) / bands.extra_guard_per_students)
          end, 0)
      + case when coalesce(school_periods.boarders, 0) > 0 then
          case bands.boarders_rounding
            when 'floor' then floor(school_periods.boarders / bands.extra_guard_per_boarders)
            else ceil(school_periods.boarders / bands.extra_guard_per_boarders)
          end
        else 0 end as required_guards
  from school_periods
  left join bands
    on bands.edition = school_periods.definition_edition
   and school_periods.enrollment >= bands.min_enrollment
   and (bands.max_enrollment is null or school_periods.enrollment <= bands.max_enrollment)
),

final as (
  select
    period_id,
    school_code,
    'guard_staffing_met' as formula,
    cast(guards as double) as numerator,
    cast(required_guards as double) as denominator,
    case when guards is not null and required_guards is not null then cast(guards >= required_guards as integer) end as value_numerator,
    case when guards is not null and required_guards is not null then 1 end as value_denominator,
    true as is_required
  from required
)

select * from final

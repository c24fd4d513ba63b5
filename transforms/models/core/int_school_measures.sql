-- grain: one row per period, school and school-level formula: every measure of the nine int_measures_* models, typed once (a temporary view, like the nine: read once, by core.int_indicator_points, whose rows carry every measure on)
-- grain_zh: 每个统计周期、学校和学校级公式一行：九张分类计量表的全部计量，统一类型
-- incremental: period_id
-- materialized: temporary view
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: (value_numerator is null) = (value_denominator is null)
-- expect: value_numerator is null or (value_numerator >= 0 and value_denominator > 0)
-- title: 学校指标计量（汇总） | school measures (all formulas)
-- column: period_id | 统计周期编号 | period id
-- column: school_code | 学校标识码 | school code
-- column: formula | 指标公式键（定义文件 formula，如 on_time_rectification_rate） | formula key (the definition file’s formula, e.g. on_time_rectification_rate)
-- column: numerator | 分子（计数、时长或人数，见 docs/scoring.md） | numerator (a count, hours or students; see docs/scoring.md)
-- column: denominator | 分母（同上） | denominator (likewise)
-- column: value_numerator | 指标值的精确分数之分子（整数；无可计量内容时为空） | the value as an exact fraction: its numerator (an integer; empty when there is nothing to measure)
-- column: value_denominator | 指标值的精确分数之分母（正整数） | the value as an exact fraction: its denominator (a positive integer)
-- column: value | 指标值（value_numerator ÷ value_denominator）；无可计量内容时为空 | the value (value_numerator ÷ value_denominator); empty when there is nothing to measure
-- column: is_required | 本周期是否有此项要求（如该周期无学期结束则为否） | whether the period holds a requirement (false e.g. when no term ends in it)
with unioned as (
  select * from core.int_measures_inspections
  union all by name select * from core.int_measures_registry
  union all by name select * from core.int_measures_devices
  union all by name select * from core.int_measures_drills
  union all by name select * from core.int_measures_term_programmes
  union all by name select * from core.int_measures_patrol_weeks
  union all by name select * from core.int_measures_screenings
  union all by name select * from core.int_measures_alerts
  union all by name select * from core.int_measures_cases
),

final as (
  select
    period_id,
    school_code,
    formula,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    -- whole seconds, counts and 1/10,000 units stay far inside BIGINT; scoring multiplies them in HUGEINT
    cast(value_numerator as bigint) as value_numerator,
    cast(value_denominator as bigint) as value_denominator,
    cast(value_numerator as double) / cast(value_denominator as double) as value,
    is_required
  from unioned
)

select * from final

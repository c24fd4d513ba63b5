-- grain: one row per period, reporting unit and indicator
-- unique: period, unit_code, indicator_id
-- not_null: period, unit_code, unit_name, indicator_id, n_schools
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: rank is null or rank >= 1
-- expect: value is null or value between 0 and 1
-- title: 单位指标排名 | unit ranking by indicator
-- column: period | 统计周期编号（见 core.dim_periods） | period id (see core.dim_periods)
-- column: unit_code | 单位代码 | unit code
-- column: unit_name | 单位名称 | unit name
-- column: indicator_id | 指标编号（如 A3 隐患按期整改率） | indicator id (e.g. A3 on-time rectification)
-- column: value | 单位指标值：所属学校的分子之和除以分母之和 | the unit’s value: its schools’ numerators pooled over their denominators
-- column: numerator | 所属学校的分子之和 | sum of its schools’ numerators
-- column: denominator | 所属学校的分母之和 | sum of its schools’ denominators
-- column: n_schools | 纳入计算的学校数 | schools counted
-- column: rank | 名次（并列同名次，如 1、2、2、4；市直和没有指标值的单位不排名，为空） | rank (ties share a rank: 1, 2, 2, 4; empty for 市直 and for units without a value)
with school_values as (
  select * from marts.indicator_values
),

units as (
  select * from core.dim_units
),

-- a unit's value pools its schools' counts (hazards on time ÷ hazards due across the unit)
unit_values as (
  select
    period,
    unit_code,
    indicator_id,
    sum(numerator) as numerator,
    sum(denominator) as denominator,
    count(*) as n_schools
  from school_values
  group by all
),

ranked as (
  select
    unit_values.*,
    units.unit_name,
    units.is_ranked,
    case when unit_values.denominator > 0 then unit_values.numerator / unit_values.denominator end as value
  from unit_values
  join units using (unit_code)
),

final as (
  select
    period,
    unit_code,
    unit_name,
    indicator_id,
    value,
    numerator,
    denominator,
    cast(n_schools as integer) as n_schools,
    -- ties share a rank (1, 2, 2, 4); 市直 is shown but not ranked
    case when is_ranked and value is not null
      then cast(rank() over (partition by period, indicator_id, is_ranked and value is not null order by round(value, 9) desc) as integer)
    end as rank
  from ranked
)

select * from final

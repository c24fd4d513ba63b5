-- grain: one row per period, reporting unit and school-level indicator: the unit's schools pooled, and the units ranked on it
-- grain_zh: 每个统计周期、报告单位和学校级指标一行：单位内各校数据合并计算，并按该指标为各单位排名
-- incremental: period
-- unique: period, unit_code, indicator_id
-- not_null: period, unit_code, unit_name, indicator_id, n_schools
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: rank is null or rank >= 1
-- expect: attainment is null or attainment between 0 and 1
-- title: 单位指标排名 | unit ranking by indicator
-- column: period | 统计周期编号 | period id
-- column: unit_code | 单位代码 | unit code
-- column: unit_name | 单位名称 | unit name
-- column: indicator_id | 指标编号 | indicator id
-- column: indicator_name | 指标名称 | indicator name
-- column: unit | 计量单位 | display unit
-- column: value | 单位指标值：比率为所属学校分子之和除以分母之和，是否类为达标学校占比，扣分类为合计，时长为学校中位数 | the unit’s value: rates pooled over the schools, yes/no the share meeting it, deductions summed, durations the median school
-- column: numerator | 所属学校的分子之和 | sum of its schools’ numerators
-- column: denominator | 所属学校的分母之和 | sum of its schools’ denominators
-- column: attainment | 得分率：所属学校得分之和 ÷ 满分之和 | attainment: points earned over points available across its schools
-- column: n_schools | 学校数 | schools
-- column: n_schools_applicable | 该指标适用的学校数 | schools the indicator applies to
-- column: rank | 名次（并列同名次，如 1、2、2、4；市直和没有指标值的单位不排名，为空） | rank (ties share a rank: 1, 2, 2, 4; empty for 市直 and for units without a value)
with school_values as (
  select * from marts.indicator_values where scope = 'school' and period in (select period_id from core.int_build_periods)
),

units as (
  select * from core.dim_units
),

-- rates pool the schools' counts (hazards on time ÷ hazards due across the unit); yes/no is the share of schools meeting it,
-- deductions add up, durations take the median school
unit_values as (
  select
    period,
    unit_code,
    indicator_id,
    any_value(indicator_name) as indicator_name,
    any_value(kind) as kind,
    any_value(direction) as direction,
    any_value(unit) as unit,
    -- decimal sums (counts, hours to 6 decimals): the same result whatever the order of parallel aggregation
    cast(sum(cast(round(numerator, 6) as decimal(38, 6))) filter (where status = 'ok') as double) as numerator,
    cast(sum(cast(round(denominator, 6) as decimal(38, 6))) filter (where status = 'ok') as double) as denominator,
    case
      -- the denominator-weighted mean of the school values: the pooled rate, on the indicator's own scale
      when any_value(kind) = 'rate'
        then cast(sum(cast(round(value * denominator, 6) as decimal(38, 6))) filter (where status = 'ok') as double)
             / nullif(cast(sum(cast(round(denominator, 6) as decimal(38, 6))) filter (where status = 'ok') as double), 0)
      when any_value(kind) = 'yes_no' then cast(sum(cast(value as decimal(18, 4))) as double) / count(value)
      when any_value(kind) = 'deduction' then cast(sum(cast(value as decimal(18, 4))) as double)
      else median(value)
    end as value,
    cast(sum(cast(points as decimal(18, 4))) / sum(cast(max_points as decimal(18, 4))) as double) as attainment,
    count(*) as n_schools,
    count(*) filter (where status <> 'not_applicable') as n_schools_applicable
  from school_values
  group by all
),

ranked as (
  select
    unit_values.*,
    units.unit_name,
    units.is_ranked
  from unit_values
  join units using (unit_code)
),

final as (
  select
    period,
    unit_code,
    unit_name,
    indicator_id,
    indicator_name,
    unit,
    value,
    numerator,
    denominator,
    attainment,
    cast(n_schools as integer) as n_schools,
    cast(n_schools_applicable as integer) as n_schools_applicable,
    -- ties share a rank (1, 2, 2, 4); units not ranked (市直) and units with nothing to judge are shown unranked
    case when is_ranked and value is not null
      then cast(rank() over (
        partition by period, indicator_id, is_ranked and value is not null
        order by case when direction = 'lower_better' then round(value, 9) else -round(value, 9) end
      ) as integer)
    end as rank
  from ranked
)

select * from final

-- grain: one row per period, school (or unit, school_code null) and short-board indicator: the up to three indicators furthest below the city median
-- grain_zh: 每个统计周期、学校（或单位，学校标识码为空）和短板指标一行：低于全市中位数最多的至多三项指标
-- incremental: period
-- unique: period, unit_code, school_code, indicator_id
-- not_null: period, unit_code, indicator_id, indicator_name, board_rank, attainment, city_median_attainment, gap
-- relationships: period -> core.dim_periods.period_id
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: gap > 0
-- expect: board_rank between 1 and 3
-- title: 短板指标 | short boards
-- column: period | 统计周期编号 | period id
-- column: unit_code | 单位代码 | unit code
-- column: school_code | 学校标识码；单位短板为空 | school code; empty for a unit’s short boards
-- column: school_name | 学校名称 | school name
-- column: indicator_id | 指标编号 | indicator id
-- column: indicator_name | 指标名称 | indicator name
-- column: board_rank | 短板序号（1 为差距最大） | short-board order (1 = largest gap)
-- column: value | 指标值（单位为学校中位数） | the value (for a unit, its median school)
-- column: city_median_value | 全市中位数指标值 | the city median value
-- column: attainment | 得分率（得分 ÷ 满分；单位为所辖学校合计；展示保留四位小数） | attainment (points over points available; a unit pools its schools; shown to 4 decimals)
-- column: city_median_attainment | 全市得分率中位数（学校对全部学校、单位对全部单位；展示保留四位小数） | the city median attainment (schools against all schools, units against all units; shown to 4 decimals)
-- column: gap | 与全市中位数的差距（由精确得分率计算，四舍五入保留四位小数） | gap to the city median (from the exact attainments, rounded half up to 4 decimals)
-- column: suggestion | 首条整改建议 | the first rectification suggestion
-- column: suggestions | 全部整改建议 | every rectification suggestion
with indicator_values as (
  select * from marts.indicator_values
  where scope = 'school' and status <> 'not_applicable' and period in (select period_id from core.int_build_periods)
),

suggestions as (
  select * from ref.suggestions
),

-- attainment: the share of the indicator's points earned (0 to 1), comparable across indicators, kept as an exact
-- fraction of integers of 1/10,000 point (distinct fractions of such integers always differ as doubles, so the double orders them exactly)
school_attainment as (
  select
    period,
    unit_code,
    school_code,
    school_name,
    indicator_id,
    indicator_name,
    sort_order,
    definition_edition,
    value,
    cast(round(points * 10000) as hugeint) as attainment_numerator,
    cast(round(max_points * 10000) as hugeint) as attainment_denominator
  from indicator_values
),

-- a unit pools its schools: Σ points ÷ Σ maximum
unit_attainment as (
  select
    period,
    unit_code,
    null as school_code,
    null as school_name,
    indicator_id,
    any_value(indicator_name) as indicator_name,
    any_value(sort_order) as sort_order,
    any_value(definition_edition) as definition_edition,
    median(value) as value,
    sum(cast(round(points * 10000) as hugeint)) as attainment_numerator,
    sum(cast(round(max_points * 10000) as hugeint)) as attainment_denominator
  from indicator_values
  group by period, unit_code, indicator_id
),

attainments as (
  select *, 'school' as level from school_attainment
  union all by name
  select *, 'unit' as level from unit_attainment
),

-- each level's city median (schools against all schools, units against all units): the middle attainment, or the
-- mean of the two middle ones, as an exact fraction
sorted as (
  select
    period,
    level,
    indicator_id,
    list(
      struct_pack(n := attainment_numerator, d := attainment_denominator)
      order by cast(attainment_numerator as double) / cast(attainment_denominator as double)
    ) as ordered,
    median(value) as city_median_value
  from attainments
  group by all
),

middles as (
  select
    period,
    level,
    indicator_id,
    city_median_value,
    ordered[(len(ordered) - 1) // 2 + 1] as lower_middle,
    ordered[len(ordered) // 2 + 1] as upper_middle
  from sorted
),

city_medians as (
  select
    period,
    level,
    indicator_id,
    city_median_value,
    lower_middle['n'] * upper_middle['d'] + upper_middle['n'] * lower_middle['d'] as median_numerator,
    2 * lower_middle['d'] * upper_middle['d'] as median_denominator
  from middles
),

-- the gap to the median, exact, then rounded once, half up, to 1/10,000
compared as (
  select
    attainments.*,
    city_medians.city_median_value,
    city_medians.median_numerator,
    city_medians.median_denominator,
    city_medians.median_numerator * attainments.attainment_denominator
      - attainments.attainment_numerator * city_medians.median_denominator as gap_numerator,
    city_medians.median_denominator * attainments.attainment_denominator as gap_denominator
  from attainments
  join city_medians using (period, level, indicator_id)
),

boards as (
  select
    *,
    (2 * 10000 * gap_numerator + gap_denominator) // (2 * gap_denominator) as gap_scaled,
    row_number() over (partition by period, unit_code, school_code order by gap_scaled desc, sort_order) as board_rank
  from compared
  -- a gap that vanishes at four decimals is no short board
  where gap_numerator > 0 and (2 * 10000 * gap_numerator + gap_denominator) // (2 * gap_denominator) > 0
  qualify board_rank <= 3
),

catalogue as (
  select edition, indicator_id, list(suggestion order by suggestion_no) as suggestions
  from suggestions
  group by all
),

final as (
  select
    boards.period,
    boards.unit_code,
    boards.school_code,
    boards.school_name,
    boards.indicator_id,
    boards.indicator_name,
    cast(boards.board_rank as integer) as board_rank,
    boards.value,
    boards.city_median_value,
    (2 * 10000 * boards.attainment_numerator + boards.attainment_denominator) // (2 * boards.attainment_denominator) / 10000 as attainment,
    (2 * 10000 * boards.median_numerator + boards.median_denominator) // (2 * boards.median_denominator) / 10000 as city_median_attainment,
    boards.gap_scaled / 10000 as gap,
    catalogue.suggestions[1] as suggestion,
    coalesce(catalogue.suggestions, []) as suggestions
  from boards
  left join catalogue on catalogue.edition = boards.definition_edition and catalogue.indicator_id = boards.indicator_id
)

select * from final

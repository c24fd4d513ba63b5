-- grain: one row per period, school (or unit, school_code null) and short-board indicator: the up to three indicators furthest below the city median
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
-- column: attainment | 得分率（得分 ÷ 满分） | attainment (points over points available)
-- column: city_median_attainment | 全市得分率中位数 | the city median attainment
-- column: gap | 与全市中位数的差距（得分率） | gap to the city median (attainment)
-- column: suggestion | 首条整改建议 | the first rectification suggestion
-- column: suggestions | 全部整改建议 | every rectification suggestion
with indicator_values as (
  select * from marts.indicator_values where scope = 'school' and status <> 'not_applicable'
),

suggestions as (
  select * from ref.suggestions
),

-- attainment: the share of the indicator's points earned (0 to 1), comparable across indicators
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
    points / max_points as attainment
  from indicator_values
),

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
    -- exact decimal sums, so a gap at the 4th decimal never depends on the order of aggregation
    cast(sum(cast(points as decimal(18, 4))) / sum(cast(max_points as decimal(18, 4))) as double) as attainment
  from indicator_values
  group by period, unit_code, indicator_id
),

-- each level against its own city median: schools against all schools, units against all units
compared as (
  select
    *,
    median(attainment) over (partition by period, indicator_id) as city_median_attainment,
    median(value) over (partition by period, indicator_id) as city_median_value
  from school_attainment
  union all by name
  select
    *,
    median(attainment) over (partition by period, indicator_id) as city_median_attainment,
    median(value) over (partition by period, indicator_id) as city_median_value
  from unit_attainment
),

boards as (
  select
    *,
    round(city_median_attainment - attainment, 4) as gap,
    row_number() over (partition by period, unit_code, school_code order by round(city_median_attainment - attainment, 4) desc, sort_order) as board_rank
  from compared
  -- a gap that vanishes at four decimals is no short board
  where round(city_median_attainment - attainment, 4) > 0
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
    round(boards.attainment, 4) as attainment,
    round(boards.city_median_attainment, 4) as city_median_attainment,
    boards.gap,
    catalogue.suggestions[1] as suggestion,
    coalesce(catalogue.suggestions, []) as suggestions
  from boards
  left join catalogue on catalogue.edition = boards.definition_edition and catalogue.indicator_id = boards.indicator_id
)

select * from final

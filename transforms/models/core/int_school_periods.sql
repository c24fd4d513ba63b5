-- grain: one row per period and school open during it, with the school as registered on the period's as-of day
-- unique: period_id, school_code
-- not_null: period_id, school_code, school_name, unit_code, school_type, definition_edition
-- relationships: period_id -> core.dim_periods.period_id
-- relationships: unit_code -> core.dim_units.unit_code
-- title: 周期内学校 | schools by period
-- column: period_id | 统计周期编号 | period id
-- column: period_kind | 周期类型 | kind of period
-- column: start_on | 周期第一天 | first day of the period
-- column: end_on | 周期最后一天 | last day of the period
-- column: as_of_on | 统计截止日 | as-of day
-- column: definition_edition | 评分所用指标体系版本 | the edition scoring the period
-- column: school_code | 学校标识码 | school code
-- column: school_name | 学校名称（截止日登记） | school name as registered on the as-of day
-- column: unit_code | 所属单位代码（截止日登记） | unit as registered on the as-of day
-- column: school_type | 学校类型 | school type
-- column: enrollment | 在校生数 | students enrolled
-- column: boarders | 住宿生数 | boarders
-- column: guards | 专职保安数 | full-time guards
-- column: is_near_water | 是否临水学校 | whether the school is near water
-- column: flags | 学校标记（near_water 临水、boarding 寄宿），决定条件性指标是否适用 | school flags (near_water, boarding) that decide conditional indicators
-- column: is_separately_ranked | 是否单独成组排名（市直学校） | whether ranked as a separate group (市直 schools)
with periods as (
  select * from core.dim_periods
),

schools as (
  select * from core.dim_schools
),

separately_ranked as (
  select * from ref.separately_ranked_units
),

-- the latest registry state on or before the as-of day; a school closed before the period began is out
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
  join schools
    on schools.valid_from <= periods.as_of_on
   and (schools.closed_on is null or schools.closed_on >= periods.start_on)
   and (schools.opened_on is null or schools.opened_on <= periods.as_of_on)
  qualify row_number() over (partition by periods.period_id, schools.school_code order by schools.valid_from desc) = 1
),

final as (
  select
    registered.period_id,
    registered.period_kind,
    registered.start_on,
    registered.end_on,
    registered.as_of_on,
    registered.definition_edition,
    registered.school_code,
    registered.school_name,
    registered.unit_code,
    registered.school_type,
    registered.enrollment,
    registered.boarders,
    registered.guards,
    registered.is_near_water,
    -- the flags of the definition file (ENGINE_FLAGS): which conditional indicators apply
    list_filter(
      [case when registered.is_near_water then 'near_water' end, case when registered.boarders > 0 then 'boarding' end],
      flag -> flag is not null
    ) as flags,
    separately_ranked.unit_code is not null as is_separately_ranked
  from registered
  left join separately_ranked
    on separately_ranked.edition = registered.definition_edition
   and separately_ranked.unit_code = registered.unit_code
)

select * from final

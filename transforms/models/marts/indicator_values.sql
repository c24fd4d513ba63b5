-- grain: one row per period, school and indicator of the edition in force (school_code null: one row per period, unit and supervision indicator); a view: the rows of core.int_indicator_points with each indicator's names, kind, direction, unit, target and floor
-- grain_zh: 每个统计周期、学校和现行版本的每项指标一行（学校标识码为空时：每个统计周期、单位和督导指标一行）
-- not_null: period, unit_code, indicator_id, indicator_name, domain_id, status, definition_edition
-- expect: unit <> '%' or value is null or value between 0 and 1
-- materialized: view
-- title: 指标值 | indicator values
-- column: period | 统计周期编号（见 core.dim_periods） | period id (see core.dim_periods)
-- column: unit_code | 单位代码（学校为截止日所属单位） | unit code (for a school, its unit on the as-of day)
-- column: school_code | 学校标识码；单位督导指标为空 | school code; empty on unit supervision rows
-- column: school_name | 学校名称 | school name
-- column: indicator_id | 指标编号（如 A3 隐患按期整改率） | indicator id (e.g. A3 on-time rectification)
-- column: indicator_name | 指标名称 | indicator name
-- column: domain_id | 一级指标编号 A–H；督导指标为 I | domain id A–H; I for supervision
-- column: scope | 计分对象：school 学校、unit 单位 | scored for: school or unit
-- column: kind | 计分方式：rate 比率、duration 时长、deduction 扣分、yes_no 是否 | scoring kind: rate, duration, deduction or yes/no
-- column: direction | 方向：higher_better 越高越好、lower_better 越低越好 | direction: higher or lower is better
-- column: unit | 计量单位（% 以 0–1 存储） | display unit (% stored as 0–1)
-- column: value | 指标值；不适用或无数据时为空 | the value; empty when not applicable or without data
-- column: value_numerator | 指标值的精确分数之分子（计分依据） | the value as an exact fraction: its numerator (what is scored)
-- column: value_denominator | 指标值的精确分数之分母 | the value as an exact fraction: its denominator
-- column: points | 得分（精确计算，四舍五入保留四位小数）；不适用时为空，无数据为 0 | points earned (computed exactly, rounded half up to 4 decimals); empty when not applicable, 0 when no data
-- column: max_points | 满分；不适用时为空 | points available; empty when not applicable
-- column: status | 状态：ok 有值、not_applicable 不适用（不计分）、no_data 应有数据而无（计 0 分） | status: ok, not_applicable (drops out of the score) or no_data (required but missing: scores zero)
-- column: numerator | 分子（如按期整改的隐患数） | numerator (e.g. hazards rectified on time)
-- column: denominator | 分母（如周期内到期的隐患数） | denominator (e.g. hazards due in the period)
-- column: target | 目标值（达到即满分） | target (full points at or beyond it)
-- column: floor | 底线值（达到即 0 分） | floor (zero points at or beyond it)
-- column: definition_edition | 指标体系版本 | definition edition
-- column: sort_order | 指标在定义文件中的顺序 | the indicator’s order in the definition file
with points as (
  select * from core.int_indicator_points
),

indicators as (
  select * from ref.indicators
),

school_periods as (
  select period_id, school_code, school_name from core.int_school_periods
),

final as (
  select
    points.period_id as period,
    points.unit_code,
    points.school_code,
    school_periods.school_name,
    points.indicator_id,
    indicators.indicator_name_zh as indicator_name,
    coalesce(indicators.domain_id, 'I') as domain_id,
    indicators.scope,
    indicators.kind,
    indicators.direction,
    indicators.unit,
    points.value,
    points.value_numerator,
    points.value_denominator,
    points.points,
    points.max_points,
    points.status,
    points.numerator,
    points.denominator,
    indicators.target,
    indicators.floor,
    points.edition as definition_edition,
    indicators.sort_order
  from points
  join indicators using (edition, indicator_id)
  left join school_periods using (period_id, school_code)
)

select * from final

-- grain: one row per period, school and indicator of the edition in force (school_code null: one row per period, unit and supervision indicator): the value and its exact points, without the indicator's names, which the indicator_values view of marts adds
-- grain_zh: 每个统计周期、学校和现行版本的每项指标一行（学校标识码为空时：每个统计周期、单位和督导指标一行）：指标值及其精确得分，不含指标名称等说明（由集市层的指标值视图补上）
-- incremental: period_id
-- unique: period_id, unit_code, school_code, indicator_id
-- not_null: period_id, unit_code, indicator_id, status, edition
-- accepted_values: status = ok | not_applicable | no_data
-- relationships: period_id -> core.dim_periods.period_id
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: (status = 'ok') = (value is not null)
-- expect: (value_numerator is null) = (value is null) and (value_denominator is null) = (value is null)
-- expect: (status = 'not_applicable') = (points is null) and (points is null) = (max_points is null)
-- expect: points is null or (points >= 0 and points <= max_points + 1e-9)
-- expect: status <> 'no_data' or points = 0
-- title: 指标得分 | indicator points
-- column: period_id | 统计周期编号（见 core.dim_periods） | period id (see core.dim_periods)
-- column: unit_code | 单位代码（学校为截止日所属单位） | unit code (for a school, its unit on the as-of day)
-- column: school_code | 学校标识码；单位督导指标为空 | school code; empty on unit supervision rows
-- column: indicator_id | 指标编号 | indicator id
-- column: edition | 指标体系版本（见 ref.indicators） | definition edition (see ref.indicators)
-- column: value | 指标值；不适用或无数据时为空 | the value; empty when not applicable or without data
-- column: value_numerator | 指标值的精确分数之分子（计分依据） | the value as an exact fraction: its numerator (what is scored)
-- column: value_denominator | 指标值的精确分数之分母 | the value as an exact fraction: its denominator
-- column: points | 得分（精确计算，四舍五入保留四位小数）；不适用时为空，无数据为 0 | points earned (computed exactly, rounded half up to 4 decimals); empty when not applicable, 0 when no data
-- column: max_points | 满分；不适用时为空 | points available; empty when not applicable
-- column: status | 状态：ok 有值、not_applicable 不适用（不计分）、no_data 应有数据而无（计 0 分） | status: ok, not_applicable (drops out of the score) or no_data (required but missing: scores zero)
-- column: numerator | 分子（如按期整改的隐患数） | numerator (e.g. hazards rectified on time)
-- column: denominator | 分母（如周期内到期的隐患数） | denominator (e.g. hazards due in the period)
with school_periods as (
  select * from core.int_school_periods where period_id in (select period_id from core.int_build_periods)
),

periods as (
  select * from core.dim_periods where period_id in (select period_id from core.int_build_periods)
),

units as (
  select * from core.dim_units
),

indicators as (
  select * from ref.indicators
),

applicability as (
  select * from ref.indicator_applicability
),

required_flags as (
  select edition, indicator_id, list(flag_id) as flag_ids
  from ref.indicator_required_flags
  group by all
),

school_measures as (
  select * from core.int_school_measures where period_id in (select period_id from core.int_build_periods)
),

unit_measures as (
  select * from core.int_unit_measures where period_id in (select period_id from core.int_build_periods)
),

-- every school of the period against every school-level indicator of the edition (narrow rows: metadata joins at the end)
school_rows as (
  select
    school_periods.period_id,
    school_periods.unit_code,
    school_periods.school_code,
    indicators.edition,
    indicators.indicator_id,
    applicability.school_type is not null
      and (required_flags.flag_ids is null or list_has_all(school_periods.flags, required_flags.flag_ids)) as is_applicable,
    school_measures.numerator,
    school_measures.denominator,
    school_measures.value as measured_value,
    school_measures.value_numerator,
    school_measures.value_denominator,
    school_measures.is_required
  from school_periods
  join indicators on indicators.edition = school_periods.definition_edition and indicators.scope = 'school'
  left join applicability
    on applicability.edition = indicators.edition
   and applicability.indicator_id = indicators.indicator_id
   and applicability.school_type = school_periods.school_type
  left join required_flags on required_flags.edition = indicators.edition and required_flags.indicator_id = indicators.indicator_id
  left join school_measures
    on school_measures.period_id = school_periods.period_id
   and school_measures.school_code = school_periods.school_code
   and school_measures.formula = indicators.formula
),

-- every unit against every supervision indicator
unit_rows as (
  select
    periods.period_id,
    units.unit_code,
    null as school_code,
    indicators.edition,
    indicators.indicator_id,
    true as is_applicable,
    unit_measures.numerator,
    unit_measures.denominator,
    unit_measures.value as measured_value,
    unit_measures.value_numerator,
    unit_measures.value_denominator,
    unit_measures.is_required
  from periods
  cross join units
  join indicators on indicators.edition = periods.definition_edition and indicators.scope = 'unit'
  left join unit_measures
    on unit_measures.period_id = periods.period_id
   and unit_measures.unit_code = units.unit_code
   and unit_measures.formula = indicators.formula
),

all_rows as (
  select * from school_rows
  union all by name
  select * from unit_rows
),

with_status as (
  select
    all_rows.*,
    indicators.* exclude (edition, indicator_id, formula_text, params),
    case
      when not all_rows.is_applicable or not coalesce(all_rows.is_required, true) then 'not_applicable'
      when all_rows.measured_value is null then indicators.empty_denominator
      else 'ok'
    end as status
  from all_rows
  join indicators using (edition, indicator_id)
),

-- the definition's numbers in integers of 1/10,000 (the loader allows no more decimals), so scoring is exact
scaled as (
  select
    *,
    cast(round(points * 10000) as hugeint) as points_scaled,
    cast(round(target * 10000) as hugeint) as target_scaled,
    cast(round(floor * 10000) as hugeint) as floor_scaled,
    cast(round(deduction_per_occurrence * 10000) as hugeint) as deduction_scaled,
    cast(round(deduction_base * 10000) as hugeint) as base_scaled,
    cast(value_numerator as hugeint) as exact_numerator,
    cast(value_denominator as hugeint) as exact_denominator
  from with_status
),

-- DOMAIN.md §5 default scoring on the value's exact fraction: for a rate or duration the share of the way from
-- floor to target (signed_numerator / signed_denominator), for a deduction the points left in 1/10,000 points
fractions as (
  select
    *,
    case
      when kind in ('rate', 'duration') then exact_numerator * 10000 - floor_scaled * exact_denominator
      when kind = 'deduction' and base_scaled is not null then points_scaled * greatest(0, base_scaled * exact_denominator - exact_numerator * 10000)
      when kind = 'deduction' then greatest(0, points_scaled * exact_denominator - exact_numerator * deduction_scaled)
    end as signed_numerator,
    case
      when kind in ('rate', 'duration') then (target_scaled - floor_scaled) * exact_denominator
      when kind = 'deduction' and base_scaled is not null then base_scaled * exact_denominator
      when kind = 'deduction' then exact_denominator
    end as signed_denominator
  from scaled
),

-- the sign of (target − floor) carries the direction; the share of the way from floor to target is clamped to 0..1
scored as (
  select
    *,
    case
      when status = 'not_applicable' then null
      when status = 'no_data' then 0
      when kind = 'yes_no' then case when exact_numerator >= exact_denominator then points_scaled else 0 end
      when kind = 'deduction' then (2 * signed_numerator + signed_denominator) // (2 * signed_denominator)
      when sign(signed_numerator) * sign(signed_denominator) <= 0 then 0
      when abs(signed_numerator) >= abs(signed_denominator) then points_scaled
      -- rounded once, half up, to 1/10,000 of a point
      else (2 * points_scaled * abs(signed_numerator) + abs(signed_denominator)) // (2 * abs(signed_denominator))
    end as earned_scaled
  from fractions
),

final as (
  select
    period_id,
    unit_code,
    school_code,
    indicator_id,
    edition,
    case when status = 'ok' then measured_value end as value,
    case when status = 'ok' then value_numerator end as value_numerator,
    case when status = 'ok' then value_denominator end as value_denominator,
    cast(earned_scaled as double) / 10000 as points,
    case when status <> 'not_applicable' then scored.points end as max_points,
    status,
    numerator,
    denominator
  from scored
)

select * from final

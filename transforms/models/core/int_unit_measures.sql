-- grain: one row per period, reporting unit and supervision formula (I1–I3): the county office's own work
-- grain_zh: 每个统计周期、报告单位和督导公式（I1–I3）一行：县区教育局自身的工作
-- incremental: period_id
-- unique: period_id, unit_code, formula
-- not_null: period_id, unit_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: (value_numerator is null) = (value_denominator is null)
-- expect: value_numerator is null or (value_numerator >= 0 and value_denominator > 0)
-- title: 单位督导指标计量 | unit supervision measures
-- column: period_id | 统计周期编号 | period id
-- column: unit_code | 单位代码 | unit code
-- column: formula | 指标公式键（I1–I3） | formula key (I1–I3)
-- column: numerator | 分子（按期反馈的交办函数、接受督查的学校数、约谈处罚次数） | numerator (letters answered on time, schools supervised, interviews and penalties)
-- column: denominator | 分母（期限在期内的交办函数、学校数；I3 为空） | denominator (letters due, schools; empty for I3)
-- column: value_numerator | 指标值的精确分数之分子（整数；无可计量内容时为空） | the value as an exact fraction: its numerator (an integer; empty when there is nothing to measure)
-- column: value_denominator | 指标值的精确分数之分母（正整数） | the value as an exact fraction: its denominator (a positive integer)
-- column: value | 指标值（value_numerator ÷ value_denominator；I3 为折算到 100 分制的扣分） | the measured value (value_numerator ÷ value_denominator; I3: the deduction on the 100-point base)
-- column: is_required | 本周期是否有此项要求 | whether the period holds a requirement
with periods as (
  select * from core.dim_periods where period_id in (select period_id from core.int_build_periods)
),

units as (
  select * from core.dim_units
),

params as (
  select * from core.int_indicator_params where period_id in (select period_id from core.int_build_periods)
),

school_periods as (
  select * from core.int_school_periods where period_id in (select period_id from core.int_build_periods)
),

supervision as (
  select * from core.fct_activities where activity_kind = '督导'
),

inspections as (
  select * from core.fct_inspection_items
),

unit_periods as (
  select periods.period_id, periods.start_on, periods.as_of_on, units.unit_code
  from periods
  cross join units
),

-- I1: assignment letters due in the period, answered by their deadline
i1 as (
  select
    unit_periods.period_id,
    unit_periods.unit_code,
    'assignment_letter_on_time_reply_rate' as formula,
    count(supervision.activity_id) filter (where supervision.replied_on <= supervision.deadline_on) as numerator,
    count(supervision.activity_id) as denominator,
    case when denominator > 0 then numerator end as value_numerator,
    case when denominator > 0 then denominator end as value_denominator,
    true as is_required
  from unit_periods
  left join supervision
    on supervision.unit_code = unit_periods.unit_code
   and supervision.supervision_action = '交办函'
   and supervision.deadline_on between unit_periods.start_on and unit_periods.as_of_on
  group by all
),

-- I2: the unit's schools with a bureau supervision inspection in the twelve months to the last day of their window
supervised_schools as (
  select
    school_periods.period_id,
    school_periods.unit_code,
    school_periods.school_code,
    count(inspections.inspection_id) > 0 as is_supervised
  from school_periods
  join params on params.period_id = school_periods.period_id and params.formula = 'school_supervision_coverage'
  left join inspections
    on inspections.school_code = school_periods.school_code
   and inspections.inspection_kind = json_extract_string(params.params, '$.inspection_kind')
   and inspections.inspected_on > school_periods.window_end_on - interval 1 year
   and inspections.inspected_on <= school_periods.window_end_on
  group by all
),

i2 as (
  select
    unit_periods.period_id,
    unit_periods.unit_code,
    'school_supervision_coverage' as formula,
    count(supervised_schools.school_code) filter (where supervised_schools.is_supervised) as numerator,
    count(supervised_schools.school_code) as denominator,
    case when denominator > 0 then numerator end as value_numerator,
    case when denominator > 0 then denominator end as value_denominator,
    true as is_required
  from unit_periods
  left join supervised_schools using (period_id, unit_code)
  group by all
),

-- I3: points deducted per accountability action in the period (value = total deduction on the base's scale, in 1/10,000 points)
deduction_rates as (
  select
    params.period_id,
    json_extract_string(deduction, '$.action') as action,
    cast(round(cast(json_extract(deduction, '$.per_occurrence') as double) * 10000) as hugeint) as scaled_per_occurrence
  from params,
    unnest(from_json(json_extract(params.params, '$.deductions'), '["JSON"]')) as d(deduction)
  where params.formula = 'supervision_accountability_deductions'
),

i3 as (
  select
    unit_periods.period_id,
    unit_periods.unit_code,
    'supervision_accountability_deductions' as formula,
    cast(count(supervision.activity_id) as double) as numerator,
    null::double as denominator,
    coalesce(sum(deduction_rates.scaled_per_occurrence) filter (where supervision.activity_id is not null), 0) as value_numerator,
    10000 as value_denominator,
    true as is_required
  from unit_periods
  left join deduction_rates on deduction_rates.period_id = unit_periods.period_id
  left join supervision
    on supervision.unit_code = unit_periods.unit_code
   and supervision.supervision_action = deduction_rates.action
   and supervision.activity_on between unit_periods.start_on and unit_periods.as_of_on
  group by all
),

unioned as (
  select * from i1
  union all by name select * from i2
  union all by name select * from i3
),

final as (
  select
    period_id,
    unit_code,
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

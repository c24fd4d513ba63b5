-- grain: one row per period, school and per-term programme formula (D1 letters, D3 drowning lessons, E1 bullying surveys, F3 mental-health courses): the activities of each term that ends in the school's window
-- grain_zh: 每个统计周期、学校和按学期计量的专项工作公式（D1 告知书、D3 防溺水教育课、E1 欺凌调查、F3 心理健康课）一行：结束于该校时段内的每个学期的工作记录
-- incremental: period_id
-- materialized: temporary
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: (value_numerator is null) = (value_denominator is null)
-- expect: value_numerator is null or (value_numerator >= 0 and value_denominator > 0)
-- title: 按学期计量的专项工作指标 | per-term programme measures
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

term_params as (
  select
    period_id,
    formula,
    params,
    json_extract_string(params, '$.activity_kind') as activity_kind,
    json_extract_string(params, '$.topic') as topic
  from core.int_indicator_params
  where period_id in (select period_id from core.int_build_periods)
    and formula in ('parent_letter_receipt_rate', 'drowning_lesson_rate', 'bullying_survey_term_coverage', 'mental_health_course_each_term')
),

terms as (
  select * from core.dim_terms
),

activities as (
  select * from core.fct_activities where school_code is not null
),

-- terms judged for a school in a period: those that end in its window (a term is judged once it is over)
school_terms as (
  select school_periods.period_id, school_periods.school_code, terms.start_on as term_start_on
  from school_periods
  join terms on terms.end_on between school_periods.window_start_on and school_periods.window_end_on
),

-- each activity in the term it falls in, counted per school, kind, topic and term
term_activity as (
  select
    activities.school_code,
    activities.activity_kind,
    activities.topic,
    terms.start_on as term_start_on,
    count(*) as n_activities,
    sum(activities.n_returned) as n_returned
  from activities
  join terms on activities.activity_on between terms.start_on and terms.end_on
  group by all
),

-- per period, school, formula and judged term: the activities of the formula's kind (and topic)
term_formula as (
  select
    school_terms.period_id,
    school_terms.school_code,
    term_params.formula,
    school_terms.term_start_on,
    sum(term_activity.n_activities) as n_activities,
    sum(term_activity.n_returned) as n_returned,
    any_value(term_params.params) as params
  from school_terms
  join term_params on term_params.period_id = school_terms.period_id
  join term_activity
    on term_activity.school_code = school_terms.school_code
   and term_activity.term_start_on = school_terms.term_start_on
   and term_activity.activity_kind = term_params.activity_kind
   and (term_params.topic is null or term_activity.topic = term_params.topic)
  group by all
),

term_held as (
  select
    period_id,
    school_code,
    formula,
    sum(n_returned) as n_returned,
    sum(least(n_activities, cast(json_extract(params, '$.required_per_term') as integer))) as n_lessons_counted,
    count(*) filter (where n_activities >= coalesce(cast(json_extract(params, '$.min_per_term') as integer), 1)) as n_terms_met
  from term_formula
  group by all
),

term_counts as (
  select period_id, school_code, count(*) as n_terms
  from school_terms
  group by all
),

term_based as (
  select
    school_periods.period_id,
    school_periods.school_code,
    term_params.formula,
    coalesce(term_counts.n_terms, 0) as n_terms_judged,
    case term_params.formula
      when 'parent_letter_receipt_rate' then coalesce(term_held.n_returned, 0)
      when 'drowning_lesson_rate' then coalesce(term_held.n_lessons_counted, 0)
      else coalesce(term_held.n_terms_met, 0)
    end as numerator,
    case term_params.formula
      -- one letter per student before each break: a break follows each term
      when 'parent_letter_receipt_rate' then school_periods.enrollment * n_terms_judged
      when 'drowning_lesson_rate' then cast(json_extract(term_params.params, '$.required_per_term') as integer) * n_terms_judged
      else n_terms_judged
    end as denominator,
    n_terms_judged > 0 as is_required
  from school_periods
  join term_params on term_params.period_id = school_periods.period_id
  left join term_counts
    on term_counts.period_id = school_periods.period_id
   and term_counts.school_code = school_periods.school_code
  left join term_held
    on term_held.period_id = school_periods.period_id
   and term_held.school_code = school_periods.school_code
   and term_held.formula = term_params.formula
),

final as (
  select
    period_id,
    school_code,
    formula,
    numerator,
    denominator,
    case
      when denominator is null or denominator = 0 then null
      -- F3 is yes/no: a course in every term judged
      when formula = 'mental_health_course_each_term' then cast(numerator = denominator as integer)
      -- letters and lessons count up to the requirement
      else least(numerator, denominator)
    end as value_numerator,
    case
      when denominator is null or denominator = 0 then null
      when formula = 'mental_health_course_each_term' then 1
      else denominator
    end as value_denominator,
    is_required
  from term_based
)

select * from final

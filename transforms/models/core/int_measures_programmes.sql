-- grain: one row per period, school and programme formula (C1, D1–D3, E1, F1–F3): requirement windows held against activities logged
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: value is null or value between 0 and 1
-- title: 专项工作类指标计量 | programme measures
-- column: period_id | 统计周期编号 | period id
-- column: school_code | 学校标识码 | school code
-- column: formula | 指标公式键（定义文件 formula，如 on_time_rectification_rate） | formula key (the definition file’s formula, e.g. on_time_rectification_rate)
-- column: numerator | 分子（计数、时长或人数，见 docs/scoring.md） | numerator (a count, hours or students; see docs/scoring.md)
-- column: denominator | 分母（同上） | denominator (likewise)
-- column: value | 指标值；无可计量内容时为空 | the measured value; empty when there is nothing to measure
-- column: is_required | 本周期是否有此项要求（如该周期无学期结束则为否） | whether the period holds a requirement (false e.g. when no term ends in it)
with school_periods as (
  select * from core.int_school_periods
),

params as (
  select * from core.int_indicator_params
),

periods as (
  select * from core.dim_periods
),

activities as (
  select * from core.fct_activities where school_code is not null
),

programme_formulas as (
  select
    period_id,
    formula,
    params,
    json_extract_string(params, '$.activity_kind') as activity_kind,
    json_extract_string(params, '$.topic') as topic
  from params
  where formula in (
    'evacuation_drill_rate', 'parent_letter_receipt_rate', 'drowning_lesson_rate', 'bullying_survey_term_coverage',
    'mental_health_course_each_term', 'water_patrol_week_coverage', 'psych_screening_coverage', 'warned_student_tracking_rate'
  )
),

-- the calendar's terms (spring Feb–Jul, autumn Sep–Jan), from the autumn term that ends in the first year listed:
-- a term is a fact of the calendar, listed in dim_periods or not
terms as (
  select make_date(term_year, 2, 1) as term_start_on, make_date(term_year, 7, 31) as term_end_on
  from (select distinct period_year as term_year from periods)
  union all
  select make_date(term_year, 9, 1), make_date(term_year + 1, 1, 31)
  from (select distinct period_year - 1 as term_year from periods union select distinct period_year from periods)
),

-- terms judged in a period: those that end in it by its as-of day (a term is judged once it is over)
period_terms as (
  select periods.period_id, terms.term_start_on
  from periods
  join terms on terms.term_end_on between periods.start_on and periods.as_of_on
),

-- C1 windows: each month of the period that overlaps a term (monthly_in_term), each quarter ending in the period (quarterly)
drill_windows as (
  select periods.period_id, 'monthly_in_term' as frequency, month_start as window_start_on
  from periods,
    unnest(generate_series(date_trunc('month', periods.start_on), periods.as_of_on, interval 1 month)) as m(month_start)
  where exists (select 1 from terms where terms.term_start_on <= last_day(month_start) and terms.term_end_on >= month_start)
  union all
  select periods.period_id, 'quarterly', quarters.start_on
  from periods
  join periods as quarters
    on quarters.period_kind = 'quarter'
   and quarters.end_on between periods.start_on and periods.as_of_on
),

-- the windows each school's drills fall in, at both granularities
drill_held as (
  select distinct school_code, activity_kind, 'monthly_in_term' as frequency, date_trunc('month', activity_on) as window_start_on
  from activities
  union all
  select distinct school_code, activity_kind, 'quarterly', date_trunc('quarter', activity_on)
  from activities
),

drills_met as (
  select drill_windows.period_id, drill_held.school_code, drill_windows.frequency, count(*) as n_met
  from drill_windows
  join programme_formulas
    on programme_formulas.period_id = drill_windows.period_id and programme_formulas.formula = 'evacuation_drill_rate'
  join drill_held
    on drill_held.frequency = drill_windows.frequency
   and drill_held.window_start_on = drill_windows.window_start_on
   and drill_held.activity_kind = programme_formulas.activity_kind
  group by all
),

c1 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'evacuation_drill_rate' as formula,
    coalesce(drills_met.n_met, 0) as numerator,
    coalesce(window_counts.n_windows, 0) as denominator,
    case when denominator > 0 then numerator / denominator end as value,
    denominator > 0 as is_required
  from school_periods
  join programme_formulas
    on programme_formulas.period_id = school_periods.period_id and programme_formulas.formula = 'evacuation_drill_rate'
  left join (select period_id, frequency, count(*) as n_windows from drill_windows group by all) as window_counts
    on window_counts.period_id = school_periods.period_id
   and window_counts.frequency = json_extract_string(
         programme_formulas.params,
         case when school_periods.school_type = '幼儿园' then '$.kindergarten_frequency' else '$.school_frequency' end
       )
  left join drills_met
    on drills_met.period_id = school_periods.period_id
   and drills_met.school_code = school_periods.school_code
   and drills_met.frequency = window_counts.frequency
),

-- each activity in the term it falls in, counted per school, kind, topic and term
term_activity as (
  select
    activities.school_code,
    activities.activity_kind,
    activities.topic,
    terms.term_start_on,
    count(*) as n_activities,
    sum(activities.n_returned) as n_returned
  from activities
  join terms on activities.activity_on between terms.term_start_on and terms.term_end_on
  group by all
),

-- per period, school, formula and judged term: the activities of the formula's kind (and topic)
term_formula as (
  select
    period_terms.period_id,
    term_activity.school_code,
    programme_formulas.formula,
    period_terms.term_start_on,
    sum(term_activity.n_activities) as n_activities,
    sum(term_activity.n_returned) as n_returned,
    any_value(programme_formulas.params) as params
  from period_terms
  join programme_formulas
    on programme_formulas.period_id = period_terms.period_id
   and programme_formulas.formula in ('parent_letter_receipt_rate', 'drowning_lesson_rate', 'bullying_survey_term_coverage', 'mental_health_course_each_term')
  join term_activity
    on term_activity.term_start_on = period_terms.term_start_on
   and term_activity.activity_kind = programme_formulas.activity_kind
   and (programme_formulas.topic is null or term_activity.topic = programme_formulas.topic)
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

term_based as (
  select
    school_periods.period_id,
    school_periods.school_code,
    programme_formulas.formula,
    coalesce(term_counts.n_terms, 0) as n_terms_judged,
    case programme_formulas.formula
      when 'parent_letter_receipt_rate' then coalesce(term_held.n_returned, 0)
      when 'drowning_lesson_rate' then coalesce(term_held.n_lessons_counted, 0)
      else coalesce(term_held.n_terms_met, 0)
    end as numerator,
    case programme_formulas.formula
      -- one letter per student before each break: a break follows each term
      when 'parent_letter_receipt_rate' then school_periods.enrollment * n_terms_judged
      when 'drowning_lesson_rate' then cast(json_extract(programme_formulas.params, '$.required_per_term') as integer) * n_terms_judged
      else n_terms_judged
    end as denominator,
    n_terms_judged > 0 as is_required
  from school_periods
  join programme_formulas
    on programme_formulas.period_id = school_periods.period_id
   and programme_formulas.formula in ('parent_letter_receipt_rate', 'drowning_lesson_rate', 'bullying_survey_term_coverage', 'mental_health_course_each_term')
  left join (select period_id, count(*) as n_terms from period_terms group by all) as term_counts
    on term_counts.period_id = school_periods.period_id
  left join term_held
    on term_held.period_id = school_periods.period_id
   and term_held.school_code = school_periods.school_code
   and term_held.formula = programme_formulas.formula
),

term_values as (
  select
    period_id,
    school_code,
    formula,
    numerator,
    denominator,
    case
      when denominator is null or denominator = 0 then null
      -- F3 is yes/no: a course in every term judged
      when formula = 'mental_health_course_each_term' then cast(numerator = denominator as double)
      else least(1, numerator / denominator)
    end as value,
    is_required
  from term_based
),

-- D2: weeks (Monday to Sunday) starting in the period and in the patrol months
period_weeks as (
  select programme_formulas.period_id, programme_formulas.activity_kind, week_start
  from periods
  join programme_formulas
    on programme_formulas.period_id = periods.period_id and programme_formulas.formula = 'water_patrol_week_coverage',
    unnest(generate_series(date_trunc('week', periods.start_on), periods.as_of_on, interval 7 day)) as w(week_start)
  where week_start >= periods.start_on
    and list_contains(from_json(json_extract(programme_formulas.params, '$.months'), '["INTEGER"]'), month(week_start))
),

patrol_weeks_met as (
  select period_weeks.period_id, patrolled.school_code, count(*) as n_weeks
  from period_weeks
  join (select distinct school_code, activity_kind, date_trunc('week', activity_on) as week_start from activities) as patrolled
    on patrolled.week_start = period_weeks.week_start
   and patrolled.activity_kind = period_weeks.activity_kind
  group by all
),

d2 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'water_patrol_week_coverage' as formula,
    coalesce(patrol_weeks_met.n_weeks, 0) as numerator,
    coalesce(week_counts.n_weeks, 0) as denominator,
    case when denominator > 0 then numerator / denominator end as value,
    denominator > 0 as is_required
  from school_periods
  left join (select period_id, count(*) as n_weeks from period_weeks group by all) as week_counts
    on week_counts.period_id = school_periods.period_id
  left join patrol_weeks_met
    on patrol_weeks_met.period_id = school_periods.period_id
   and patrol_weeks_met.school_code = school_periods.school_code
),

-- F1, F2: screening is yearly, so both look at the twelve months up to the as-of day
screenings as (
  select activities.*
  from activities
  where activities.activity_kind in (select activity_kind from programme_formulas where formula = 'psych_screening_coverage')
),

screening as (
  select
    school_periods.period_id,
    school_periods.school_code,
    any_value(school_periods.enrollment) as enrollment,
    sum(screenings.n_screened) as n_screened,
    sum(screenings.n_warned) as n_warned,
    sum(screenings.n_tracked) as n_tracked
  from school_periods
  left join screenings
    on screenings.school_code = school_periods.school_code
   and screenings.activity_on > school_periods.as_of_on - interval 1 year
   and screenings.activity_on <= school_periods.as_of_on
  group by all
),

f1 as (
  select
    period_id,
    school_code,
    'psych_screening_coverage' as formula,
    coalesce(n_screened, 0) as numerator,
    enrollment as denominator,
    case when enrollment > 0 then least(1, coalesce(n_screened, 0) / enrollment) end as value,
    true as is_required
  from screening
),

f2 as (
  select
    period_id,
    school_code,
    'warned_student_tracking_rate' as formula,
    coalesce(n_tracked, 0) as numerator,
    coalesce(n_warned, 0) as denominator,
    case when n_warned > 0 then least(1, coalesce(n_tracked, 0) / n_warned) end as value,
    true as is_required
  from screening
),

final as (
  select * from c1
  union all by name select * from term_values
  union all by name select * from d2
  union all by name select * from f1
  union all by name select * from f2
)

select * from final

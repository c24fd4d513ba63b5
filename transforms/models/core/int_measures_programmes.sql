-- grain: one row per period, school and programme formula (C1, D1–D3, E1, F1–F3): requirement windows held against activities logged
-- incremental: period_id
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: (value_numerator is null) = (value_denominator is null)
-- expect: value_numerator is null or (value_numerator >= 0 and value_denominator > 0)
-- title: 专项工作类指标计量 | programme measures
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

params as (
  select * from core.int_indicator_params where period_id in (select period_id from core.int_build_periods)
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

-- terms judged for a school in a period: those that end in its window (a term is judged once it is over)
school_terms as (
  select school_periods.period_id, school_periods.school_code, terms.term_start_on
  from school_periods
  join terms on terms.term_end_on between school_periods.window_start_on and school_periods.window_end_on
),

-- C1 windows: each month of the school's window that overlaps a term (monthly_in_term), each quarter ending in it (quarterly)
drill_windows as (
  select school_periods.period_id, school_periods.school_code, 'monthly_in_term' as frequency, month_start as window_start_on
  from school_periods,
    unnest(generate_series(date_trunc('month', school_periods.window_start_on), school_periods.window_end_on, interval 1 month)) as m(month_start)
  where exists (select 1 from terms where terms.term_start_on <= last_day(month_start) and terms.term_end_on >= month_start)
  union all
  select school_periods.period_id, school_periods.school_code, 'quarterly', quarters.start_on
  from school_periods
  join periods as quarters
    on quarters.period_kind = 'quarter'
   and quarters.end_on between school_periods.window_start_on and school_periods.window_end_on
),

-- the school's frequency (kindergartens quarterly, other schools monthly in term) and its windows
school_drill_windows as (
  select drill_windows.*
  from drill_windows
  join school_periods using (period_id, school_code)
  join programme_formulas
    on programme_formulas.period_id = drill_windows.period_id and programme_formulas.formula = 'evacuation_drill_rate'
  where drill_windows.frequency = json_extract_string(
    programme_formulas.params,
    case when school_periods.school_type = '幼儿园' then '$.kindergarten_frequency' else '$.school_frequency' end
  )
),

-- the windows each school's drills fall in, at both granularities
drill_held as (
  select distinct school_code, activity_kind, 'monthly_in_term' as frequency, date_trunc('month', activity_on) as window_start_on
  from activities
  union all
  select distinct school_code, activity_kind, 'quarterly', date_trunc('quarter', activity_on)
  from activities
),

drill_counts as (
  select
    school_drill_windows.period_id,
    school_drill_windows.school_code,
    count(*) as n_windows,
    count(drill_held.window_start_on) as n_met
  from school_drill_windows
  join programme_formulas
    on programme_formulas.period_id = school_drill_windows.period_id and programme_formulas.formula = 'evacuation_drill_rate'
  left join drill_held
    on drill_held.school_code = school_drill_windows.school_code
   and drill_held.frequency = school_drill_windows.frequency
   and drill_held.window_start_on = school_drill_windows.window_start_on
   and drill_held.activity_kind = programme_formulas.activity_kind
  group by all
),

c1 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'evacuation_drill_rate' as formula,
    coalesce(drill_counts.n_met, 0) as numerator,
    coalesce(drill_counts.n_windows, 0) as denominator,
    drill_counts.n_met as value_numerator,
    drill_counts.n_windows as value_denominator,
    denominator > 0 as is_required
  from school_periods
  join programme_formulas
    on programme_formulas.period_id = school_periods.period_id and programme_formulas.formula = 'evacuation_drill_rate'
  left join drill_counts
    on drill_counts.period_id = school_periods.period_id
   and drill_counts.school_code = school_periods.school_code
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
    school_terms.period_id,
    school_terms.school_code,
    programme_formulas.formula,
    school_terms.term_start_on,
    sum(term_activity.n_activities) as n_activities,
    sum(term_activity.n_returned) as n_returned,
    any_value(programme_formulas.params) as params
  from school_terms
  join programme_formulas
    on programme_formulas.period_id = school_terms.period_id
   and programme_formulas.formula in ('parent_letter_receipt_rate', 'drowning_lesson_rate', 'bullying_survey_term_coverage', 'mental_health_course_each_term')
  join term_activity
    on term_activity.school_code = school_terms.school_code
   and term_activity.term_start_on = school_terms.term_start_on
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
  left join (select period_id, school_code, count(*) as n_terms from school_terms group by all) as term_counts
    on term_counts.period_id = school_periods.period_id
   and term_counts.school_code = school_periods.school_code
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
),

-- D2: weeks (Monday to Sunday) whose Monday is in the school's window and in the patrol months
school_weeks as (
  select school_periods.period_id, school_periods.school_code, programme_formulas.activity_kind, week_start
  from school_periods
  join programme_formulas
    on programme_formulas.period_id = school_periods.period_id and programme_formulas.formula = 'water_patrol_week_coverage',
    unnest(generate_series(date_trunc('week', school_periods.window_start_on), school_periods.window_end_on, interval 7 day)) as w(week_start)
  where week_start >= school_periods.window_start_on
    and list_contains(from_json(json_extract(programme_formulas.params, '$.months'), '["INTEGER"]'), month(week_start))
),

patrolled_weeks as (
  select distinct school_code, activity_kind, date_trunc('week', activity_on) as week_start
  from activities
),

week_counts as (
  select
    school_weeks.period_id,
    school_weeks.school_code,
    count(*) as n_weeks,
    count(patrolled_weeks.week_start) as n_weeks_patrolled
  from school_weeks
  left join patrolled_weeks
    on patrolled_weeks.school_code = school_weeks.school_code
   and patrolled_weeks.week_start = school_weeks.week_start
   and patrolled_weeks.activity_kind = school_weeks.activity_kind
  group by all
),

d2 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'water_patrol_week_coverage' as formula,
    coalesce(week_counts.n_weeks_patrolled, 0) as numerator,
    coalesce(week_counts.n_weeks, 0) as denominator,
    week_counts.n_weeks_patrolled as value_numerator,
    week_counts.n_weeks as value_denominator,
    denominator > 0 as is_required
  from school_periods
  left join week_counts
    on week_counts.period_id = school_periods.period_id
   and week_counts.school_code = school_periods.school_code
),

-- F1, F2: screening is yearly, so both look at the twelve months up to the window's last day
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
    coalesce(sum(screenings.n_screened), 0) as n_screened,
    coalesce(sum(screenings.n_warned), 0) as n_warned,
    coalesce(sum(screenings.n_tracked), 0) as n_tracked
  from school_periods
  left join screenings
    on screenings.school_code = school_periods.school_code
   and screenings.activity_on > school_periods.window_end_on - interval 1 year
   and screenings.activity_on <= school_periods.window_end_on
  group by all
),

f1 as (
  select
    period_id,
    school_code,
    'psych_screening_coverage' as formula,
    n_screened as numerator,
    enrollment as denominator,
    case when enrollment > 0 then least(n_screened, enrollment) end as value_numerator,
    case when enrollment > 0 then enrollment end as value_denominator,
    true as is_required
  from screening
),

f2 as (
  select
    period_id,
    school_code,
    'warned_student_tracking_rate' as formula,
    n_tracked as numerator,
    n_warned as denominator,
    case when n_warned > 0 then least(n_tracked, n_warned) end as value_numerator,
    case when n_warned > 0 then n_warned end as value_denominator,
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

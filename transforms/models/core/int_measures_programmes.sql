-- grain: one row per period, school and programme formula (C1, D1–D3, E1, F1–F3): requirement windows held against activities logged
-- unique: period_id, school_code, formula
-- not_null: period_id, school_code, formula, is_required
-- relationships: period_id -> core.dim_periods.period_id
-- expect: value is null or value between 0 and 1
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
  select periods.period_id, terms.term_start_on, terms.term_end_on
  from periods
  join terms on terms.term_end_on between periods.start_on and periods.as_of_on
),

-- C1 windows: each month of the period that overlaps a term (monthly_in_term), each quarter ending in the period (quarterly)
drill_windows as (
  select periods.period_id, 'monthly_in_term' as frequency, month_start as window_start_on, last_day(month_start) as window_end_on
  from periods,
    unnest(generate_series(date_trunc('month', periods.start_on), periods.as_of_on, interval 1 month)) as m(month_start)
  where exists (
    select 1 from terms
    where terms.term_start_on <= last_day(month_start) and terms.term_end_on >= month_start
  )
  union all
  select periods.period_id, 'quarterly', quarters.start_on, quarters.end_on
  from periods
  join periods as quarters
    on quarters.period_kind = 'quarter'
   and quarters.end_on between periods.start_on and periods.as_of_on
),

c1 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'evacuation_drill_rate' as formula,
    count(distinct drill_windows.window_start_on) filter (where drills.activity_id is not null) as numerator,
    count(distinct drill_windows.window_start_on) as denominator,
    case when denominator > 0 then numerator / denominator end as value,
    denominator > 0 as is_required
  from school_periods
  join params on params.period_id = school_periods.period_id and params.formula = 'evacuation_drill_rate'
  left join drill_windows
    on drill_windows.period_id = school_periods.period_id
   and drill_windows.frequency = json_extract_string(
         params.params,
         case when school_periods.school_type = '幼儿园' then '$.kindergarten_frequency' else '$.school_frequency' end
       )
  left join activities as drills
    on drills.school_code = school_periods.school_code
   and drills.activity_kind = json_extract_string(params.params, '$.activity_kind')
   and drills.activity_on between drill_windows.window_start_on and drill_windows.window_end_on
  group by all
),

-- activities of one kind (and topic) per school and term judged in the period
term_activity as (
  select
    school_periods.period_id,
    school_periods.school_code,
    school_periods.enrollment,
    params.formula,
    params.params,
    period_terms.term_start_on,
    count(activities.activity_id) as n_activities,
    sum(activities.n_returned) as n_returned
  from school_periods
  join params
    on params.period_id = school_periods.period_id
   and params.formula in ('parent_letter_receipt_rate', 'drowning_lesson_rate', 'bullying_survey_term_coverage', 'mental_health_course_each_term')
  left join period_terms on period_terms.period_id = school_periods.period_id
  left join activities
    on activities.school_code = school_periods.school_code
   and activities.activity_kind = json_extract_string(params.params, '$.activity_kind')
   and (json_extract_string(params.params, '$.topic') is null or activities.topic = json_extract_string(params.params, '$.topic'))
   and activities.activity_on between period_terms.term_start_on and period_terms.term_end_on
  group by all
),

term_based as (
  select
    period_id,
    school_code,
    formula,
    case formula
      when 'parent_letter_receipt_rate' then coalesce(sum(n_returned), 0)
      when 'drowning_lesson_rate' then sum(least(n_activities, cast(json_extract(params, '$.required_per_term') as integer)))
      else count(term_start_on) filter (where n_activities >= coalesce(cast(json_extract(params, '$.min_per_term') as integer), 1))
    end as numerator,
    case formula
      -- one letter per student before each break: a break follows each term
      when 'parent_letter_receipt_rate' then any_value(enrollment) * count(term_start_on)
      when 'drowning_lesson_rate' then cast(json_extract(any_value(params), '$.required_per_term') as integer) * count(term_start_on)
      else count(term_start_on)
    end as denominator,
    count(term_start_on) > 0 as is_required
  from term_activity
  group by period_id, school_code, formula
),

term_values as (
  select
    *,
    case
      when denominator is null or denominator = 0 then null
      -- F3 is yes/no: a course in every term judged
      when formula = 'mental_health_course_each_term' then cast(numerator = denominator as double)
      else least(1, coalesce(numerator, 0) / denominator)
    end as value
  from term_based
),

-- D2: weeks (Monday to Sunday) starting in the period and in the patrol months
period_weeks as (
  select periods.period_id, week_start
  from periods
  join params on params.period_id = periods.period_id and params.formula = 'water_patrol_week_coverage',
    unnest(generate_series(date_trunc('week', periods.start_on), periods.as_of_on, interval 7 day)) as w(week_start)
  where week_start >= periods.start_on
    and list_contains(from_json(json_extract(params.params, '$.months'), '["INTEGER"]'), month(week_start))
),

patrol_weeks as (
  select
    school_periods.period_id,
    school_periods.school_code,
    period_weeks.week_start,
    count(patrols.activity_id) as n_patrols
  from school_periods
  join params on params.period_id = school_periods.period_id and params.formula = 'water_patrol_week_coverage'
  join period_weeks on period_weeks.period_id = school_periods.period_id
  left join activities as patrols
    on patrols.school_code = school_periods.school_code
   and patrols.activity_kind = json_extract_string(params.params, '$.activity_kind')
   and date_trunc('week', patrols.activity_on) = period_weeks.week_start
  group by all
),

d2 as (
  select
    school_periods.period_id,
    school_periods.school_code,
    'water_patrol_week_coverage' as formula,
    count(patrol_weeks.week_start) filter (where patrol_weeks.n_patrols >= 1) as numerator,
    count(patrol_weeks.week_start) as denominator,
    case when denominator > 0 then numerator / denominator end as value,
    denominator > 0 as is_required
  from school_periods
  left join patrol_weeks using (period_id, school_code)
  group by all
),

-- F1, F2: screening is yearly, so both look at the twelve months up to the as-of day
screening as (
  select
    school_periods.period_id,
    school_periods.school_code,
    any_value(school_periods.enrollment) as enrollment,
    sum(screens.n_screened) as n_screened,
    sum(screens.n_warned) as n_warned,
    sum(screens.n_tracked) as n_tracked
  from school_periods
  join params on params.period_id = school_periods.period_id and params.formula = 'psych_screening_coverage'
  left join activities as screens
    on screens.school_code = school_periods.school_code
   and screens.activity_kind = json_extract_string(params.params, '$.activity_kind')
   and screens.activity_on > school_periods.as_of_on - interval 1 year
   and screens.activity_on <= school_periods.as_of_on
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

unioned as (
  select * from c1
  union all by name select period_id, school_code, formula, numerator, denominator, value, is_required from term_values
  union all by name select * from d2
  union all by name select * from f1
  union all by name select * from f2
),

final as (
  select
    period_id,
    school_code,
    formula,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(value as double) as value,
    is_required
  from unioned
)

select * from final

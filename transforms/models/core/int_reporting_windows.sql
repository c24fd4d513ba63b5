-- grain: one row per reporting window — every day, calendar month and school term (from the school calendar) — from the first day any export records to two years after the as-of day
-- grain_zh: 每个报送窗口一行（每一天、每个自然月和按校历的每个学期），从导出文件记录的最早日期到截止日后两年
-- unique: cadence, window_start_on
-- not_null: cadence, window_start_on, window_end_on, window_name, n_school_days, is_in_calendar
-- accepted_values: cadence = daily | monthly | term
-- expect: window_start_on <= window_end_on
-- expect: n_school_days between 0 and window_end_on - window_start_on + 1
-- warn_expect: is_in_calendar or window_end_on < (select max(as_of_on) from core.dim_periods) - 366 or window_start_on > (select max(as_of_on) from core.dim_periods) + 366
-- title: 报送窗口 | reporting windows
-- column: cadence | 报送周期：daily 每日、monthly 每月、term 每学期 | cadence the window belongs to: daily, monthly or per term
-- column: window_start_on | 窗口首日 | first day of the window
-- column: window_end_on | 窗口末日 | last day of the window
-- column: window_name | 窗口名称：日期、月份（2025-10）或学期名称 | window name: the date, the month (2025-10) or the term's name
-- column: n_school_days | 窗口内的教学日数（在学期内且不在假期中的日子；校历未覆盖的日子按教学日计） | school days in the window (days in a term and in no holiday; days the calendar does not cover count as school days)
-- column: is_in_calendar | 窗口是否全部在校历覆盖的日期内（data/reference/school_calendar.csv） | whether the school calendar (data/reference/school_calendar.csv) covers the whole window
with calendar as (
  select * from ref.school_calendar
),

reporting_days as (
  select * from core.fct_reporting_days
),

periods as (
  select * from core.dim_periods
),

-- from the first day any export records to two years past the day the data runs to: far enough for
-- every deadline the cadences can set (late and missing after a few windows)
bounds as (
  select
    (select min(business_on) from reporting_days) as first_on,
    (select max(as_of_on) from periods) + 730 as last_on,
    (select min(start_on) from calendar) as calendar_start_on,
    (select max(end_on) from calendar) as calendar_end_on
),

days as (
  select cast(day_at as date) as day_on
  from bounds, unnest(generate_series(bounds.first_on::timestamp, bounds.last_on::timestamp, interval 1 day)) as d(day_at)
),

-- a school day: in a term and in no holiday; outside the calendar every day counts (expect more, not less)
school_days as (
  select
    days.day_on,
    days.day_on between bounds.calendar_start_on and bounds.calendar_end_on as is_in_calendar,
    case
      when days.day_on not between bounds.calendar_start_on and bounds.calendar_end_on then true
      else exists (select 1 from calendar as term where term.kind = 'term' and days.day_on between term.start_on and term.end_on)
       and not exists (select 1 from calendar as holiday where holiday.kind = 'holiday' and days.day_on between holiday.start_on and holiday.end_on)
    end as is_school_day
  from days, bounds
),

day_windows as (
  select 'daily' as cadence, day_on as window_start_on, day_on as window_end_on, strftime(day_on, '%Y-%m-%d') as window_name,
         case when is_school_day then 1 else 0 end as n_school_days, is_in_calendar
  from school_days
),

month_windows as (
  select 'monthly' as cadence, date_trunc('month', day_on)::date as window_start_on, last_day(day_on) as window_end_on,
         strftime(day_on, '%Y-%m') as window_name,
         count(*) filter (where is_school_day) as n_school_days, bool_and(is_in_calendar) as is_in_calendar
  from school_days
  group by all
),

term_windows as (
  select 'term' as cadence, term.start_on as window_start_on, term.end_on as window_end_on, term.name as window_name,
         count(*) filter (where school_days.is_school_day) as n_school_days, true as is_in_calendar
  from calendar as term
  join school_days on school_days.day_on between term.start_on and term.end_on
  where term.kind = 'term'
  group by all
),

windows as (
  select * from day_windows
  union all select * from month_windows
  union all select * from term_windows
),

final as (
  select cadence, window_start_on, window_end_on, window_name, cast(n_school_days as integer) as n_school_days, is_in_calendar
  from windows
)

select * from final

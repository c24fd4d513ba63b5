-- grain: one row per reporting period (calendar year, quarter, month, and school term) of every year with data
-- unique: period_id
-- not_null: period_id, period_kind, start_on, end_on
-- accepted_values: period_kind = year | quarter | month | term
-- expect: start_on <= end_on
with fact_dates as (
  select inspected_on as fact_on from staging.stg_inspections
  union all select reported_on from staging.stg_schools
),

years as (
  select distinct year(fact_on) as period_year from fact_dates where fact_on is not null
),

periods as (
  select cast(period_year as varchar) as period_id, 'year' as period_kind, period_year,
         make_date(period_year, 1, 1) as start_on, make_date(period_year, 12, 31) as end_on
  from years
  union all
  select period_year || '-Q' || quarter, 'quarter', period_year,
         make_date(period_year, 3 * quarter - 2, 1), last_day(make_date(period_year, 3 * quarter, 1))
  from years, range(1, 5) as q(quarter)
  union all
  select period_year || '-' || lpad(cast(month as varchar), 2, '0'), 'month', period_year,
         make_date(period_year, month, 1), last_day(make_date(period_year, month, 1))
  from years, range(1, 13) as m(month)
  -- spring term Feb–Jul; autumn term Sep to the end of January of the next year
  union all
  select period_year || '-T1', 'term', period_year, make_date(period_year, 2, 1), make_date(period_year, 7, 31)
  from years
  union all
  select period_year || '-T2', 'term', period_year, make_date(period_year, 9, 1), make_date(period_year + 1, 1, 31)
  from years
),

final as (
  select
    *,
    lag(period_id) over (partition by period_kind order by start_on) as previous_period_id
  from periods
)

select * from final

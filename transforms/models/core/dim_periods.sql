-- grain: one row per reporting period (calendar year, quarter, month, and school term) of every year with data, up to the latest data
-- grain_zh: 每个统计周期一行（自然年、季度、月份和学期），覆盖有数据的每一年，截至最新数据
-- unique: period_id
-- not_null: period_id, period_kind, start_on, end_on, as_of_on, definition_edition
-- accepted_values: period_kind = year | quarter | month | term
-- expect: start_on <= as_of_on and as_of_on <= end_on
-- title: 统计周期 | reporting periods
-- column: period_id | 周期编号：年 2025、季度 2025-Q3、月 2025-09、学期 2025-T1（春季学期，2–7 月）或 2025-T2（秋季学期，9 月至次年 1 月） | period id: year 2025, quarter 2025-Q3, month 2025-09, term 2025-T1 (spring, Feb–Jul) or 2025-T2 (autumn, Sep–Jan of the next year)
-- column: period_kind | 周期类型：year 年、quarter 季度、month 月、term 学期 | kind of period: year, quarter, month or term
-- column: period_year | 周期所属年份（秋季学期为开始的年份） | the year the period belongs to (for an autumn term, the year it starts)
-- column: start_on | 周期第一天 | first day of the period
-- column: end_on | 周期最后一天 | last day of the period
-- column: previous_period_id | 同类型的上一个周期（用于计算名次变化） | the previous period of the same kind (for rank changes)
-- column: as_of_on | 统计截止日：周期末与数据最新日期中较早者 | as-of day: the period's end or the latest day the exports report, whichever is earlier
-- column: is_complete | 周期是否已结束（数据已覆盖到周期末） | whether the period is over (the data reaches its end)
-- column: definition_edition | 评分所用指标体系版本（年份） | the edition (year) of the indicator definition that scores the period
-- every day on which an export records something happening (due dates and deadlines are plans, not facts)
with fact_dates as (
  select inspected_on as fact_on from staging.stg_inspections
  union all select rectified_on from staging.stg_inspections
  union all select cast(event_at as date) from staging.stg_sensors
  union all select cast(greatest(raised_at, acknowledged_at, closed_at) as date) from staging.stg_alerts
  union all select cast(greatest(occurred_at, reported_at, investigation_closed_at) as date) from staging.stg_cases
  union all select greatest(activity_on, replied_on) from staging.stg_activities
),

registry_dates as (
  select reported_on as fact_on from staging.stg_schools
),

-- the day the data runs to: a period still in progress is measured up to it, not to its end
data_until as (
  select coalesce((select max(fact_on) from fact_dates), (select max(fact_on) from registry_dates)) as data_until_on
),

editions as (
  select edition from ref.definition_editions
),

years as (
  select distinct year(fact_on) as period_year
  from (select fact_on from fact_dates union all select fact_on from registry_dates)
  where fact_on is not null
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
    periods.*,
    lag(periods.period_id) over (partition by periods.period_kind order by periods.start_on) as previous_period_id,
    least(periods.end_on, data_until.data_until_on) as as_of_on,
    periods.end_on <= data_until.data_until_on as is_complete,
    -- the edition in force in the period's year, else the nearest earlier one, else the first
    coalesce(
      (select max(edition) from editions where edition <= periods.period_year),
      (select min(edition) from editions)
    ) as definition_edition
  from periods
  cross join data_until
  where periods.start_on <= data_until.data_until_on
)

select * from final

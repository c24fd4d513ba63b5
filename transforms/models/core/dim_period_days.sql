-- grain: one row per period and calendar day from the period's start to its as-of day (facts join their periods on the day, an equi-join)
-- grain_zh: 每个统计周期的每个日历日一行，从周期起始日到截止日（事实表按日期与周期等值关联）
-- incremental: period_id
-- unique: period_id, day_on
-- not_null: period_id, day_on
-- relationships: period_id -> core.dim_periods.period_id
-- title: 周期日历 | period days
-- column: period_id | 统计周期编号 | period id
-- column: day_on | 周期内的日期（至统计截止日） | a day of the period (up to its as-of day)
with periods as (
  select * from core.dim_periods where period_id in (select period_id from core.int_build_periods)
),

final as (
  select periods.period_id, cast(day_at as date) as day_on
  from periods,
    unnest(generate_series(periods.start_on::timestamp, periods.as_of_on::timestamp, interval 1 day)) as d(day_at)
)

select * from final

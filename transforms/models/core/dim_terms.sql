-- grain: one row per school term (spring 1 February – 31 July, autumn 1 September – 31 January of the next year), from the autumn term that ends in the first year with data to the autumn term that starts in the last
-- grain_zh: 每个学期一行（春季学期 2 月 1 日至 7 月 31 日，秋季学期 9 月 1 日至次年 1 月 31 日），从结束于首个有数据年份的秋季学期到开始于最后一年的秋季学期
-- unique: term_id
-- not_null: term_id, term_year, start_on, end_on
-- expect: start_on < end_on
-- title: 学期校历 | school terms
-- column: term_id | 学期编号：2025-T1（春季学期，2–7 月）或 2025-T2（秋季学期，9 月至次年 1 月），与 dim_periods 的学期周期同名 | term id: 2025-T1 (spring, Feb–Jul) or 2025-T2 (autumn, Sep–Jan of the next year), as the term periods of dim_periods are named
-- column: term_year | 学期所属年份（秋季学期为开始的年份） | the year the term belongs to (for an autumn term, the year it starts)
-- column: start_on | 学期第一天 | first day of the term
-- column: end_on | 学期最后一天 | last day of the term
-- a term is a fact of the calendar, listed in dim_periods or not: the autumn term that ends in January of the
-- first year is judged in that year's periods, though it starts in a year with no data
with years as (
  select distinct period_year from core.dim_periods
),

spring_terms as (
  select period_year as term_year
  from years
),

autumn_terms as (
  select period_year - 1 as term_year from years
  union
  select period_year from years
),

final as (
  select term_year || '-T1' as term_id, term_year, make_date(term_year, 2, 1) as start_on, make_date(term_year, 7, 31) as end_on
  from spring_terms
  union all
  select term_year || '-T2', term_year, make_date(term_year, 9, 1), make_date(term_year + 1, 1, 31)
  from autumn_terms
)

select * from final

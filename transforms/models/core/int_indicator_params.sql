-- grain: one row per period and indicator formula, with the parameters of the edition that scores the period
-- unique: period_id, formula
-- not_null: period_id, formula, indicator_id, params
with periods as (
  select * from core.dim_periods
),

indicators as (
  select * from ref.indicators
),

final as (
  select
    periods.period_id,
    indicators.formula,
    indicators.indicator_id,
    indicators.params
  from periods
  join indicators on indicators.edition = periods.definition_edition
)

select * from final

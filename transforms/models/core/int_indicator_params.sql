-- grain: one row per period and indicator formula, with the parameters of the edition that scores the period
-- grain_zh: 每个统计周期的每个指标公式一行，带为该周期评分的指标版本的参数
-- incremental: period_id
-- unique: period_id, formula
-- not_null: period_id, formula, indicator_id, params
-- title: 周期指标参数 | indicator parameters by period
-- column: period_id | 统计周期编号 | period id
-- column: formula | 指标公式键 | formula key
-- column: indicator_id | 指标编号 | indicator id
-- column: params | 该周期所用版本的公式参数（JSON） | the formula parameters of the edition scoring the period (JSON)
with periods as (
  select * from core.dim_periods where period_id in (select period_id from core.int_build_periods)
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

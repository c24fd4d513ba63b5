-- grain: one row per period this transform rebuilds: every period in a full build; otherwise those ending on or after the earliest day the changed batches touch, and those whose as-of day moved
-- grain_zh: 每个本次转换重算的统计周期一行：全量构建时为全部周期；否则为截止日不早于变更批次涉及的最早日期的周期，以及截止日有变化的周期
-- unique: period_id
-- not_null: period_id
-- relationships: period_id -> core.dim_periods.period_id
-- title: 本次重算的统计周期 | periods rebuilt by this transform
-- column: period_id | 统计周期编号 | period id
with periods as (
  select * from core.dim_periods
),

scope as (
  select * from audit.transform_scope
),

data_until as (
  select max(as_of_on) as data_until_on from periods
),

final as (
  select periods.period_id
  from periods, scope, data_until
  where scope.is_full
     or periods.end_on >= scope.changed_from_on
     -- the data runs to another day: every period whose as-of day moved
     or (scope.previous_data_until_on is distinct from data_until.data_until_on
         and periods.end_on >= least(scope.previous_data_until_on, data_until.data_until_on))
)

select * from final

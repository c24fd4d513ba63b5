-- grain: one row per reporting unit (county, district, functional zone, or 市直)
-- unique: unit_code
-- not_null: unit_code, unit_name, is_ranked
with units as (
  select * from ref.units
),

final as (
  select unit_code, unit_name, unit_pinyin, unit_kind, is_ranked
  from units
)

select * from final

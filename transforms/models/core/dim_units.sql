-- grain: one row per reporting unit (county, district, functional zone, or 市直)
-- grain_zh: 每个报告单位一行（县、区、功能区或市直）
-- unique: unit_code
-- not_null: unit_code, unit_name, is_ranked
-- title: 报告单位 | reporting units
-- column: unit_code | 单位代码（统计用区划代码；无官方代码的功能区和市直用本项目的固定代码） | unit code (the statistical division code; the project’s own stable code for functional zones and 市直 without one)
-- column: unit_name | 单位名称 | unit name
-- column: unit_pinyin | 单位名称拼音 | unit name in pinyin
-- column: unit_kind | 单位类型：district 区、county 县、county_city 县级市、functional_zone 功能区、city_direct 市直 | kind of unit: district, county, county_city (county-level city), functional_zone or city_direct
-- column: is_ranked | 是否参加排名（市直学校单列展示，不排名） | whether the unit is ranked (市直 is shown as its own group, not ranked)
with units as (
  select * from ref.units
),

final as (
  select unit_code, unit_name, unit_pinyin, unit_kind, is_ranked
  from units
)

select * from final

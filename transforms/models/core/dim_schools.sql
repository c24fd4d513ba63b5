-- grain: one row per school per validity interval: a registry report and the days until the school's next report
-- grain_zh: 每所学校的每个有效期一行：一次登记报送，及其后到该校下次报送前的日子
-- unique: school_code, valid_from
-- not_null: school_code, school_name, unit_code, school_type, valid_from, valid_to
-- relationships: unit_code -> core.dim_units.unit_code
-- expect: valid_from <= valid_to
-- title: 学校（含登记历史） | schools, with registry history
-- column: school_code | 学校标识码（10 位，前两位为学校类型代码） | school identifier code (10 digits; the first two are the school type code)
-- column: school_name | 学校名称 | school name
-- column: unit_code | 所属报告单位代码（区、县、县级市、功能区或市直） | reporting unit code (district, county, county-level city, functional zone or 市直)
-- column: school_type | 学校类型：幼儿园、小学、初中、高中、中职、特教 | school type: kindergarten, primary, junior secondary, senior secondary, vocational, special
-- column: ownership | 办学性质：公办、民办 | ownership: public (公办) or private (民办)
-- column: enrollment | 在校生数 | students enrolled
-- column: boarders | 住宿生数 | boarding students
-- column: staff | 教职工数 | staff
-- column: guards | 专职保安数 | full-time security guards
-- column: is_near_water | 是否临水（1 公里内有河流、池塘或水库） | near water: a river, pond or reservoir within 1 km
-- column: opened_on | 建校日期 | date the school opened
-- column: closed_on | 撤销日期（未撤销为空） | date the school closed (empty while open)
-- column: reported_on | 本版本所依据的填报日期 | date of the registry report this version comes from
-- column: valid_from | 本版本生效日期（首个版本从 1900-01-01 起，覆盖首次填报前的数据） | first day this version is valid (the first version from 1900-01-01, so it covers facts before the first report)
-- column: valid_to | 本版本失效日期（当前版本为 9999-12-31） | last day this version is valid (9999-12-31 for the current version)
-- column: is_current | 是否当前版本 | whether this is the school’s current version
with reports as (
  select * from staging.stg_schools
),

versions as (
  select
    *,
    lead(reported_on) over (partition by school_code order by reported_on) as next_reported_on,
    row_number() over (partition by school_code order by reported_on) as version_number
  from reports
),

final as (
  select
    school_code,
    school_name,
    unit_code,
    school_type,
    ownership,
    enrollment,
    boarders,
    staff,
    guards,
    is_near_water,
    opened_on,
    closed_on,
    reported_on,
    -- the first report also describes the school before it (facts may predate the first export)
    case when version_number = 1 then date '1900-01-01' else reported_on end as valid_from,
    coalesce(next_reported_on - 1, date '9999-12-31') as valid_to,
    next_reported_on is null as is_current
  from versions
)

select * from final

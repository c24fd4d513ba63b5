-- grain: one row per source, school (empty for a unit's own records), record kind and business day with at least one record: what the source monitor (报送监测) counts
-- grain_zh: 每个数据来源、学校（单位自身的记录为空）、记录类型和有记录的业务日一行：报送监测据此计数
-- unique: source, unit_code, school_code, record_kind, business_on
-- not_null: source, unit_code, business_on, n_records
-- accepted_values: source = schools | inspections | sensors | alerts | cases | activities
-- relationships: unit_code -> core.dim_units.unit_code
-- relationships: school_code -> core.dim_schools.school_code
-- expect: n_records > 0
-- title: 报送记录日汇总 | records by business day
-- column: source | 数据来源：schools 学校名录、inspections 安全检查、sensors 物联设备、alerts 预警告警、cases 事故案件、activities 专项工作 | source: schools (registry), inspections, sensors, alerts, cases or activities
-- column: unit_code | 单位代码（学校的记录取当日学校所属单位） | unit code (for a school's record, the school's unit that day)
-- column: school_code | 学校标识码（单位自身的记录为空，如区县督导） | school code (empty for a unit's own record, e.g. county supervision)
-- column: record_kind | 记录类型：检查类型、设备类型、告警来源、案件类别或活动类型（学校名录为空） | kind of record: inspection kind, device type, alert origin, case category or activity kind (empty for the registry)
-- column: business_on | 业务日期：填报日期、检查日期、事件日期、发生日期或活动日期 | business date: report date, inspection date, event date, occurrence date or activity date
-- column: n_records | 当日记录数（检查为检查项行数） | records that day (inspections: checklist-item rows)
with registry as (
  select * from staging.stg_schools
),

inspection_items as (
  select * from core.fct_inspection_items
),

sensor_events as (
  select * from staging.stg_sensors
),

alerts as (
  select * from core.fct_alerts
),

cases as (
  select * from core.fct_cases
),

activities as (
  select * from core.fct_activities
),

schools as (
  select * from core.dim_schools
),

-- one line per record: its source, school, unit, kind and business date
records as (
  select 'schools' as source, unit_code, school_code, null::varchar as record_kind, reported_on as business_on from registry
  union all
  select 'inspections', unit_code, school_code, inspection_kind, inspected_on from inspection_items
  union all
  select 'sensors', schools.unit_code, sensor_events.school_code, sensor_events.device_type, cast(sensor_events.event_at as date)
  from sensor_events
  join schools
    on schools.school_code = sensor_events.school_code
   and cast(sensor_events.event_at as date) between schools.valid_from and schools.valid_to
  union all
  select 'alerts', unit_code, school_code, origin, cast(raised_at as date) from alerts
  union all
  select 'cases', unit_code, school_code, category, cast(occurred_at as date) from cases
  union all
  select 'activities', unit_code, school_code, activity_kind, activity_on from activities
),

final as (
  select source, unit_code, school_code, record_kind, business_on, count(*) as n_records
  from records
  group by all
)

select * from final

-- grain: one row per source and reporting unit, and per source and school, as ref.source_cadence lists them (scope unit / school): how late each is on the day the data runs to
-- grain_zh: 每个数据来源和报告单位、每个数据来源和学校各一行（按报送要求所列，监测对象为单位或学校）：截至数据所到日期各迟报多久
-- unique: scope, source, unit_code, school_code
-- not_null: scope, source, unit_code, unit_name, cadence, as_of_on
-- accepted_values: scope = unit | school
-- accepted_values: cadence = daily | monthly | term | none
-- accepted_values: status = 正常 | 迟报 | 缺报 | 异常
-- relationships: unit_code -> core.dim_units.unit_code
-- relationships: school_code -> core.dim_schools.school_code
-- expect: (scope = 'school') = (school_code is not null)
-- expect: (status is null) = (cadence = 'none')
-- expect: latest_on is null or latest_on <= as_of_on
-- expect: lag_days is null or lag_days >= 0
-- expect: late_from_on is null or missing_from_on is null or late_from_on <= missing_from_on
-- expect: completeness is null or completeness between 0 and 1
-- expect: n_schools_reporting <= n_schools_expected
-- title: 报送监测 | source health
-- column: scope | 监测对象：unit 报告单位、school 学校 | what is monitored: a reporting unit or a school
-- column: source | 数据来源（schools 学校名录、inspections 安全检查、sensors 物联设备、alerts 预警告警、cases 事故案件、activities 专项工作） | source (schools registry, inspections, sensors, alerts, cases, activities)
-- column: unit_code | 单位代码（学校为统计截止日登记的所属单位） | unit code (a school's unit as registered on the as-of day)
-- column: unit_name | 单位名称 | unit name
-- column: school_code | 学校标识码（单位行为空） | school code (empty on a unit's row)
-- column: school_name | 学校名称 | school name
-- column: cadence | 报送周期：daily 每日、monthly 每月、term 每学期、none 随发随报（不判定） | cadence: daily, monthly, per term, or none (as it occurs: not judged)
-- column: record_kind | 只计此类记录（如自查），为空则计全部记录 | only records of this kind count (e.g. 自查); empty: every record
-- column: as_of_on | 统计截止日：数据最新日期（core.dim_periods 的截止日） | as-of day: the day the data runs to (the as-of day of core.dim_periods)
-- column: latest_on | 最新业务日期（最近一条记录的日期） | latest business date: the date of the latest record
-- column: expected_by_on | 下一次报送的截止日：最新记录之后第一个应报窗口的截止日 | the day the next record was due: the deadline of the first expected window after the latest record
-- column: n_missed_windows | 截至统计截止日已过截止日仍无记录的窗口数（天、月或学期） | windows (days, months or terms) past their deadline with no record by the as-of day
-- column: lag_days | 逾期天数：统计截止日与下一次报送截止日之差（未逾期为 0） | days overdue: from the deadline of the next record to the as-of day (0 when not overdue)
-- column: late_from_on | 若一直没有新记录，自此日起为迟报 | the day the row is late (迟报) from, if nothing more arrives
-- column: missing_from_on | 若一直没有新记录，自此日起为缺报 | the day the row is missing (缺报) from, if nothing more arrives
-- column: volume_window_start_on | 报送量比较窗口的首日（已到截止日的最近一个窗口） | first day of the window whose volume is compared (the latest window past its deadline)
-- column: n_records | 该窗口的记录数 | records in that window
-- column: volume_median | 此前同类窗口记录数的中位数（每日来源取前若干周的同一星期几，每月来源取前若干个应报月份） | median records of the earlier windows (daily sources: the same weekday of the weeks before; monthly: the expected months before)
-- column: is_volume_drop | 报送量是否比中位数下降超过规定比例（中位数达到最低记录数时才判断） | whether the volume fell below the median by more than the set share (judged only when the median reaches the set minimum)
-- column: completeness_window_start_on | 完整率窗口首日（已结束的最近一个自然月或学期） | first day of the completeness window (the latest month or term that has ended)
-- column: completeness_window_end_on | 完整率窗口末日 | last day of the completeness window
-- column: n_schools_expected | 完整率窗口内开办的学校数（学校行为 0 或 1） | schools open in the completeness window (0 or 1 on a school's row)
-- column: n_schools_reporting | 其中在窗口内至少有一条记录的学校数 | of those, schools with at least one record in the window
-- column: completeness | 完整率：有记录的学校 ÷ 开办的学校 | completeness: schools with a record over schools open
-- column: n_schools_late | 本单位该来源迟报的学校数（仅单位行，且该来源按学校监测时） | schools of the unit late for this source (unit rows of sources monitored per school)
-- column: n_schools_missing | 本单位该来源缺报的学校数 | schools of the unit missing for this source
-- column: status | 状态：正常、迟报、缺报、异常（报送量骤降）；随发随报的来源为空 | status: 正常 on time, 迟报 late, 缺报 missing, 异常 volume drop; empty for a source that is not judged
-- column: status_since_on | 当前状态的起始日（按数据推算：迟报、缺报自截止日次日起，异常自比较窗口起） | the day the status began, from the data (late and missing: the day after the deadline; volume drop: the compared window)
with cadences as (
  select * from ref.source_cadence
),

reporting_days as (
  select * from core.fct_reporting_days
),

windows as (
  select * from core.int_reporting_windows
),

units as (
  select * from core.dim_units
),

periods as (
  select * from core.dim_periods
),

school_periods as (
  select * from core.int_school_periods
),

registry as (
  select * from core.dim_schools
),

-- the day the data runs to, and the first day any export records: a source that never arrived is overdue from then
bounds as (
  select (select max(as_of_on) from periods) as as_of_on, (select min(business_on) from reporting_days) as data_start_on
),

-- the schools monitored: open on a day of the year the as-of day falls in, as registered on the as-of day
schools as (
  select school_periods.school_code, school_periods.school_name, school_periods.unit_code, current_report.opened_on, school_periods.closed_on
  from school_periods
  join periods on periods.period_id = school_periods.period_id
  join registry as current_report on current_report.school_code = school_periods.school_code and current_report.is_current
  cross join bounds
  where periods.period_kind = 'year' and bounds.as_of_on between periods.start_on and periods.end_on
),

-- every monitored row: each unit with schools, and each school, for the sources ref.source_cadence lists for that scope
entities as (
  select cadences.*, units.unit_code, units.unit_name, null::varchar as school_code, null::varchar as school_name,
         null::date as opened_on, null::date as closed_on, 'unit:' || cadences.source || ':' || units.unit_code as entity_id
  from cadences
  cross join units
  where cadences.scope = 'unit' and units.unit_code in (select unit_code from schools)
  union all
  select cadences.*, schools.unit_code, units.unit_name, schools.school_code, schools.school_name,
         schools.opened_on, schools.closed_on, 'school:' || cadences.source || ':' || schools.school_code
  from cadences
  cross join schools
  join units on units.unit_code = schools.unit_code
  where cadences.scope = 'school'
),

-- the records that count for each row: its unit's (a school's record belongs to its unit that day) or its school's, of the row's kind
entity_records as (
  select entities.entity_id, reporting_days.business_on, reporting_days.n_records, reporting_days.school_code
  from entities
  join reporting_days on reporting_days.source = entities.source and reporting_days.unit_code = entities.unit_code
  where entities.scope = 'unit' and (entities.record_kind is null or reporting_days.record_kind = entities.record_kind)
  union all
  select entities.entity_id, reporting_days.business_on, reporting_days.n_records, reporting_days.school_code
  from entities
  join reporting_days on reporting_days.source = entities.source and reporting_days.school_code = entities.school_code
  where entities.scope = 'school' and (entities.record_kind is null or reporting_days.record_kind = entities.record_kind)
),

latest as (
  select entity_id, max(business_on) as latest_on
  from entity_records, bounds
  where business_on <= bounds.as_of_on
  group by entity_id
),

-- the windows a row must report in: every day for a daily cadence, months and terms with a school day otherwise (no
-- self-inspection in the summer break); from the start of the data, and for a school from its opening to before its closing
expected_windows as (
  select
    entities.entity_id,
    entities.cadence,
    windows.window_start_on,
    windows.window_end_on,
    case entities.due_from when 'start' then windows.window_start_on else windows.window_end_on end + entities.due_days as due_on
  from entities
  cross join bounds
  join windows on windows.cadence = entities.cadence
  where (entities.cadence = 'daily' or windows.n_school_days > 0)
    and windows.window_start_on >= greatest(bounds.data_start_on, coalesce(entities.opened_on, bounds.data_start_on))
    and (entities.closed_on is null or windows.window_end_on < entities.closed_on)
),

-- the windows still waiting for a record: those that start after the latest one, numbered in order
pending_windows as (
  select
    expected_windows.*,
    row_number() over (partition by expected_windows.entity_id order by expected_windows.window_start_on) as pending_number
  from expected_windows
  left join latest using (entity_id)
  where expected_windows.window_start_on > coalesce(latest.latest_on, date '0001-01-01')
),

-- a window is missed once its deadline has passed: late after the n-th missed window, missing after the m-th
deadlines as (
  select
    pending_windows.entity_id,
    min(pending_windows.due_on) filter (where pending_windows.pending_number = 1) as expected_by_on,
    min(pending_windows.due_on) filter (where pending_windows.pending_number = entities.late_after_windows) + 1 as late_from_on,
    min(pending_windows.due_on) filter (where pending_windows.pending_number = entities.missing_after_windows) + 1 as missing_from_on,
    count(*) filter (where pending_windows.due_on < bounds.as_of_on) as n_missed_windows
  from pending_windows
  join entities using (entity_id)
  cross join bounds
  group by pending_windows.entity_id
),

-- volume: records per expected window up to the as-of day, for the rows with a volume check
window_volumes as (
  select expected_windows.entity_id, expected_windows.cadence, expected_windows.window_start_on, expected_windows.due_on,
         coalesce(sum(entity_records.n_records), 0) as n_records
  from expected_windows
  join entities using (entity_id)
  cross join bounds
  left join entity_records
    on entity_records.entity_id = expected_windows.entity_id
   and entity_records.business_on between expected_windows.window_start_on and expected_windows.window_end_on
  where entities.volume_windows is not null and expected_windows.window_start_on <= bounds.as_of_on
  group by all
),

-- the window compared: the latest one past its deadline (its records are all due)
compared_windows as (
  select window_volumes.*
  from window_volumes
  cross join bounds
  where window_volumes.due_on <= bounds.as_of_on
  qualify row_number() over (partition by window_volumes.entity_id order by window_volumes.window_start_on desc) = 1
),

-- the windows it is compared with: the same weekday of earlier weeks (daily), or the expected windows before it
earlier_windows as (
  select compared_windows.entity_id, earlier.n_records
  from compared_windows
  join window_volumes as earlier
    on earlier.entity_id = compared_windows.entity_id
   and earlier.window_start_on < compared_windows.window_start_on
   and (compared_windows.cadence <> 'daily' or (compared_windows.window_start_on - earlier.window_start_on) % 7 = 0)
  join entities on entities.entity_id = compared_windows.entity_id
  qualify row_number() over (partition by compared_windows.entity_id order by earlier.window_start_on desc) <= entities.volume_windows
),

volumes as (
  select
    compared_windows.entity_id,
    compared_windows.window_start_on as volume_window_start_on,
    compared_windows.n_records,
    median(earlier_windows.n_records) as volume_median,
    count(earlier_windows.n_records) as n_earlier_windows
  from compared_windows
  left join earlier_windows using (entity_id)
  group by all
),

-- completeness: the latest month (daily and monthly cadences) or term that has ended, and has a school day unless daily
completeness_windows as (
  select cadences.source, cadences.scope, windows.window_start_on, windows.window_end_on
  from cadences
  cross join bounds
  join windows
    on windows.cadence = case when cadences.cadence = 'term' then 'term' else 'monthly' end
   and windows.window_end_on <= bounds.as_of_on
   and (cadences.cadence = 'daily' or windows.n_school_days > 0)
  where cadences.cadence <> 'none'
  qualify row_number() over (partition by cadences.source, cadences.scope order by windows.window_start_on desc) = 1
),

-- per row and school in it: was the school open in the completeness window, and did it send a record of the row's kind there
school_completeness as (
  select
    entities.entity_id,
    schools.school_code,
    completeness_windows.window_start_on,
    completeness_windows.window_end_on,
    exists (
      select 1 from reporting_days
      where reporting_days.source = entities.source
        and reporting_days.school_code = schools.school_code
        and (entities.record_kind is null or reporting_days.record_kind = entities.record_kind)
        and reporting_days.business_on between completeness_windows.window_start_on and completeness_windows.window_end_on
    ) as is_reporting
  from entities
  join completeness_windows on completeness_windows.source = entities.source and completeness_windows.scope = entities.scope
  join schools
    on schools.school_code = coalesce(entities.school_code, schools.school_code)
   and schools.unit_code = entities.unit_code
  where coalesce(schools.opened_on, completeness_windows.window_end_on) <= completeness_windows.window_end_on
    and (schools.closed_on is null or schools.closed_on > completeness_windows.window_start_on)
),

completeness as (
  select
    entities.entity_id,
    any_value(school_completeness.window_start_on) as completeness_window_start_on,
    any_value(school_completeness.window_end_on) as completeness_window_end_on,
    count(school_completeness.school_code) as n_schools_expected,
    count(school_completeness.school_code) filter (where school_completeness.is_reporting) as n_schools_reporting
  from entities
  left join school_completeness using (entity_id)
  group by entities.entity_id
),

judged as (
  select
    entities.*,
    bounds.as_of_on,
    latest.latest_on,
    deadlines.expected_by_on,
    coalesce(deadlines.n_missed_windows, 0) as n_missed_windows,
    deadlines.late_from_on,
    deadlines.missing_from_on,
    volumes.volume_window_start_on,
    volumes.n_records,
    volumes.volume_median,
    coalesce(
      volumes.n_earlier_windows = entities.volume_windows
        and volumes.volume_median >= entities.volume_min_median
        and volumes.n_records < (1 - entities.volume_drop_share) * volumes.volume_median,
      false
    ) as is_volume_drop,
    completeness.completeness_window_start_on,
    completeness.completeness_window_end_on,
    completeness.n_schools_expected,
    completeness.n_schools_reporting
  from entities
  cross join bounds
  left join latest using (entity_id)
  left join deadlines using (entity_id)
  left join volumes using (entity_id)
  left join completeness using (entity_id)
),

statuses as (
  select
    judged.*,
    -- one rule for every day a row is judged on: the as-of day here, a later check day in `safecampus status --health`
    ref.reporting_status_on(as_of_on, cadence, expected_by_on, late_from_on, missing_from_on, is_volume_drop, volume_window_start_on) as standing
  from judged
),

-- per unit and source monitored per school: how many of its schools are late or missing
school_statuses as (
  select source, unit_code, count(*) filter (where standing.status = '迟报') as n_schools_late, count(*) filter (where standing.status = '缺报') as n_schools_missing
  from statuses
  where scope = 'school'
  group by all
),

final as (
  select
    statuses.scope,
    statuses.source,
    statuses.unit_code,
    statuses.unit_name,
    statuses.school_code,
    statuses.school_name,
    statuses.cadence,
    statuses.record_kind,
    statuses.as_of_on,
    statuses.latest_on,
    statuses.expected_by_on,
    cast(statuses.n_missed_windows as integer) as n_missed_windows,
    statuses.standing.lag_days,
    statuses.late_from_on,
    statuses.missing_from_on,
    statuses.volume_window_start_on,
    cast(statuses.n_records as integer) as n_records,
    statuses.volume_median,
    statuses.is_volume_drop,
    statuses.completeness_window_start_on,
    statuses.completeness_window_end_on,
    cast(statuses.n_schools_expected as integer) as n_schools_expected,
    cast(statuses.n_schools_reporting as integer) as n_schools_reporting,
    case when statuses.n_schools_expected > 0 then statuses.n_schools_reporting / statuses.n_schools_expected end as completeness,
    case when statuses.scope = 'unit' then cast(school_statuses.n_schools_late as integer) end as n_schools_late,
    case when statuses.scope = 'unit' then cast(school_statuses.n_schools_missing as integer) end as n_schools_missing,
    statuses.standing.status,
    statuses.standing.since_on as status_since_on
  from statuses
  left join school_statuses
    on school_statuses.source = statuses.source
   and school_statuses.unit_code = statuses.unit_code
)

select * from final

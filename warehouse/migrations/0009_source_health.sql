-- 报送监测 (issue 17): how often each source should arrive, the school calendar it is judged
-- against, and every health check kept per run.

-- How often each source should arrive and what counts as on time, per source and scope
-- (data/reference/source_cadence.csv; refreshed with the reference data on every init).
create table ref.source_cadence (
  source varchar not null,            -- a source of the contracts
  scope varchar not null,             -- unit | school: judged per reporting unit or per school
  cadence varchar not null,           -- daily | monthly | term | none (as it occurs: not judged)
  record_kind varchar,                -- only records of this kind count (e.g. 自查); null: every record
  due_from varchar,                   -- start | end: the window day the due days count from
  due_days integer,                   -- a window's records are on time up to this many days after due_from
  late_after_windows integer,         -- 迟报 once this many windows are overdue with no record
  missing_after_windows integer,      -- 缺报 once this many are
  volume_windows integer,             -- the volume is compared with the median of this many earlier windows
  volume_min_median integer,          -- … when that median is at least this many records
  volume_drop_share double,           -- … and flagged 异常 when it fell by more than this share
  primary key (source, scope)
);

-- The school calendar (data/reference/school_calendar.csv): terms, and holidays within or between
-- them. A school day is a day in a term and in no holiday.
create table ref.school_calendar (
  kind varchar not null,              -- term | holiday
  name varchar not null,
  start_on date not null,
  end_on date not null
);

-- How a reporting row stands on a day, from the days marts.source_health computed for it: its
-- status, the day that status began and the days it is overdue. One rule for the mart (judged on
-- the day the data runs to) and for a check on any later day (`safecampus status --health`).
create macro ref.reporting_status_on(check_on, cadence, expected_by_on, late_from_on, missing_from_on, is_volume_drop, volume_window_start_on) as (
  struct_pack(
    status := case
      when cadence = 'none' then null
      when check_on >= missing_from_on then '缺报'
      when check_on >= late_from_on then '迟报'
      when is_volume_drop then '异常'
      else '正常'
    end,
    since_on := case
      when cadence = 'none' then null
      when check_on >= missing_from_on then missing_from_on
      when check_on >= late_from_on then late_from_on
      when is_volume_drop then volume_window_start_on
    end,
    lag_days := case when expected_by_on is not null then cast(greatest(0, check_on - expected_by_on) as integer) end
  )
);

-- One row per health check: after a pipeline's transform, and every night even when no file came.
create table audit.health_checks (
  check_id varchar primary key,       -- the pipeline workflow's id (one check per run)
  checked_at timestamp not null,
  check_on date not null,             -- the day the statuses are judged on
  data_until_on date,                 -- the day the data runs to (marts.source_health.as_of_on)
  check_trigger varchar not null,     -- after_transform | no_new_files | unchanged | stopped
  n_late integer not null,            -- rows 迟报 on check_on
  n_missing integer not null,         -- rows 缺报
  n_anomalies integer not null,       -- rows 异常
  notify_status varchar not null,     -- sent | failed | not_configured | nothing_to_report
  notify_detail varchar               -- the webhook's answer or error
);

-- One row per check and reporting row that was not 正常 on the check day (a row absent from a check
-- was 正常 in it, or not monitored).
create table audit.health_results (
  check_id varchar not null,
  scope varchar not null,
  source varchar not null,
  unit_code varchar not null,
  school_code varchar,
  status varchar not null,            -- 迟报 | 缺报 | 异常
  latest_on date,
  lag_days integer,
  status_since_on date                -- from the data: the day the status began if nothing came since
);

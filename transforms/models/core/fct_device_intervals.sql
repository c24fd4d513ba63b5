-- grain: one row per device per status interval: from one status event to the device's next event (gaps and islands of the event stream)
-- grain_zh: 每台设备的每个状态区间一行：从一次状态事件到该设备的下一次事件
-- unique: device_id, started_at
-- not_null: device_id, school_code, device_type, state, started_at
-- accepted_values: state = online | offline | fault
-- expect: ended_at is null or ended_at >= started_at
-- title: 物联设备状态区间 | device status intervals
-- column: device_id | 设备编号 | device id
-- column: school_code | 学校标识码 | school code
-- column: device_type | 设备类型：烟感、电气火灾监测、消防水压、一键报警、视频、周界 | device type: smoke detector, electrical-fire monitor, hydrant pressure, one-key alarm, camera, perimeter
-- column: state | 区间内状态：online 在线（含报警、恢复事件）、offline 离线、fault 故障；同一时刻多条事件取最严重的 | state in the interval: online (alarm and restore events included), offline or fault; of simultaneous events the most severe wins
-- column: started_at | 区间开始时间（进入该状态的事件时间） | start of the interval (the event that entered the state)
-- column: ended_at | 区间结束时间（下一次状态变化；为空表示持续到所统计周期的末尾） | end of the interval (the next change of state; empty: it lasts to the end of the period measured)
with events as (
  select * from staging.stg_sensors
),

-- several events at the same instant: the most severe state wins (fault over offline over online)
states as (
  select
    device_id,
    event_at,
    arg_max(school_code, event_at) as school_code,
    arg_max(device_type, event_at) as device_type,
    max(case status when '故障' then 3 when '离线' then 2 else 1 end) as severity
  from events
  group by device_id, event_at
),

-- consecutive events in the same state are one island
islands as (
  select
    *,
    case severity when 3 then 'fault' when 2 then 'offline' else 'online' end as state,
    lag(severity) over (partition by device_id order by event_at) as previous_severity
  from states
),

island_starts as (
  select * from islands where previous_severity is null or previous_severity <> severity
),

final as (
  select
    device_id,
    school_code,
    device_type,
    state,
    event_at as started_at,
    -- the last interval is open: it lasts until the period being measured ends
    lead(event_at) over (partition by device_id order by event_at) as ended_at
  from island_starts
)

select * from final

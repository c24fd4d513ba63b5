/**
 * The rows behind an indicator that is not met: which hazards are overdue, which devices were
 * offline longest, which alerts were answered late, which drill months were missed. One SQL
 * query per indicator over the core facts of a scope — a school, or every school of a unit as
 * registered in the period — within the period's window [start, as-of day]. The assessment
 * report (reports/assessment/evidence.ts) lists them for its one school or unit; the site
 * (dashboards/) reads them for every school or every unit at once, one query per indicator.
 *
 * Every query takes $1 = period id, $2 = one scope code (a school or a unit code) or null for
 * every scope, $3 = the level ('school' or 'unit') its scopes are when $2 is null. It returns
 * the scope's code, the columns named in `headers` in order, `n_total` (all matching rows of
 * the scope) and `n_row` (the row's place in the scope's order); readers keep the first N.
 * Dates and times are text (DuckDB's form), counts numbers. No student data is selected.
 */

/** Rows listed per table, with the total: the report's and the site's "top N". */
export const EVIDENCE_LIMIT = 20;

export type EvidenceLevel = 'school' | 'unit';

const PRELUDE = `
  p as (select period_id, start_on, as_of_on, definition_edition from core.dim_periods where period_id = $1),
  scope as (select school_code, school_name, school_type, window_start_on as start_on, window_end_on as end_on,
                   cast(window_end_on as timestamp) + interval 1 day as end_at,
                   coalesce(cast($2 as varchar), case when $3 = 'unit' then unit_code else school_code end) as scope_key
            from core.int_school_periods where period_id = $1 and (cast($2 as varchar) is null or school_code = $2 or unit_code = $2)),
  prm as (select formula, params from core.int_indicator_params where period_id = $1),
  ind as (select i.indicator_id, i.target from ref.indicators i join p on i.edition = p.definition_edition),
  hz as (select h.*,
                case when e.is_failed_recheck_rectified then h.reported_rectified_on else h.rectified_on end as counted_rectified_on,
                case when e.is_failed_recheck_rectified then h.days_after_previous_reported_rectification else h.days_after_previous_rectification end as counted_days_after_rectification
         from core.fct_hazards h, p join ref.definition_editions e on e.edition = p.definition_edition)`;

/** The last columns of every query: the scope's row count and each row's place in the scope's `order`. */
const ranked = (order: string, key = 'scope.scope_key') =>
  `count(*) over (partition by ${key}) as n_total, row_number() over (partition by ${key} order by ${order}) as n_row`;

/** Device hours by state per device of the formula's device types, each interval cut to its school's window. */
const deviceHours = (formula: string) => `
  clipped as (
    select d.school_code, d.device_id, d.device_type, d.state,
      date_diff('second', greatest(d.started_at, cast(scope.start_on as timestamp)), least(coalesce(d.ended_at, scope.end_at), scope.end_at)) as seconds
    from core.fct_device_intervals d join scope using (school_code)
    where list_contains(from_json(json_extract((select params from prm where formula = '${formula}'), '$.device_types'), '["VARCHAR"]'), d.device_type)
      and d.started_at < scope.end_at and coalesce(d.ended_at, timestamp '9999-12-31') > cast(scope.start_on as timestamp)),
  device_hours as (
    select school_code, device_id, device_type,
      sum(seconds) filter (where state = 'offline') / 3600.0 as offline_hours,
      sum(seconds) filter (where state = 'fault') / 3600.0 as fault_hours,
      sum(seconds) / 3600.0 as hours
    from clipped
    group by all)`;

const DEVICE_SELECT = `
  select scope.scope_key, school_name, device_id, device_type, round(coalesce(offline_hours, 0), 1), round(coalesce(fault_hours, 0), 1),
         round(100 * (1 - (coalesce(offline_hours, 0) + coalesce(fault_hours, 0)) / hours), 2) || '%',
         ${ranked('coalesce(offline_hours, 0) + coalesce(fault_hours, 0) desc, device_id')}
  from device_hours join scope using (school_code)
  where coalesce(offline_hours, 0) + coalesce(fault_hours, 0) > 0`;

const DEVICE_HEADERS = ['学校', '设备编号', '设备类型', '离线小时', '故障小时', '在线率'];

/** Alerts raised in the window whose acknowledgement took longer than `minutes` (or never came). */
const lateAlerts = (where: string, minutes: string) => `
  select scope.scope_key, scope.school_name, a.alert_id, a.origin, coalesce(a.category, ''), a.level, cast(a.raised_at as varchar),
         coalesce(cast(a.acknowledged_at as varchar), '未认领'), coalesce(cast(round(a.minutes_to_acknowledge, 1) as varchar), '—'),
         ${ranked('a.acknowledged_at is not null, a.minutes_to_acknowledge desc, a.alert_id')}
  from core.fct_alerts a join scope using (school_code)
  where a.raised_at >= cast(scope.start_on as timestamp) and a.raised_at < scope.end_at and (${where})
    and (a.acknowledged_at is null or a.minutes_to_acknowledge > ${minutes})`;

const ALERT_HEADERS = ['学校', '告警编号', '来源', '类型', '级别', '发生时间', '认领时间', '认领用时（分钟）'];

const HAZARD_HEADERS = ['学校', '检查项', '隐患描述', '等级', '发现日期', '整改期限', '整改完成'];
const hazardItem = `coalesce(h.item_code || ' ' || c.item_name, h.item_code, '')`;
const hazardColumns = `scope.scope_key, scope.school_name, ${hazardItem}, coalesce(h.hazard_text, ''), h.hazard_level, cast(h.found_on as varchar),
  coalesce(cast(h.due_on as varchar), '—'), coalesce(cast(h.counted_rectified_on as varchar), case when h.is_recheck_failed then '复查不合格' else '未整改' end)`;
const hazardFrom = 'hz h join scope using (school_code) left join ref.checklist_items c using (item_code)';

export interface EvidenceQuery {
  indicators: string[];
  title: string;
  headers: string[];
  sql: string;
  /** Only unit-level rows (a unit's own supervision): no school has any. */
  unitOnly?: boolean;
}

export const EVIDENCE: EvidenceQuery[] = [
  {
    indicators: ['A1'],
    title: '未开展自查的月份',
    headers: ['学校', '月份'],
    sql: `with ${PRELUDE},
      months as (select school_code, cast(unnest(generate_series(date_trunc('month', start_on), date_trunc('month', end_on), interval 1 month)) as date) as month_on from scope),
      done as (select distinct i.school_code, cast(date_trunc('month', i.inspected_on) as date) as month_on from core.fct_inspection_items i join scope using (school_code)
               where i.inspection_kind = (select json_extract_string(params, '$.inspection_kind') from prm where formula = 'self_inspection_month_coverage')
                 and i.inspected_on between scope.start_on and scope.end_on)
      select scope.scope_key, scope.school_name, strftime(months.month_on, '%Y年%m月'), ${ranked('scope.school_code, months.month_on')}
      from scope join months using (school_code) left join done using (school_code, month_on)
      where done.school_code is null`,
  },
  {
    indicators: ['A2'],
    title: '不合格检查项',
    headers: ['学校', '检查项', '不合格次数', '最近一次'],
    sql: `with ${PRELUDE}
      select scope.scope_key, scope.school_name, coalesce(i.item_code || ' ' || c.item_name, i.item_code), count(*), cast(max(i.inspected_on) as varchar),
             ${ranked('count(*) desc, scope.school_code, i.item_code')}
      from core.fct_inspection_items i join scope using (school_code) left join ref.checklist_items c using (item_code)
      where i.is_failed and i.inspected_on between scope.start_on and scope.end_on
      group by scope.scope_key, scope.school_code, scope.school_name, i.item_code, c.item_name`,
  },
  {
    indicators: ['A3'],
    title: '未按期整改的隐患（整改期限在期内）',
    headers: HAZARD_HEADERS,
    sql: `with ${PRELUDE}
      select ${hazardColumns}, ${ranked('h.due_on, scope.school_code, h.hazard_id')} from ${hazardFrom}
      where h.due_on between scope.start_on and scope.end_on and not coalesce(h.counted_rectified_on <= h.due_on, false)`,
  },
  {
    indicators: ['A4'],
    title: '超期未整改的重大隐患（截至统计截止日；同一检查项多次发现计为一项）',
    headers: [...HAZARD_HEADERS.slice(0, 6), '超期天数'],
    sql: `with ${PRELUDE}
      select scope.scope_key, scope.school_name, ${hazardItem}, coalesce(h.hazard_text, ''), h.hazard_level, cast(h.found_on as varchar),
             cast(h.due_on as varchar), scope.end_on - h.due_on, ${ranked('h.due_on, scope.school_code, h.hazard_id')}
      from ${hazardFrom}
      where h.hazard_level = (select json_extract_string(params, '$.hazard_level') from prm where formula = 'overdue_major_hazards')
        and h.found_on <= scope.end_on and h.due_on < scope.end_on and (h.counted_rectified_on is null or h.counted_rectified_on > scope.end_on)`,
  },
  {
    indicators: ['A5'],
    title: '整改后复发的隐患',
    headers: [...HAZARD_HEADERS.slice(0, 5), '距上次整改（天）'],
    sql: `with ${PRELUDE}
      select scope.scope_key, scope.school_name, ${hazardItem}, coalesce(h.hazard_text, ''), h.hazard_level, cast(h.found_on as varchar),
             h.counted_days_after_rectification, ${ranked('h.found_on, scope.school_code, h.hazard_id')}
      from ${hazardFrom}
      where h.found_on between scope.start_on and scope.end_on
        and h.counted_days_after_rectification <= cast((select json_extract(params, '$.window_days') from prm where formula = 'hazard_recurrence_rate') as integer)`,
  },
  {
    indicators: ['C3'],
    title: '未整改的拆窗破网（逃生障碍）问题',
    headers: HAZARD_HEADERS,
    sql: `with ${PRELUDE}
      select ${hazardColumns}, ${ranked('h.found_on, scope.school_code, h.hazard_id')} from ${hazardFrom}
      where h.is_escape_obstacle and h.found_on <= scope.end_on and (h.counted_rectified_on is null or h.counted_rectified_on > scope.end_on)`,
  },
  {
    indicators: ['B2'],
    title: '一键报警设备离线、故障时长',
    headers: DEVICE_HEADERS,
    sql: `with ${PRELUDE}, ${deviceHours('one_key_alarm_uptime')} ${DEVICE_SELECT}`,
  },
  {
    indicators: ['B3'],
    title: '视频监控设备离线、故障时长',
    headers: DEVICE_HEADERS,
    sql: `with ${PRELUDE}, ${deviceHours('camera_uptime')} ${DEVICE_SELECT}`,
  },
  {
    indicators: ['B4'],
    title: '消防设施离线、故障时长',
    headers: DEVICE_HEADERS,
    sql: `with ${PRELUDE}, ${deviceHours('fire_device_health')} ${DEVICE_SELECT}`,
  },
  {
    indicators: ['B5'],
    title: '修复用时最长的设备故障',
    headers: ['学校', '设备编号', '设备类型', '故障开始', '恢复时间', '修复用时（小时）'],
    sql: `with ${PRELUDE}
      select scope.scope_key, scope.school_name, d.device_id, d.device_type, cast(d.started_at as varchar), cast(d.ended_at as varchar),
             round(date_diff('second', d.started_at, d.ended_at) / 3600.0, 1), ${ranked("date_diff('second', d.started_at, d.ended_at) desc, d.device_id")}
      from core.fct_device_intervals d join scope using (school_code)
      where d.state = 'fault' and cast(d.ended_at as date) between scope.start_on and scope.end_on`,
  },
  {
    indicators: ['C1'],
    title: '未开展应急疏散演练的月份（幼儿园按季度）',
    headers: ['学校', '应演练期间'],
    sql: `with ${PRELUDE},
      windows as (
        select scope.school_code, cast(m as date) as window_on, 'month' as kind from scope,
          unnest(generate_series(date_trunc('month', scope.start_on), date_trunc('month', scope.end_on), interval 1 month)) as t(m)
        where scope.school_type <> '幼儿园' and month(m) <> 8
        union all
        select scope.school_code, cast(q as date), 'quarter' from scope,
          unnest(generate_series(date_trunc('quarter', scope.start_on), date_trunc('quarter', scope.end_on), interval 3 month)) as t(q)
        where scope.school_type = '幼儿园' and cast(q + interval 3 month - interval 1 day as date) between scope.start_on and scope.end_on),
      drills as (select distinct school_code, cast(date_trunc('month', activity_on) as date) as month_on, cast(date_trunc('quarter', activity_on) as date) as quarter_on
                 from core.fct_activities
                 where activity_kind = (select json_extract_string(params, '$.activity_kind') from prm where formula = 'evacuation_drill_rate'))
      select scope.scope_key, scope.school_name, case w.kind when 'month' then strftime(w.window_on, '%Y年%m月') else year(w.window_on) || '年第' || quarter(w.window_on) || '季度' end,
             ${ranked('scope.school_code, w.window_on')}
      from windows w join scope using (school_code)
      where not exists (select 1 from drills d where d.school_code = w.school_code and (case w.kind when 'month' then d.month_on else d.quarter_on end) = w.window_on)`,
  },
  {
    indicators: ['C2'],
    title: '消防物联告警认领超时',
    headers: ALERT_HEADERS,
    sql: `with ${PRELUDE} ${lateAlerts(
      "a.origin = (select json_extract_string(params, '$.alert_origin') from prm where formula = 'fire_alert_ack_p90_minutes')",
      "(select target from ind where indicator_id = 'C2')",
    )}`,
  },
  {
    indicators: ['E3'],
    title: '语音预警认领超时',
    headers: ALERT_HEADERS,
    sql: `with ${PRELUDE} ${lateAlerts(
      "a.origin = (select json_extract_string(params, '$.alert_origin') from prm where formula = 'voice_ai_ack_within_5min_rate')",
      "(select cast(json_extract(params, '$.max_minutes') as double) from prm where formula = 'voice_ai_ack_within_5min_rate')",
    )}`,
  },
  {
    indicators: ['G2'],
    title: '红色、橙色预警认领超时',
    headers: ALERT_HEADERS,
    sql: `with ${PRELUDE} ${lateAlerts(
      "list_contains(from_json(json_extract((select params from prm where formula = 'red_orange_ack_median_minutes'), '$.alert_levels'), '[\"VARCHAR\"]'), a.level)",
      "(select target from ind where indicator_id = 'G2')",
    )}`,
  },
  {
    indicators: ['G1'],
    title: '未在24小时内闭环的预警',
    headers: ['学校', '告警编号', '来源', '类型', '级别', '发生时间', '关闭时间', '用时（小时）'],
    sql: `with ${PRELUDE},
      limits as (select cast(json_extract(params, '$.max_hours') as double) as max_hours,
                        from_json(json_extract(params, '$.exclude_dispositions'), '["VARCHAR"]') as excluded
                 from prm where formula = 'alert_closure_24h_rate')
      select scope.scope_key, scope.school_name, a.alert_id, a.origin, coalesce(a.category, ''), a.level, cast(a.raised_at as varchar), coalesce(cast(a.closed_at as varchar), '未关闭'),
             coalesce(cast(round(a.hours_to_close, 1) as varchar), '—'), ${ranked('a.closed_at is not null, a.hours_to_close desc, a.alert_id')}
      from core.fct_alerts a join scope using (school_code), limits
      where a.raised_at >= cast(scope.start_on as timestamp) and a.raised_at < scope.end_at
        and not list_contains(limits.excluded, coalesce(a.disposition, ''))
        and (a.hours_to_close > limits.max_hours or (a.closed_at is null and a.raised_at + to_hours(cast(limits.max_hours as integer)) <= scope.end_at))`,
  },
  {
    indicators: ['E2'],
    title: '未在时限内调查结束的欺凌事件',
    headers: ['学校', '案件编号', '发生时间', '调查结束时间', '用时（天）'],
    sql: `with ${PRELUDE},
      limits as (select json_extract_string(params, '$.case_category') as category, cast(json_extract(params, '$.max_days') as double) as max_days
                 from prm where formula = 'bullying_case_timely_closure_rate')
      select scope.scope_key, scope.school_name, c.case_id, cast(c.occurred_at as varchar), coalesce(cast(c.investigation_closed_at as varchar), '未结束'),
             coalesce(cast(round(c.days_to_close, 1) as varchar), '—'), ${ranked('c.occurred_at, c.case_id')}
      from core.fct_cases c join scope using (school_code), limits
      where c.category = limits.category and c.occurred_at >= cast(scope.start_on as timestamp) and c.occurred_at < scope.end_at
        and (c.days_to_close > limits.max_days or (c.investigation_closed_at is null and c.occurred_at + to_days(cast(limits.max_days as integer)) <= scope.end_at))`,
  },
  {
    indicators: ['I1'],
    title: '未按期反馈的交办函',
    headers: ['交办日期', '反馈期限', '反馈日期'],
    unitOnly: true,
    sql: `with ${PRELUDE}
      select a.unit_code, cast(a.activity_on as varchar), cast(a.deadline_on as varchar), coalesce(cast(a.replied_on as varchar), '未反馈'), ${ranked('a.deadline_on', 'a.unit_code')}
      from core.fct_activities a, p
      where (a.unit_code = $2 or (cast($2 as varchar) is null and $3 = 'unit')) and a.is_unit_level and a.supervision_action = '交办函'
        and a.deadline_on between p.start_on and p.as_of_on and (a.replied_on is null or a.replied_on > a.deadline_on)`,
  },
];

/** The tables evidence queries read: a snapshot without one of them has no evidence to show. */
export const EVIDENCE_TABLES = [
  'core.dim_periods',
  'core.int_school_periods',
  'core.int_indicator_params',
  'core.fct_hazards',
  'core.fct_inspection_items',
  'core.fct_device_intervals',
  'core.fct_alerts',
  'core.fct_cases',
  'core.fct_activities',
  'ref.indicators',
  'ref.definition_editions',
  'ref.checklist_items',
];

export type EvidenceCell = string | number;

export interface EvidenceTable {
  title: string;
  headers: string[];
  rows: EvidenceCell[][];
  total: number;
  /** Said under the table, e.g. why some counts show "<3" or "—". */
  note?: string;
}

/** Runs SQL with positional parameters and returns row objects (a Warehouse's `all`, a site snapshot's `query`). */
export type RunSql = (sql: string, params: Array<string | null>) => Promise<Array<Record<string, unknown>>>;

export interface EvidenceScope {
  period: string;
  /** One school or unit code; null for every scope of `level`. */
  code: string | null;
  level: EvidenceLevel;
  limit?: number;
}

function cell(value: unknown): EvidenceCell {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  return value == null ? '' : String(value);
}

/** One query's table per scope code that has rows: the first `limit` rows in the query's order, and the total. */
export async function evidenceByScope(run: RunSql, query: EvidenceQuery, { period, code, level, limit = EVIDENCE_LIMIT }: EvidenceScope): Promise<Map<string, EvidenceTable>> {
  const out = new Map<string, EvidenceTable>();
  if (query.unitOnly && code === null && level !== 'unit') return out;
  const columns = query.headers.map((_, i) => `c${i}`);
  const rows = await run(
    `select * from (${query.sql}) as e(scope_key, ${columns.join(', ')}, n_total, n_row) where n_row <= ${Number(limit)} order by scope_key, n_row`,
    [period, code, level],
  );
  for (const row of rows) {
    const key = String(row.scope_key);
    if (!out.has(key)) out.set(key, { title: query.title, headers: query.headers, rows: [], total: Number(row.n_total) });
    out.get(key)!.rows.push(columns.map((c) => cell(row[c])));
  }
  return out;
}

/** The evidence queries behind any of `indicatorIds`, each with the ids it explains. */
export function evidenceQueriesFor(indicatorIds: Iterable<string>): Array<{ query: EvidenceQuery; indicators: string[] }> {
  const wanted = new Set(indicatorIds);
  return EVIDENCE.map((query) => ({ query, indicators: query.indicators.filter((id) => wanted.has(id)) })).filter((q) => q.indicators.length);
}

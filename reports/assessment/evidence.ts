/**
 * The rows behind an indicator that is not met: which hazards are overdue, which devices were
 * offline longest, which alerts were answered late, which drill months were missed. One SQL
 * query per indicator over the core facts of the report's scope — a school, or every school
 * of a unit as registered in the period — within the period's window [start, as-of day].
 *
 * Every query takes $1 = period id, $2 = scope code (a school or a unit code) and returns the
 * columns named in `headers`, in order, plus `n_total` (all matching rows; the report lists the
 * first LIMIT). No student data is selected; case evidence is counts per school as the site
 * publishes them, small counts of sensitive categories and deaths protected
 * (transforms/small-counts.ts).
 */
import type { Warehouse } from '../../warehouse/connection.ts';
import { typedWarehouse } from '../../warehouse/kysely.ts';
import { caseGroups, publishCases } from '../../transforms/published-cases.ts';
import { SENSITIVE_CATEGORIES } from '../../transforms/small-counts.ts';

export const EVIDENCE_LIMIT = 20;

const PRELUDE = `
  p as (select period_id, start_on, as_of_on, definition_edition from core.dim_periods where period_id = $1),
  scope as (select school_code, school_name, school_type, window_start_on as start_on, window_end_on as end_on,
                   cast(window_end_on as timestamp) + interval 1 day as end_at
            from core.int_school_periods where period_id = $1 and (school_code = $2 or unit_code = $2)),
  prm as (select formula, params from core.int_indicator_params where period_id = $1),
  ind as (select i.indicator_id, i.target from ref.indicators i join p on i.edition = p.definition_edition),
  hz as (select h.*,
                case when e.is_failed_recheck_rectified then h.reported_rectified_on else h.rectified_on end as counted_rectified_on,
                case when e.is_failed_recheck_rectified then h.days_after_previous_reported_rectification else h.days_after_previous_rectification end as counted_days_after_rectification
         from core.fct_hazards h, p join ref.definition_editions e on e.edition = p.definition_edition)`;

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
  select school_name, device_id, device_type, round(coalesce(offline_hours, 0), 1), round(coalesce(fault_hours, 0), 1),
         round(100 * (1 - (coalesce(offline_hours, 0) + coalesce(fault_hours, 0)) / hours), 2) || '%', count(*) over () as n_total
  from device_hours join scope using (school_code)
  where coalesce(offline_hours, 0) + coalesce(fault_hours, 0) > 0
  order by coalesce(offline_hours, 0) + coalesce(fault_hours, 0) desc, device_id`;

const DEVICE_HEADERS = ['学校', '设备编号', '设备类型', '离线小时', '故障小时', '在线率'];

/** Alerts raised in the window whose acknowledgement took longer than `minutes` (or never came). */
const lateAlerts = (where: string, minutes: string) => `
  select scope.school_name, a.alert_id, a.origin, coalesce(a.category, ''), a.level, a.raised_at,
         coalesce(cast(a.acknowledged_at as varchar), '未认领'), coalesce(cast(round(a.minutes_to_acknowledge, 1) as varchar), '—'), count(*) over () as n_total
  from core.fct_alerts a join scope using (school_code)
  where a.raised_at >= cast(scope.start_on as timestamp) and a.raised_at < scope.end_at and (${where})
    and (a.acknowledged_at is null or a.minutes_to_acknowledge > ${minutes})
  order by a.acknowledged_at is not null, a.minutes_to_acknowledge desc, a.alert_id`;

const ALERT_HEADERS = ['学校', '告警编号', '来源', '类型', '级别', '发生时间', '认领时间', '认领用时（分钟）'];

const HAZARD_HEADERS = ['学校', '检查项', '隐患描述', '等级', '发现日期', '整改期限', '整改完成'];
const hazardColumns = `scope.school_name, coalesce(h.item_code || ' ' || c.item_name, h.item_code, ''), coalesce(h.hazard_text, ''), h.hazard_level, h.found_on,
  coalesce(cast(h.due_on as varchar), '—'), coalesce(cast(h.counted_rectified_on as varchar), case when h.is_recheck_failed then '复查不合格' else '未整改' end)`;
const hazardFrom = 'hz h join scope using (school_code) left join ref.checklist_items c using (item_code)';

export interface EvidenceQuery {
  indicators: string[];
  title: string;
  headers: string[];
  sql: string;
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
      select scope.school_name, strftime(months.month_on, '%Y年%m月'), count(*) over () as n_total
      from scope join months using (school_code) left join done using (school_code, month_on)
      where done.school_code is null order by scope.school_code, months.month_on`,
  },
  {
    indicators: ['A2'],
    title: '不合格检查项',
    headers: ['学校', '检查项', '不合格次数', '最近一次'],
    sql: `with ${PRELUDE}
      select scope.school_name, coalesce(i.item_code || ' ' || c.item_name, i.item_code), count(*), max(i.inspected_on), count(*) over () as n_total
      from core.fct_inspection_items i join scope using (school_code) left join ref.checklist_items c using (item_code)
      where i.is_failed and i.inspected_on between scope.start_on and scope.end_on
      group by scope.school_code, scope.school_name, i.item_code, c.item_name order by count(*) desc, scope.school_code, i.item_code`,
  },
  {
    indicators: ['A3'],
    title: '未按期整改的隐患（整改期限在期内）',
    headers: HAZARD_HEADERS,
    sql: `with ${PRELUDE}
      select ${hazardColumns}, count(*) over () as n_total from ${hazardFrom}
      where h.due_on between scope.start_on and scope.end_on and not coalesce(h.counted_rectified_on <= h.due_on, false)
      order by h.due_on, scope.school_code, h.hazard_id`,
  },
  {
    indicators: ['A4'],
    title: '超期未整改的重大隐患（截至统计截止日；同一检查项多次发现计为一项）',
    headers: [...HAZARD_HEADERS.slice(0, 6), '超期天数'],
    sql: `with ${PRELUDE}
      select scope.school_name, coalesce(h.item_code || ' ' || c.item_name, h.item_code, ''), coalesce(h.hazard_text, ''), h.hazard_level, h.found_on,
             h.due_on, scope.end_on - h.due_on, count(*) over () as n_total
      from ${hazardFrom}
      where h.hazard_level = (select json_extract_string(params, '$.hazard_level') from prm where formula = 'overdue_major_hazards')
        and h.found_on <= scope.end_on and h.due_on < scope.end_on and (h.counted_rectified_on is null or h.counted_rectified_on > scope.end_on)
      order by h.due_on, scope.school_code, h.hazard_id`,
  },
  {
    indicators: ['A5'],
    title: '整改后复发的隐患',
    headers: [...HAZARD_HEADERS.slice(0, 5), '距上次整改（天）'],
    sql: `with ${PRELUDE}
      select scope.school_name, coalesce(h.item_code || ' ' || c.item_name, h.item_code, ''), coalesce(h.hazard_text, ''), h.hazard_level, h.found_on,
             h.counted_days_after_rectification, count(*) over () as n_total
      from ${hazardFrom}
      where h.found_on between scope.start_on and scope.end_on
        and h.counted_days_after_rectification <= cast((select json_extract(params, '$.window_days') from prm where formula = 'hazard_recurrence_rate') as integer)
      order by h.found_on, scope.school_code`,
  },
  {
    indicators: ['C3'],
    title: '未整改的拆窗破网（逃生障碍）问题',
    headers: HAZARD_HEADERS,
    sql: `with ${PRELUDE}
      select ${hazardColumns}, count(*) over () as n_total from ${hazardFrom}
      where h.is_escape_obstacle and h.found_on <= scope.end_on and (h.counted_rectified_on is null or h.counted_rectified_on > scope.end_on)
      order by h.found_on, scope.school_code`,
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
      select scope.school_name, d.device_id, d.device_type, d.started_at, d.ended_at, round(date_diff('second', d.started_at, d.ended_at) / 3600.0, 1),
             count(*) over () as n_total
      from core.fct_device_intervals d join scope using (school_code)
      where d.state = 'fault' and cast(d.ended_at as date) between scope.start_on and scope.end_on
      order by date_diff('second', d.started_at, d.ended_at) desc, d.device_id`,
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
      select scope.school_name, case w.kind when 'month' then strftime(w.window_on, '%Y年%m月') else year(w.window_on) || '年第' || quarter(w.window_on) || '季度' end,
             count(*) over () as n_total
      from windows w join scope using (school_code)
      where not exists (select 1 from drills d where d.school_code = w.school_code and (case w.kind when 'month' then d.month_on else d.quarter_on end) = w.window_on)
      order by scope.school_code, w.window_on`,
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
      select scope.school_name, a.alert_id, a.origin, coalesce(a.category, ''), a.level, a.raised_at, coalesce(cast(a.closed_at as varchar), '未关闭'),
             coalesce(cast(round(a.hours_to_close, 1) as varchar), '—'), count(*) over () as n_total
      from core.fct_alerts a join scope using (school_code), limits
      where a.raised_at >= cast(scope.start_on as timestamp) and a.raised_at < scope.end_at
        and not list_contains(limits.excluded, coalesce(a.disposition, ''))
        and (a.hours_to_close > limits.max_hours or (a.closed_at is null and a.raised_at + to_hours(cast(limits.max_hours as integer)) <= scope.end_at))
      order by a.closed_at is not null, a.hours_to_close desc, a.alert_id`,
  },
  {
    indicators: ['E2'],
    title: '未在时限内调查结束的欺凌事件',
    headers: ['学校', '案件编号', '发生时间', '调查结束时间', '用时（天）'],
    sql: `with ${PRELUDE},
      limits as (select json_extract_string(params, '$.case_category') as category, cast(json_extract(params, '$.max_days') as double) as max_days
                 from prm where formula = 'bullying_case_timely_closure_rate')
      select scope.school_name, c.case_id, c.occurred_at, coalesce(cast(c.investigation_closed_at as varchar), '未结束'),
             coalesce(cast(round(c.days_to_close, 1) as varchar), '—'), count(*) over () as n_total
      from core.fct_cases c join scope using (school_code), limits
      where c.category = limits.category and c.occurred_at >= cast(scope.start_on as timestamp) and c.occurred_at < scope.end_at
        and (c.days_to_close > limits.max_days or (c.investigation_closed_at is null and c.occurred_at + to_days(cast(limits.max_days as integer)) <= scope.end_at))
      order by c.occurred_at, c.case_id`,
  },
  {
    indicators: ['I1'],
    title: '未按期反馈的交办函',
    headers: ['交办日期', '反馈期限', '反馈日期'],
    sql: `with ${PRELUDE}
      select a.activity_on, a.deadline_on, coalesce(cast(a.replied_on as varchar), '未反馈'), count(*) over () as n_total
      from core.fct_activities a, p
      where a.unit_code = $2 and a.is_unit_level and a.supervision_action = '交办函'
        and a.deadline_on between p.start_on and p.as_of_on and (a.replied_on is null or a.replied_on > a.deadline_on)
      order by a.deadline_on`,
  },
];

export interface EvidenceTable {
  title: string;
  headers: string[];
  rows: (string | number)[][];
  total: number;
  /** Said under the table, e.g. why some counts show "<3" or "—". */
  note?: string;
}

/** The evidence tables of the given indicators for a scope (school or unit code). */
export async function readEvidence(db: Warehouse, period: string, scope: string, indicatorIds: string[]): Promise<Map<string, EvidenceTable[]>> {
  const out = new Map<string, EvidenceTable[]>();
  for (const query of EVIDENCE) {
    const wanted = query.indicators.filter((id) => indicatorIds.includes(id));
    if (!wanted.length) continue;
    const { rows } = await db.connection.runAndReadAll(`select * from (${query.sql}) limit ${EVIDENCE_LIMIT}`, [period, scope]).then((r) => ({ rows: r.getRows() }));
    const table: EvidenceTable = {
      title: query.title,
      headers: query.headers,
      rows: rows.map((row) => row.slice(0, query.headers.length).map((v) => (typeof v === 'number' || typeof v === 'string' ? v : typeof v === 'bigint' ? Number(v) : String(v ?? '')))),
      total: rows.length ? Number(rows[0][query.headers.length]) : 0,
    };
    for (const id of wanted) out.set(id, [...(out.get(id) ?? []), table]);
  }
  if (indicatorIds.includes('H1')) out.set('H1', [await caseCounts(db, period, scope)]);
  return out;
}

/**
 * H1: the scope's schools with cases in the period, as the 事故案件 page publishes them — the
 * city's case tables of the period protected once (transforms/published-cases.ts), then the
 * scope's rows, so a report and the page show the same "<3" and "—" and neither undoes the other.
 */
async function caseCounts(db: Warehouse, period: string, scope: string): Promise<EvidenceTable> {
  const groups = await caseGroups(typedWarehouse(db)).where('p.period_id', '=', period).execute();
  const names = new Map(
    (await db.all<{ school_code: string; school_name: string }>(`with ${PRELUDE} select school_code, school_name from scope order by school_code`, [period, scope])).map((s) => [s.school_code, s.school_name]),
  );
  const rows = publishCases(groups).schools.filter((s) => names.has(s.school_code)).sort((a, b) => a.school_code.localeCompare(b.school_code));
  return {
    title: '期内事故案件（按学校）',
    headers: ['学校', '其他案件', ...SENSITIVE_CATEGORIES, '受伤人数', '死亡人数'],
    rows: rows.map((r) => [names.get(r.school_code)!, r.n_other, ...SENSITIVE_CATEGORIES.map((c) => r.sensitive[c]!), r.n_injured, r.n_deaths]),
    total: rows.length,
    note: `为保护未成年人隐私，${SENSITIVE_CATEGORIES.join('、')}案件数和死亡人数为 1 或 2 时显示为“<3”；“—”为不公开的数字（与“事故案件”页面相同），以免由合计倒推出“<3”。`,
  };
}

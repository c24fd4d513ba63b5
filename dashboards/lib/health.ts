// The 报送监测 (source monitoring) data of the 数据质量 page, the 县区评分卡 pages and the 总览
// banner, read from a snapshot: marts.source_health (statuses on the day the data runs to), the
// cadences they were judged by (ref.source_cadence) as Chinese sentences, and the history of
// checks (audit.health_checks, audit.health_results) saying since when each problem stands.
// A snapshot from before the monitor existed has none of it: `sourceHealth` returns null.
import { sourceName } from '../../transforms/source-health.ts';
import type { SourceCadence } from '../../sources/reporting-reference.ts';
import type { Snapshot } from './snapshot.ts';


const what = (source: string, kind: string | null) => `${sourceName(source)}${kind ? `（${kind}）` : ''}`;

const WINDOW = { daily: '天', monthly: '个月', term: '个学期' } as const;

/** The rule of one cadence row, in words: how often, by when, when late, missing, dropped. */
export function ruleText(rule: SourceCadence): string {
  if (rule.cadence === 'none') return '随发随报，不设报送周期，不判定';
  const unit = WINDOW[rule.cadence];
  const every = { daily: '每天', monthly: '每月（有教学日的月份，暑假除外）', term: '每学期' }[rule.cadence];
  const due = { daily: '日', monthly: '月', term: '学期' }[rule.cadence];
  const deadline = `${due}${rule.due_from === 'start' ? '开始' : '结束'}后 ${rule.due_days} 天内报送`;
  const kind = rule.record_kind ? `至少一条${rule.record_kind}记录` : '至少一条记录';
  const late =
    rule.late_after_windows === rule.missing_after_windows
      ? `逾期 ${rule.missing_after_windows} ${unit}为缺报`
      : `逾期 ${rule.late_after_windows} ${unit}为迟报，${rule.missing_after_windows} ${unit}为缺报`;
  const volume =
    rule.volume_windows === null
      ? ''
      : `；报送量低于${rule.cadence === 'daily' ? `前 ${rule.volume_windows} 周同一星期几` : `此前 ${rule.volume_windows} 个应报月份`}中位数的 ${Math.round((1 - rule.volume_drop_share!) * 100)}% 为异常（中位数不少于 ${rule.volume_min_median} 条时判断）`;
  return `${every}${kind}，${deadline}；${late}${volume}`;
}

/**
 * Per reporting row not 正常 in the latest check: the first check of its current unbroken run of
 * checks in which it was not 正常 either, and how many checks that run holds.
 */
const FLAGGED_SINCE = `
  with checks as (
    select check_id, check_on, row_number() over (order by checked_at, check_id) as n from audit.health_checks
  ),
  flagged as (
    select r.scope, r.source, r.unit_code, coalesce(r.school_code, '') as school_key, c.n, c.check_on
    from audit.health_results r join checks c using (check_id)
  ),
  current as (
    select scope, source, unit_code, school_key from flagged where n = (select max(n) from checks)
  ),
  last_clear as (
    select current.scope, current.source, current.unit_code, current.school_key, max(checks.n) as n
    from current cross join checks
    where not exists (
      select 1 from flagged f
      where f.scope = current.scope and f.source = current.source and f.unit_code = current.unit_code and f.school_key = current.school_key and f.n = checks.n)
    group by all
  )
  select f.scope, f.source, f.unit_code, nullif(f.school_key, '') as school_code, min(f.check_on)::varchar as flagged_since_on, count(*)::integer as n_checks
  from flagged f
  join current using (scope, source, unit_code, school_key)
  left join last_clear using (scope, source, unit_code, school_key)
  where f.n > coalesce(last_clear.n, 0)
  group by all`;

const ROWS = `
  select h.scope, h.source, h.record_kind, h.unit_code, h.unit_name, h.school_code, h.school_name, h.cadence, h.status,
         h.latest_on::varchar as latest_on, h.lag_days, h.status_since_on::varchar as status_since_on,
         h.n_schools_expected, h.n_schools_reporting, h.completeness, h.n_schools_late, h.n_schools_missing,
         f.flagged_since_on, f.n_checks
  from marts.source_health h
  left join flagged_since f
    on f.scope = h.scope and f.source = h.source and f.unit_code = h.unit_code and f.school_code is not distinct from h.school_code
  where h.unit_code = coalesce($unit, h.unit_code)
  order by h.scope = 'school', case h.status when '缺报' then 0 when '迟报' then 1 when '异常' then 2 else 3 end, h.unit_code, h.source, h.school_code`;

interface HealthRow {
  scope: 'unit' | 'school';
  source: string;
  record_kind: string | null;
  status: string | null;
  [column: string]: unknown;
}

/** The 报送监测 data of the city (unitCode null) or of one unit; null for a snapshot without the monitor. */
export async function sourceHealth(snapshot: Snapshot, unitCode: string | null) {
  if (!snapshot.has('marts.source_health')) return null;
  const hasHistory = snapshot.has('audit.health_checks') && snapshot.has('audit.health_results');
  const flaggedSince = hasHistory ? FLAGGED_SINCE : 'select null::varchar as scope, null::varchar as source, null::varchar as unit_code, null::varchar as school_code, null::varchar as flagged_since_on, null::integer as n_checks where false';
  const rows = (await snapshot.query<HealthRow>(`with flagged_since as (${flaggedSince}) ${ROWS}`, { unit: unitCode })).map((row) => ({
    ...row,
    source_name: sourceName(row.source),
    what: what(row.source, row.record_kind),
  }));
  const [asOf] = await snapshot.query<{ as_of_on: string | null }>('select max(as_of_on)::varchar as as_of_on from marts.source_health');
  const rules = (await snapshot.query<SourceCadence>('select * from ref.source_cadence order by scope, source')).map((rule) => ({
    source: rule.source,
    scope: rule.scope,
    what: what(rule.source, rule.record_kind),
    rule: ruleText(rule),
  }));
  const [latestCheck] = hasHistory
    ? await snapshot.query(
        `select check_on::varchar as check_on, checked_at, data_until_on::varchar as data_until_on, check_trigger,
                n_late, n_missing, n_anomalies, notify_status, (select count(*)::integer from audit.health_checks) as n_checks
         from audit.health_checks order by checked_at desc, check_id desc limit 1`,
      )
    : [];
  return {
    as_of_on: asOf?.as_of_on ?? null,
    latest_check: latestCheck ?? null,
    rules,
    units: rows.filter((r) => r.scope === 'unit'),
    problems: rows.filter((r) => r.status !== null && r.status !== '正常'),
  };
}

/** For the 总览 banner: what is 缺报 in the city or one unit (units' own rows, and per unit and source the number of schools). */
export async function missingSummary(snapshot: Snapshot, unitCode: string | null) {
  if (!snapshot.has('marts.source_health')) return [];
  const rows = await snapshot.query<{ unit_name: string; source: string; record_kind: string | null; scope: string; n: number }>(
    `select unit_name, source, record_kind, scope, count(*)::integer as n from marts.source_health
     where status = '缺报' and unit_code = coalesce($unit, unit_code)
     group by unit_code, unit_name, source, record_kind, scope
     order by scope = 'school', unit_code, source`,
    { unit: unitCode },
  );
  return rows.map((r) => ({ unit_name: r.unit_name, what: what(r.source, r.record_kind), n_schools: r.scope === 'school' ? r.n : null }));
}

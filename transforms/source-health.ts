/**
 * 报送监测 (source monitoring) on a check day: marts.source_health says, for every unit and school,
 * the latest record of each source and the days it turns late (迟报) or missing (缺报) if nothing
 * more arrives; a check judges those rows on any day from the data's last day on, with the same
 * rule the mart uses (ref.reporting_status_on), so the lag keeps growing on the nights no file
 * comes. `safecampus status --health` prints a check; the pipeline records one every run
 * (audit.health_checks, audit.health_results) and may post its message to a webhook.
 * docs/source-health.md explains the rules and what "today" means.
 */
import { CONTRACTS } from '../sources/contracts.ts';
import type { SourceName } from '../sources/contract.ts';
import type { Warehouse } from '../warehouse/connection.ts';

export type HealthStatus = '正常' | '迟报' | '缺报' | '异常';

export interface HealthRow {
  scope: 'unit' | 'school';
  source: SourceName;
  unit_code: string;
  unit_name: string;
  school_code: string | null;
  school_name: string | null;
  cadence: string;
  record_kind: string | null;
  latest_on: string | null;
  /** On the check day. */
  status: HealthStatus | null;
  status_since_on: string | null;
  lag_days: number | null;
  completeness: number | null;
}

export interface HealthCheck {
  check_on: string;
  /** The day the data runs to (null: the warehouse has no data yet). */
  data_until_on: string | null;
  /** Days from that day to the check day: how long nothing new has come at all. */
  days_without_data: number | null;
  counts: { late: number; missing: number; anomalies: number };
  /** The rows that are not 正常 on the check day: 缺报 first, then 迟报, then 异常; units before schools. */
  problems: HealthRow[];
}

export class NoSourceHealthError extends Error {}
/** A check day before the day the data runs to: the rows would be judged with data from after it. */
export class CheckDayError extends Error {}

const STATUS_ORDER: Record<HealthStatus, number> = { 缺报: 0, 迟报: 1, 异常: 2, 正常: 3 };

/** The monitor's rows judged on `checkOn` (YYYY-MM-DD, the data's last day or later). */
export async function checkSourceHealth(db: Pick<Warehouse, 'all' | 'one'>, checkOn: string): Promise<HealthCheck> {
  const built = await db.one<{ n: number }>(
    "select count(*)::integer as n from information_schema.tables where table_schema = 'marts' and table_name = 'source_health'",
  );
  if (!built?.n) throw new NoSourceHealthError('还没有报送监测结果（marts.source_health is not built yet: run `safecampus transform` or `safecampus run` first）');
  const rows = (await db.all(
    `with judged as (
       select *, ref.reporting_status_on($1::date, cadence, expected_by_on, late_from_on, missing_from_on, is_volume_drop, volume_window_start_on) as standing
       from marts.source_health
     )
     select scope, source, unit_code, unit_name, school_code, school_name, cadence, record_kind, as_of_on::varchar as as_of_on,
            latest_on::varchar as latest_on, standing.status as status, standing.since_on::varchar as status_since_on,
            standing.lag_days as lag_days, completeness
     from judged
     order by scope = 'school', unit_code, source, school_code`,
    [checkOn],
  )) as unknown as (HealthRow & { as_of_on: string | null })[];
  const dataUntil = rows[0]?.as_of_on ?? null;
  if (dataUntil !== null && checkOn < dataUntil) {
    throw new CheckDayError(`检查日 ${checkOn} 早于数据最新日期 ${dataUntil}（the data already runs to ${dataUntil}: judge on that day or later）`);
  }
  const problems = rows
    .filter((r) => r.status !== null && r.status !== '正常')
    .map(({ as_of_on: _asOf, ...row }) => row)
    .sort((a, b) => STATUS_ORDER[a.status!] - STATUS_ORDER[b.status!]);
  const count = (status: HealthStatus) => problems.filter((r) => r.status === status).length;
  return {
    check_on: checkOn,
    data_until_on: dataUntil,
    days_without_data: dataUntil === null ? null : daysBetween(dataUntil, checkOn),
    counts: { late: count('迟报'), missing: count('缺报'), anomalies: count('异常') },
    problems,
  };
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export type CheckTrigger = 'after_transform' | 'no_new_files' | 'unchanged' | 'stopped';

export interface NotifyOutcome {
  status: 'sent' | 'failed' | 'not_configured' | 'nothing_to_report';
  detail: string | null;
}

/** The JSON shape of a health result row, for DuckDB's from_json. */
const HEALTH_RESULT_JSON = JSON.stringify([
  { scope: 'VARCHAR', source: 'VARCHAR', unit_code: 'VARCHAR', school_code: 'VARCHAR', status: 'VARCHAR', latest_on: 'VARCHAR', lag_days: 'INTEGER', status_since_on: 'VARCHAR' },
]);

/**
 * Keeps the check in audit.health_checks and its problems in audit.health_results, under `checkId`
 * (the pipeline run's id: a retried step replaces its own rows, never adds a second check).
 */
export async function recordHealthCheck(db: Warehouse, check: HealthCheck, checkId: string, trigger: CheckTrigger, notify: NotifyOutcome): Promise<void> {
  await db.transaction(async () => {
    await db.run('delete from audit.health_results where check_id = $1', [checkId]);
    await db.run('delete from audit.health_checks where check_id = $1', [checkId]);
    await db.run('insert into audit.health_checks values ($1, now()::timestamp, $2::date, $3::date, $4, $5, $6, $7, $8, $9)', [
      checkId,
      check.check_on,
      check.data_until_on,
      trigger,
      check.counts.late,
      check.counts.missing,
      check.counts.anomalies,
      notify.status,
      notify.detail,
    ]);
    // one statement for all rows: a check of a year-old city names thousands of rows
    const rows = check.problems.map(({ scope, source, unit_code, school_code, status, latest_on, lag_days, status_since_on }) => ({ scope, source, unit_code, school_code, status, latest_on, lag_days, status_since_on }));
    if (rows.length) {
      await db.run(
        `insert into audit.health_results
         select $1, r.scope, r.source, r.unit_code, r.school_code, r.status, r.latest_on::date, r.lag_days, r.status_since_on::date
         from (select unnest(from_json($2::json, '${HEALTH_RESULT_JSON}'), recursive := true)) as r`,
        [checkId, JSON.stringify(rows)],
      );
    }
  });
}

export function sourceName(source: string): string {
  return source in CONTRACTS ? CONTRACTS[source as SourceName].zh : source;
}

/** 安全检查记录（自查） */
function whatName(row: Pick<HealthRow, 'source' | 'record_kind'>): string {
  return `${sourceName(row.source)}${row.record_kind ? `（${row.record_kind}）` : ''}`;
}

export interface ProblemGroup {
  status: HealthStatus;
  unit_name: string;
  /** The source, and the kind of record that counts. */
  what: string;
  /** The unit's own row, or null when the group is the unit's schools. */
  unit: HealthRow | null;
  schools: HealthRow[];
}

/** The problems grouped for reading: per status, unit and source, the unit's row or its schools. */
export function problemGroups(check: HealthCheck): ProblemGroup[] {
  const groups = new Map<string, ProblemGroup>();
  for (const row of check.problems) {
    const key = `${row.status}|${row.unit_code}|${row.source}|${row.scope}`;
    const group = groups.get(key) ?? { status: row.status!, unit_name: row.unit_name, what: whatName(row), unit: null, schools: [] };
    if (row.scope === 'unit') group.unit = row;
    else group.schools.push(row);
    groups.set(key, group);
  }
  return [...groups.values()];
}

const STATUS_WORDS: Record<Exclude<HealthStatus, '正常'>, string> = { 缺报: '缺报', 迟报: '迟报', 异常: '报送量异常' };

function standing(row: HealthRow): string {
  const latest = row.latest_on ? `最新 ${row.latest_on}` : '从未报送';
  const lag = row.lag_days ? `，逾期 ${row.lag_days} 天` : '';
  const since = row.status_since_on ? `，自 ${row.status_since_on} 起${row.status === '异常' ? '报送量骤降' : row.status}` : '';
  return `${latest}${lag}${since}`;
}

function header(check: HealthCheck): string {
  const data = check.data_until_on === null ? '尚无数据' : `数据截至 ${check.data_until_on}${check.days_without_data ? `（已 ${check.days_without_data} 天没有新数据）` : ''}`;
  return `报送监测 ${check.check_on}：${data}；缺报 ${check.counts.missing} 项，迟报 ${check.counts.late} 项，报送量异常 ${check.counts.anomalies} 项`;
}

/** The check as the CLI prints it: every problem row with its dates. */
export function healthReportLines(check: HealthCheck): string[] {
  const lines = [header(check)];
  if (!check.problems.length) return [...lines, '各单位、各学校均按时报送。'];
  for (const status of ['缺报', '迟报', '异常'] as const) {
    const groups = problemGroups(check).filter((g) => g.status === status);
    if (!groups.length) continue;
    lines.push(`${STATUS_WORDS[status]}：`);
    for (const group of groups) {
      if (group.unit) lines.push(`  ${group.unit_name} ${group.what}：${standing(group.unit)}`);
      if (group.schools.length) {
        lines.push(`  ${group.unit_name} ${group.what} ${group.schools.length} 所学校：`);
        for (const s of group.schools) lines.push(`    ${s.school_code} ${s.school_name}：${standing(s)}`);
      }
    }
  }
  return lines;
}

/** At most this many schools are named per unit and source in a message; the rest are counted. */
const NAMED_SCHOOLS = 50;

/** The short message a webhook gets (a 企业微信/钉钉 group robot reads it as text): what is missing, late or dropped, by unit. */
export function healthMessage(check: HealthCheck): string {
  const lines = [`【${header(check)}】`];
  for (const status of ['缺报', '迟报', '异常'] as const) {
    const groups = problemGroups(check).filter((g) => g.status === status);
    if (!groups.length) continue;
    lines.push(`${STATUS_WORDS[status]}：`);
    for (const group of groups) {
      if (group.unit) lines.push(`· ${group.unit_name} ${group.what}：${standing(group.unit)}`);
      if (group.schools.length) {
        const named = group.schools.slice(0, NAMED_SCHOOLS).map((s) => `${s.school_name}（${s.latest_on ? `最新 ${s.latest_on}` : '从未报送'}）`);
        const more = group.schools.length > NAMED_SCHOOLS ? ` 等 ${group.schools.length} 所` : '';
        lines.push(`· ${group.unit_name} ${group.what} ${group.schools.length} 所学校：${named.join('、')}${more}`);
      }
    }
  }
  lines.push('详见数据质量页“报送监测”，或运行 safecampus status --health');
  return lines.join('\n');
}

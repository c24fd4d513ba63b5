// The 报送监测 (source monitoring) data of the 数据质量 page, the 县区评分卡 pages and the 总览
// banner, read from a snapshot: marts.source_health (statuses on the day the data runs to), the
// cadences they were judged by (ref.source_cadence) as Chinese sentences, and the history of
// checks (audit.health_checks, audit.health_results) saying since when each problem stands.
// A snapshot from before the monitor existed has none of it: `sourceHealth` returns null.
import { sql, type Kysely, type QueryCreator } from 'kysely';
import { sourceName } from '../../transforms/source-health.ts';
import type { SourceCadence } from '../../sources/reporting-reference.ts';
import type { Database } from '../../warehouse/schema.generated.ts';
import { typedSnapshot, type Snapshot } from './snapshot.ts';


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

type Q = Kysely<Database>;

/**
 * Per reporting row not 正常 in the latest check: the first check of its current unbroken run of
 * checks in which it was not 正常 either, and how many checks that run holds.
 */
function flaggedSince(q: QueryCreator<Database>) {
  return q
    .with('checks', (w) =>
      w
        .selectFrom('audit.health_checks')
        .select((eb) => ['check_id', 'check_on', sql<number>`row_number() over (order by ${eb.ref('checked_at')}, ${eb.ref('check_id')})`.as('n')]),
    )
    .with('flagged', (w) =>
      w
        .selectFrom('audit.health_results as r')
        .innerJoin('checks as c', 'c.check_id', 'r.check_id')
        .select((eb) => ['r.scope', 'r.source', 'r.unit_code', eb.fn.coalesce('r.school_code', sql.lit('')).as('school_key'), 'c.n', 'c.check_on']),
    )
    .with('current', (w) =>
      w
        .selectFrom('flagged')
        .select(['scope', 'source', 'unit_code', 'school_key'])
        .where('n', '=', (eb) => eb.selectFrom('checks').select((c) => c.fn.max('n').as('n'))),
    )
    .with('last_clear', (w) =>
      w
        .selectFrom('current')
        .crossJoin('checks')
        .select((eb) => ['current.scope', 'current.source', 'current.unit_code', 'current.school_key', eb.fn.max('checks.n').as('n')])
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('flagged as f')
                .select(sql.lit(1).as('one'))
                .whereRef('f.scope', '=', 'current.scope')
                .whereRef('f.source', '=', 'current.source')
                .whereRef('f.unit_code', '=', 'current.unit_code')
                .whereRef('f.school_key', '=', 'current.school_key')
                .whereRef('f.n', '=', 'checks.n'),
            ),
          ),
        )
        .groupBy(sql`all`),
    )
    .selectFrom('flagged as f')
    .innerJoin('current', (join) =>
      join.onRef('current.scope', '=', 'f.scope').onRef('current.source', '=', 'f.source').onRef('current.unit_code', '=', 'f.unit_code').onRef('current.school_key', '=', 'f.school_key'),
    )
    .leftJoin('last_clear', (join) =>
      join
        .onRef('last_clear.scope', '=', 'f.scope')
        .onRef('last_clear.source', '=', 'f.source')
        .onRef('last_clear.unit_code', '=', 'f.unit_code')
        .onRef('last_clear.school_key', '=', 'f.school_key'),
    )
    .select((eb) => [
      'f.scope',
      'f.source',
      'f.unit_code',
      sql<string | null>`nullif(${eb.ref('f.school_key')}, '')`.as('school_code'),
      sql<string>`min(${eb.ref('f.check_on')})::varchar`.as('flagged_since_on'),
      sql<number>`count(*)::integer`.as('n_checks'),
    ])
    .where((eb) => sql<boolean>`${eb.ref('f.n')} > coalesce(${eb.ref('last_clear.n')}, 0)`)
    .groupBy(sql`all`);
}

/** flaggedSince's columns with no rows, for a snapshot from before the check history was kept. */
function noneFlagged(q: QueryCreator<Database>) {
  return q
    .selectNoFrom([
      sql<string>`null::varchar`.as('scope'),
      sql<string>`null::varchar`.as('source'),
      sql<string>`null::varchar`.as('unit_code'),
      sql<string | null>`null::varchar`.as('school_code'),
      sql<string>`null::varchar`.as('flagged_since_on'),
      sql<number>`null::integer`.as('n_checks'),
    ])
    .where(sql.lit(false));
}

/** The 报送监测 data of the city (unitCode null) or of one unit; null for a snapshot without the monitor. */
export async function sourceHealth(snapshot: Snapshot, unitCode: string | null) {
  if (!snapshot.has('marts.source_health')) return null;
  const q: Q = typedSnapshot(snapshot);
  const hasHistory = snapshot.has('audit.health_checks') && snapshot.has('audit.health_results');
  const rows = (
    await q
      .with('flagged_since', (w) => (hasHistory ? flaggedSince(w) : noneFlagged(w)))
      .selectFrom('marts.source_health as h')
      .leftJoin('flagged_since as f', (join) =>
        join
          .onRef('f.scope', '=', 'h.scope')
          .onRef('f.source', '=', 'h.source')
          .onRef('f.unit_code', '=', 'h.unit_code')
          .onRef('f.school_code', 'is not distinct from', 'h.school_code'),
      )
      .select((eb) => [
        'h.scope',
        'h.source',
        'h.record_kind',
        'h.unit_code',
        'h.unit_name',
        'h.school_code',
        'h.school_name',
        'h.cadence',
        'h.status',
        sql<string | null>`${eb.ref('h.latest_on')}::varchar`.as('latest_on'),
        'h.lag_days',
        sql<string | null>`${eb.ref('h.status_since_on')}::varchar`.as('status_since_on'),
        'h.n_schools_expected',
        'h.n_schools_reporting',
        'h.completeness',
        'h.n_schools_late',
        'h.n_schools_missing',
        'f.flagged_since_on',
        'f.n_checks',
      ])
      .where((eb) => sql<boolean>`${eb.ref('h.unit_code')} = coalesce(${unitCode}, ${eb.ref('h.unit_code')})`)
      .orderBy((eb) => sql`${eb.ref('h.scope')} = 'school'`)
      .orderBy((eb) => sql`case ${eb.ref('h.status')} when '缺报' then 0 when '迟报' then 1 when '异常' then 2 else 3 end`)
      .orderBy('h.unit_code')
      .orderBy('h.source')
      .orderBy('h.school_code')
      .$narrowType<{ scope: 'unit' | 'school' }>()
      .execute()
  ).map((row) => ({
    ...row,
    source_name: sourceName(row.source),
    what: what(row.source, row.record_kind),
  }));
  const asOf = await q
    .selectFrom('marts.source_health')
    .select((eb) => sql<string | null>`max(${eb.ref('as_of_on')})::varchar`.as('as_of_on'))
    .executeTakeFirst();
  const cadences = await q
    .selectFrom('ref.source_cadence')
    .selectAll()
    .orderBy('scope')
    .orderBy('source')
    // the reference loader (warehouse/reporting-reference.ts) admits only these values
    .$narrowType<Pick<SourceCadence, 'source' | 'scope' | 'cadence' | 'due_from'>>()
    .execute();
  const rules = cadences.map((rule) => ({
    source: rule.source,
    scope: rule.scope,
    what: what(rule.source, rule.record_kind),
    rule: ruleText(rule),
  }));
  const latestCheck = hasHistory
    ? await q
        .selectFrom('audit.health_checks')
        .select((eb) => [
          sql<string>`${eb.ref('check_on')}::varchar`.as('check_on'),
          'checked_at',
          sql<string | null>`${eb.ref('data_until_on')}::varchar`.as('data_until_on'),
          'check_trigger',
          'n_late',
          'n_missing',
          'n_anomalies',
          'notify_status',
          eb.selectFrom('audit.health_checks').select(sql<number>`count(*)::integer`.as('n')).as('n_checks'),
        ])
        .orderBy('checked_at', 'desc')
        .orderBy('check_id', 'desc')
        .limit(1)
        .executeTakeFirst()
    : undefined;
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
  const rows = await typedSnapshot(snapshot)
    .selectFrom('marts.source_health')
    .select(['unit_name', 'source', 'record_kind', 'scope', sql<number>`count(*)::integer`.as('n')])
    .where('status', '=', sql.lit('缺报'))
    .where((eb) => sql<boolean>`${eb.ref('unit_code')} = coalesce(${unitCode}, ${eb.ref('unit_code')})`)
    .groupBy(['unit_code', 'unit_name', 'source', 'record_kind', 'scope'])
    .orderBy((eb) => sql`${eb.ref('scope')} = 'school'`)
    .orderBy('unit_code')
    .orderBy('source')
    .execute();
  return rows.map((r) => ({ unit_name: r.unit_name, what: what(r.source, r.record_kind), n_schools: r.scope === 'school' ? r.n : null }));
}

// Data for the 总览 (overview) page, one view per period of marts.unit_scorecard:
// headline numbers (schools, average score, grades, vetoes from marts.school_scorecard;
// open and overdue major hazards from core.fct_hazards at the period's as-of day; pooled
// on-time rectification A3 and device uptime B2–B4 from marts.unit_indicator_ranking;
// red/orange alert response from core.fct_alerts; incidents from core.fct_cases, as
// transforms/published-cases.ts publishes the city's total — withheld in the rare table where
// it alone would give a school's "<3" away, docs/privacy.md), the unit
// ranking with rank changes, the city's trend and what changed since the previous period; and
// `missing_sources`, what is 缺报 in marts.source_health, for the page's one-line banner.
// In a unit-scoped build the school-level figures are the unit's own (lib/scope.ts).
//
// Grain of the output: one JSON document; `by_period[period].units` one row per unit with a
// scorecard row; `trend` one row per period and unit.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../../warehouse/schema.generated.ts';
import { missingSummary } from '../../lib/health.ts';
import { siteLoader } from '../../lib/loader.ts';
import { publishedAt, typedSnapshot, type Snapshot } from '../../lib/snapshot.ts';
import { caseGroups, publishCases } from '../../../transforms/published-cases.ts';

type Q = Kysely<Database>;

/** `count(*) filter (where …)` as an integer. */
const countWhere = (condition: RawBuilder<unknown>) => sql<number>`count(*) filter (where ${condition})::integer`;
const literals = (values: string[]) => sql.join(values.map((v) => sql.lit(v)));

/** The units of every period with their previous period's score and grade, by period, ranked units first. */
function unitsOf(q: Q) {
  return q
    .selectFrom('marts.unit_scorecard as s')
    .innerJoin('core.dim_periods as d', 'd.period_id', 's.period')
    .leftJoin('marts.unit_scorecard as p', (join) => join.onRef('p.period', '=', 'd.previous_period_id').onRef('p.unit_code', '=', 's.unit_code'))
    .select([
      's.period',
      's.unit_code',
      's.unit_name',
      's.is_ranked',
      's.score',
      's.grade',
      's.rank',
      's.previous_rank',
      's.rank_change',
      'p.score as previous_score',
      'p.grade as previous_grade',
      's.n_schools',
      's.n_vetoed_schools',
    ])
    .orderBy('s.period')
    .orderBy('s.is_ranked', 'desc')
    .orderBy('s.rank', (order) => order.nullsLast())
    .orderBy('s.score', 'desc')
    .orderBy('s.unit_code')
    .execute();
}

/** School-level headline numbers of every period at once. */
function headlinesOf(q: Q) {
  return q
    .with('schools', (w) =>
      w
        .selectFrom('marts.school_scorecard')
        .select((eb) => [
          'period',
          sql<number>`count(*)::integer`.as('n_schools'),
          sql<number>`round(avg(${eb.ref('score')}), 2)`.as('average_score'),
          countWhere(sql`${eb.ref('is_vetoed')}`).as('n_vetoed'),
          countWhere(sql`${eb.ref('grade')} = '优秀'`).as('n_excellent'),
          countWhere(sql`${eb.ref('grade')} = '良好'`).as('n_good'),
          countWhere(sql`${eb.ref('grade')} = '合格'`).as('n_pass'),
          countWhere(sql`${eb.ref('grade')} = '不合格'`).as('n_fail'),
        ])
        .groupBy('period'),
    )
    .with('pooled', (w) =>
      w
        .selectFrom('marts.unit_indicator_ranking')
        .select((eb) => {
          const a3 = sql`${eb.ref('indicator_id')} = 'A3'`;
          const devices = sql`${eb.ref('indicator_id')} in (${literals(['B2', 'B3', 'B4'])})`;
          return [
            'period',
            sql<number | null>`sum(${eb.ref('numerator')}) filter (where ${a3})`.as('rectified_on_time'),
            sql<number | null>`sum(${eb.ref('denominator')}) filter (where ${a3})`.as('hazards_due'),
            sql<number | null>`sum(${eb.ref('numerator')}) filter (where ${devices})`.as('device_hours_online'),
            sql<number | null>`sum(${eb.ref('denominator')}) filter (where ${devices})`.as('device_hours'),
          ];
        })
        .groupBy('period'),
    )
    .with('hazards', (w) =>
      w
        .selectFrom('core.dim_periods as d')
        .crossJoin('core.fct_hazards as h')
        .select((eb) => {
          const open = sql`${eb.ref('h.is_major')} and ${eb.ref('h.found_on')} <= ${eb.ref('d.as_of_on')}`;
          const unrectified = sql`(${eb.ref('h.rectified_on')} is null or ${eb.ref('h.rectified_on')} > ${eb.ref('d.as_of_on')})`;
          return [
            'd.period_id as period',
            countWhere(sql`${open} and ${unrectified}`).as('open_major'),
            countWhere(sql`${open} and ${eb.ref('h.due_on')} < ${eb.ref('d.as_of_on')} and ${unrectified}`).as('overdue_major'),
          ];
        })
        .groupBy('d.period_id'),
    )
    .with('alerts', (w) =>
      w
        .selectFrom('core.fct_alerts as a')
        .innerJoin('core.dim_period_days as p', (join) => join.on((eb) => sql<boolean>`${eb.ref('p.day_on')} = ${eb.ref('a.raised_at')}::date`))
        .select((eb) => [
          'p.period_id as period',
          sql<number>`count(*)::integer`.as('n_red_orange'),
          sql<number | null>`median(${eb.ref('a.minutes_to_acknowledge')})`.as('red_orange_median_minutes'),
        ])
        .where('a.level', 'in', [sql.lit('红'), sql.lit('橙')])
        .where((eb) => sql<boolean>`not ${eb.ref('a.is_duplicate')}`)
        .groupBy('p.period_id'),
    )
    .with('cases', (w) =>
      w
        .selectFrom('core.fct_cases as c')
        .innerJoin('core.dim_period_days as p', (join) => join.on((eb) => sql<boolean>`${eb.ref('p.day_on')} = ${eb.ref('c.occurred_at')}::date`))
        .select(['p.period_id as period', sql<number>`count(*)::integer`.as('n_cases')])
        .groupBy('p.period_id'),
    )
    .selectFrom('core.dim_periods as d')
    .innerJoin('schools as s', 's.period', 'd.period_id')
    .leftJoin('pooled', 'pooled.period', 'd.period_id')
    .leftJoin('hazards', 'hazards.period', 'd.period_id')
    .leftJoin('alerts', 'alerts.period', 'd.period_id')
    .leftJoin('cases', 'cases.period', 'd.period_id')
    .select((eb) => [
      'd.period_id as period',
      's.n_schools',
      's.average_score',
      's.n_vetoed',
      's.n_excellent',
      's.n_good',
      's.n_pass',
      's.n_fail',
      'pooled.rectified_on_time',
      'pooled.hazards_due',
      'pooled.device_hours_online',
      'pooled.device_hours',
      eb.fn.coalesce('hazards.open_major', sql.lit(0)).as('open_major'),
      eb.fn.coalesce('hazards.overdue_major', sql.lit(0)).as('overdue_major'),
      eb.fn.coalesce('alerts.n_red_orange', sql.lit(0)).as('n_red_orange'),
      'alerts.red_orange_median_minutes',
      eb.fn.coalesce('cases.n_cases', sql.lit(0)).as('n_cases'),
    ])
    .orderBy('d.period_id')
    .execute();
}

/** How many schools moved up and down a grade since the previous period, for every period. */
function gradeChangesOf(q: Q) {
  return q
    .selectFrom('marts.school_scorecard as s')
    .innerJoin('core.dim_periods as d', 'd.period_id', 's.period')
    .innerJoin('marts.school_scorecard as p', (join) => join.onRef('p.period', '=', 'd.previous_period_id').onRef('p.school_code', '=', 's.school_code'))
    .innerJoin('ref.grade_bands as b', (join) => join.onRef('b.grade', '=', 's.grade').onRef('b.edition', '=', 's.definition_edition'))
    .innerJoin('ref.grade_bands as a', (join) => join.onRef('a.grade', '=', 'p.grade').onRef('a.edition', '=', 's.definition_edition'))
    .select((eb) => [
      's.period',
      sql<'up' | 'down'>`case when ${eb.ref('b.min_score')} > ${eb.ref('a.min_score')} then 'up' else 'down' end`.as('direction'),
      sql<number>`count(*)::integer`.as('n'),
    ])
    .whereRef('s.grade', '<>', 'p.grade')
    .groupBy(sql`all`)
    .orderBy('s.period')
    .orderBy('direction')
    .execute();
}

/** `rows` grouped by their period, each group in the rows' order, without the period. */
function byPeriodOf<R extends { period: string }>(rows: R[]): Map<string, Omit<R, 'period'>[]> {
  const groups = new Map<string, Omit<R, 'period'>[]>();
  for (const { period, ...rest } of rows) {
    const group = groups.get(period) ?? [];
    group.push(rest);
    groups.set(period, group);
  }
  return groups;
}

async function overview(snapshot: Snapshot) {
  const q = typedSnapshot(snapshot);
  const headlines = await headlinesOf(q);
  const periods = headlines.map((h) => h.period).sort();
  const latestYear = periods.filter((p) => /^\d{4}$/.test(p)).at(-1);
  if (latestYear === undefined) throw new Error('marts.school_scorecard has no annual rows: run `safecampus transform` before building the site');
  const byPeriod: Record<string, unknown> = {};
  const cases = await caseGroups(q).execute();
  const unitsByPeriod = byPeriodOf(await unitsOf(q));
  const gradeChangesByPeriod = byPeriodOf(await gradeChangesOf(q));
  for (const h of headlines) {
    const units = unitsByPeriod.get(h.period) ?? [];
    const gradeChanges = gradeChangesByPeriod.get(h.period) ?? [];
    const groups = cases.filter((g) => g.period === h.period);
    const city = groups.length ? { ...h, n_cases: publishCases(groups).n_cases } : h;
    byPeriod[h.period] = { city, units, school_grade_changes: Object.fromEntries(gradeChanges.map((g) => [g.direction, g.n])) };
  }
  const trend = await q
    .selectFrom('marts.unit_scorecard as s')
    .innerJoin('core.dim_periods as d', 'd.period_id', 's.period')
    .select(['s.period', 'd.period_kind', 's.unit_code', 's.unit_name', 's.is_ranked', 's.score', 's.rank'])
    .orderBy('s.period')
    .orderBy('s.unit_code')
    .execute();
  return {
    published_at: await publishedAt(snapshot),
    default_period: latestYear,
    scope: snapshot.scope,
    by_period: byPeriod,
    trend,
    missing_sources: await missingSummary(snapshot, snapshot.scope?.unit_code ?? null),
  };
}

export default await siteLoader(import.meta, {
  output: 'overview.json',
  build: overview,
  tables: [
    'marts.unit_scorecard',
    'marts.school_scorecard',
    'marts.unit_indicator_ranking',
    'core.dim_periods',
    'core.dim_period_days',
    'core.fct_hazards',
    'core.fct_alerts',
    'core.fct_cases',
    'ref.grade_bands',
  ],
});

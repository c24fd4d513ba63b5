// Data for the 专项工作 (programmes) page, per period of core.dim_periods:
// - indicators: drowning (D1–D3), bullying (E1, E2), mental health (F1, F2) and drills (C1)
//   per unit from marts.unit_indicator_ranking;
// - patrols: 水域巡查 activities per calendar month of the period (start_on to the as-of
//   day, every month listed, zero included), flagged when the month is in the May–September
//   drowning season.
//
// Grain of the output: one gzip-compressed JSON document (lib/gzip.ts); by_period[p].indicators one row per unit and
// indicator, patrols one row per month.
import { gzipJson } from '../../lib/gzip.ts';
import { sql } from 'kysely';
import { periodsAsOf, rowsOfPeriod, unitIndicatorRows } from '../../lib/periods.ts';
import { siteLoader } from '../../lib/loader.ts';
import { typedSnapshot, type Snapshot } from '../../lib/snapshot.ts';

const GROUPS = [
  { key: 'drowning', indicators: ['D1', 'D2', 'D3'] },
  { key: 'bullying', indicators: ['E1', 'E2'] },
  { key: 'mental', indicators: ['F1', 'F2'] },
  { key: 'drills', indicators: ['C1'] },
];

/** The drowning-prevention season: May to September. */
const SEASON_MONTHS = [5, 6, 7, 8, 9];

async function programmes(snapshot: Snapshot) {
  const q = typedSnapshot(snapshot);
  const periods = await periodsAsOf(q);
  const indicators = await unitIndicatorRows(q, GROUPS.flatMap((g) => g.indicators));
  const patrols = await q
    .with('months', (w) =>
      w
        .selectFrom('core.dim_periods as d')
        .select(['d.period_id as period', 'd.start_on', 'd.as_of_on', sql<string>`m.range::date`.as('month_on')])
        // every month of the period, one row each (DuckDB's range() table function)
        .innerJoin(
          (eb) => sql`range(date_trunc('month', ${eb.ref('d.start_on')})::timestamp, ${eb.ref('d.as_of_on')}::timestamp + interval 1 day, interval 1 month)`.as('m'),
          (join) => join.onTrue(),
        ),
    )
    .selectFrom('months as m')
    .leftJoin('core.fct_activities as a', (join) =>
      join
        .on('a.activity_kind', '=', sql.lit('水域巡查'))
        .on((eb) => sql<boolean>`date_trunc('month', ${eb.ref('a.activity_on')}) = ${eb.ref('m.month_on')} and ${eb.ref('a.activity_on')} between ${eb.ref('m.start_on')} and ${eb.ref('m.as_of_on')}`),
    )
    .select((eb) => [
      'm.period',
      sql<string>`strftime(${eb.ref('m.month_on')}, '%Y-%m')`.as('month'),
      sql<boolean>`month(${eb.ref('m.month_on')}) in (${sql.raw(SEASON_MONTHS.join(', '))})`.as('in_season'),
      sql<number>`count(${eb.ref('a.activity_id')})::integer`.as('n'),
    ])
    .groupBy(sql`all`)
    .orderBy('m.period')
    .orderBy('month')
    .execute();
  return gzipJson({
    scope: snapshot.scope,
    groups: GROUPS,
    by_period: Object.fromEntries(
      periods.map(({ period_id: p, as_of_on }) => [p, { as_of_on, indicators: rowsOfPeriod(indicators, p), patrols: rowsOfPeriod(patrols, p) }]),
    ),
  });
}

export default await siteLoader(import.meta, {
  output: 'programmes.json.gz',
  tables: ['core.fct_activities', 'core.dim_periods', 'marts.unit_indicator_ranking', 'ref.indicators'],
  build: programmes,
});

// Data for the 专项工作 (programmes) page, per period of core.dim_periods:
// - indicators: drowning (D1–D3), bullying (E1, E2), mental health (F1, F2) and drills (C1)
//   per unit from marts.unit_indicator_ranking;
// - patrols: 水域巡查 activities per calendar month of the period (start_on to the as-of
//   day, every month listed, zero included), flagged when the month is in the May–September
//   drowning season.
//
// Grain of the output: one JSON document; by_period[p].indicators one row per unit and
// indicator, patrols one row per month.
import { rowsOfPeriod, unitIndicatorSql } from '../../lib/periods.ts';
import { siteLoader } from '../../lib/loader.ts';
import type { Snapshot } from '../../lib/snapshot.ts';

const GROUPS = [
  { key: 'drowning', indicators: ['D1', 'D2', 'D3'] },
  { key: 'bullying', indicators: ['E1', 'E2'] },
  { key: 'mental', indicators: ['F1', 'F2'] },
  { key: 'drills', indicators: ['C1'] },
];

/** The drowning-prevention season: May to September. */
const SEASON_MONTHS = [5, 6, 7, 8, 9];

async function programmes(snapshot: Snapshot) {
  const periods = await snapshot.query<{ period_id: string; as_of_on: string }>(
    `select period_id, as_of_on::varchar as as_of_on from core.dim_periods order by period_id`,
  );
  const indicators = await snapshot.query<{ period: string }>(unitIndicatorSql(GROUPS.flatMap((g) => g.indicators)));
  const patrols = await snapshot.query<{ period: string }>(
    `with months as (
       select d.period_id as period, d.start_on, d.as_of_on, m.range::date as month_on
       from core.dim_periods d, range(date_trunc('month', d.start_on)::timestamp, d.as_of_on::timestamp + interval 1 day, interval 1 month) as m)
     select m.period, strftime(m.month_on, '%Y-%m') as month, month(m.month_on) in (${SEASON_MONTHS.join(', ')}) as in_season,
            count(a.activity_id)::integer as n
     from months m left join core.fct_activities a
       on a.activity_kind = '水域巡查' and date_trunc('month', a.activity_on) = m.month_on and a.activity_on between m.start_on and m.as_of_on
     group by all order by m.period, month`,
  );
  return {
    scope: snapshot.scope,
    groups: GROUPS,
    by_period: Object.fromEntries(
      periods.map(({ period_id: p, as_of_on }) => [p, { as_of_on, indicators: rowsOfPeriod(indicators, p), patrols: rowsOfPeriod(patrols, p) }]),
    ),
  };
}

export default await siteLoader(import.meta, {
  output: 'programmes.json',
  tables: ['core.fct_activities', 'core.dim_periods', 'marts.unit_indicator_ranking', 'ref.indicators'],
  build: programmes,
});

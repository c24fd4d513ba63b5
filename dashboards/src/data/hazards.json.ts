// Data for the 隐患治理 (hazards) page, per period of core.dim_periods:
// - open: hazards open at the period's as-of day (found by then, not rectified by then),
//   counted by age band (days since found) and hazard level;
// - overdue_major: the major hazards open past their due date at the as-of day, one row per
//   hazard (school, item, description, dates, days overdue; no person named);
// - funnel: hazards found in the period, due in it, of those rectified by the as-of day and
//   rectified by their due date (the A3 numerator over its denominator);
// - recurrence: A5 per unit from marts.unit_indicator_ranking (pooled over the unit's schools).
//
// Grain of the output: one JSON document; by_period[p].open one row per age band and level,
// overdue_major one row per hazard, funnel one object, recurrence one row per unit.
import { rowsOfPeriod } from '../../lib/periods.ts';
import { runLoader, type Snapshot } from '../../lib/snapshot.ts';

/** Age bands of an open hazard, in days since it was found (upper bounds inclusive). */
const AGE_BANDS = [
  { band: '30天以内', max: 30 },
  { band: '31–90天', max: 90 },
  { band: '91–180天', max: 180 },
  { band: '180天以上', max: null },
];

const AGE_BAND_SQL = `case ${AGE_BANDS.filter((b) => b.max !== null).map((b) => `when d.as_of_on - h.found_on <= ${b.max} then '${b.band}'`).join(' ')} else '${AGE_BANDS.at(-1)!.band}' end`;

const OPEN_AT_AS_OF = `
  from core.dim_periods d join core.fct_hazards h
    on h.found_on <= d.as_of_on and (h.rectified_on is null or h.rectified_on > d.as_of_on)`;

async function hazards(snapshot: Snapshot) {
  const periods = await snapshot.query<{ period_id: string; as_of_on: string }>(
    `select period_id, as_of_on::varchar as as_of_on from core.dim_periods order by period_id`,
  );
  const open = await snapshot.query<{ period: string }>(
    `select d.period_id as period, ${AGE_BAND_SQL} as band, h.hazard_level, count(*)::integer as n
     ${OPEN_AT_AS_OF} group by all order by period, band, hazard_level`,
  );
  const overdue = await snapshot.query<{ period: string }>(
    `select d.period_id as period, h.hazard_id, h.school_code, s.school_name, u.unit_name, h.item_code, h.hazard_text,
            h.found_on::varchar as found_on, h.due_on::varchar as due_on, (d.as_of_on - h.due_on)::integer as days_overdue
     ${OPEN_AT_AS_OF}
     left join core.dim_schools s on s.school_code = h.school_code and s.is_current
     left join ref.units u on u.unit_code = h.unit_code
     where h.is_major and h.due_on < d.as_of_on
     order by period, days_overdue desc, h.hazard_id`,
  );
  const funnel = await snapshot.query<{ period: string }>(
    `select d.period_id as period,
            count(*) filter (where h.found_on between d.start_on and d.as_of_on)::integer as n_found,
            count(*) filter (where h.due_on between d.start_on and d.as_of_on)::integer as n_due,
            count(*) filter (where h.due_on between d.start_on and d.as_of_on and h.rectified_on <= d.as_of_on)::integer as n_rectified,
            count(*) filter (where h.due_on between d.start_on and d.as_of_on and h.rectified_on <= h.due_on)::integer as n_on_time
     from core.dim_periods d cross join core.fct_hazards h group by all`,
  );
  const recurrence = await snapshot.query<{ period: string }>(
    `select r.period, r.unit_code, r.unit_name, r.value, r.numerator::integer as n_recurred, r.denominator::integer as n_hazards, r.rank
     from marts.unit_indicator_ranking r where r.indicator_id = 'A5' order by r.period, r.rank nulls last, r.unit_code`,
  );
  return {
    scope: snapshot.scope,
    age_bands: AGE_BANDS.map((b) => b.band),
    by_period: Object.fromEntries(
      periods.map(({ period_id: p, as_of_on }) => [
        p,
        {
          as_of_on,
          open: rowsOfPeriod(open, p),
          overdue_major: rowsOfPeriod(overdue, p),
          funnel: rowsOfPeriod(funnel, p)[0] ?? { n_found: 0, n_due: 0, n_rectified: 0, n_on_time: 0 },
          recurrence: rowsOfPeriod(recurrence, p),
        },
      ]),
    ),
  };
}

await runLoader('hazards.json', hazards, ['core.fct_hazards', 'core.dim_periods', 'core.dim_schools', 'marts.unit_indicator_ranking']);

// Data for the 隐患治理 (hazards) page, per period of core.dim_periods:
// - open: hazards open at the period's as-of day (found by then, not rectified by then),
//   counted by age band (days since found) and hazard level;
// - overdue_major: the major hazards open past their due date at the as-of day: their number
//   (total) and the OVERDUE_LIMIT most overdue as [index into overdue_hazards, days overdue];
//   overdue_hazards holds each listed hazard once (school, item, description, dates; no person
//   named), as the periods' lists overlap. The full list is docs/queries.md, query 4;
// - funnel: hazards found in the period, due in it, of those rectified by the as-of day and
//   rectified by their due date (the A3 numerator over its denominator);
// - recurrence: A5 per unit from marts.unit_indicator_ranking (pooled over the unit's schools).
//
// Grain of the output: one gzip-compressed JSON document (lib/gzip.ts); overdue_hazards one
// row per hazard; by_period[p].open one row per age band and level, overdue_major.rows one row
// per hazard, funnel one object, recurrence one row per unit.
import { gzipJson } from '../../lib/gzip.ts';
import { rowsOfPeriod } from '../../lib/periods.ts';
import { siteLoader } from '../../lib/loader.ts';
import type { Snapshot } from '../../lib/snapshot.ts';

/** Age bands of an open hazard, in days since it was found (upper bounds inclusive). */
const AGE_BANDS = [
  { band: '30天以内', max: 30 },
  { band: '31–90天', max: 90 },
  { band: '91–180天', max: 180 },
  { band: '180天以上', max: null },
];

/** Overdue major hazards listed per period, the most overdue first: a province has thousands. */
const OVERDUE_LIMIT = 200;

const AGE_BAND_SQL = `case ${AGE_BANDS.filter((b) => b.max !== null).map((b) => `when d.as_of_on - h.found_on <= ${b.max} then '${b.band}'`).join(' ')} else '${AGE_BANDS.at(-1)!.band}' end`;

const OPEN_AT_AS_OF = `
  from core.dim_periods d join core.fct_hazards h
    on h.found_on <= d.as_of_on and (h.rectified_on is null or h.rectified_on > d.as_of_on)`;

interface OverdueRow {
  period: string;
  hazard_id: string;
  school_code: string;
  school_name: string | null;
  unit_name: string | null;
  item_code: string | null;
  hazard_text: string | null;
  found_on: string;
  due_on: string;
  days_overdue: number;
  n_total: number;
}

/** A period's overdue major hazards: how many, and the listed ones as [index into overdue_hazards, days overdue]. */
function overdueOfPeriod(rows: OverdueRow[], period: string, hazardIndex: Map<string, number>) {
  const listed = rows.filter((r) => r.period === period);
  return { total: listed[0]?.n_total ?? 0, rows: listed.map((r) => [hazardIndex.get(r.hazard_id)!, r.days_overdue]) };
}

async function hazards(snapshot: Snapshot) {
  const periods = await snapshot.query<{ period_id: string; as_of_on: string }>(
    `select period_id, as_of_on::varchar as as_of_on from core.dim_periods order by period_id`,
  );
  const open = await snapshot.query<{ period: string }>(
    `select d.period_id as period, ${AGE_BAND_SQL} as band, h.hazard_level, count(*)::integer as n
     ${OPEN_AT_AS_OF} group by all order by period, band, hazard_level`,
  );
  const overdue = await snapshot.query<OverdueRow>(
    `select * exclude (n_listed) from (
       select d.period_id as period, h.hazard_id, h.school_code, s.school_name, u.unit_name, h.item_code, h.hazard_text,
              h.found_on::varchar as found_on, h.due_on::varchar as due_on, (d.as_of_on - h.due_on)::integer as days_overdue,
              count(*) over (partition by d.period_id)::integer as n_total,
              row_number() over (partition by d.period_id order by d.as_of_on - h.due_on desc, h.hazard_id) as n_listed
       ${OPEN_AT_AS_OF}
       left join core.dim_schools s on s.school_code = h.school_code and s.is_current
       left join ref.units u on u.unit_code = h.unit_code
       where h.is_major and h.due_on < d.as_of_on)
     where n_listed <= ${OVERDUE_LIMIT}
     order by period, days_overdue desc, hazard_id`,
  );
  const hazardIndex = new Map<string, number>();
  const overdueHazards: Array<Omit<OverdueRow, 'period' | 'days_overdue' | 'n_total'>> = [];
  for (const { period: _, days_overdue: __, n_total: ___, ...hazard } of overdue) {
    if (hazardIndex.has(hazard.hazard_id)) continue;
    hazardIndex.set(hazard.hazard_id, overdueHazards.length);
    overdueHazards.push(hazard);
  }
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
  return gzipJson({
    scope: snapshot.scope,
    age_bands: AGE_BANDS.map((b) => b.band),
    overdue_limit: OVERDUE_LIMIT,
    overdue_hazards: overdueHazards,
    by_period: Object.fromEntries(
      periods.map(({ period_id: p, as_of_on }) => [
        p,
        {
          as_of_on,
          open: rowsOfPeriod(open, p),
          overdue_major: overdueOfPeriod(overdue, p, hazardIndex),
          funnel: rowsOfPeriod(funnel, p)[0] ?? { n_found: 0, n_due: 0, n_rectified: 0, n_on_time: 0 },
          recurrence: rowsOfPeriod(recurrence, p),
        },
      ]),
    ),
  });
}

export default await siteLoader(import.meta, {
  output: 'hazards.json.gz',
  tables: ['core.fct_hazards', 'core.dim_periods', 'core.dim_schools', 'marts.unit_indicator_ranking'],
  build: hazards,
});

// Data for the 隐患治理 (hazards) page, per period of core.dim_periods:
// - open: hazards open at the period's as-of day (found by then, not rectified by then),
//   counted by age band (days since found) and hazard level;
// - overdue_major: the major hazards open past their due date at the as-of day: their number
//   (total) and the OVERDUE_LIMIT most overdue as [index into overdue_hazards, days overdue];
//   overdue_hazards holds each listed hazard once (school with its type, unit, item with its name from
//   ref.checklist_items, description, dates; no person
//   named), as the periods' lists overlap. The full list is docs/queries.md, query 4;
// - funnel: hazards found in the period, due in it, of those rectified by the as-of day and
//   rectified by their due date (the A3 numerator over its denominator);
// - recurrence: A5 per unit from marts.unit_indicator_ranking (pooled over the unit's schools).
//
// Grain of the output: one gzip-compressed JSON document (lib/gzip.ts); overdue_hazards one
// row per hazard; by_period[p].open one row per age band and level, overdue_major.rows one row
// per hazard, funnel one object, recurrence one row per unit.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../warehouse/schema.generated.ts';
import { gzipJson } from '../../lib/gzip.ts';
import { periodsAsOf, rowsOfPeriod } from '../../lib/periods.ts';
import { siteLoader } from '../../lib/loader.ts';
import { typedSnapshot, type Snapshot } from '../../lib/snapshot.ts';

/** Age bands of an open hazard, in days since it was found (upper bounds inclusive). */
const AGE_BANDS = [
  { band: '30天以内', max: 30 },
  { band: '31–90天', max: 90 },
  { band: '91–180天', max: 180 },
  { band: '180天以上', max: null },
];

/** Overdue major hazards listed per period, the most overdue first: a province has thousands. */
const OVERDUE_LIMIT = 200;

type Q = Kysely<Database>;

/** Each period joined with the hazards open at its as-of day (found by then, not rectified by then). */
function openAtAsOf(q: Q) {
  return q
    .selectFrom('core.dim_periods as d')
    .innerJoin('core.fct_hazards as h', (join) =>
      join.on((eb) => sql<boolean>`${eb.ref('h.found_on')} <= ${eb.ref('d.as_of_on')} and (${eb.ref('h.rectified_on')} is null or ${eb.ref('h.rectified_on')} > ${eb.ref('d.as_of_on')})`),
    );
}

/** Per period, the major hazards open past their due date, the OVERDUE_LIMIT most overdue, with how many there are in all. */
function overdueRows(q: Q) {
  const ranked = openAtAsOf(q)
    .leftJoin('core.dim_schools as s', (join) => join.onRef('s.school_code', '=', 'h.school_code').on('s.is_current', '=', sql.lit(true)))
    .leftJoin('ref.units as u', 'u.unit_code', 'h.unit_code')
    .leftJoin('ref.checklist_items as c', 'c.item_code', 'h.item_code')
    .select((eb) => {
      const daysOverdue = sql`${eb.ref('d.as_of_on')} - ${eb.ref('h.due_on')}`;
      return [
        'd.period_id as period',
        'h.hazard_id',
        'h.school_code',
        's.school_name',
        's.school_type',
        'h.unit_code',
        'u.unit_name',
        'h.item_code',
        'c.item_name',
        'h.hazard_text',
        sql<string>`${eb.ref('h.found_on')}::varchar`.as('found_on'),
        sql<string>`${eb.ref('h.due_on')}::varchar`.as('due_on'),
        sql<number>`(${daysOverdue})::integer`.as('days_overdue'),
        sql<number>`count(*) over (partition by ${eb.ref('d.period_id')})::integer`.as('n_total'),
        sql<number>`row_number() over (partition by ${eb.ref('d.period_id')} order by ${daysOverdue} desc, ${eb.ref('h.hazard_id')})`.as('n_listed'),
      ];
    })
    .where('h.is_major', '=', sql.lit(true))
    .whereRef('h.due_on', '<', 'd.as_of_on');
  return q
    .selectFrom(ranked.as('o'))
    .select(['period', 'hazard_id', 'school_code', 'school_name', 'school_type', 'unit_code', 'unit_name', 'item_code', 'item_name', 'hazard_text', 'found_on', 'due_on', 'days_overdue', 'n_total'])
    .where('n_listed', '<=', sql.lit(OVERDUE_LIMIT))
    .orderBy('period')
    .orderBy('days_overdue', 'desc')
    .orderBy('hazard_id')
    .execute();
}

type OverdueRow = Awaited<ReturnType<typeof overdueRows>>[number];

/** A period's overdue major hazards: how many, and the listed ones as [index into overdue_hazards, days overdue]. */
function overdueOfPeriod(rows: OverdueRow[], period: string, hazardIndex: Map<string, number>) {
  const listed = rows.filter((r) => r.period === period);
  return { total: listed[0]?.n_total ?? 0, rows: listed.map((r) => [hazardIndex.get(r.hazard_id)!, r.days_overdue]) };
}

async function hazards(snapshot: Snapshot) {
  const q = typedSnapshot(snapshot);
  const periods = await periodsAsOf(q);
  const open = await openAtAsOf(q)
    .select((eb) => {
      const age = sql`${eb.ref('d.as_of_on')} - ${eb.ref('h.found_on')}`;
      const bounded = AGE_BANDS.filter((b) => b.max !== null).map((b) => sql`when ${age} <= ${sql.lit(b.max)} then ${sql.lit(b.band)}`);
      return [
        'd.period_id as period',
        sql<string>`case ${sql.join(bounded, sql` `)} else ${sql.lit(AGE_BANDS.at(-1)!.band)} end`.as('band'),
        'h.hazard_level',
        sql<number>`count(*)::integer`.as('n'),
      ];
    })
    .groupBy(sql`all`)
    .orderBy('period')
    .orderBy('band')
    .orderBy('hazard_level')
    .execute();
  const overdue = await overdueRows(q);
  const hazardIndex = new Map<string, number>();
  const overdueHazards: Array<Omit<OverdueRow, 'period' | 'days_overdue' | 'n_total'>> = [];
  for (const { period: _, days_overdue: __, n_total: ___, ...hazard } of overdue) {
    if (hazardIndex.has(hazard.hazard_id)) continue;
    hazardIndex.set(hazard.hazard_id, overdueHazards.length);
    overdueHazards.push(hazard);
  }
  const funnel = await q
    .selectFrom('core.dim_periods as d')
    .crossJoin('core.fct_hazards as h')
    .select((eb) => {
      const dueInPeriod = sql`${eb.ref('h.due_on')} between ${eb.ref('d.start_on')} and ${eb.ref('d.as_of_on')}`;
      return [
        'd.period_id as period',
        sql<number>`count(*) filter (where ${eb.ref('h.found_on')} between ${eb.ref('d.start_on')} and ${eb.ref('d.as_of_on')})::integer`.as('n_found'),
        sql<number>`count(*) filter (where ${dueInPeriod})::integer`.as('n_due'),
        sql<number>`count(*) filter (where ${dueInPeriod} and ${eb.ref('h.rectified_on')} <= ${eb.ref('d.as_of_on')})::integer`.as('n_rectified'),
        sql<number>`count(*) filter (where ${dueInPeriod} and ${eb.ref('h.rectified_on')} <= ${eb.ref('h.due_on')})::integer`.as('n_on_time'),
      ];
    })
    .groupBy(sql`all`)
    .execute();
  const recurrence = await q
    .selectFrom('marts.unit_indicator_ranking as r')
    .select((eb) => [
      'r.period',
      'r.unit_code',
      'r.unit_name',
      'r.value',
      sql<number | null>`${eb.ref('r.numerator')}::integer`.as('n_recurred'),
      sql<number | null>`${eb.ref('r.denominator')}::integer`.as('n_hazards'),
      'r.rank',
    ])
    .where('r.indicator_id', '=', sql.lit('A5'))
    .orderBy('r.period')
    .orderBy('r.rank', (order) => order.nullsLast())
    .orderBy('r.unit_code')
    .execute();
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
  tables: ['core.fct_hazards', 'core.dim_periods', 'core.dim_schools', 'marts.unit_indicator_ranking', 'ref.checklist_items'],
  build: hazards,
});

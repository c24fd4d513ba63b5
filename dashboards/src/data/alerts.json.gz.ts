// Data for the 预警与设备 (alerts and devices) page, per period of core.dim_periods. Alerts
// count in the period they were raised in (start_on to the as-of day); duplicates
// (is_duplicate) are left out everywhere, as in the response-time indicators.
// - acknowledge: per origin and level, alerts, acknowledged, median and 90th percentile of
//   minutes_to_acknowledge;
// - acknowledge_bins: acknowledged alerts per response-time band and level;
// - false_alarms: per origin, alerts and false alarms (is_false_alarm);
// - by_hour / by_weekday: alerts per hour of day (0–23) and ISO weekday (1 = Monday);
// - devices: B2–B5 per unit from marts.unit_indicator_ranking.
//
// Grain of the output: one gzip-compressed JSON document (lib/gzip.ts); by_period[p] as above, one row per group.
import { gzipJson } from '../../lib/gzip.ts';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../../warehouse/schema.generated.ts';
import { periodsAsOf, rowsOfPeriod, unitIndicatorRows } from '../../lib/periods.ts';
import { siteLoader } from '../../lib/loader.ts';
import { typedSnapshot, type Snapshot } from '../../lib/snapshot.ts';

/** Response-time bands in minutes (upper bounds inclusive). */
const MINUTE_BANDS = [
  { band: '5分钟以内', max: 5 },
  { band: '5–15分钟', max: 15 },
  { band: '15–30分钟', max: 30 },
  { band: '30–60分钟', max: 60 },
  { band: '60分钟以上', max: null },
];

const DEVICE_INDICATORS = ['B2', 'B3', 'B4', 'B5'] as const;

type Q = Kysely<Database>;

/** Each period joined with the alerts raised in it (start_on to the as-of day), duplicates left out. */
function alertsInPeriods(q: Q) {
  return q
    .selectFrom('core.dim_periods as d')
    .innerJoin('core.fct_alerts as a', (join) =>
      join.on((eb) => sql<boolean>`${eb.ref('a.raised_at')}::date between ${eb.ref('d.start_on')} and ${eb.ref('d.as_of_on')} and not coalesce(${eb.ref('a.is_duplicate')}, false)`),
    );
}

/** The response-time band of an alert's minutes_to_acknowledge. */
function minuteBand(minutes: RawBuilder<unknown>) {
  const bounded = MINUTE_BANDS.filter((b) => b.max !== null).map((b) => sql`when ${minutes} <= ${sql.lit(b.max)} then ${sql.lit(b.band)}`);
  return sql<string>`case ${sql.join(bounded, sql` `)} else ${sql.lit(MINUTE_BANDS.at(-1)!.band)} end`;
}

const count = sql<number>`count(*)::integer`;

async function alerts(snapshot: Snapshot) {
  const q = typedSnapshot(snapshot);
  const periods = await periodsAsOf(q);
  const acknowledge = await alertsInPeriods(q)
    .select((eb) => [
      'd.period_id as period',
      'a.origin',
      'a.level',
      count.as('n'),
      sql<number>`count(${eb.ref('a.minutes_to_acknowledge')})::integer`.as('n_acknowledged'),
      sql<number | null>`median(${eb.ref('a.minutes_to_acknowledge')})`.as('median_minutes'),
      sql<number | null>`quantile_cont(${eb.ref('a.minutes_to_acknowledge')}, 0.9)`.as('p90_minutes'),
    ])
    .groupBy(sql`all`)
    .orderBy('period')
    .orderBy('origin')
    .orderBy('level')
    .execute();
  const bins = await alertsInPeriods(q)
    .select((eb) => ['d.period_id as period', minuteBand(sql`${eb.ref('a.minutes_to_acknowledge')}`).as('band'), 'a.level', count.as('n')])
    .where('a.minutes_to_acknowledge', 'is not', null)
    .groupBy(sql`all`)
    .orderBy('period')
    .orderBy('band')
    .orderBy('level')
    .execute();
  const falseAlarms = await alertsInPeriods(q)
    .select((eb) => ['d.period_id as period', 'a.origin', count.as('n'), sql<number>`count(*) filter (where ${eb.ref('a.is_false_alarm')})::integer`.as('n_false')])
    .groupBy(sql`all`)
    .orderBy('period')
    .orderBy('origin')
    .execute();
  const byHour = await alertsInPeriods(q)
    .select((eb) => ['d.period_id as period', sql<number>`hour(${eb.ref('a.raised_at')})::integer`.as('hour'), count.as('n')])
    .groupBy(sql`all`)
    .orderBy('period')
    .orderBy('hour')
    .execute();
  const byWeekday = await alertsInPeriods(q)
    .select((eb) => ['d.period_id as period', sql<number>`isodow(${eb.ref('a.raised_at')})::integer`.as('weekday'), count.as('n')])
    .groupBy(sql`all`)
    .orderBy('period')
    .orderBy('weekday')
    .execute();
  const devices = await unitIndicatorRows(q, DEVICE_INDICATORS);
  return gzipJson({
    scope: snapshot.scope,
    minute_bands: MINUTE_BANDS.map((b) => b.band),
    device_indicators: DEVICE_INDICATORS,
    by_period: Object.fromEntries(
      periods.map(({ period_id: p, as_of_on }) => [
        p,
        {
          as_of_on,
          acknowledge: rowsOfPeriod(acknowledge, p),
          acknowledge_bins: rowsOfPeriod(bins, p),
          false_alarms: rowsOfPeriod(falseAlarms, p),
          by_hour: rowsOfPeriod(byHour, p),
          by_weekday: rowsOfPeriod(byWeekday, p),
          devices: rowsOfPeriod(devices, p),
        },
      ]),
    ),
  });
}

export default await siteLoader(import.meta, {
  output: 'alerts.json.gz',
  tables: ['core.fct_alerts', 'core.dim_periods', 'marts.unit_indicator_ranking', 'ref.indicators'],
  build: alerts,
});

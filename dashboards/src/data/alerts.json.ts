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
// Grain of the output: one JSON document; by_period[p] as above, one row per group.
import { rowsOfPeriod, unitIndicatorSql } from '../../lib/periods.ts';
import { siteLoader } from '../../lib/loader.ts';
import type { Snapshot } from '../../lib/snapshot.ts';

/** Response-time bands in minutes (upper bounds inclusive). */
const MINUTE_BANDS = [
  { band: '5分钟以内', max: 5 },
  { band: '5–15分钟', max: 15 },
  { band: '15–30分钟', max: 30 },
  { band: '30–60分钟', max: 60 },
  { band: '60分钟以上', max: null },
];

const BAND_SQL = `case ${MINUTE_BANDS.filter((b) => b.max !== null).map((b) => `when a.minutes_to_acknowledge <= ${b.max} then '${b.band}'`).join(' ')} else '${MINUTE_BANDS.at(-1)!.band}' end`;

const DEVICE_INDICATORS = ['B2', 'B3', 'B4', 'B5'] as const;

const IN_PERIOD = `
  from core.dim_periods d join core.fct_alerts a
    on a.raised_at::date between d.start_on and d.as_of_on and not coalesce(a.is_duplicate, false)`;

async function alerts(snapshot: Snapshot) {
  const periods = await snapshot.query<{ period_id: string; as_of_on: string }>(
    `select period_id, as_of_on::varchar as as_of_on from core.dim_periods order by period_id`,
  );
  const acknowledge = await snapshot.query<{ period: string }>(
    `select d.period_id as period, a.origin, a.level, count(*)::integer as n, count(a.minutes_to_acknowledge)::integer as n_acknowledged,
            median(a.minutes_to_acknowledge) as median_minutes, quantile_cont(a.minutes_to_acknowledge, 0.9) as p90_minutes
     ${IN_PERIOD} group by all order by period, origin, level`,
  );
  const bins = await snapshot.query<{ period: string }>(
    `select d.period_id as period, ${BAND_SQL} as band, a.level, count(*)::integer as n
     ${IN_PERIOD} where a.minutes_to_acknowledge is not null group by all order by period, band, level`,
  );
  const falseAlarms = await snapshot.query<{ period: string }>(
    `select d.period_id as period, a.origin, count(*)::integer as n, count(*) filter (where a.is_false_alarm)::integer as n_false
     ${IN_PERIOD} group by all order by period, origin`,
  );
  const byHour = await snapshot.query<{ period: string }>(
    `select d.period_id as period, hour(a.raised_at)::integer as hour, count(*)::integer as n ${IN_PERIOD} group by all order by period, hour`,
  );
  const byWeekday = await snapshot.query<{ period: string }>(
    `select d.period_id as period, isodow(a.raised_at)::integer as weekday, count(*)::integer as n ${IN_PERIOD} group by all order by period, weekday`,
  );
  const devices = await snapshot.query<{ period: string }>(unitIndicatorSql(DEVICE_INDICATORS));
  return {
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
  };
}

export default await siteLoader(import.meta, {
  output: 'alerts.json',
  tables: ['core.fct_alerts', 'core.dim_periods', 'marts.unit_indicator_ranking', 'ref.indicators'],
  build: alerts,
});

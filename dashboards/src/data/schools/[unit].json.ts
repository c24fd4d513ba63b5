// One unit's chunk of school details for the 学校 page (src/schools/[unit].md), run once per
// unit with --unit=CODE, so a city of thousands of schools is a handful of files fetched on
// demand instead of thousands of pages. Per school: its scorecard in every year and term,
// its indicators in every year (history), hazards open at the latest as-of day, its alerts
// of the latest year by level, and its drills of the latest year by month.
//
// Grain of the output: one JSON document; `schools` one entry per school of the unit
// (the school's latest unit is the one it is listed under).
import { parseArgs } from 'node:util';
import { runLoader, type Snapshot } from '../../../lib/snapshot.ts';

const { values } = parseArgs({ options: { unit: { type: 'string' } } });

interface School {
  school_code: string;
  school_name: string;
  school_type: string;
  [key: string]: unknown;
}

function groupBy<T extends { school_code: string }>(rows: T[]): Map<string, Array<Omit<T, 'school_code'>>> {
  const out = new Map<string, Array<Omit<T, 'school_code'>>>();
  for (const { school_code, ...rest } of rows) {
    if (!out.has(school_code)) out.set(school_code, []);
    out.get(school_code)!.push(rest);
  }
  return out;
}

async function unitSchools(snapshot: Snapshot) {
  const unit = values.unit ?? '';
  const params = { unit };
  const mine = `(select school_code from marts.school_scorecard group by school_code having arg_max(unit_code, period) = $unit)`;
  const latest = await snapshot.query<{ period: string; as_of_on: string; start_on: string }>(
    `select period_id as period, as_of_on::varchar as as_of_on, start_on::varchar as start_on from core.dim_periods where period_kind = 'year' order by period_id desc limit 1`,
  );
  const year = latest[0];
  const schools = await snapshot.query<School>(
    `select school_code, arg_max(school_name, period) as school_name, arg_max(school_type, period) as school_type
     from marts.school_scorecard where school_code in ${mine} group by school_code order by school_code`,
    params,
  );
  const cards = groupBy(
    await snapshot.query<{ school_code: string }>(
      `select s.school_code, s.period, s.score, s.grade, s.rank, s.n_ranked, s.previous_rank, s.rank_change, s.is_vetoed, s.veto_reason, s.enrollment
       from marts.school_scorecard s join core.dim_periods d on d.period_id = s.period
       where d.period_kind in ('year', 'term') and s.school_code in ${mine} order by s.period`,
      params,
    ),
  );
  // Indicators as [period, id, value, points, max_points, status] rows: the names are listed once.
  const indicatorNames = await snapshot.query<{ indicator_id: string; indicator_name: string; unit: string; sort_order: number }>(
    `select indicator_id, any_value(indicator_name) as indicator_name, any_value(unit) as unit, min(sort_order) as sort_order
     from marts.indicator_values where school_code is not null group by indicator_id order by sort_order`,
  );
  const indicators = groupBy(
    await snapshot.query<{ school_code: string }>(
      `select v.school_code, v.period, v.indicator_id, round(v.value, 4) as value, v.points, v.max_points, v.status
       from marts.indicator_values v join core.dim_periods d on d.period_id = v.period
       where d.period_kind = 'year' and v.school_code in ${mine} order by v.period, v.sort_order`,
      params,
    ),
  );
  const asOf = year?.as_of_on ?? '9999-12-31';
  const hazards = groupBy(
    await snapshot.query<{ school_code: string }>(
      `select school_code, hazard_id, found_on::varchar as found_on, hazard_level, hazard_text, due_on::varchar as due_on,
              due_on < $as_of::date as is_overdue
       from core.fct_hazards
       where school_code in ${mine} and found_on <= $as_of::date and (rectified_on is null or rectified_on > $as_of::date)
       order by is_major desc, due_on`,
      { ...params, as_of: asOf },
    ),
  );
  const window = { ...params, start: year?.start_on ?? '1900-01-01', as_of: asOf };
  const alerts = groupBy(
    await snapshot.query<{ school_code: string }>(
      `select school_code, level, count(*)::integer as n, count(*) filter (where is_false_alarm)::integer as n_false,
              median(minutes_to_acknowledge) as median_minutes
       from core.fct_alerts
       where school_code in ${mine} and raised_at::date between $start::date and $as_of::date and not is_duplicate
       group by all order by level`,
      window,
    ),
  );
  const drills = groupBy(
    await snapshot.query<{ school_code: string }>(
      `select school_code, strftime(activity_on, '%Y-%m') as month, count(*)::integer as n
       from core.fct_activities
       where activity_kind = '应急演练' and school_code in ${mine} and activity_on between $start::date and $as_of::date
       group by all order by month`,
      window,
    ),
  );
  return {
    unit,
    year: year?.period ?? null,
    as_of_on: asOf,
    indicators: indicatorNames,
    schools: schools.map((s) => ({
      ...s,
      cards: cards.get(s.school_code) ?? [],
      indicator_rows: (indicators.get(s.school_code) ?? []).map((r) => Object.values(r)),
      open_hazards: hazards.get(s.school_code) ?? [],
      alerts: alerts.get(s.school_code) ?? [],
      drills: drills.get(s.school_code) ?? [],
    })),
  };
}

await runLoader(`schools/${values.unit}.json`, unitSchools, [
  'marts.school_scorecard',
  'marts.indicator_values',
  'core.dim_periods',
  'core.fct_hazards',
  'core.fct_alerts',
  'core.fct_activities',
]);

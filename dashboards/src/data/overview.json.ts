// Data for the 总览 (overview) page: the unit ranking on A3 (on-time rectification)
// for every period in the snapshot (the page opens on the latest year), city totals, and the schools with the
// lowest rates (only the scoped unit's schools in a unit-scoped build: see lib/scope.ts).
//
// Grain of the output: one JSON document; `by_period[period].units` has one row per reporting unit of
// ref.units (units without a ranking row are listed with nulls), `lowestSchools` at
// most 10 school rows.
import { publishedAt, runLoader, type Snapshot } from '../../lib/snapshot.ts';

// Indicator metadata until the indicator definition file is part of the snapshot.
const INDICATOR = {
  indicator_id: 'A3',
  name: '隐患按期整改率',
  name_en: 'On-time rectification',
  formula: '按期整改的隐患数 ÷ 本期应整改的隐患数',
  target: 1.0,
  floor: 0.7,
} as const;

interface UnitRow {
  unit_code: string;
  unit_name: string;
  is_ranked: boolean;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  n_schools: number | null;
  rank: number | null;
}

interface SchoolRow {
  school_code: string;
  school_name: string;
  unit_code: string;
  unit_name: string;
  value: number;
  numerator: number;
  denominator: number;
}

/** The ranking, city totals and lowest schools of one period. */
async function periodView(snapshot: Snapshot, period: string) {
  const indicator = INDICATOR.indicator_id;
  const units = await snapshot.query<UnitRow>(
    `select u.unit_code, u.unit_name, u.is_ranked,
            r.value, r.numerator, r.denominator, r.n_schools::integer as n_schools, r.rank::integer as rank
     from ref.units u
     left join marts.unit_indicator_ranking r
       on r.unit_code = u.unit_code and r.indicator_id = $indicator and r.period = $period
     order by u.is_ranked desc, r.rank asc nulls last, r.value desc nulls last, u.unit_code`,
    { indicator, period },
  );

  const sum = (rows: UnitRow[], key: 'numerator' | 'denominator' | 'n_schools') =>
    rows.reduce((total, row) => total + (row[key] ?? 0), 0);
  const numerator = sum(units, 'numerator');
  const denominator = sum(units, 'denominator');
  const city = {
    n_schools: sum(units, 'n_schools'),
    n_units_ranked: units.filter((u) => u.is_ranked && u.rank !== null).length,
    numerator,
    denominator,
    value: denominator > 0 ? numerator / denominator : null,
  };

  // In a unit-scoped build the snapshot layer has already left out other units' schools.
  const lowestSchools = await snapshot.query<SchoolRow>(
    `select v.school_code, v.school_name, v.unit_code, u.unit_name, v.value, v.numerator, v.denominator
     from marts.indicator_values v
     left join ref.units u on u.unit_code = v.unit_code
     where v.indicator_id = $indicator and v.period = $period and v.school_code is not null
       and v.status = 'ok' and v.denominator > 0 and v.value is not null
     order by v.value asc, v.denominator desc, v.school_code
     limit 10`,
    { indicator, period },
  );
  const statusCounts = await snapshot.query<{ status: string; n: number }>(
    `select v.status, count(*)::integer as n
     from marts.indicator_values v
     where v.indicator_id = $indicator and v.period = $period and v.school_code is not null
     group by v.status order by v.status`,
    { indicator, period },
  );
  return {
    city,
    units,
    lowest_schools: lowestSchools,
    school_status_counts: Object.fromEntries(statusCounts.map((r) => [r.status, r.n])),
  };
}

async function overview(snapshot: Snapshot) {
  const rows = await snapshot.query<{ period: string }>(
    'select distinct period from marts.unit_indicator_ranking where indicator_id = $indicator order by period',
    { indicator: INDICATOR.indicator_id },
  );
  const periods = rows.map((r) => r.period);
  const latestYear = periods.filter((p) => /^\d{4}$/.test(p)).at(-1);
  if (latestYear === undefined) throw new Error(`marts.unit_indicator_ranking has no annual rows for ${INDICATOR.indicator_id}`);
  const byPeriod: Record<string, Awaited<ReturnType<typeof periodView>>> = {};
  for (const period of periods) byPeriod[period] = await periodView(snapshot, period);
  return {
    generated_at: new Date().toISOString(),
    published_at: await publishedAt(snapshot),
    default_period: latestYear,
    indicator: INDICATOR,
    scope: snapshot.scope,
    by_period: byPeriod,
  };
}

await runLoader('overview.json', overview, ['marts.unit_indicator_ranking', 'marts.indicator_values']);

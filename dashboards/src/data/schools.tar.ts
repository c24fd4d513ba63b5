// Data for the 学校 page, as one tar archive whose members Framework extracts for the
// build (see src/components/schoolBuckets.js), so thousands of schools cost one loader
// run and no page per school:
//   - index.json.gz — the search index: every school with a year scorecard, sorted by code,
//     in columns with short keys (c code, n name, u index into `units`), gzip-compressed
//     (the page inflates it with the browser's DecompressionStream);
//   - NN.json.gz for each bucket NN of SCHOOL_BUCKETS — the details of the schools whose code
//     ends in NN: scorecards of the last HISTORY_YEARS years and their terms, indicators of
//     those years (history), hazards open at the latest as-of day, alerts of the latest year
//     by level, drills of the latest year by month. Fetched by the page when a school is opened.
//
// Grain: `schools` in a bucket has one entry per school (the name, type and unit of its
// latest year scorecard).
import { gzipJson } from '../../lib/gzip.ts';
import { siteLoader } from '../../lib/loader.ts';
import { LoaderError, type Snapshot } from '../../lib/snapshot.ts';
import { tarArchive, type TarEntry } from '../../../shared/tar.ts';
import { SCHOOL_BUCKETS, schoolBucket } from '../components/schoolBuckets.js';

/** Years of history kept per school: enough for a trend, bounded as the warehouse grows. */
const HISTORY_YEARS = 3;

interface SchoolRow {
  school_code: string;
  school_name: string;
  school_type: string;
  unit_code: string;
}

const SCHOOLS = `
  select school_code, arg_max(school_name, period) as school_name, arg_max(school_type, period) as school_type,
         arg_max(unit_code, period) as unit_code
  from marts.school_scorecard where regexp_full_match(period, '\\d{4}')
  group by school_code order by school_code`;

function groupBy<T extends { school_code: string }>(rows: T[]): Map<string, Array<Omit<T, 'school_code'>>> {
  const out = new Map<string, Array<Omit<T, 'school_code'>>>();
  for (const { school_code, ...rest } of rows) {
    if (!out.has(school_code)) out.set(school_code, []);
    out.get(school_code)!.push(rest);
  }
  return out;
}

/**
 * A school's details, selected once for every school with its bucket and staged in a temp
 * table, so each bucket is a lookup rather than a scan of the marts (100 scans of millions
 * of indicator rows at province scale). Rows are in display order: DuckDB keeps insertion
 * order, and filtering a table keeps its order.
 */
const DETAILS: Record<string, string> = {
  cards: `select right(s.school_code, 2) as bucket, s.school_code, s.period, s.score, s.grade, s.rank, s.n_ranked, s.previous_rank,
                 s.rank_change, s.is_vetoed, s.veto_reason, s.enrollment
          from marts.school_scorecard s join core.dim_periods d on d.period_id = s.period
          where d.period_kind in ('year', 'term') and d.start_on >= $history_start::date order by s.school_code, s.period`,
  // Indicators as [period, id, value, points, max_points, status, target] rows: names and directions are listed once.
  indicator_rows: `select right(v.school_code, 2) as bucket, v.school_code, v.period, v.indicator_id, round(v.value, 4) as value, v.points,
                          v.max_points, v.status, v.target
                   from marts.indicator_values v join core.dim_periods d on d.period_id = v.period
                   where d.period_kind = 'year' and d.start_on >= $history_start::date and v.school_code is not null
                   order by v.school_code, v.period, v.sort_order`,
  open_hazards: `select right(school_code, 2) as bucket, school_code, hazard_id, found_on::varchar as found_on, hazard_level, hazard_text,
                        due_on::varchar as due_on, due_on < $as_of::date as is_overdue
                 from core.fct_hazards
                 where found_on <= $as_of::date and (rectified_on is null or rectified_on > $as_of::date) and school_code is not null
                 order by school_code, is_major desc, due_on, hazard_id`,
  alerts: `select right(school_code, 2) as bucket, school_code, level, count(*)::integer as n,
                  count(*) filter (where is_false_alarm)::integer as n_false, median(minutes_to_acknowledge) as median_minutes
           from core.fct_alerts
           where raised_at::date between $start::date and $as_of::date and not is_duplicate and school_code is not null
           group by all order by school_code, level`,
  drills: `select right(school_code, 2) as bucket, school_code, strftime(activity_on, '%Y-%m') as month, count(*)::integer as n
           from core.fct_activities
           where activity_kind = '应急演练' and activity_on between $start::date and $as_of::date and school_code is not null
           group by all order by school_code, month`,
};

async function stageDetails(snapshot: Snapshot, window: Record<string, string>): Promise<void> {
  for (const [name, sql] of Object.entries(DETAILS)) {
    // DuckDB refuses parameters a statement does not use: pass each its own.
    const params = Object.fromEntries(Object.entries(window).filter(([key]) => new RegExp(`\\$${key}\\b`).test(sql)));
    await snapshot.query(`create temp table detail_${name} as ${sql}`, params);
  }
}

/** The details of the schools of one bucket (all of `schools` end in `bucket`), from the staged tables. */
async function bucketDetails(snapshot: Snapshot, bucket: string, schools: SchoolRow[]) {
  const details = new Map<string, Map<string, unknown[]>>();
  for (const name of Object.keys(DETAILS)) {
    details.set(name, groupBy(await snapshot.query<{ school_code: string }>(`select * exclude (bucket) from detail_${name} where bucket = $bucket`, { bucket })));
  }
  const of = (name: string, code: string) => details.get(name)!.get(code) ?? [];
  return schools.map(({ unit_code: _unit, ...s }) => ({
    ...s,
    cards: of('cards', s.school_code),
    indicator_rows: of('indicator_rows', s.school_code).map((r) => Object.values(r as object)),
    open_hazards: of('open_hazards', s.school_code),
    alerts: of('alerts', s.school_code),
    drills: of('drills', s.school_code),
  }));
}

async function schoolsArchive(snapshot: Snapshot): Promise<Buffer> {
  const schools = await snapshot.query<SchoolRow>(SCHOOLS);
  const units = await snapshot.query<{ unit_code: string; unit_name: string }>('select unit_code, unit_name from ref.units order by unit_code');
  const unitIndex = new Map(units.map((u, i) => [u.unit_code, i]));
  const byBucket = new Map<string, SchoolRow[]>(SCHOOL_BUCKETS.map((b: string) => [b, []]));
  for (const school of schools) {
    const bucket = byBucket.get(schoolBucket(school.school_code));
    if (!bucket) throw new LoaderError(`school code ${school.school_code} does not end in two digits: the 学校 page cannot place it (DOMAIN.md §3 codes are 10 digits)`);
    bucket.push(school);
  }
  const years = await snapshot.query<{ period: string; as_of_on: string; start_on: string }>(
    `select period_id as period, as_of_on::varchar as as_of_on, start_on::varchar as start_on
     from core.dim_periods where period_kind = 'year' order by period_id desc limit ${HISTORY_YEARS}`,
  );
  const year = years[0];
  const window = {
    start: year?.start_on ?? '1900-01-01',
    as_of: year?.as_of_on ?? '9999-12-31',
    history_start: years.at(-1)?.start_on ?? '1900-01-01',
  };
  const indicatorNames = await snapshot.query(
    `select indicator_id, any_value(indicator_name) as indicator_name, any_value(unit) as unit, any_value(direction) as direction,
            min(sort_order) as sort_order
     from marts.indicator_values where school_code is not null group by indicator_id order by sort_order`,
  );
  const entries: TarEntry[] = [
    {
      name: 'index.json.gz',
      data: gzipJson({
        scope: snapshot.scope,
        units,
        c: schools.map((s) => s.school_code),
        n: schools.map((s) => s.school_name),
        u: schools.map((s) => unitIndex.get(s.unit_code) ?? -1),
      }),
    },
  ];
  await stageDetails(snapshot, window);
  for (const [bucket, members] of byBucket) {
    const details = members.length ? await bucketDetails(snapshot, bucket, members) : [];
    entries.push({
      name: `${bucket}.json.gz`,
      data: gzipJson({ year: year?.period ?? null, as_of_on: window.as_of, indicators: indicatorNames, schools: details }),
    });
  }
  return tarArchive(entries);
}

export default await siteLoader(import.meta, {
  output: 'schools.tar',
  build: schoolsArchive,
  tables: [
    'marts.school_scorecard',
    'marts.indicator_values',
    'core.dim_periods',
    'core.fct_hazards',
    'core.fct_alerts',
    'core.fct_activities',
  ],
});

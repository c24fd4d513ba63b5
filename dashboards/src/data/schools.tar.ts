// Data for the 学校 page, as one tar archive whose members Framework extracts for the
// build (see src/components/schoolBuckets.js), so thousands of schools cost one loader
// run and no page per school:
//   - index.json.gz — the search index: every school with a year scorecard, sorted by code,
//     in columns with short keys (c code, n name, u index into `units`), gzip-compressed
//     (the page inflates it with the browser's DecompressionStream);
//   - NN.json.gz for each bucket NN of SCHOOL_BUCKETS — the details of the schools whose code
//     ends in NN: scorecards of the last HISTORY_YEARS years and their terms, indicators of
//     those years (history), hazards open at the latest as-of day, alerts of the latest year
//     by level, drills of the latest year by month, and the records behind each indicator the
//     school does not meet in the latest year (transforms/evidence.ts, as the assessment report
//     lists them: the first EVIDENCE_LIMIT rows and the total). Fetched by the page when a school
//     is opened.
//
// Grain: `schools` in a bucket has one entry per school (the name, type and unit of its
// latest year scorecard).
import { sql, type Expression, type Kysely } from 'kysely';
import type { Database } from '../../../warehouse/schema.generated.ts';
import { gzipJson } from '../../lib/gzip.ts';
import { siteLoader } from '../../lib/loader.ts';
import { LoaderError, typedSnapshot, type Snapshot } from '../../lib/snapshot.ts';
import { tarArchive, type TarEntry } from '../../../shared/tar.ts';
import { SCHOOL_BUCKETS, schoolBucket } from '../components/schoolBuckets.js';
import { EVIDENCE_LIMIT, EVIDENCE_TABLES, evidenceByScope, evidenceQueriesFor, type EvidenceTable } from '../../../transforms/evidence.ts';

/** Years of history kept per school: enough for a trend, bounded as the warehouse grows. */
const HISTORY_YEARS = 3;

type Q = Kysely<Database>;

/** Every school of an annual scorecard, under its latest annual name, type and unit, in code order. */
function schoolRows(q: Q) {
  return q
    .selectFrom('marts.school_scorecard')
    .select((eb) => [
      'school_code',
      sql<string>`arg_max(${eb.ref('school_name')}, ${eb.ref('period')})`.as('school_name'),
      sql<string>`arg_max(${eb.ref('school_type')}, ${eb.ref('period')})`.as('school_type'),
      sql<string>`arg_max(${eb.ref('unit_code')}, ${eb.ref('period')})`.as('unit_code'),
    ])
    .where((eb) => sql<boolean>`regexp_full_match(${eb.ref('period')}, '\\d{4}')`)
    .groupBy('school_code')
    .orderBy('school_code')
    .execute();
}

type SchoolRow = Awaited<ReturnType<typeof schoolRows>>[number];

function groupBy<T extends { school_code: string }>(rows: T[]): Map<string, Array<Omit<T, 'school_code'>>> {
  const out = new Map<string, Array<Omit<T, 'school_code'>>>();
  for (const { school_code, ...rest } of rows) {
    if (!out.has(school_code)) out.set(school_code, []);
    out.get(school_code)!.push(rest);
  }
  return out;
}

/** The bucket of a school: the last two digits of its code (components/schoolBuckets.js). */
const bucketOf = (code: Expression<string | null>) => sql<string>`right(${code}, 2)`.as('bucket');

interface DetailWindow {
  start: string;
  as_of: string;
  history_start: string;
}

/**
 * A school's details, selected once for every school with its bucket and staged in a temp
 * table, so each bucket is a lookup rather than a scan of the marts (100 scans of millions
 * of indicator rows at province scale). Rows are staged in display order and read back in it
 * (by rowid).
 */
function detailQueries(q: Q, window: DetailWindow) {
  const asOf = sql`${window.as_of}::date`;
  return {
    cards: q
      .selectFrom('marts.school_scorecard as s')
      .innerJoin('core.dim_periods as d', 'd.period_id', 's.period')
      .select((eb) => [
        bucketOf(eb.ref('s.school_code')),
        's.school_code',
        's.period',
        's.score',
        's.grade',
        's.rank',
        's.n_ranked',
        's.previous_rank',
        's.rank_change',
        's.is_vetoed',
        's.veto_reason',
        's.enrollment',
      ])
      .where('d.period_kind', 'in', [sql.lit('year'), sql.lit('term')])
      .where((eb) => sql<boolean>`${eb.ref('d.start_on')} >= ${window.history_start}::date`)
      .orderBy('s.school_code')
      .orderBy('s.period'),
    // Indicators as [period, id, value, points, max_points, status, target] rows: names and directions are listed once.
    indicator_rows: q
      .selectFrom('marts.indicator_values as v')
      .innerJoin('core.dim_periods as d', 'd.period_id', 'v.period')
      .select((eb) => [
        bucketOf(eb.ref('v.school_code')),
        'v.school_code',
        'v.period',
        'v.indicator_id',
        sql<number | null>`round(${eb.ref('v.value')}, 4)`.as('value'),
        'v.points',
        'v.max_points',
        'v.status',
        'v.target',
      ])
      .where('d.period_kind', '=', sql.lit('year'))
      .where((eb) => sql<boolean>`${eb.ref('d.start_on')} >= ${window.history_start}::date`)
      .where('v.school_code', 'is not', null)
      .orderBy('v.school_code')
      .orderBy('v.period')
      .orderBy('v.sort_order'),
    open_hazards: q
      .selectFrom('core.fct_hazards')
      .select((eb) => [
        bucketOf(eb.ref('school_code')),
        'school_code',
        'hazard_id',
        sql<string>`${eb.ref('found_on')}::varchar`.as('found_on'),
        'hazard_level',
        'hazard_text',
        sql<string | null>`${eb.ref('due_on')}::varchar`.as('due_on'),
        sql<boolean | null>`${eb.ref('due_on')} < ${asOf}`.as('is_overdue'),
      ])
      .where((eb) =>
        sql<boolean>`${eb.ref('found_on')} <= ${asOf} and (${eb.ref('rectified_on')} is null or ${eb.ref('rectified_on')} > ${asOf}) and ${eb.ref('school_code')} is not null`,
      )
      .orderBy('school_code')
      .orderBy('is_major', 'desc')
      .orderBy('due_on')
      .orderBy('hazard_id'),
    alerts: q
      .selectFrom('core.fct_alerts')
      .select((eb) => [
        bucketOf(eb.ref('school_code')),
        'school_code',
        'level',
        sql<number>`count(*)::integer`.as('n'),
        sql<number>`count(*) filter (where ${eb.ref('is_false_alarm')})::integer`.as('n_false'),
        sql<number | null>`median(${eb.ref('minutes_to_acknowledge')})`.as('median_minutes'),
      ])
      .where((eb) =>
        sql<boolean>`${eb.ref('raised_at')}::date between ${window.start}::date and ${asOf} and not ${eb.ref('is_duplicate')} and ${eb.ref('school_code')} is not null`,
      )
      .groupBy(sql`all`)
      .orderBy('school_code')
      .orderBy('level'),
    drills: q
      .selectFrom('core.fct_activities')
      .select((eb) => [
        bucketOf(eb.ref('school_code')),
        'school_code',
        sql<string>`strftime(${eb.ref('activity_on')}, '%Y-%m')`.as('month'),
        sql<number>`count(*)::integer`.as('n'),
      ])
      .where('activity_kind', '=', sql.lit('应急演练'))
      .where((eb) => sql<boolean>`${eb.ref('activity_on')} between ${window.start}::date and ${asOf} and ${eb.ref('school_code')} is not null`)
      .groupBy(sql`all`)
      .orderBy('school_code')
      .orderBy('month'),
  };
}

/**
 * The records behind every school's unmet indicators of one period (no data where due, or short
 * of full points), per school and indicator: one query per evidence table for all schools.
 * None from a snapshot without the facts they are read from.
 */
async function recordsOf(snapshot: Snapshot, q: Q, period: string | undefined): Promise<Map<string, Record<string, EvidenceTable[]>>> {
  const out = new Map<string, Record<string, EvidenceTable[]>>();
  if (period === undefined || !EVIDENCE_TABLES.every((t) => snapshot.has(t))) return out;
  const unmet = await q
    .selectFrom('marts.indicator_values')
    .select(['school_code', 'indicator_id'])
    .where('period', '=', period)
    .where('school_code', 'is not', null)
    .where((eb) => sql<boolean>`${eb.ref('status')} = 'no_data' or (${eb.ref('status')} = 'ok' and ${eb.ref('points')} < ${eb.ref('max_points')} - 1e-9)`)
    .execute();
  const unmetBy = new Set(unmet.map((u) => `${u.school_code}\t${u.indicator_id}`));
  for (const { query, indicators } of evidenceQueriesFor(new Set(unmet.map((u) => u.indicator_id)))) {
    const tables = await evidenceByScope((text, params) => snapshot.query(text, params), query, { period, code: null, level: 'school' });
    for (const [school, table] of tables) {
      for (const id of indicators.filter((id) => unmetBy.has(`${school}\t${id}`))) {
        if (!out.has(school)) out.set(school, {});
        const records = out.get(school)!;
        records[id] = [...(records[id] ?? []), table];
      }
    }
  }
  return out;
}

const DETAILS = ['cards', 'indicator_rows', 'open_hazards', 'alerts', 'drills'] as const;

async function stageDetails(q: Q, window: DetailWindow): Promise<void> {
  const queries = detailQueries(q, window);
  for (const name of DETAILS) await q.schema.createTable(`detail_${name}`).temporary().as(queries[name]).execute();
}

/** Buckets read from the staged tables at once: a tenth of the queries of one read a bucket, a tenth of the rows in memory of one read in all. */
const BUCKETS_PER_READ = 10;

type StagedDetails = Map<string, Map<string, unknown[]>>;

/** The staged details of the schools of `buckets`: by bucket, by detail, by school, each school's rows in display order. */
async function readDetails(q: Q, buckets: string[]): Promise<Map<string, StagedDetails>> {
  const out = new Map<string, StagedDetails>(buckets.map((bucket) => [bucket, new Map()]));
  for (const name of DETAILS) {
    // a staged table has the columns of its detail query, which the generated types check; its
    // rows are in display order (rowid, the order of insertion): a filtered scan may return them out of it
    const { rows } = await sql<{ bucket: string; school_code: string }>`select * from ${sql.table(`detail_${name}`)} where bucket in (${sql.join(buckets)}) order by rowid`.execute(q);
    const byBucket = new Map<string, Array<{ school_code: string }>>(buckets.map((bucket) => [bucket, []]));
    for (const { bucket, ...row } of rows) byBucket.get(bucket)!.push(row);
    for (const [bucket, bucketRows] of byBucket) out.get(bucket)!.set(name, groupBy(bucketRows));
  }
  return out;
}

/** The details of the schools of one bucket, from what readDetails read of it. */
function bucketDetails(details: StagedDetails, schools: SchoolRow[], records: Map<string, Record<string, EvidenceTable[]>>) {
  const of = (name: string, code: string) => details.get(name)!.get(code) ?? [];
  return schools.map(({ unit_code: _unit, ...s }) => ({
    ...s,
    cards: of('cards', s.school_code),
    indicator_rows: of('indicator_rows', s.school_code).map((r) => Object.values(r as object)),
    open_hazards: of('open_hazards', s.school_code),
    alerts: of('alerts', s.school_code),
    drills: of('drills', s.school_code),
    records: records.get(s.school_code) ?? {},
  }));
}

async function schoolsArchive(snapshot: Snapshot): Promise<Buffer> {
  const q = typedSnapshot(snapshot);
  const schools = await schoolRows(q);
  const units = await q.selectFrom('ref.units').select(['unit_code', 'unit_name']).orderBy('unit_code').execute();
  const unitIndex = new Map(units.map((u, i) => [u.unit_code, i]));
  const byBucket = new Map<string, SchoolRow[]>(SCHOOL_BUCKETS.map((b: string) => [b, []]));
  for (const school of schools) {
    const bucket = byBucket.get(schoolBucket(school.school_code));
    if (!bucket) throw new LoaderError(`school code ${school.school_code} does not end in two digits: the 学校 page cannot place it (DOMAIN.md §3 codes are 10 digits)`);
    bucket.push(school);
  }
  const years = await q
    .selectFrom('core.dim_periods')
    .select((eb) => ['period_id as period', sql<string>`${eb.ref('as_of_on')}::varchar`.as('as_of_on'), sql<string>`${eb.ref('start_on')}::varchar`.as('start_on')])
    .where('period_kind', '=', sql.lit('year'))
    .orderBy('period_id', 'desc')
    .limit(sql.lit(HISTORY_YEARS))
    .execute();
  const year = years[0];
  const window: DetailWindow = {
    start: year?.start_on ?? '1900-01-01',
    as_of: year?.as_of_on ?? '9999-12-31',
    history_start: years.at(-1)?.start_on ?? '1900-01-01',
  };
  const indicatorNames = await q
    .selectFrom('marts.indicator_values')
    .select((eb) => [
      'indicator_id',
      sql<string>`any_value(${eb.ref('indicator_name')})`.as('indicator_name'),
      sql<string | null>`any_value(${eb.ref('unit')})`.as('unit'),
      sql<string | null>`any_value(${eb.ref('direction')})`.as('direction'),
      eb.fn.min('sort_order').as('sort_order'),
    ])
    .where('school_code', 'is not', null)
    .groupBy('indicator_id')
    .orderBy('sort_order')
    .execute();
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
  await stageDetails(q, window);
  const records = await recordsOf(snapshot, q, year?.period);
  const buckets = [...byBucket.keys()];
  for (let i = 0; i < buckets.length; i += BUCKETS_PER_READ) {
    const read = await readDetails(q, buckets.slice(i, i + BUCKETS_PER_READ));
    for (const [bucket, details] of read) {
      const members = byBucket.get(bucket)!;
      entries.push({
        name: `${bucket}.json.gz`,
        data: gzipJson({ year: year?.period ?? null, as_of_on: window.as_of, evidence_limit: EVIDENCE_LIMIT, indicators: indicatorNames, schools: bucketDetails(details, members, records) }),
      });
    }
  }
  return tarArchive(entries);
}

export default await siteLoader(import.meta, {
  output: 'schools.tar',
  slow: true,
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

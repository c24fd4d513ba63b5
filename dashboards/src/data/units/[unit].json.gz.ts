// Data for one 县区评分卡 page (src/units/[unit].md), run once per unit (--unit=CODE when Framework runs it):
// score, grade and rank history; per period (years and terms, the appraisal cadence): domain
// attainment against the city, every indicator with its status and band, the unit's short boards, its
// schools ranked with grades, and its vetoes; for the latest year, the records behind each
// indicator it does not meet (transforms/evidence.ts, as the assessment report lists them: the
// first EVIDENCE_LIMIT rows and the total, over the unit's schools); and its 报送监测 rows
// (lib/health.ts).
//
// The records are read for every unit at once, one query per evidence table, and kept per
// opened snapshot for the other units' runs of this loader: one query per unit would scan the
// facts once per unit (27 s for the default city's 10 units and 9 periods, minutes for a
// province's). Only the latest year, as on the 学校 page, so the cost does not grow with history.
// Likewise the indicators with their city medians, the domains' attainments and the definitions
// (each edition once): read for every unit and period once per opened snapshot. The unit's own
// schools and short boards are one query each over all its periods (issue 16: one query per
// period and figure was ~50 queries per unit).
//
// A unit can have thousands of schools (5,697 in a province's largest), listed for every
// period, so the document is gzip-compressed JSON (lib/gzip.ts; the page inflates it) and the
// schools are columns: `schools` names each school once (code, name, type, sorted by code),
// and a period's `schools` has a `school` column of indexes into it beside its scores, ranks
// and vetoes, in the period's order (score descending, then code).
//
// Domain attainment is pooled from marts.unit_indicator_ranking (unit-level rows, so a
// unit-scoped build still has the city): Σ attainment × points × applicable schools over Σ
// points × applicable schools — exactly Σ points earned ÷ Σ points available.
//
// Grain of the output: one JSON document for one unit.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../../warehouse/schema.generated.ts';
import { columns, gzipJson } from '../../../lib/gzip.ts';
import { sourceHealth } from '../../../lib/health.ts';
import { siteLoader } from '../../../lib/loader.ts';
import { LoaderError, typedSnapshot, type Snapshot } from '../../../lib/snapshot.ts';
import { EVIDENCE, EVIDENCE_LIMIT, EVIDENCE_TABLES, evidenceByScope, type EvidenceTable } from '../../../../transforms/evidence.ts';
import { allIndicators, atOrPastFloor, statusBand, type IndicatorDefinition } from '../../../../transforms/definitions/load.ts';
import { definitionForSnapshot, readEdition, SnapshotDefinitionError } from '../../../../transforms/definitions/snapshot-edition.ts';

type Q = Kysely<Database>;

/** The kinds of period the page shows in full (its history also lists quarters, with scores only). */
const PAGE_KINDS = [sql.lit('year'), sql.lit('term')];

/** `read` run once per opened snapshot (and arguments), its result shared by the other units' runs of this loader. */
function perSnapshot<T, A extends string[] = []>(read: (snapshot: Snapshot, ...args: A) => Promise<T>): (snapshot: Snapshot, ...args: A) => Promise<T> {
  const done = new WeakMap<Snapshot, Map<string, Promise<T>>>();
  return (snapshot, ...args) => {
    if (!done.has(snapshot)) done.set(snapshot, new Map());
    const results = done.get(snapshot)!;
    const key = args.join('\t');
    if (!results.has(key)) results.set(key, read(snapshot, ...args));
    return results.get(key)!;
  };
}

const rowKey = (...values: unknown[]) => values.join('\t');

/** Rows by their values of `keys` (rowKey), in order, each without those columns. */
function groupRows<T extends object, K extends keyof T & string>(rows: readonly T[], keys: readonly K[]): Map<string, Array<Omit<T, K>>> {
  const out = new Map<string, Array<Omit<T, K>>>();
  for (const row of rows) {
    const rest: Partial<T> = { ...row };
    for (const k of keys) delete rest[k];
    const key = rowKey(...keys.map((k) => row[k]));
    if (!out.has(key)) out.set(key, []);
    out.get(key)!.push(rest as Omit<T, K>);
  }
  return out;
}

/**
 * Domain attainment in every page period, each unit's and the city's: points earned over points
 * available, pooled over the units' indicators (the city's rows have no unit_code).
 */
function attainmentRows(q: Q) {
  return q
    .selectFrom('marts.unit_indicator_ranking as r')
    .innerJoin('core.dim_periods as d', 'd.period_id', 'r.period')
    .innerJoin('ref.indicators as i', (join) => join.onRef('i.indicator_id', '=', 'r.indicator_id').onRef('i.edition', '=', 'd.definition_edition'))
    .select((eb) => [
      'r.period',
      'i.domain_id',
      sql<string | null>`case when grouping(${eb.ref('r.unit_code')}) = 0 then ${eb.ref('r.unit_code')} end`.as('unit_code'),
      sql<number | null>`sum(${eb.ref('r.attainment')} * ${eb.ref('i.points')} * ${eb.ref('r.n_schools_applicable')}) / sum(${eb.ref('i.points')} * ${eb.ref('r.n_schools_applicable')})`.as('attainment'),
    ])
    .where('d.period_kind', 'in', PAGE_KINDS)
    .where('r.attainment', 'is not', null)
    .where('r.n_schools_applicable', '>', sql.lit(0))
    .groupBy(sql`grouping sets ((r.period, i.domain_id), (r.period, i.domain_id, r.unit_code))`)
    .execute();
}

/** The domains of each page period's edition, in order. */
function domainRows(q: Q) {
  return q
    .selectFrom('ref.domains as dm')
    .innerJoin('core.dim_periods as d', 'd.definition_edition', 'dm.edition')
    .select(['d.period_id as period', 'dm.domain_id', 'dm.domain_name_zh as domain_name', 'dm.points'])
    .where('d.period_kind', 'in', PAGE_KINDS)
    .orderBy('d.period_id')
    .orderBy('dm.sort_order')
    .execute();
}

/** Every page period's domains and attainments (rowKey(period, domain, unit); the city's with an empty unit), read once per opened snapshot. */
const domainAttainments = perSnapshot(async (snapshot) => {
  const q = typedSnapshot(snapshot);
  const attainments = await attainmentRows(q);
  return {
    domains: groupRows(await domainRows(q), ['period']),
    attainment: new Map(attainments.map((a) => [rowKey(a.period, a.domain_id, a.unit_code ?? ''), a.attainment])),
  };
});

/** Per domain of the period's edition: the unit's attainment and the city's (pooled over the schools). */
function domainsOf({ domains, attainment }: Awaited<ReturnType<typeof domainAttainments>>, unit: string, period: string) {
  return (domains.get(rowKey(period)) ?? []).map(({ domain_id, domain_name, points }) => ({
    domain_id,
    domain_name,
    points,
    attainment: attainment.get(rowKey(period, domain_id, unit)) ?? null,
    city_attainment: attainment.get(rowKey(period, domain_id, '')) ?? null,
  }));
}

/**
 * Every unit's indicators per page period: its pooled school indicators and its own supervision
 * indicators, in the definition's order, each with the city median of the units' values.
 */
function indicatorRows(q: Q) {
  const pooled = q
    .selectFrom('marts.unit_indicator_ranking as r')
    .innerJoin('core.dim_periods as d', 'd.period_id', 'r.period')
    .innerJoin('ref.indicators as i', (join) => join.onRef('i.indicator_id', '=', 'r.indicator_id').onRef('i.edition', '=', 'd.definition_edition'))
    .select((eb) => [
      'r.unit_code',
      'r.period',
      'r.indicator_id',
      'i.indicator_name_zh as indicator_name',
      'i.domain_id',
      'i.unit',
      'i.sort_order',
      'i.target',
      'i.direction',
      'r.value',
      'r.rank',
      'r.attainment',
      eb
        .selectFrom('marts.unit_indicator_ranking as c')
        .select((c) => sql<number | null>`median(${c.ref('c.value')})`.as('m'))
        .whereRef('c.period', '=', 'r.period')
        .whereRef('c.indicator_id', '=', 'r.indicator_id')
        .as('city_median'),
      sql<number | null>`${eb.ref('r.attainment')} * ${eb.ref('i.points')}`.as('points'),
      sql<number | null>`case when ${eb.ref('r.n_schools_applicable')} > 0 then ${eb.ref('i.points')} end`.as('max_points'),
      sql<string>`case when ${eb.ref('r.n_schools_applicable')} = 0 then 'not_applicable' when ${eb.ref('r.attainment')} is null then 'no_data' else 'ok' end`.as('status'),
    ])
    .where('d.period_kind', 'in', PAGE_KINDS);
  const supervision = q
    .selectFrom('marts.indicator_values as v')
    .innerJoin('core.dim_periods as d', 'd.period_id', 'v.period')
    .select((eb) => [
      'v.unit_code',
      'v.period',
      'v.indicator_id',
      'v.indicator_name',
      'v.domain_id',
      'v.unit',
      'v.sort_order',
      'v.target',
      'v.direction',
      'v.value',
      sql<number | null>`null`.as('rank'),
      sql<number | null>`${eb.ref('v.points')} / nullif(${eb.ref('v.max_points')}, 0)`.as('attainment'),
      eb
        .selectFrom('marts.indicator_values as c')
        .select((c) => sql<number | null>`median(${c.ref('c.value')})`.as('m'))
        .whereRef('c.period', '=', 'v.period')
        .whereRef('c.indicator_id', '=', 'v.indicator_id')
        .where('c.school_code', 'is', null)
        .as('city_median'),
      'v.points',
      'v.max_points',
      'v.status',
    ])
    .where('d.period_kind', 'in', PAGE_KINDS)
    .where('v.school_code', 'is', null);
  return pooled.unionAll(supervision).orderBy('unit_code').orderBy('period').orderBy('sort_order').execute();
}

/** Every unit's indicators per page period (rowKey(unit, period)), read once per opened snapshot. */
const unitIndicators = perSnapshot(async (snapshot) => groupRows(await indicatorRows(typedSnapshot(snapshot)), ['unit_code', 'period']));

/** The definition an edition was scored with, checked against the snapshot's record; null when that file is gone. */
async function definitionOf(q: Q, edition: number) {
  try {
    return definitionForSnapshot(await readEdition(q, edition));
  } catch (error) {
    if (error instanceof SnapshotDefinitionError) return null;
    throw error;
  }
}

/** The definition of each page period, each edition read once per opened snapshot. */
const periodDefinitions = perSnapshot(async (snapshot) => {
  const q = typedSnapshot(snapshot);
  const periods = await q.selectFrom('core.dim_periods').select(['period_id', 'definition_edition']).where('period_kind', 'in', PAGE_KINDS).execute();
  const editions = new Map<number, IndicatorDefinition | null>();
  for (const { definition_edition: edition } of periods) if (!editions.has(edition)) editions.set(edition, await definitionOf(q, edition));
  return new Map(periods.map((p) => [p.period_id, editions.get(p.definition_edition)!]));
});

type IndicatorRow = Omit<Awaited<ReturnType<typeof indicatorRows>>[number], 'unit_code' | 'period'>;

/**
 * The indicators with their band (达标 / 接近 / 落后 by the unit's attainment against the
 * definition's status_bands) and whether the value is at or past the indicator's floor. A
 * snapshot whose definition file is no longer at hand keeps its values and medians, without bands.
 */
function withBands(rows: IndicatorRow[], definition: IndicatorDefinition | null) {
  if (!definition) return rows.map((r) => ({ ...r, band: null, below_floor: false }));
  const all = [...allIndicators(definition), ...definition.supervision.indicators];
  return rows.map((r) => ({
    ...r,
    band: r.status === 'ok' ? statusBand(definition.status_bands, r.attainment) : null,
    below_floor: r.status === 'ok' && atOrPastFloor({ direction: r.direction ?? 'higher_better', floor: all.find((i) => i.id === r.indicator_id)?.floor }, r.value),
  }));
}

function schoolRows(q: Q, unit: string) {
  return q
    .selectFrom('marts.school_scorecard as s')
    .innerJoin('core.dim_periods as d', 'd.period_id', 's.period')
    .select(['s.period', 's.school_code', 's.school_name', 's.school_type', 's.score', 's.grade', 's.rank', 's.n_ranked', 's.previous_rank', 's.rank_change', 's.is_vetoed', 's.veto_reason'])
    .where('s.unit_code', '=', unit)
    .where('d.period_kind', 'in', PAGE_KINDS)
    .orderBy('s.period')
    .orderBy('s.score', 'desc')
    .orderBy('s.school_code')
    .execute();
}

type SchoolRow = Omit<Awaited<ReturnType<typeof schoolRows>>[number], 'period'>;

function shortBoardRows(q: Q, unit: string) {
  return q
    .selectFrom('marts.short_boards as b')
    .innerJoin('core.dim_periods as d', 'd.period_id', 'b.period')
    .select(['b.period', 'b.indicator_id', 'b.indicator_name', 'b.board_rank', 'b.attainment', 'b.city_median_attainment', 'b.gap', 'b.suggestions'])
    .where('b.unit_code', '=', unit)
    .where('b.school_code', 'is', null)
    .where('d.period_kind', 'in', PAGE_KINDS)
    .orderBy('b.period')
    .orderBy('b.board_rank')
    .execute();
}

/** Not met: no data where data was due, or short of full points. */
const isUnmet = (d: IndicatorRow) => d.status === 'no_data' || (d.status === 'ok' && d.points != null && d.max_points != null && d.points < d.max_points - 1e-9);

/** Every evidence table of every unit in a period: per query, the units' tables. */
type UnitEvidence = Array<{ indicators: string[]; tables: Map<string, EvidenceTable> }>;

/** The evidence of every unit in `period`, read once per opened snapshot. */
const unitEvidence = perSnapshot(async (snapshot, period: string): Promise<UnitEvidence> => {
  const run = (text: string, params: Array<string | null>) => snapshot.query(text, params);
  const out: UnitEvidence = [];
  for (const query of EVIDENCE) out.push({ indicators: query.indicators, tables: await evidenceByScope(run, query, { period, code: null, level: 'unit' }) });
  return out;
});

async function recordsOf(snapshot: Snapshot, period: string, unit: string, indicators: IndicatorRow[]) {
  const out: Record<string, EvidenceTable[]> = {};
  if (!EVIDENCE_TABLES.every((t) => snapshot.has(t))) return out;
  const unmet = new Set(indicators.filter(isUnmet).map((d) => d.indicator_id));
  for (const { indicators: ids, tables } of await unitEvidence(snapshot, period)) {
    const table = tables.get(unit);
    if (table) for (const id of ids.filter((id) => unmet.has(id))) out[id] = [...(out[id] ?? []), table];
  }
  return out;
}

const SCHOOL_KEYS = ['school_code', 'school_name', 'school_type'] as const;
const SCORE_KEYS = ['school', 'score', 'grade', 'rank', 'n_ranked', 'previous_rank', 'rank_change', 'is_vetoed', 'veto_reason'] as const;

/** The schools of every period as columns: each school (code, name, type) once, and per period its rows pointing at them. */
function schoolColumns(byPeriod: Map<string, SchoolRow[]>) {
  const key = (s: SchoolRow) => SCHOOL_KEYS.map((k) => s[k]).join('\t');
  const unique = new Map<string, SchoolRow>();
  for (const rows of byPeriod.values()) for (const s of rows) unique.set(key(s), s);
  const schools = [...unique.values()].sort((a, b) => a.school_code.localeCompare(b.school_code) || key(a).localeCompare(key(b)));
  const index = new Map(schools.map((s, i) => [key(s), i]));
  const periods = new Map([...byPeriod].map(([period, rows]) => [period, columns(rows.map((s) => ({ ...s, school: index.get(key(s))! })), SCORE_KEYS)]));
  return { schools: columns(schools, SCHOOL_KEYS), periods };
}

async function unitPage(snapshot: Snapshot, code: string) {
  const q = typedSnapshot(snapshot);
  const unit = await q.selectFrom('ref.units').select(['unit_code', 'unit_name', 'is_ranked']).where('unit_code', '=', code ?? '').executeTakeFirst();
  if (!unit) throw new LoaderError(`--unit=${code} is not a unit of ref.units`);
  const history = await q
    .selectFrom('marts.unit_scorecard as s')
    .innerJoin('core.dim_periods as d', 'd.period_id', 's.period')
    .select((eb) => [
      's.period',
      'd.period_kind',
      's.score',
      's.grade',
      's.rank',
      's.previous_rank',
      's.rank_change',
      's.school_mean',
      's.supervision_score',
      's.n_schools',
      's.n_vetoed_schools',
      eb
        .selectFrom('marts.unit_scorecard as c')
        .select(sql<number>`count(*)::integer`.as('n'))
        .whereRef('c.period', '=', 's.period')
        .where('c.rank', 'is not', null)
        .as('n_ranked'),
    ])
    .where('s.unit_code', '=', unit.unit_code)
    .where('d.period_kind', 'in', [sql.lit('year'), sql.lit('term'), sql.lit('quarter')])
    .orderBy('s.period')
    .execute();
  const byPeriod: Record<string, Record<string, unknown>> = {};
  const latestYear = history.filter((h) => h.period_kind === 'year').at(-1)?.period;
  const periods = history.filter((h) => h.period_kind !== 'quarter').map((h) => h.period);
  const definitions = await periodDefinitions(snapshot);
  const domains = await domainAttainments(snapshot);
  const indicatorsByUnit = await unitIndicators(snapshot);
  const schools = groupRows(await schoolRows(q, unit.unit_code), ['period']);
  const boards = groupRows(await shortBoardRows(q, unit.unit_code), ['period']);
  for (const period of periods) {
    const definition = definitions.get(period) ?? null;
    const indicators = withBands(indicatorsByUnit.get(rowKey(unit.unit_code, period)) ?? [], definition);
    byPeriod[period] = {
      status_bands: definition ? { met: definition.status_bands.met, near: definition.status_bands.near } : null,
      domains: domainsOf(domains, unit.unit_code, period),
      indicators,
      records: period === latestYear ? await recordsOf(snapshot, period, unit.unit_code, indicators) : null,
      short_boards: boards.get(rowKey(period)) ?? [],
    };
  }
  const listed = schoolColumns(new Map(periods.map((period) => [period, schools.get(rowKey(period)) ?? []])));
  for (const [period, rows] of listed.periods) byPeriod[period]!.schools = rows;
  const health = await sourceHealth(snapshot, unit.unit_code);
  return gzipJson({ unit, scope: snapshot.scope, history, schools: listed.schools, by_period: byPeriod, evidence_limit: EVIDENCE_LIMIT, health });
}

export default await siteLoader(import.meta, {
  output: ({ unit }) => `units/${unit}.json.gz`,
  param: 'unit',
  slow: true,
  build: (snapshot, { unit }) => unitPage(snapshot, unit!),
  tables: [
    'marts.unit_scorecard',
    'marts.school_scorecard',
    'marts.unit_indicator_ranking',
    'marts.indicator_values',
    'marts.short_boards',
    'core.dim_periods',
    'ref.indicators',
    'ref.domains',
    'ref.definition_editions',
  ],
});

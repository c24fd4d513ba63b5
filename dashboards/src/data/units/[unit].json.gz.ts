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

/** Per domain of the period's edition: the unit's attainment and the city's (points earned over points available, pooled over the schools). */
function domainsOf(q: Q, period: string, unit: string) {
  return q
    .with('rows', (w) =>
      w
        .selectFrom('marts.unit_indicator_ranking as r')
        .innerJoin('core.dim_periods as d', 'd.period_id', 'r.period')
        .innerJoin('ref.indicators as i', (join) => join.onRef('i.indicator_id', '=', 'r.indicator_id').onRef('i.edition', '=', 'd.definition_edition'))
        .select((eb) => [
          'r.unit_code',
          'i.domain_id',
          sql<number>`${eb.ref('i.points')} * ${eb.ref('r.n_schools_applicable')}`.as('available'),
          sql<number>`${eb.ref('r.attainment')} * ${eb.ref('i.points')} * ${eb.ref('r.n_schools_applicable')}`.as('earned'),
        ])
        .where('r.period', '=', period)
        .where('r.attainment', 'is not', null)
        .where('r.n_schools_applicable', '>', sql.lit(0)),
    )
    .selectFrom('ref.domains as dm')
    .innerJoin('core.dim_periods as d', (join) => join.onRef('d.definition_edition', '=', 'dm.edition').on('d.period_id', '=', period))
    .leftJoin('rows', 'rows.domain_id', 'dm.domain_id')
    .select((eb) => {
      const ofUnit = sql`${eb.ref('rows.unit_code')} = ${unit}`;
      return [
        'dm.domain_id',
        'dm.domain_name_zh as domain_name',
        'dm.points',
        sql<number | null>`sum(${eb.ref('rows.earned')}) filter (where ${ofUnit}) / sum(${eb.ref('rows.available')}) filter (where ${ofUnit})`.as('attainment'),
        sql<number | null>`sum(${eb.ref('rows.earned')}) / sum(${eb.ref('rows.available')})`.as('city_attainment'),
      ];
    })
    .groupBy(sql`all`)
    .orderBy((eb) => sql`any_value(${eb.ref('dm.sort_order')})`)
    .execute();
}

/**
 * The unit's indicators: its pooled school indicators and its own supervision indicators, in the
 * definition's order, each with the city median of the units' values, and its band (达标 / 接近 /
 * 落后 by the unit's attainment against the definition's status_bands) and whether its value is at
 * or past the indicator's floor. A snapshot whose definition file is no longer at hand keeps its
 * values and medians, without bands.
 */
async function indicatorsOf(q: Q, period: string, unit: string, definition: IndicatorDefinition | null) {
  const rows = await indicatorRows(q, period, unit);
  if (!definition) return rows.map((r) => ({ ...r, band: null, below_floor: false }));
  const all = [...allIndicators(definition), ...definition.supervision.indicators];
  return rows.map((r) => ({
    ...r,
    band: r.status === 'ok' ? statusBand(definition.status_bands, r.attainment) : null,
    below_floor: r.status === 'ok' && atOrPastFloor({ direction: r.direction ?? 'higher_better', floor: all.find((i) => i.id === r.indicator_id)?.floor }, r.value),
  }));
}

/** The definition the period was scored with, checked against the snapshot's record; null when that file is gone. */
async function definitionOf(q: Q, period: string) {
  const row = await q.selectFrom('core.dim_periods').select('definition_edition').where('period_id', '=', period).executeTakeFirstOrThrow();
  try {
    return definitionForSnapshot(await readEdition(q, row.definition_edition));
  } catch (error) {
    if (error instanceof SnapshotDefinitionError) return null;
    throw error;
  }
}

function indicatorRows(q: Q, period: string, unit: string) {
  const pooled = q
    .selectFrom('marts.unit_indicator_ranking as r')
    .innerJoin('core.dim_periods as d', 'd.period_id', 'r.period')
    .innerJoin('ref.indicators as i', (join) => join.onRef('i.indicator_id', '=', 'r.indicator_id').onRef('i.edition', '=', 'd.definition_edition'))
    .select((eb) => [
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
    .where('r.period', '=', period)
    .where('r.unit_code', '=', unit);
  const supervision = q
    .selectFrom('marts.indicator_values as v')
    .select((eb) => [
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
    .where('v.period', '=', period)
    .where('v.unit_code', '=', unit)
    .where('v.school_code', 'is', null);
  return pooled.unionAll(supervision).orderBy('sort_order').execute();
}

function schoolsOf(q: Q, period: string, unit: string) {
  return q
    .selectFrom('marts.school_scorecard')
    .select(['school_code', 'school_name', 'school_type', 'score', 'grade', 'rank', 'n_ranked', 'previous_rank', 'rank_change', 'is_vetoed', 'veto_reason'])
    .where('period', '=', period)
    .where('unit_code', '=', unit)
    .orderBy('score', 'desc')
    .orderBy('school_code')
    .execute();
}

type SchoolRow = Awaited<ReturnType<typeof schoolsOf>>[number];

type IndicatorRow = Awaited<ReturnType<typeof indicatorsOf>>[number];

/** Not met: no data where data was due, or short of full points. */
const isUnmet = (d: IndicatorRow) => d.status === 'no_data' || (d.status === 'ok' && d.points != null && d.max_points != null && d.points < d.max_points - 1e-9);

/** Every evidence table of every unit in a period: per query, the units' tables. */
type UnitEvidence = Array<{ indicators: string[]; tables: Map<string, EvidenceTable> }>;

const evidenceRead = new WeakMap<Snapshot, Map<string, Promise<UnitEvidence>>>();

/** The evidence of every unit in `period`, read once per opened snapshot. */
function unitEvidence(snapshot: Snapshot, period: string): Promise<UnitEvidence> {
  if (!evidenceRead.has(snapshot)) evidenceRead.set(snapshot, new Map());
  const read = evidenceRead.get(snapshot)!;
  if (!read.has(period)) {
    const run = (text: string, params: Array<string | null>) => snapshot.query(text, params);
    read.set(
      period,
      (async () => {
        const out: UnitEvidence = [];
        for (const query of EVIDENCE) out.push({ indicators: query.indicators, tables: await evidenceByScope(run, query, { period, code: null, level: 'unit' }) });
        return out;
      })(),
    );
  }
  return read.get(period)!;
}

/** The records behind the unit's unmet indicators, per indicator; none from a snapshot without the facts they are read from. */
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
  const schools = new Map<string, SchoolRow[]>();
  for (const { period } of history.filter((h) => h.period_kind !== 'quarter')) {
    schools.set(period, await schoolsOf(q, period, unit.unit_code));
    const definition = await definitionOf(q, period);
    const indicators = await indicatorsOf(q, period, unit.unit_code, definition);
    byPeriod[period] = {
      status_bands: definition ? { met: definition.status_bands.met, near: definition.status_bands.near } : null,
      domains: await domainsOf(q, period, unit.unit_code),
      indicators,
      records: period === latestYear ? await recordsOf(snapshot, period, unit.unit_code, indicators) : null,
      short_boards: await q
        .selectFrom('marts.short_boards')
        .select(['indicator_id', 'indicator_name', 'board_rank', 'attainment', 'city_median_attainment', 'gap', 'suggestions'])
        .where('period', '=', period)
        .where('unit_code', '=', unit.unit_code)
        .where('school_code', 'is', null)
        .orderBy('board_rank')
        .execute(),
    };
  }
  const listed = schoolColumns(schools);
  for (const [period, rows] of listed.periods) byPeriod[period]!.schools = rows;
  const health = await sourceHealth(snapshot, unit.unit_code);
  return gzipJson({ unit, scope: snapshot.scope, history, schools: listed.schools, by_period: byPeriod, evidence_limit: EVIDENCE_LIMIT, health });
}

export default await siteLoader(import.meta, {
  output: ({ unit }) => `units/${unit}.json.gz`,
  param: 'unit',
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

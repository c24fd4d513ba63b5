/** Everything the appraisal shows, read from the frozen snapshot of one year. */
import { basename } from 'node:path';
import { sql, type NotNull } from 'kysely';
import type { Warehouse } from '../../warehouse/connection.ts';
import { typedWarehouse, type ColumnsOf } from '../../warehouse/kysely.ts';
import type {
  CoreDimUnits,
  MartsSchoolScorecard,
  MartsShortBoards,
  MartsUnitScorecard,
  RefDomains,
  RefGradeBands,
  RefIndicators,
  RefVetoes,
} from '../../warehouse/schema.generated.ts';
import { compareMethods, readMethodInputs, type MethodComparison } from '../../transforms/weighting/methods.ts';
import { definitionForSnapshot, readEdition, type EditionInfo } from '../../transforms/definitions/snapshot-edition.ts';
import { readPeriod, ReportError, type PeriodInfo } from '../source.ts';

export interface SignOff {
  approver: string;
  comment: string;
  /** When it was decided (ISO text), as recorded by the approval. */
  decided_at: string;
}

export type UnitRow = ColumnsOf<
  MartsUnitScorecard,
  'unit_code' | 'unit_name' | 'school_mean' | 'supervision_score' | 'score' | 'grade' | 'is_vetoed' | 'n_vetoed_schools' | 'rank' | 'previous_rank' | 'rank_change' | 'n_schools' | 'enrollment'
>;

const SCHOOL_COLUMNS = [
  's.school_code',
  's.school_name',
  's.unit_code',
  'u.unit_name',
  's.school_type',
  's.enrollment',
  's.score',
  's.grade',
  's.is_vetoed',
  's.veto_reason',
  's.rank',
  's.n_ranked',
  's.is_separately_ranked',
  's.previous_rank',
  's.rank_change',
] as const;

export type SchoolRow = ColumnsOf<
  MartsSchoolScorecard,
  'school_code' | 'school_name' | 'unit_code' | 'school_type' | 'enrollment' | 'score' | 'grade' | 'is_vetoed' | 'veto_reason' | 'rank' | 'n_ranked' | 'is_separately_ranked' | 'previous_rank' | 'rank_change'
> &
  ColumnsOf<CoreDimUnits, 'unit_name'> & {
    /** Points earned per domain, in the order of `domains` (null: the domain does not apply). */
    points: (number | null)[];
  };

/** The edition's domains: every column is filled by the reference loader. */
export type DomainInfo = ColumnsOf<RefDomains, 'domain_id' | 'domain_name_zh' | 'points', 'domain_id' | 'domain_name_zh' | 'points'>;

export type IndicatorInfo = ColumnsOf<
  RefIndicators,
  'indicator_id' | 'scope' | 'domain_id' | 'indicator_name_zh' | 'kind' | 'direction' | 'unit' | 'formula_text' | 'points' | 'target' | 'floor' | 'deduction_per_occurrence',
  'indicator_id' | 'scope' | 'indicator_name_zh' | 'kind' | 'direction' | 'unit' | 'formula_text' | 'points'
> & {
  /** The school types it applies to, in the definition's order, joined with 、. */
  applies_to: string | null;
  /** The flags a school must carry for it to apply, by their Chinese name, joined with 、. */
  requires_flags: string | null;
};

export type ShortBoard = ColumnsOf<
  MartsShortBoards,
  'unit_code' | 'board_rank' | 'indicator_id' | 'indicator_name' | 'attainment' | 'city_median_attainment' | 'gap' | 'suggestions',
  'suggestions'
>;

export type VetoInfo = ColumnsOf<
  RefVetoes,
  'veto_id' | 'veto_name_zh' | 'condition_text' | 'school_grade_cap' | 'unit_grade_barred',
  'veto_id' | 'veto_name_zh' | 'condition_text' | 'school_grade_cap' | 'unit_grade_barred'
>;

export type GradeBand = ColumnsOf<RefGradeBands, 'grade' | 'min_score', 'grade' | 'min_score'>;

export interface AppraisalData {
  year: number;
  /** The city the units belong to (ref.units.city_name, from units.csv): 许昌市; null when the reference data names none. */
  cityName: string | null;
  period: PeriodInfo;
  edition: EditionInfo;
  snapshotFile: string;
  snapshotSha256: string;
  signOff: SignOff | null;
  units: UnitRow[];
  domains: DomainInfo[];
  /** unit → domain id → its schools' mean points earned and mean points applicable (schools where the domain applies). */
  unitDomainMeans: Map<string, Map<string, { earned: number; applicable: number }>>;
  vetoedSchools: SchoolRow[];
  shortBoards: ShortBoard[];
  schools: SchoolRow[];
  schoolTypes: string[];
  indicators: IndicatorInfo[];
  vetoes: VetoInfo[];
  gradeBands: GradeBand[];
  unitFormula: string;
  comparison: MethodComparison;
}

export async function readAppraisalData(
  db: Warehouse,
  { year, snapshotPath, snapshotSha256, signOff, definitionPath }: { year: number; snapshotPath: string; snapshotSha256: string; signOff: SignOff | null; definitionPath?: string },
): Promise<AppraisalData> {
  const q = typedWarehouse(db);
  const period = await readPeriod(q, String(year));
  if (period.period_kind !== 'year') throw new ReportError(`the appraisal is for a calendar year; ${year} is not one`);
  const edition = await readEdition(q, period.definition_edition);
  const definition = definitionForSnapshot(edition, definitionPath);

  const units: UnitRow[] = await q
    .selectFrom('marts.unit_scorecard')
    .select(['unit_code', 'unit_name', 'school_mean', 'supervision_score', 'score', 'grade', 'is_vetoed', 'n_vetoed_schools', 'rank', 'previous_rank', 'rank_change', 'n_schools', 'enrollment'])
    .where('period', '=', period.period_id)
    .orderBy('rank', (order) => order.nullsLast())
    .orderBy('score', 'desc')
    .orderBy('unit_code')
    .execute();
  if (!units.length) throw new ReportError(`the snapshot has no unit scores for ${year}`);
  const domains: DomainInfo[] = await q
    .selectFrom('ref.domains')
    .select(['domain_id', 'domain_name_zh', 'points'])
    .where('edition', '=', edition.edition)
    .orderBy('sort_order')
    .$narrowType<{ domain_id: NotNull; domain_name_zh: NotNull; points: NotNull }>()
    .execute();
  const schoolDomainPoints = q
    .selectFrom('marts.indicator_values')
    .select((eb) => ['unit_code', 'school_code', 'domain_id', eb.fn.sum<number>('points').as('earned'), eb.fn.sum<number>('max_points').as('applicable')])
    .where('period', '=', period.period_id)
    .where('scope', '=', 'school')
    .where('status', '<>', 'not_applicable')
    .groupBy(sql`all`);
  const means = await q
    .selectFrom(schoolDomainPoints.as('d'))
    .select((eb) => ['d.unit_code', 'd.domain_id', eb.fn.avg<number>('d.earned').as('earned'), eb.fn.avg<number>('d.applicable').as('applicable')])
    .groupBy(sql`all`)
    .orderBy(sql`all`)
    .execute();
  const unitDomainMeans: AppraisalData['unitDomainMeans'] = new Map();
  for (const m of means) {
    if (!unitDomainMeans.has(m.unit_code)) unitDomainMeans.set(m.unit_code, new Map());
    unitDomainMeans.get(m.unit_code)!.set(m.domain_id, { earned: m.earned, applicable: m.applicable });
  }
  const schoolTypes = definition.school_types.map((t) => t.name);
  // school_scorecard has one points_<domain> column per domain of the edition: named at run time, so not typed
  const domainColumns = domains.map((d) => `points_${d.domain_id.toLowerCase()}`);
  const schoolRows = await q
    .selectFrom('marts.school_scorecard as s')
    .innerJoin('core.dim_units as u', 'u.unit_code', 's.unit_code')
    .select([...SCHOOL_COLUMNS, ...domainColumns.map((c) => sql<number | null>`${sql.ref(`s.${c}`)}`.as(c))])
    .where('s.period', '=', period.period_id)
    .orderBy((eb) => sql`list_position(string_split(${schoolTypes.join(',')}, ','), ${eb.ref('s.school_type')})`)
    .orderBy('s.is_separately_ranked')
    .orderBy('s.rank')
    .orderBy('s.school_code')
    .execute();
  const schools: SchoolRow[] = schoolRows.map((row) => {
    const out = Object.fromEntries(Object.entries(row).filter(([k]) => !domainColumns.includes(k))) as Omit<SchoolRow, 'points'>;
    return { ...out, points: domainColumns.map((c) => (row as Record<string, unknown>)[c] as number | null) };
  });
  const shortBoards: ShortBoard[] = await q
    .selectFrom('marts.short_boards')
    .select(['unit_code', 'board_rank', 'indicator_id', 'indicator_name', 'attainment', 'city_median_attainment', 'gap', 'suggestions'])
    .where('period', '=', period.period_id)
    .where('school_code', 'is', null)
    .orderBy('unit_code')
    .orderBy('board_rank')
    .$narrowType<{ suggestions: NotNull }>()
    .execute();
  const indicators: IndicatorInfo[] = await q
    .selectFrom('ref.indicators as i')
    .select((eb) => [
      'i.indicator_id',
      'i.scope',
      'i.domain_id',
      'i.indicator_name_zh',
      'i.kind',
      'i.direction',
      'i.unit',
      'i.formula_text',
      'i.points',
      'i.target',
      'i.floor',
      'i.deduction_per_occurrence',
      eb
        .selectFrom('ref.indicator_applicability as a')
        .select((a) => sql<string | null>`string_agg(${a.ref('a.school_type')}, '、' order by list_position(string_split(${schoolTypes.join(',')}, ','), ${a.ref('a.school_type')}))`.as('applies_to'))
        .whereRef('a.edition', '=', 'i.edition')
        .whereRef('a.indicator_id', '=', 'i.indicator_id')
        .as('applies_to'),
      eb
        .selectFrom('ref.indicator_required_flags as f')
        .select((f) => sql<string | null>`string_agg(${f.ref('f.flag_id')}, '、')`.as('requires_flags'))
        .whereRef('f.edition', '=', 'i.edition')
        .whereRef('f.indicator_id', '=', 'i.indicator_id')
        .as('requires_flags'),
    ])
    .where('i.edition', '=', edition.edition)
    .orderBy('i.sort_order')
    .$narrowType<{ indicator_id: NotNull; scope: NotNull; indicator_name_zh: NotNull; kind: NotNull; direction: NotNull; unit: NotNull; formula_text: NotNull; points: NotNull }>()
    .execute();
  // flags by their Chinese name (临水 rather than near_water)
  for (const i of indicators) {
    i.requires_flags = i.requires_flags?.split('、').map((id) => definition.flags.find((f) => f.id === id)?.zh ?? id).join('、') ?? null;
  }
  const vetoes: VetoInfo[] = await q
    .selectFrom('ref.vetoes')
    .select(['veto_id', 'veto_name_zh', 'condition_text', 'school_grade_cap', 'unit_grade_barred'])
    .where('edition', '=', edition.edition)
    .orderBy('veto_id')
    .$narrowType<{ veto_id: NotNull; veto_name_zh: NotNull; condition_text: NotNull; school_grade_cap: NotNull; unit_grade_barred: NotNull }>()
    .execute();
  const gradeBands: GradeBand[] = await q
    .selectFrom('ref.grade_bands')
    .select(['grade', 'min_score'])
    .where('edition', '=', edition.edition)
    .orderBy('sort_order')
    .$narrowType<{ grade: NotNull; min_score: NotNull }>()
    .execute();
  const formula = await q.selectFrom('ref.definition_editions').select('unit_formula_text').where('edition', '=', edition.edition).executeTakeFirst();
  const unitFormula = formula?.unit_formula_text as string;
  const comparison = compareMethods(await readMethodInputs(q, period.period_id), definition);
  const cityName = await readCityName(db);

  return {
    year,
    cityName,
    period,
    edition,
    snapshotFile: basename(snapshotPath),
    snapshotSha256,
    signOff,
    units,
    domains,
    unitDomainMeans,
    vetoedSchools: schools.filter((s) => s.is_vetoed),
    shortBoards,
    schools,
    schoolTypes,
    indicators,
    vetoes,
    gradeBands,
    unitFormula,
    comparison,
  };
}

/**
 * The one city of ref.units (units.csv's city_name), or null when the reference data names none —
 * or the snapshot predates the column (a frozen appraisal file is read as it was written).
 */
async function readCityName(db: Warehouse): Promise<string | null> {
  const hasColumn = await db.value<number>("select count(*) from information_schema.columns where table_schema = 'ref' and table_name = 'units' and column_name = 'city_name'");
  if (!hasColumn) return null;
  const cities = await db.all<{ city_name: string }>('select distinct city_name from ref.units where city_name is not null order by city_name');
  if (cities.length > 1) throw new ReportError(`the units of ref.units belong to ${cities.length} cities (${cities.map((c) => c.city_name).join('、')}): an appraisal ranks one city's units`);
  return cities[0]?.city_name ?? null;
}

/**
 * What an assessment report (评估报告) of one school or one unit shows for a period, read from
 * a snapshot: the score, grade and rank with their history over the periods of the same kind,
 * every indicator with its status, the evidence behind each unmet one, short boards with
 * suggestions, and for a unit its schools, weakest first.
 *
 * Status (达标 = met): an indicator is 达标 when it earned its full points, 未达标 when it was
 * measured and lost points, 无数据 when required data is missing (scored 0), 不适用 when it does
 * not apply. A unit's pooled school indicator is 达标 when every applicable school earned the
 * full points (attainment = 1).
 */
import { sql, type ExpressionBuilder, type Kysely, type NotNull } from 'kysely';
import type { Warehouse } from '../../warehouse/connection.ts';
import { typedWarehouse, type ColumnsOf } from '../../warehouse/kysely.ts';
import type {
  CoreDimPeriods,
  CoreDimUnits,
  Database,
  MartsIndicatorValues,
  MartsSchoolScorecard,
  MartsShortBoards,
  MartsUnitScorecard,
} from '../../warehouse/schema.generated.ts';
import { readEdition, type EditionInfo } from '../../transforms/definitions/snapshot-edition.ts';
import { readPeriod, ReportError, type PeriodInfo } from '../source.ts';
import { readEvidence, type EvidenceTable } from './evidence.ts';

export type Subject = { kind: 'school' | 'unit'; code: string };
export type Status = '达标' | '未达标' | '无数据' | '不适用';

/** A school's or a unit's score of the period (the unit's columns of marts.unit_scorecard match the school's). */
export type Standing = ColumnsOf<
  MartsSchoolScorecard,
  'unit_code' | 'enrollment' | 'score' | 'grade' | 'rank' | 'previous_rank' | 'rank_change' | 'is_vetoed' | 'veto_reason'
> &
  ColumnsOf<CoreDimUnits, 'unit_name'> & {
    /** The school's or the unit's name. */
    name: string;
    /** Null for a unit. */
    school_type: string | null;
    /** The unit's schools (null for a school). */
    n_schools: number | null;
    /** Schools ranked in the group (school) or units ranked (unit). */
    n_ranked: number | null;
  };

export type HistoryRow = ColumnsOf<MartsSchoolScorecard, 'period' | 'score' | 'grade' | 'rank' | 'n_ranked'>;

export type IndicatorRow = ColumnsOf<
  MartsIndicatorValues,
  'indicator_id' | 'indicator_name' | 'domain_id' | 'unit' | 'value' | 'numerator' | 'denominator' | 'target' | 'points' | 'max_points'
> & {
  direction: Direction;
  attainment: number | null;
  /** A unit's rank among the ranked units on this indicator. */
  unit_rank: number | null;
  suggestion: string | null;
  status: Status;
};

export type SchoolLine = ColumnsOf<
  MartsSchoolScorecard,
  'school_code' | 'school_name' | 'school_type' | 'score' | 'grade' | 'rank' | 'n_ranked' | 'is_vetoed' | 'veto_reason'
>;

export type ShortBoard = ColumnsOf<
  MartsShortBoards,
  'board_rank' | 'indicator_id' | 'indicator_name' | 'attainment' | 'city_median_attainment' | 'gap' | 'suggestions',
  'suggestions'
>;

export interface AssessmentData {
  subject: Subject;
  period: PeriodInfo;
  edition: EditionInfo;
  snapshotFile: string;
  snapshotSha256: string;
  standing: Standing;
  history: HistoryRow[];
  domains: { domain_id: string; domain_name_zh: string }[];
  indicators: IndicatorRow[];
  evidence: Map<string, EvidenceTable[]>;
  shortBoards: ShortBoard[];
  /** A unit's schools, lowest score first (empty for a school report). */
  schools: SchoolLine[];
}

export function statusOf(status: string, points: number | null, maxPoints: number | null): Status {
  if (status === 'not_applicable') return '不适用';
  if (status === 'no_data') return '无数据';
  return points !== null && maxPoints !== null && points >= maxPoints - 1e-9 ? '达标' : '未达标';
}

export async function readAssessmentData(
  db: Warehouse,
  { period: periodId, subject, snapshotFile, snapshotSha256 }: { period: string; subject: Subject; snapshotFile: string; snapshotSha256: string },
): Promise<AssessmentData> {
  const q = typedWarehouse(db);
  const period = await readPeriod(q, periodId);
  const edition = await readEdition(q, period.definition_edition);
  const standing = subject.kind === 'school' ? await schoolStanding(q, periodId, subject.code) : await unitStanding(q, periodId, subject.code);
  const history: HistoryRow[] =
    subject.kind === 'school'
      ? await q
          .selectFrom('marts.school_scorecard as s')
          .innerJoin('core.dim_periods as d', 'd.period_id', 's.period')
          .select(['s.period', 's.score', 's.grade', 's.rank', 's.n_ranked'])
          .where('s.school_code', '=', subject.code)
          .where('d.period_kind', '=', period.period_kind)
          .where('d.start_on', '<=', period.start_on)
          .orderBy('d.start_on')
          .execute()
      : await q
          .selectFrom('marts.unit_scorecard as u')
          .innerJoin('core.dim_periods as d', 'd.period_id', 'u.period')
          .select((eb) => ['u.period', 'u.score', 'u.grade', 'u.rank', unitsRanked(eb).as('n_ranked')])
          .where('u.unit_code', '=', subject.code)
          .where('d.period_kind', '=', period.period_kind)
          .where('d.start_on', '<=', period.start_on)
          .orderBy('d.start_on')
          .execute();
  const domains = await q
    .selectFrom('ref.domains')
    .select(['domain_id', 'domain_name_zh'])
    .where('edition', '=', edition.edition)
    .$narrowType<{ domain_id: NotNull; domain_name_zh: NotNull }>()
    .unionAll(q.selectNoFrom([sql<string>`'I'`.as('domain_id'), sql<string>`'县区督导'`.as('domain_name_zh')]))
    .orderBy(sql`1`)
    .execute();
  const indicators = subject.kind === 'school' ? await schoolIndicators(q, periodId, subject.code) : await unitIndicators(q, periodId, subject.code);
  const unmet = indicators.filter((i) => i.status === '未达标' || i.status === '无数据').map((i) => i.indicator_id);
  const evidence = await readEvidence(db, periodId, subject.code, unmet);
  let boards = q
    .selectFrom('marts.short_boards')
    .select(['board_rank', 'indicator_id', 'indicator_name', 'attainment', 'city_median_attainment', 'gap', 'suggestions'])
    .where('period', '=', periodId);
  boards = subject.kind === 'school' ? boards.where('school_code', '=', subject.code) : boards.where('unit_code', '=', subject.code).where('school_code', 'is', null);
  const shortBoards = await boards.orderBy('board_rank').$narrowType<{ suggestions: NotNull }>().execute();
  const schools: SchoolLine[] =
    subject.kind === 'unit'
      ? await q
          .selectFrom('marts.school_scorecard')
          .select(['school_code', 'school_name', 'school_type', 'score', 'grade', 'rank', 'n_ranked', 'is_vetoed', 'veto_reason'])
          .where('period', '=', periodId)
          .where('unit_code', '=', subject.code)
          .orderBy('score')
          .orderBy('school_code')
          .execute()
      : [];
  return { subject, period, edition, snapshotFile, snapshotSha256, standing, history, domains, indicators, evidence, shortBoards, schools };
}

type Q = Kysely<Database>;

/** The number of units ranked in the period of the unit_scorecard row `u`. */
function unitsRanked(eb: ExpressionBuilder<Database & { u: MartsUnitScorecard }, 'u'>) {
  return eb
    .selectFrom('marts.unit_scorecard as x')
    .select((x) => x.fn.count<number>('x.rank').as('n'))
    .whereRef('x.period', '=', 'u.period');
}

async function schoolStanding(q: Q, period: string, code: string): Promise<Standing> {
  const row = await q
    .selectFrom('marts.school_scorecard as s')
    .innerJoin('core.dim_units as u', 'u.unit_code', 's.unit_code')
    .select([
      's.school_name as name',
      's.unit_code',
      'u.unit_name',
      's.school_type',
      's.enrollment',
      sql<number | null>`null`.as('n_schools'),
      's.score',
      's.grade',
      's.rank',
      's.n_ranked',
      's.previous_rank',
      's.rank_change',
      's.is_vetoed',
      's.veto_reason',
    ])
    .where('s.period', '=', period)
    .where('s.school_code', '=', code)
    .executeTakeFirst();
  if (!row) throw new ReportError(`school ${code} has no score in ${period}: check the code (学校标识码, 10 digits) and that the school was open in that period`);
  return row;
}

async function unitStanding(q: Q, period: string, code: string): Promise<Standing> {
  const row = await q
    .selectFrom('marts.unit_scorecard as u')
    .select((eb) => [
      'u.unit_name as name',
      'u.unit_code',
      'u.unit_name',
      sql<string | null>`null`.as('school_type'),
      'u.enrollment',
      'u.n_schools',
      'u.score',
      'u.grade',
      'u.rank',
      unitsRanked(eb).as('n_ranked'),
      'u.previous_rank',
      'u.rank_change',
      'u.is_vetoed',
      sql<string | null>`case when ${eb.ref('u.is_vetoed')} then ${eb.ref('u.n_vetoed_schools')} || '所学校被一票否决' end`.as('veto_reason'),
    ])
    .where('u.period', '=', period)
    .where('u.unit_code', '=', code)
    .executeTakeFirst();
  if (!row) {
    const units = await q.selectFrom('marts.unit_scorecard').select(['unit_code', 'unit_name']).where('period', '=', period).orderBy('unit_code').execute();
    throw new ReportError(`unit ${code} has no scored schools in ${period}; units: ${units.map((u) => `${u.unit_code} ${u.unit_name}`).join(', ')}`);
  }
  return row;
}

type Direction = 'higher_better' | 'lower_better';

/** The indicator's first suggestion in the edition of period `p`, for the indicator of row `v`. */
function firstSuggestion(eb: ExpressionBuilder<Database & { v: { indicator_id: string }; p: CoreDimPeriods }, 'v' | 'p'>) {
  return eb
    .selectFrom('ref.suggestions as s')
    .select((s) => sql<string | null>`first(${s.ref('s.suggestion')} order by ${s.ref('s.suggestion_no')})`.as('suggestion'))
    .whereRef('s.edition', '=', 'p.definition_edition')
    .whereRef('s.indicator_id', '=', 'v.indicator_id');
}

async function schoolIndicators(q: Q, period: string, code: string): Promise<IndicatorRow[]> {
  const rows = await q
    .selectFrom('marts.indicator_values as v')
    .innerJoin('core.dim_periods as p', 'p.period_id', 'v.period')
    .select((eb) => [
      'v.indicator_id',
      'v.indicator_name',
      'v.domain_id',
      'v.unit',
      'v.value',
      'v.numerator',
      'v.denominator',
      'v.target',
      'v.direction',
      'v.points',
      'v.max_points',
      sql<number | null>`${eb.ref('v.points')} / ${eb.ref('v.max_points')}`.as('attainment'),
      sql<number | null>`null`.as('unit_rank'),
      'v.status as raw_status',
      firstSuggestion(eb).as('suggestion'),
    ])
    .where('v.period', '=', period)
    .where('v.school_code', '=', code)
    .orderBy('v.sort_order')
    .$narrowType<{ direction: Direction }>()
    .execute();
  return rows.map(({ raw_status, ...r }) => ({ ...r, status: statusOf(raw_status, r.points, r.max_points) }));
}

async function unitIndicators(q: Q, period: string, code: string): Promise<IndicatorRow[]> {
  const schoolIndicatorsPooled = q
    .selectFrom('marts.unit_indicator_ranking as v')
    .innerJoin('core.dim_periods as p', 'p.period_id', 'v.period')
    .innerJoin('ref.indicators as i', (join) => join.onRef('i.edition', '=', 'p.definition_edition').onRef('i.indicator_id', '=', 'v.indicator_id'))
    .select((eb) => [
      'v.indicator_id',
      'v.indicator_name',
      'i.domain_id',
      'v.unit',
      'v.value',
      // a pooled yes/no indicator is the share of the schools meeting it: its basis is those schools
      sql<number | null>`case when ${eb.ref('v.unit')} = '是/否' then round(${eb.ref('v.value')} * ${eb.ref('v.n_schools_applicable')}) else ${eb.ref('v.numerator')} end`.as('numerator'),
      sql<number | null>`case when ${eb.ref('v.unit')} = '是/否' then ${eb.ref('v.n_schools_applicable')} else ${eb.ref('v.denominator')} end`.as('denominator'),
      'i.target',
      'i.direction',
      sql<number | null>`null`.as('points'),
      sql<number | null>`null`.as('max_points'),
      'v.attainment',
      'v.rank as unit_rank',
      sql<string>`case when ${eb.ref('v.n_schools_applicable')} = 0 then 'not_applicable' when ${eb.ref('v.value')} is null then 'no_data' else 'ok' end`.as('raw_status'),
      firstSuggestion(eb).as('suggestion'),
      'i.sort_order',
    ])
    .where('v.period', '=', period)
    .where('v.unit_code', '=', code)
    .$narrowType<{ indicator_name: NotNull; domain_id: NotNull; direction: Direction }>();
  const supervisionIndicators = q
    .selectFrom('marts.indicator_values as v')
    .innerJoin('core.dim_periods as p', 'p.period_id', 'v.period')
    .select((eb) => [
      'v.indicator_id',
      'v.indicator_name',
      sql<string>`'I'`.as('domain_id'),
      'v.unit',
      'v.value',
      'v.numerator',
      'v.denominator',
      'v.target',
      'v.direction',
      'v.points',
      'v.max_points',
      sql<number | null>`${eb.ref('v.points')} / ${eb.ref('v.max_points')}`.as('attainment'),
      sql<number | null>`null`.as('unit_rank'),
      'v.status as raw_status',
      firstSuggestion(eb).as('suggestion'),
      'v.sort_order',
    ])
    .where('v.period', '=', period)
    .where('v.unit_code', '=', code)
    .where('v.scope', '=', 'unit')
    .$narrowType<{ direction: Direction }>();
  const rows = await schoolIndicatorsPooled.unionAll(supervisionIndicators).orderBy('sort_order').execute();
  return rows.map(({ raw_status, sort_order: _ignored, ...row }) => {
    const status = raw_status === 'ok' && row.points === null ? (row.attainment! >= 1 - 1e-9 ? '达标' : '未达标') : statusOf(raw_status, row.points, row.max_points);
    return { ...row, status };
  });
}

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
import type { Warehouse } from '../../warehouse/connection.ts';
import { readEdition, type EditionInfo } from '../../transforms/definitions/snapshot-edition.ts';
import { readPeriod, ReportError, type PeriodInfo } from '../source.ts';
import { readEvidence, type EvidenceTable } from './evidence.ts';

export type Subject = { kind: 'school' | 'unit'; code: string };
export type Status = '达标' | '未达标' | '无数据' | '不适用';

export type Standing = {
  name: string;
  unit_code: string;
  unit_name: string;
  school_type: string | null;
  enrollment: number | null;
  n_schools: number | null;
  score: number;
  grade: string;
  rank: number | null;
  /** Schools ranked in the group (school) or units ranked (unit). */
  n_ranked: number | null;
  previous_rank: number | null;
  rank_change: number | null;
  is_vetoed: boolean;
  veto_reason: string | null;
}

export type HistoryRow = {
  period: string;
  score: number;
  grade: string;
  rank: number | null;
  n_ranked: number | null;
}

export interface IndicatorRow {
  indicator_id: string;
  indicator_name: string;
  domain_id: string;
  unit: string | null;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  target: number | null;
  direction: 'higher_better' | 'lower_better';
  points: number | null;
  max_points: number | null;
  attainment: number | null;
  /** A unit's rank among the ranked units on this indicator. */
  unit_rank: number | null;
  status: Status;
  suggestion: string | null;
}

export type SchoolLine = {
  school_code: string;
  school_name: string;
  school_type: string;
  score: number;
  grade: string;
  rank: number;
  n_ranked: number;
  is_vetoed: boolean;
  veto_reason: string | null;
}

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
  shortBoards: { board_rank: number; indicator_id: string; indicator_name: string; attainment: number; city_median_attainment: number; gap: number; suggestions: string[] }[];
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
  const period = await readPeriod(db, periodId);
  const edition = await readEdition(db, period.definition_edition);
  const standing = subject.kind === 'school' ? await schoolStanding(db, periodId, subject.code) : await unitStanding(db, periodId, subject.code);
  const history = await db.all<HistoryRow>(
    subject.kind === 'school'
      ? `select s.period, s.score, s.grade, s.rank, s.n_ranked from marts.school_scorecard s join core.dim_periods d on d.period_id = s.period
         where s.school_code = $1 and d.period_kind = $2 and d.start_on <= $3 order by d.start_on`
      : `select u.period, u.score, u.grade, u.rank, (select count(rank) from marts.unit_scorecard x where x.period = u.period) as n_ranked
         from marts.unit_scorecard u join core.dim_periods d on d.period_id = u.period
         where u.unit_code = $1 and d.period_kind = $2 and d.start_on <= $3 order by d.start_on`,
    [subject.code, period.period_kind, period.start_on],
  );
  const domains = await db.all<{ domain_id: string; domain_name_zh: string }>(
    `select domain_id, domain_name_zh from ref.domains where edition = $1
     union all select 'I', '区县督导' order by 1`,
    [edition.edition],
  );
  const indicators = subject.kind === 'school' ? await schoolIndicators(db, periodId, subject.code) : await unitIndicators(db, periodId, subject.code);
  const unmet = indicators.filter((i) => i.status === '未达标' || i.status === '无数据').map((i) => i.indicator_id);
  const evidence = await readEvidence(db, periodId, subject.code, unmet);
  const shortBoards = await db.all<AssessmentData['shortBoards'][number]>(
    `select board_rank, indicator_id, indicator_name, attainment, city_median_attainment, gap, suggestions from marts.short_boards
     where period = $1 and ${subject.kind === 'school' ? 'school_code = $2' : 'unit_code = $2 and school_code is null'} order by board_rank`,
    [periodId, subject.code],
  );
  const schools =
    subject.kind === 'unit'
      ? await db.all<SchoolLine>(
          `select school_code, school_name, school_type, score, grade, rank, n_ranked, is_vetoed, veto_reason from marts.school_scorecard
           where period = $1 and unit_code = $2 order by score, school_code`,
          [periodId, subject.code],
        )
      : [];
  return { subject, period, edition, snapshotFile, snapshotSha256, standing, history, domains, indicators, evidence, shortBoards, schools };
}

async function schoolStanding(db: Warehouse, period: string, code: string): Promise<Standing> {
  const row = await db.one<Standing>(
    `select s.school_name as name, s.unit_code, u.unit_name, s.school_type, s.enrollment, null as n_schools, s.score, s.grade, s.rank, s.n_ranked,
            s.previous_rank, s.rank_change, s.is_vetoed, s.veto_reason
     from marts.school_scorecard s join core.dim_units u using (unit_code) where s.period = $1 and s.school_code = $2`,
    [period, code],
  );
  if (!row) throw new ReportError(`school ${code} has no score in ${period}: check the code (学校标识码, 10 digits) and that the school was open in that period`);
  return row;
}

async function unitStanding(db: Warehouse, period: string, code: string): Promise<Standing> {
  const row = await db.one<Standing>(
    `select unit_name as name, unit_code, unit_name, null as school_type, enrollment, n_schools, score, grade, rank,
            (select count(rank) from marts.unit_scorecard x where x.period = u.period) as n_ranked,
            previous_rank, rank_change, is_vetoed, case when is_vetoed then n_vetoed_schools || '所学校被一票否决' end as veto_reason
     from marts.unit_scorecard u where period = $1 and unit_code = $2`,
    [period, code],
  );
  if (!row) {
    const units = await db.all<{ unit_code: string; unit_name: string }>('select unit_code, unit_name from marts.unit_scorecard where period = $1 order by unit_code', [period]);
    throw new ReportError(`unit ${code} has no scored schools in ${period}; units: ${units.map((u) => `${u.unit_code} ${u.unit_name}`).join(', ')}`);
  }
  return row;
}

type Raw = Omit<IndicatorRow, 'status'> & { raw_status: string };

const SUGGESTION = `(select first(s.suggestion order by s.suggestion_no) from ref.suggestions s where s.edition = p.definition_edition and s.indicator_id = v.indicator_id)`;

async function schoolIndicators(db: Warehouse, period: string, code: string): Promise<IndicatorRow[]> {
  const rows = await db.all<Raw>(
    `select v.indicator_id, v.indicator_name, v.domain_id, v.unit, v.value, v.numerator, v.denominator, v.target, v.direction, v.points, v.max_points,
            v.points / v.max_points as attainment, null as unit_rank, v.status as raw_status, ${SUGGESTION} as suggestion
     from marts.indicator_values v join core.dim_periods p on p.period_id = v.period
     where v.period = $1 and v.school_code = $2 order by v.sort_order`,
    [period, code],
  );
  return rows.map(({ raw_status, ...r }) => ({ ...r, status: statusOf(raw_status, r.points, r.max_points) }));
}

async function unitIndicators(db: Warehouse, period: string, code: string): Promise<IndicatorRow[]> {
  const rows = await db.all<Raw>(
    `select v.indicator_id, v.indicator_name, i.domain_id, v.unit, v.value,
            -- a pooled yes/no indicator is the share of the schools meeting it: its basis is those schools
            case when v.unit = '是/否' then round(v.value * v.n_schools_applicable) else v.numerator end as numerator,
            case when v.unit = '是/否' then v.n_schools_applicable else v.denominator end as denominator,
            i.target, i.direction, null as points, null as max_points,
            v.attainment, v.rank as unit_rank,
            case when v.n_schools_applicable = 0 then 'not_applicable' when v.value is null then 'no_data' else 'ok' end as raw_status,
            ${SUGGESTION} as suggestion, i.sort_order
     from marts.unit_indicator_ranking v join core.dim_periods p on p.period_id = v.period
     join ref.indicators i on i.edition = p.definition_edition and i.indicator_id = v.indicator_id
     where v.period = $1 and v.unit_code = $2
     union all
     select v.indicator_id, v.indicator_name, 'I', v.unit, v.value, v.numerator, v.denominator, v.target, v.direction, v.points, v.max_points,
            v.points / v.max_points, null, v.status, ${SUGGESTION}, v.sort_order
     from marts.indicator_values v join core.dim_periods p on p.period_id = v.period
     where v.period = $1 and v.unit_code = $2 and v.scope = 'unit'
     order by sort_order`,
    [period, code],
  );
  return rows.map(({ raw_status, ...r }) => {
    const { sort_order: _ignored, ...row } = r as Raw & { sort_order?: number };
    const status = raw_status === 'ok' && row.points === null ? (row.attainment! >= 1 - 1e-9 ? '达标' : '未达标') : statusOf(raw_status, row.points, row.max_points);
    return { ...row, status };
  });
}

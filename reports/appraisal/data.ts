/** Everything the appraisal shows, read from the frozen snapshot of one year. */
import { basename } from 'node:path';
import type { Warehouse } from '../../warehouse/connection.ts';
import { compareMethods, readMethodInputs, type MethodComparison } from '../../transforms/weighting/methods.ts';
import { definitionForSnapshot, readEdition, type EditionInfo } from '../../transforms/definitions/snapshot-edition.ts';
import { readPeriod, ReportError, type PeriodInfo } from '../source.ts';

export interface SignOff {
  approver: string;
  comment: string;
  /** When it was decided (ISO text), as recorded by the approval. */
  decided_at: string;
}

export type UnitRow = {
  unit_code: string;
  unit_name: string;
  school_mean: number;
  supervision_score: number | null;
  score: number;
  grade: string;
  is_vetoed: boolean;
  n_vetoed_schools: number;
  rank: number | null;
  previous_rank: number | null;
  rank_change: number | null;
  n_schools: number;
  enrollment: number | null;
}

export interface SchoolRow {
  school_code: string;
  school_name: string;
  unit_code: string;
  unit_name: string;
  school_type: string;
  enrollment: number | null;
  score: number;
  grade: string;
  is_vetoed: boolean;
  veto_reason: string | null;
  rank: number;
  n_ranked: number;
  is_separately_ranked: boolean;
  previous_rank: number | null;
  rank_change: number | null;
  /** Points earned per domain, in the order of `domains` (null: the domain does not apply). */
  points: (number | null)[];
}

export type DomainInfo = {
  domain_id: string;
  domain_name_zh: string;
  points: number;
}

export type IndicatorInfo = {
  indicator_id: string;
  scope: string;
  domain_id: string | null;
  indicator_name_zh: string;
  kind: string;
  direction: string;
  unit: string;
  formula_text: string;
  points: number;
  target: number | null;
  floor: number | null;
  deduction_per_occurrence: number | null;
  applies_to: string | null;
  requires_flags: string | null;
}

export interface AppraisalData {
  year: number;
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
  shortBoards: { unit_code: string; board_rank: number; indicator_id: string; indicator_name: string; attainment: number; city_median_attainment: number; gap: number; suggestions: string[] }[];
  schools: SchoolRow[];
  schoolTypes: string[];
  indicators: IndicatorInfo[];
  vetoes: { veto_id: string; veto_name_zh: string; condition_text: string; school_grade_cap: string; unit_grade_barred: string }[];
  gradeBands: { grade: string; min_score: number }[];
  unitFormula: string;
  comparison: MethodComparison;
}

export async function readAppraisalData(
  db: Warehouse,
  { year, snapshotPath, snapshotSha256, signOff, definitionPath }: { year: number; snapshotPath: string; snapshotSha256: string; signOff: SignOff | null; definitionPath?: string },
): Promise<AppraisalData> {
  const period = await readPeriod(db, String(year));
  if (period.period_kind !== 'year') throw new ReportError(`the appraisal is for a calendar year; ${year} is not one`);
  const edition = await readEdition(db, period.definition_edition);
  const definition = definitionForSnapshot(edition, definitionPath);
  const p = [period.period_id];

  const units = await db.all<UnitRow>(
    `select unit_code, unit_name, school_mean, supervision_score, score, grade, is_vetoed, n_vetoed_schools, rank, previous_rank, rank_change, n_schools, enrollment
     from marts.unit_scorecard where period = $1 order by rank nulls last, score desc, unit_code`,
    p,
  );
  if (!units.length) throw new ReportError(`the snapshot has no unit scores for ${year}`);
  const domains = await db.all<DomainInfo>('select domain_id, domain_name_zh, points from ref.domains where edition = $1 order by sort_order', [edition.edition]);
  const means = await db.all<{ unit_code: string; domain_id: string; earned: number; applicable: number }>(
    `select unit_code, domain_id, avg(earned) as earned, avg(applicable) as applicable from (
       select unit_code, school_code, domain_id, sum(points) as earned, sum(max_points) as applicable from marts.indicator_values
       where period = $1 and scope = 'school' and status <> 'not_applicable' group by all)
     group by all order by all`,
    p,
  );
  const unitDomainMeans: AppraisalData['unitDomainMeans'] = new Map();
  for (const m of means) {
    if (!unitDomainMeans.has(m.unit_code)) unitDomainMeans.set(m.unit_code, new Map());
    unitDomainMeans.get(m.unit_code)!.set(m.domain_id, { earned: m.earned, applicable: m.applicable });
  }
  const schoolTypes = definition.school_types.map((t) => t.name);
  // school_scorecard has one points_<domain> column per domain of the edition
  const domainColumns = domains.map((d) => `points_${d.domain_id.toLowerCase()}`);
  const schoolRows = await db.all<Omit<SchoolRow, 'points'> & Record<string, number | null>>(
    `select s.school_code, s.school_name, s.unit_code, u.unit_name, s.school_type, s.enrollment, s.score, s.grade, s.is_vetoed, s.veto_reason,
            s.rank, s.n_ranked, s.is_separately_ranked, s.previous_rank, s.rank_change, ${domainColumns.map((c) => `s.${c}`).join(', ')}
     from marts.school_scorecard s join core.dim_units u using (unit_code)
     where s.period = $1
     order by list_position(string_split($2, ','), s.school_type), s.is_separately_ranked, s.rank, s.school_code`,
    [period.period_id, schoolTypes.join(',')],
  );
  const schools: SchoolRow[] = schoolRows.map((row) => {
    const out = Object.fromEntries(Object.entries(row).filter(([k]) => !domainColumns.includes(k))) as Omit<SchoolRow, 'points'>;
    return { ...out, points: domainColumns.map((c) => row[c] as number | null) };
  });
  const shortBoards = await db.all<AppraisalData['shortBoards'][number]>(
    `select unit_code, board_rank, indicator_id, indicator_name, attainment, city_median_attainment, gap, suggestions
     from marts.short_boards where period = $1 and school_code is null order by unit_code, board_rank`,
    p,
  );
  const indicators = await db.all<IndicatorInfo>(
    `select i.indicator_id, i.scope, i.domain_id, i.indicator_name_zh, i.kind, i.direction, i.unit, i.formula_text, i.points, i.target, i.floor,
            i.deduction_per_occurrence,
            (select string_agg(a.school_type, '、' order by list_position(string_split($2, ','), a.school_type)) from ref.indicator_applicability a
              where a.edition = i.edition and a.indicator_id = i.indicator_id) as applies_to,
            (select string_agg(f.flag_id, '、') from ref.indicator_required_flags f where f.edition = i.edition and f.indicator_id = i.indicator_id) as requires_flags
     from ref.indicators i where i.edition = $1 order by i.sort_order`,
    [edition.edition, schoolTypes.join(',')],
  );
  // flags by their Chinese name (临水 rather than near_water)
  for (const i of indicators) {
    i.requires_flags = i.requires_flags?.split('、').map((id) => definition.flags.find((f) => f.id === id)?.zh ?? id).join('、') ?? null;
  }
  const vetoes = await db.all<AppraisalData['vetoes'][number]>(
    'select veto_id, veto_name_zh, condition_text, school_grade_cap, unit_grade_barred from ref.vetoes where edition = $1 order by veto_id',
    [edition.edition],
  );
  const gradeBands = await db.all<{ grade: string; min_score: number }>('select grade, min_score from ref.grade_bands where edition = $1 order by sort_order', [edition.edition]);
  const unitFormula = await db.value<string>('select unit_formula_text from ref.definition_editions where edition = $1', [edition.edition]);
  const comparison = compareMethods(await readMethodInputs(db, period.period_id), definition);

  return {
    year,
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

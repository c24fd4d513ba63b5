/**
 * The units ranked by every method of the definition's `ranking.side_by_side`, for the
 * appraisal's comparison page (DOMAIN.md §5):
 *
 * - points (官方得分): the official unit score and rank of marts.unit_scorecard.
 * - ahp (层次分析法): domain weights w_d from the pairwise matrix (transforms/weighting/ahp).
 *   A school's AHP score = 100 × Σ_d w_d × earned_d / applicable_d over the domains that apply
 *   to it, divided by Σ of those w_d (weights of inapplicable domains redistributed). The unit
 *   combines its schools exactly as the official score does: school_weight × (enrollment-weighted)
 *   mean + supervision_weight × supervision score.
 * - entropy (熵权法): criteria = the units' indicator attainments (school indicators pooled as
 *   in marts.unit_indicator_ranking, plus the supervision indicators I1–I3); weights from their
 *   dispersion across the ranked units; score = 100 × Σ_j w_j × attainment_j.
 * - topsis: closeness to the ideal over the same attainment matrix, weighted as
 *   `topsis.weights_from` says (points: school_weight × points / 100 for school indicators,
 *   supervision_weight × points / supervision total for I1–I3).
 *
 * A criterion some ranked unit cannot be judged on (no applicable school, nothing to measure)
 * is left out of entropy and TOPSIS and listed in `droppedCriteria`. Ranks are competition
 * ranks (1, 2, 2, 4) on the score as shown: 2 decimals, TOPSIS closeness 4 decimals.
 */
import { sql, type Kysely, type NotNull } from 'kysely';
import type { IndicatorDefinition, RankingMethodName } from '../definitions/load.ts';
import { ahpWeights } from './ahp.ts';
import { competitionRanks } from './common.ts';
import { entropyWeights } from './entropy.ts';
import { topsis } from './topsis.ts';
import type { ColumnsOf } from '../../warehouse/kysely.ts';
import type { Database, MartsIndicatorValues, MartsSchoolScorecard, MartsUnitIndicatorRanking, MartsUnitScorecard } from '../../warehouse/schema.generated.ts';

export type RankedUnit = ColumnsOf<MartsUnitScorecard, 'unit_code' | 'unit_name' | 'score' | 'rank' | 'supervision_score', 'rank'>;

/** A school's points earned and applicable in one domain (summed over its applicable indicators). */
export type SchoolDomainPoints = ColumnsOf<MartsIndicatorValues, 'unit_code' | 'school_code' | 'domain_id', 'school_code'> &
  ColumnsOf<MartsSchoolScorecard, 'enrollment'> & {
    earned: number;
    applicable: number;
  };

export type UnitCriterion = ColumnsOf<MartsUnitIndicatorRanking, 'unit_code' | 'indicator_id' | 'attainment'> & {
  /** The indicator's points in the definition. */
  points: number;
  /** School indicators' domain id; 'I' for supervision. */
  domain_id: string;
};

export interface MethodInputs {
  units: RankedUnit[];
  schoolDomains: SchoolDomainPoints[];
  criteria: UnitCriterion[];
}

export interface MethodScore {
  score: number;
  rank: number;
}

export interface UnitComparison {
  unit_code: string;
  unit_name: string;
  methods: Partial<Record<RankingMethodName, MethodScore>>;
  /** The rank is not the same under every method shown. */
  differs: boolean;
}

export interface MethodComparison {
  methods: RankingMethodName[];
  units: UnitComparison[];
  ahp?: { labels: string[]; weights: number[]; cr: number };
  entropy?: { criteria: string[]; weights: number[] };
  topsis?: { criteria: string[]; weights: number[] };
  droppedCriteria: string[];
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Reads the inputs of compareMethods for a period from the marts (of a warehouse, or of a snapshot behind the site's read layer). */
export async function readMethodInputs(q: Kysely<Database>, period: string): Promise<MethodInputs> {
  const units: RankedUnit[] = await q
    .selectFrom('marts.unit_scorecard')
    .select(['unit_code', 'unit_name', 'score', 'rank', 'supervision_score'])
    .where('period', '=', period)
    .where('rank', 'is not', null)
    .orderBy('rank')
    .orderBy('unit_code')
    .$narrowType<{ rank: NotNull }>()
    .execute();
  const schoolDomains: SchoolDomainPoints[] = await q
    .selectFrom('marts.indicator_values as v')
    .innerJoin('marts.school_scorecard as s', (join) => join.onRef('s.period', '=', 'v.period').onRef('s.school_code', '=', 'v.school_code'))
    .select((eb) => [
      'v.unit_code',
      'v.school_code',
      's.enrollment',
      'v.domain_id',
      eb.fn.sum<number>('v.points').as('earned'),
      eb.fn.sum<number>('v.max_points').as('applicable'),
    ])
    .where('v.period', '=', period)
    .where('v.scope', '=', 'school')
    .where('v.status', '<>', 'not_applicable')
    .groupBy(sql`all`)
    .orderBy('v.school_code')
    .orderBy('v.domain_id')
    .$narrowType<{ school_code: NotNull }>()
    .execute();
  const schoolCriteria = q
    .selectFrom('marts.unit_indicator_ranking as r')
    .innerJoin('core.dim_periods as p', 'p.period_id', 'r.period')
    .innerJoin('ref.indicators as i', (join) => join.onRef('i.edition', '=', 'p.definition_edition').onRef('i.indicator_id', '=', 'r.indicator_id'))
    .select(['r.unit_code', 'r.indicator_id', 'i.points', 'i.domain_id', 'r.attainment'])
    .where('r.period', '=', period)
    .$narrowType<{ points: NotNull; domain_id: NotNull }>();
  const supervisionCriteria = q
    .selectFrom('marts.indicator_values as v')
    .innerJoin('ref.indicators as i', (join) => join.onRef('i.edition', '=', 'v.definition_edition').onRef('i.indicator_id', '=', 'v.indicator_id'))
    .select((eb) => [
      'v.unit_code',
      'v.indicator_id',
      'i.points',
      sql<string>`'I'`.as('domain_id'),
      sql<number | null>`${eb.ref('v.points')} / ${eb.ref('v.max_points')}`.as('attainment'),
    ])
    .where('v.period', '=', period)
    .where('v.scope', '=', 'unit')
    .$narrowType<{ points: NotNull }>();
  const criteria: UnitCriterion[] = await schoolCriteria.unionAll(supervisionCriteria).orderBy(sql`1`).orderBy(sql`2`).execute();
  return { units, schoolDomains, criteria };
}

export function compareMethods(inputs: MethodInputs, definition: IndicatorDefinition): MethodComparison {
  const { ranking, unit_score: unitScore } = definition;
  const methods = ranking.side_by_side;
  const units = inputs.units;
  const result: MethodComparison = { methods, units: [], droppedCriteria: [] };
  const byMethod: Partial<Record<RankingMethodName, MethodScore[]>> = {};
  byMethod.points = units.map((u) => ({ score: u.score, rank: u.rank }));

  const ahpConfig = ranking.methods.ahp;
  let ahpByDomain: Map<string, number> | undefined;
  if (ahpConfig && methods.includes('ahp')) {
    const ahp = ahpWeights(ahpConfig.matrix, ahpConfig.labels);
    ahpByDomain = new Map(ahpConfig.labels.map((label, i) => [label, ahp.weights[i]]));
    result.ahp = { labels: ahpConfig.labels, weights: ahp.weights, cr: ahp.cr };
    const scores = units.map((u) => round(ahpUnitScore(u, inputs.schoolDomains, ahpByDomain!, unitScore), 2));
    byMethod.ahp = withRanks(scores);
  }

  // the attainment matrix over the criteria every ranked unit can be judged on
  const criterionIds = [...new Set(inputs.criteria.map((c) => c.indicator_id))];
  const cell = new Map(inputs.criteria.map((c) => [`${c.unit_code}|${c.indicator_id}`, c]));
  const kept = criterionIds.filter((id) => units.every((u) => typeof cell.get(`${u.unit_code}|${id}`)?.attainment === 'number'));
  result.droppedCriteria = criterionIds.filter((id) => !kept.includes(id));
  const matrix = units.map((u) => kept.map((id) => cell.get(`${u.unit_code}|${id}`)!.attainment as number));
  const directions = kept.map(() => 'max' as const);
  const canWeigh = units.length >= 2 && kept.length > 0;

  let entropy: number[] | undefined;
  if (canWeigh && ranking.methods.entropy && (methods.includes('entropy') || ranking.methods.topsis?.weights_from === 'entropy')) {
    const config = ranking.methods.entropy;
    const spread = matrix.length && kept.some((_, j) => matrix.some((row) => row[j] !== matrix[0][j]));
    entropy = spread ? entropyWeights(matrix, directions, { normalization: config.normalization, shift: config.shift }).weights : kept.map(() => 1 / kept.length);
    if (methods.includes('entropy')) {
      result.entropy = { criteria: kept, weights: entropy };
      byMethod.entropy = withRanks(matrix.map((row) => round(100 * row.reduce((s, a, j) => s + a * entropy![j], 0), 2)));
    }
  }

  const topsisConfig = ranking.methods.topsis;
  if (canWeigh && topsisConfig && methods.includes('topsis')) {
    const pointsOf = (id: string) => inputs.criteria.find((c) => c.indicator_id === id)!;
    const weights = kept.map((id, j) => {
      const c = pointsOf(id);
      const share = c.domain_id === 'I' ? unitScore.supervision_weight * (c.points / definition.supervision.total_points) : unitScore.school_weight * (c.points / definition.total_points);
      if (topsisConfig.weights_from === 'entropy') return entropy![j];
      if (topsisConfig.weights_from === 'ahp' && c.domain_id !== 'I' && ahpByDomain) {
        const domainPoints = definition.domains.find((d) => d.id === c.domain_id)!.points;
        return unitScore.school_weight * (ahpByDomain.get(c.domain_id) ?? 0) * (c.points / domainPoints);
      }
      return share;
    });
    const closeness = topsis(matrix, weights, directions, topsisConfig.normalization).scores;
    result.topsis = { criteria: kept, weights: weights.map((w) => w / weights.reduce((s, x) => s + x, 0)) };
    byMethod.topsis = withRanks(closeness.map((c) => round(c, 4)));
  }

  result.units = units.map((u, i) => {
    const scores: Partial<Record<RankingMethodName, MethodScore>> = {};
    for (const method of methods) if (byMethod[method]) scores[method] = byMethod[method]![i];
    const ranks = new Set(Object.values(scores).map((s) => s.rank));
    return { unit_code: u.unit_code, unit_name: u.unit_name, methods: scores, differs: ranks.size > 1 };
  });
  return result;
}

function withRanks(scores: number[]): MethodScore[] {
  const ranks = competitionRanks(scores, true);
  return scores.map((score, i) => ({ score, rank: ranks[i] }));
}

function ahpUnitScore(
  unit: RankedUnit,
  schoolDomains: SchoolDomainPoints[],
  weights: Map<string, number>,
  unitScore: IndicatorDefinition['unit_score'],
): number {
  const schools = new Map<string, { enrollment: number | null; weighted: number; weight: number }>();
  for (const row of schoolDomains) {
    if (row.unit_code !== unit.unit_code || !(row.applicable > 0)) continue;
    const school = schools.get(row.school_code) ?? { enrollment: row.enrollment, weighted: 0, weight: 0 };
    const w = weights.get(row.domain_id) ?? 0;
    school.weighted += w * (row.earned / row.applicable);
    school.weight += w;
    schools.set(row.school_code, school);
  }
  const list = [...schools.values()].map((s) => ({ enrollment: s.enrollment ?? 0, score: s.weight > 0 ? (100 * s.weighted) / s.weight : 0 }));
  const students = list.reduce((sum, s) => sum + s.enrollment, 0);
  const mean =
    unitScore.school_aggregation === 'enrollment_weighted_mean' && students > 0
      ? list.reduce((sum, s) => sum + s.score * s.enrollment, 0) / students
      : list.reduce((sum, s) => sum + s.score, 0) / Math.max(1, list.length);
  return unit.supervision_score === null ? mean : unitScore.school_weight * mean + unitScore.supervision_weight * unit.supervision_score;
}

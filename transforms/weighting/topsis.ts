/**
 * TOPSIS: ranks alternatives by their relative closeness to the ideal solution.
 * Rows = alternatives, columns = criteria.
 *
 *   normalisation 'vector' (default):  r_ij = x_ij / √(Σ_i x_ij²)     (a zero column stays 0)
 *   normalisation 'minmax':            r_ij = (x_ij − min_j)/(max_j − min_j) for "max",
 *                                      (max_j − x_ij)/(max_j − min_j) for "min"  (a constant column is 0);
 *                                      the direction is then already folded in, so every column is "max"
 *   v_ij = w_j · r_ij                   (weights non-negative, scaled to sum to 1)
 *   A⁺_j = best v_ij, A⁻_j = worst v_ij (max/min by direction)
 *   D⁺_i = ‖v_i − A⁺‖₂, D⁻_i = ‖v_i − A⁻‖₂,  C_i = D⁻_i / (D⁺_i + D⁻_i)
 *
 * Ranks: 1 = highest C; equal scores share a rank (1, 2, 2, 4). When every weighted
 * criterion is constant the alternatives are indistinguishable: each scores 0.5, all rank 1.
 */
import { checkDecisionMatrix, checkDirections, competitionRanks, normalizedWeights, WeightingInputError, type Direction } from './common.ts';

export type TopsisNormalization = 'vector' | 'minmax';

export interface TopsisResult {
  /** Closeness C_i in [0, 1], higher is better. */
  scores: number[];
  /** Competition ranks, 1 = best. */
  ranks: number[];
  /** D⁺_i and D⁻_i. */
  distanceToBest: number[];
  distanceToWorst: number[];
}

export function topsis(matrix: number[][], weights: number[], directions: Direction[], normalization: TopsisNormalization = 'vector'): TopsisResult {
  if (normalization !== 'vector' && normalization !== 'minmax') {
    throw new WeightingInputError(`TOPSIS normalization must be "vector" or "minmax", got ${JSON.stringify(normalization)}`);
  }
  const { m, n } = checkDecisionMatrix(matrix, 'matrix', 1);
  const dirs = checkDirections(directions, n);
  const w = normalizedWeights(weights, n);

  const v: number[][] = Array.from({ length: m }, () => new Array<number>(n).fill(0));
  const effective: Direction[] = [];
  for (let j = 0; j < n; j++) {
    const column = matrix.map((row) => row[j]);
    if (normalization === 'vector') {
      const norm = Math.sqrt(column.reduce((s, x) => s + x * x, 0));
      column.forEach((x, i) => (v[i][j] = norm === 0 ? 0 : (w[j] * x) / norm));
      effective.push(dirs[j]);
    } else {
      const min = Math.min(...column);
      const max = Math.max(...column);
      const range = max - min;
      column.forEach((x, i) => (v[i][j] = range === 0 ? 0 : (w[j] * (dirs[j] === 'max' ? x - min : max - x)) / range));
      effective.push('max');
    }
  }

  const best: number[] = [];
  const worst: number[] = [];
  for (let j = 0; j < n; j++) {
    const column = v.map((row) => row[j]);
    const hi = Math.max(...column);
    const lo = Math.min(...column);
    best.push(effective[j] === 'max' ? hi : lo);
    worst.push(effective[j] === 'max' ? lo : hi);
  }
  const distance = (row: number[], point: number[]) => Math.sqrt(row.reduce((s, x, j) => s + (x - point[j]) ** 2, 0));
  const distanceToBest = v.map((row) => distance(row, best));
  const distanceToWorst = v.map((row) => distance(row, worst));
  const scores = distanceToBest.map((dPlus, i) => {
    const total = dPlus + distanceToWorst[i];
    return total === 0 ? 0.5 : distanceToWorst[i] / total;
  });
  return { scores, ranks: competitionRanks(scores, true), distanceToBest, distanceToWorst };
}

/**
 * Shared pieces of the weighting and ranking methods: the input error type, criterion
 * directions, matrix shape checks and competition ranking (ties share a rank: 1, 2, 2, 4).
 */

/** Bad input to a weighting method (wrong shape, non-finite number, bad direction…). */
export class WeightingInputError extends Error {
  override name = 'WeightingInputError';
}

/** Which end of a criterion is better: `max` = higher is better (benefit), `min` = lower is better (cost). */
export type Direction = 'max' | 'min';

export const DIRECTIONS: readonly Direction[] = ['max', 'min'];

/** Two scores closer than this are a tie (absorbs floating-point noise, not real differences). */
export const TIE_TOLERANCE = 1e-12;

/**
 * Checks a decision matrix (rows = alternatives, columns = criteria): a non-empty array of
 * equally long, non-empty rows of finite numbers. Returns its size.
 */
export function checkDecisionMatrix(matrix: unknown, what = 'matrix', minRows = 1): { m: number; n: number } {
  if (!Array.isArray(matrix)) throw new WeightingInputError(`${what} must be an array of rows (one per alternative)`);
  if (matrix.length < minRows) {
    throw new WeightingInputError(`${what} needs at least ${minRows} row${minRows === 1 ? '' : 's'} (alternatives), got ${matrix.length}`);
  }
  let n = -1;
  matrix.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) throw new WeightingInputError(`${what} row ${i + 1} must be an array of numbers`);
    if (row.length === 0) throw new WeightingInputError(`${what} row ${i + 1} is empty: every row needs one value per criterion`);
    if (n === -1) n = row.length;
    else if (row.length !== n) {
      throw new WeightingInputError(`${what} row ${i + 1} has ${row.length} values but row 1 has ${n}: every row needs one value per criterion`);
    }
    row.forEach((value: unknown, j) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new WeightingInputError(`${what} row ${i + 1}, column ${j + 1} must be a finite number, got ${JSON.stringify(value)}`);
      }
    });
  });
  return { m: matrix.length, n };
}

export function checkDirections(directions: unknown, n: number): Direction[] {
  if (!Array.isArray(directions)) throw new WeightingInputError(`directions must be an array of "max"/"min", one per criterion (${n})`);
  if (directions.length !== n) {
    throw new WeightingInputError(`directions has ${directions.length} entries but the matrix has ${n} criteria (columns)`);
  }
  directions.forEach((d: unknown, j) => {
    if (d !== 'max' && d !== 'min') {
      throw new WeightingInputError(`directions[${j}] must be "max" (higher is better) or "min" (lower is better), got ${JSON.stringify(d)}`);
    }
  });
  return directions as Direction[];
}

/** Checks criterion weights (non-negative, finite, positive sum) and returns them scaled to sum to 1. */
export function normalizedWeights(weights: unknown, n: number): number[] {
  if (!Array.isArray(weights)) throw new WeightingInputError(`weights must be an array of numbers, one per criterion (${n})`);
  if (weights.length !== n) throw new WeightingInputError(`weights has ${weights.length} entries but the matrix has ${n} criteria (columns)`);
  weights.forEach((w: unknown, j) => {
    if (typeof w !== 'number' || !Number.isFinite(w)) throw new WeightingInputError(`weights[${j}] must be a finite number, got ${JSON.stringify(w)}`);
    if (w < 0) throw new WeightingInputError(`weights[${j}] must not be negative, got ${w}`);
  });
  const total = (weights as number[]).reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new WeightingInputError('weights must not all be zero: their sum must be positive');
  return (weights as number[]).map((w) => w / total);
}

/**
 * Standard competition ranks ("1224"): rank 1 is the best; equal scores (within
 * `tolerance`) share the rank of the first of them and the next distinct score skips
 * accordingly. `higherIsBetter` = true ranks the largest score first.
 */
export function competitionRanks(scores: readonly number[], higherIsBetter = true, tolerance = TIE_TOLERANCE): number[] {
  const order = scores.map((score, index) => ({ score, index }));
  order.sort((a, b) => (higherIsBetter ? b.score - a.score : a.score - b.score) || a.index - b.index);
  const ranks = new Array<number>(scores.length);
  let groupScore = Number.NaN;
  let groupRank = 0;
  order.forEach(({ score, index }, position) => {
    if (position === 0 || Math.abs(score - groupScore) > tolerance) {
      groupScore = score;
      groupRank = position + 1;
    }
    ranks[index] = groupRank;
  });
  return ranks;
}

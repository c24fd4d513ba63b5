/**
 * Entropy weight method (熵权法): objective criterion weights from how much the
 * alternatives differ on each criterion. Rows = alternatives (m ≥ 2), columns = criteria.
 *
 * Default variant, `normalization: 'minmax'` (the one used for the indicator attainment matrix):
 *
 *   z_ij = (x_ij − min_j) / (max_j − min_j)     for a "max" (higher-is-better) criterion
 *   z_ij = (max_j − x_ij) / (max_j − min_j)     for a "min" (lower-is-better) criterion
 *   z'_ij = z_ij + δ                             shift so no share is 0 (ln 0); δ = `shift`, default 0.0001
 *   p_ij = z'_ij / Σ_i z'_ij
 *   e_j  = −k Σ_i p_ij ln p_ij,  k = 1 / ln m
 *   d_j  = 1 − e_j,   w_j = d_j / Σ_j d_j
 *
 * With δ = 0 the convention 0 · ln 0 = 0 is used instead of a shift.
 *
 * Classic variant, `normalization: 'sum'` (Shannon entropy of the raw shares, as in most of
 * the English-language literature): p_ij = x_ij / Σ_i x_ij on the raw values (all ≥ 0), no
 * shift, 0 · ln 0 = 0. The share distribution does not depend on which end is better, so the
 * directions are checked but do not change these weights.
 *
 * A constant column (every alternative equal) carries no information: its entropy is 1 and
 * its weight 0; a note says so. If every column is constant the weights are undefined and
 * the call fails.
 */
import { checkDecisionMatrix, checkDirections, WeightingInputError, type Direction } from './common.ts';

export type EntropyNormalization = 'minmax' | 'sum';

export const DEFAULT_ENTROPY_SHIFT = 0.0001;

export interface EntropyOptions {
  normalization?: EntropyNormalization;
  /** δ added to every min–max normalised value (default 0.0001); `minmax` only. */
  shift?: number;
  /** Criterion names, used in notes. */
  labels?: readonly string[];
}

export interface EntropyResult {
  /** w_j, summing to 1. */
  weights: number[];
  /** e_j in [0, 1]. */
  entropies: number[];
  /** d_j = 1 − e_j. */
  divergences: number[];
  /** Human-readable remarks (constant columns). */
  notes: string[];
}

function plogp(p: number): number {
  return p > 0 ? p * Math.log(p) : 0;
}

export function entropyWeights(matrix: number[][], directions: Direction[], options: EntropyOptions = {}): EntropyResult {
  const normalization = options.normalization ?? 'minmax';
  if (normalization !== 'minmax' && normalization !== 'sum') {
    throw new WeightingInputError(`entropy normalization must be "minmax" or "sum", got ${JSON.stringify(normalization)}`);
  }
  const shift = options.shift ?? DEFAULT_ENTROPY_SHIFT;
  if (typeof shift !== 'number' || !Number.isFinite(shift) || shift < 0) {
    throw new WeightingInputError(`entropy shift must be a finite number ≥ 0, got ${JSON.stringify(shift)}`);
  }
  const { m, n } = checkDecisionMatrix(matrix, 'matrix', 2);
  const dirs = checkDirections(directions, n);
  const label = (j: number) => (options.labels?.[j] !== undefined ? `"${options.labels[j]}"` : `criterion ${j + 1}`);
  const k = 1 / Math.log(m);
  const entropies: number[] = [];
  const notes: string[] = [];

  for (let j = 0; j < n; j++) {
    const column = matrix.map((row) => row[j]);
    const min = Math.min(...column);
    const max = Math.max(...column);
    let values: number[];
    if (normalization === 'sum') {
      const negative = column.findIndex((x) => x < 0);
      if (negative >= 0) {
        throw new WeightingInputError(`entropy with "sum" normalization needs values ≥ 0: row ${negative + 1}, column ${j + 1} is ${column[negative]} (use "minmax")`);
      }
      values = column;
    } else {
      const range = max - min;
      const z = range === 0 ? column.map(() => 0) : column.map((x) => (dirs[j] === 'max' ? (x - min) / range : (max - x) / range));
      values = z.map((x) => x + shift);
    }
    const total = values.reduce((s, x) => s + x, 0);
    if (max === min || total === 0) {
      notes.push(`${label(j)} has the same value for every alternative, so it cannot tell them apart: its weight is 0`);
      entropies.push(1);
      continue;
    }
    const e = -k * values.reduce((s, x) => s + plogp(x / total), 0);
    entropies.push(Math.min(1, Math.max(0, e)));
  }

  const divergences = entropies.map((e) => 1 - e);
  const sum = divergences.reduce((s, d) => s + d, 0);
  if (!(sum > 0)) {
    throw new WeightingInputError('every criterion has the same value for all alternatives: there is nothing to tell them apart, so entropy weights are undefined');
  }
  return { weights: divergences.map((d) => d / sum), entropies, divergences, notes };
}

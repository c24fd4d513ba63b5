/**
 * AHP (层次分析法): priority weights from a pairwise comparison matrix by the principal
 * eigenvector, with Saaty's consistency check.
 *
 *   weights  w  = principal right eigenvector of A, scaled to sum to 1 (power iteration)
 *   λmax        = Σ_i (A·w)_i   (w sums to 1, so this is the Rayleigh-type estimate at convergence)
 *   CI          = (λmax − n) / (n − 1)            (0 for n = 1)
 *   CR          = CI / RI(n)                      (0 for n = 1, 2: every 1×1 and 2×2 reciprocal matrix is consistent)
 *
 * A matrix whose CR exceeds the limit (0.10 by default) is refused with an
 * InconsistentMatrixError that carries the CR and the weights it would have given.
 */
import { WeightingInputError } from './common.ts';

/** Saaty's random consistency index RI by matrix order n (n = 1..10). */
export const SAATY_RANDOM_INDEX: Readonly<Record<number, number>> = Object.freeze({
  1: 0,
  2: 0,
  3: 0.58,
  4: 0.9,
  5: 1.12,
  6: 1.24,
  7: 1.32,
  8: 1.41,
  9: 1.45,
  10: 1.51,
});

export const MAX_AHP_ORDER = 10;
export const DEFAULT_MAX_CR = 0.1;
/** a_ij · a_ji may differ from 1 by this much (lets people write 1/3 as 0.333). */
export const DEFAULT_RECIPROCAL_TOLERANCE = 0.01;

export interface AhpResult {
  /** Priority weights in the order of the matrix rows; they sum to 1. */
  weights: number[];
  lambdaMax: number;
  ci: number;
  cr: number;
  /** Saaty's RI used for CR. */
  ri: number;
  /** Power-iteration steps taken. */
  iterations: number;
}

export interface AhpOptions {
  /** Refuse matrices with CR above this (default 0.10). Pass Infinity to only report it. */
  maxCr?: number;
  /** Allowed |a_ij · a_ji − 1| (default 0.01). */
  reciprocalTolerance?: number;
  /** Power iteration stops when no weight moves by more than this (default 1e-13). */
  convergence?: number;
  maxIterations?: number;
}

/** The matrix is not a valid pairwise comparison matrix (shape, value, diagonal or reciprocity). */
export class AhpMatrixError extends WeightingInputError {
  override name = 'AhpMatrixError';
}

/** The judgements are too inconsistent: CR above the limit (Saaty: 0.10). */
export class InconsistentMatrixError extends WeightingInputError {
  override name = 'InconsistentMatrixError';
  readonly cr: number;
  readonly ci: number;
  readonly lambdaMax: number;
  readonly limit: number;
  /** The weights the matrix would give, for diagnosis only. */
  readonly weights: number[];

  constructor(result: AhpResult, limit: number, what = 'AHP matrix') {
    super(
      `${what} is too inconsistent: consistency ratio CR = ${result.cr.toFixed(4)} exceeds ${limit.toFixed(2)} ` +
        `(λmax = ${result.lambdaMax.toFixed(4)}, CI = ${result.ci.toFixed(4)}, RI = ${result.ri}); ` +
        'revise the pairwise judgements that contradict each other and try again',
    );
    this.cr = result.cr;
    this.ci = result.ci;
    this.lambdaMax = result.lambdaMax;
    this.limit = limit;
    this.weights = result.weights;
  }
}

/**
 * Reads one judgement: a positive number or a fraction string such as "1/3" (handy in JSON,
 * which has no fractions). Returns NaN when it is neither.
 */
export function parseJudgement(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  const text = value.trim();
  const fraction = /^(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(text);
  if (fraction) return Number(fraction[1]) / Number(fraction[2]);
  return /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

function cellName(i: number, j: number, labels?: readonly string[]): string {
  const where = `row ${i + 1}, column ${j + 1}`;
  return labels ? `${where} (${labels[i]} vs ${labels[j]})` : where;
}

/** Validates a pairwise comparison matrix; throws AhpMatrixError naming the offending cell. */
export function checkPairwiseMatrix(matrix: unknown, labels?: readonly string[], reciprocalTolerance = DEFAULT_RECIPROCAL_TOLERANCE): number[][] {
  if (!Array.isArray(matrix) || matrix.length === 0) {
    throw new AhpMatrixError('AHP matrix must be a non-empty square array of rows');
  }
  const n = matrix.length;
  if (n > MAX_AHP_ORDER) {
    throw new AhpMatrixError(`AHP matrix has ${n} rows; at most ${MAX_AHP_ORDER} criteria are supported (Saaty's random index is defined for n ≤ ${MAX_AHP_ORDER}): group the criteria into a hierarchy`);
  }
  if (labels !== undefined) {
    if (!Array.isArray(labels) || labels.length !== n) {
      throw new AhpMatrixError(`AHP labels has ${Array.isArray(labels) ? labels.length : 'no'} entries but the matrix has ${n} rows`);
    }
    const seen = new Set<string>();
    labels.forEach((label, i) => {
      if (typeof label !== 'string' || label.trim() === '') throw new AhpMatrixError(`AHP label ${i + 1} must be a non-empty string`);
      if (seen.has(label)) throw new AhpMatrixError(`AHP label "${label}" appears twice`);
      seen.add(label);
    });
  }
  matrix.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) throw new AhpMatrixError(`AHP matrix row ${i + 1} must be an array`);
    if (row.length !== n) {
      throw new AhpMatrixError(`AHP matrix must be square: row ${i + 1}${labels ? ` (${labels[i]})` : ''} has ${row.length} entries, expected ${n}`);
    }
    row.forEach((value: unknown, j) => {
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
        throw new AhpMatrixError(`AHP matrix ${cellName(i, j, labels)} must be a positive finite number, got ${JSON.stringify(value)}`);
      }
    });
  });
  const a = matrix as number[][];
  for (let i = 0; i < n; i++) {
    if (Math.abs(a[i][i] - 1) > 1e-9) {
      throw new AhpMatrixError(`AHP matrix diagonal ${cellName(i, i, labels)} must be 1 (a criterion compared with itself), got ${a[i][i]}`);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(a[i][j] * a[j][i] - 1) > reciprocalTolerance) {
        throw new AhpMatrixError(
          `AHP matrix is not reciprocal at ${cellName(i, j, labels)}: it is ${a[i][j]} but ${cellName(j, i, labels)} is ${a[j][i]}; ` +
            `expected 1/${a[i][j]} ≈ ${(1 / a[i][j]).toPrecision(4)}`,
        );
      }
    }
  }
  return a;
}

/** Principal eigenvector (sum 1) and eigenvalue of a positive matrix by power iteration. */
function principalEigen(a: number[][], convergence: number, maxIterations: number): { w: number[]; lambda: number; iterations: number } {
  const n = a.length;
  // Start from the normalised row geometric means: already close for near-consistent matrices.
  let w = a.map((row) => Math.exp(row.reduce((s, x) => s + Math.log(x), 0) / n));
  let total = w.reduce((s, x) => s + x, 0);
  w = w.map((x) => x / total);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const next = a.map((row) => row.reduce((s, x, j) => s + x * w[j], 0));
    total = next.reduce((s, x) => s + x, 0);
    const scaled = next.map((x) => x / total);
    const delta = Math.max(...scaled.map((x, i) => Math.abs(x - w[i])));
    w = scaled;
    if (delta <= convergence) {
      const aw = a.map((row) => row.reduce((s, x, j) => s + x * w[j], 0));
      return { w, lambda: aw.reduce((s, x) => s + x, 0), iterations: iteration };
    }
  }
  throw new WeightingInputError(`AHP power iteration did not converge in ${maxIterations} steps`);
}

/**
 * Priority weights of a pairwise comparison matrix (entry [i][j] = how much more important
 * criterion i is than j on Saaty's 1–9 scale; [j][i] must be its reciprocal).
 */
export function ahpWeights(matrix: number[][], labels?: readonly string[], options: AhpOptions = {}): AhpResult {
  const maxCr = options.maxCr ?? DEFAULT_MAX_CR;
  const a = checkPairwiseMatrix(matrix, labels, options.reciprocalTolerance ?? DEFAULT_RECIPROCAL_TOLERANCE);
  const n = a.length;
  if (n === 1) return { weights: [1], lambdaMax: 1, ci: 0, cr: 0, ri: 0, iterations: 0 };
  const { w, lambda, iterations } = principalEigen(a, options.convergence ?? 1e-13, options.maxIterations ?? 10_000);
  const ri = SAATY_RANDOM_INDEX[n];
  // λmax ≥ n for every positive reciprocal matrix; a tiny negative CI is rounding noise.
  const ci = n <= 2 ? 0 : Math.max(0, (lambda - n) / (n - 1));
  const cr = ri > 0 ? ci / ri : 0;
  const result: AhpResult = { weights: w, lambdaMax: n <= 2 ? n : lambda, ci, cr, ri, iterations };
  if (cr > maxCr) throw new InconsistentMatrixError(result, maxCr);
  return result;
}

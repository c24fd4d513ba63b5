import { describe, expect, it } from 'vitest';
import { entropyWeights } from '../../transforms/weighting/entropy.ts';
import type { Direction } from '../../transforms/weighting/common.ts';
import { expectPublished } from './published.ts';

const max = (n: number): Direction[] => Array.from({ length: n }, () => 'max');

describe('entropyWeights, classic "sum" variant, against published examples', () => {
  it('reproduces Xu (2004) to 4 decimals, including a near-constant criterion weighing 0', () => {
    // Source: X. Xu (2004), "A note on the subjective and objective integrated approach to determine
    // attribute weights", European Journal of Operational Research 156(2), 530–532,
    // doi:10.1016/S0377-2217(03)00146-2 (matrix as transcribed in github.com/energyinpython/pyrepo-mcda
    // tests/test_weighting_methods.py). Published weights: 0.4630, 0.3992, 0.1378, 0.0000.
    const matrix = [
      [30, 30, 38, 29],
      [19, 54, 86, 29],
      [19, 15, 85, 28.9],
      [68, 70, 60, 29],
    ];
    expectPublished(entropyWeights(matrix, max(4), { normalization: 'sum' }).weights, [0.463, 0.3992, 0.1378, 0.0], 4);
  });

  it('reproduces Zavadskas & Podvezko (2016) to 4 decimals (directions do not change raw-share entropy)', () => {
    // Source: E. K. Zavadskas, V. Podvezko (2016), "Integrated determination of objective criteria weights
    // in MCDM", Int. J. of Information Technology & Decision Making 15(2), 267–283,
    // doi:10.1142/S0219622016500036. Published entropy weights: 0.1146, 0.1981, 0.4185, 0.2689.
    const matrix = [
      [3.0, 100, 10, 7],
      [2.5, 80, 8, 5],
      [1.8, 50, 20, 11],
      [2.2, 70, 12, 9],
    ];
    const directions: Direction[] = ['min', 'max', 'min', 'max'];
    expectPublished(entropyWeights(matrix, directions, { normalization: 'sum' }).weights, [0.1146, 0.1981, 0.4185, 0.2689], 4);
    expect(entropyWeights(matrix, max(4), { normalization: 'sum' }).weights).toEqual(entropyWeights(matrix, directions, { normalization: 'sum' }).weights);
  });

  it('reproduces Elsayed, Dawood & Karthikeyan (2017) to 6 decimals', () => {
    // Source: E. A. Elsayed, A. S. Dawood, R. Karthikeyan (2017), "Evaluating alternatives through the
    // application of TOPSIS method with entropy weight", Int. J. of Engineering Trends and Technology
    // 46(2), 60–66 (matrix as transcribed in github.com/kotbaton/pymcdm test/test_weights.py).
    // Published weights: 0.104991, 0.069124, 0.071373, 0.449937, 0.304575.
    const matrix = [
      [7, 312, 1891, 6613, 163],
      [72, 88, 728, 941804, 1078],
      [10, 252, 2594, 3466, 117471],
      [10, 145, 980, 2371, 86329],
      [65, 54, 350, 501, 29897],
      [29, 48, 380, 912, 34051],
      [7, 476, 3300, 78470, 2212],
      [70, 87, 650, 733, 819000],
      [4, 86, 591, 3015, 103],
      [12, 79, 579, 3240, 96098],
      [21, 45, 261, 1253, 453],
      [1, 72, 530, 4333, 0.1048],
    ];
    expectPublished(entropyWeights(matrix, max(5), { normalization: 'sum' }).weights, [0.104991, 0.069124, 0.071373, 0.449937, 0.304575], 6);
  });

  it('reproduces the entropy step of Ersoy (2021) to 3 decimals', () => {
    // Source: Y. Ersoy (2021), "Equipment selection for an e-commerce company using entropy-based TOPSIS,
    // EDAS and CODAS methods during the COVID-19", LogForum 17(3), doi:10.17270/J.LOG.2021.603.
    // Published entropy weights: 0.405, 0.221, 0.134, 0.199, 0.007, 0.034.
    const matrix = [
      [256, 8, 41, 1.6, 1.77, 7347.16],
      [256, 8, 32, 1.0, 1.8, 6919.99],
      [256, 8, 53, 1.6, 1.9, 8400],
      [256, 8, 41, 1.0, 1.75, 6808.9],
      [512, 8, 35, 1.6, 1.7, 8479.99],
      [256, 4, 35, 1.6, 1.7, 7499.99],
    ];
    const directions: Direction[] = ['max', 'max', 'max', 'max', 'min', 'min'];
    expectPublished(entropyWeights(matrix, directions, { normalization: 'sum' }).weights, [0.405, 0.221, 0.134, 0.199, 0.007, 0.034], 3);
  });
});

describe('entropyWeights, default min–max variant', () => {
  // Worked by hand (shift 0, so 0·ln 0 = 0):
  //   column 1 "max" [0, 1, 2]    → z = [0, 0.5, 1]  → p = [0, 1/3, 2/3]
  //     e1 = −(1/ln 3)(⅓ ln ⅓ + ⅔ ln ⅔) = (0.366204 + 0.270310) / 1.098612 = 0.579380
  //   column 2 "min" [10, 10, 40] → z = [1, 1, 0]    → p = [½, ½, 0]
  //     e2 = ln 2 / ln 3 = 0.693147 / 1.098612 = 0.630930
  //   d = [0.420620, 0.369070], Σd = 0.789690  → w = [0.532639, 0.467361]
  const matrix = [
    [0, 10],
    [1, 10],
    [2, 40],
  ];
  const directions: Direction[] = ['max', 'min'];

  it('matches the hand-worked example with shift 0', () => {
    const result = entropyWeights(matrix, directions, { shift: 0 });
    expectPublished(result.entropies, [0.57938, 0.63093], 5);
    expectPublished(result.weights, [0.53264, 0.46736], 5);
  });

  it('the default shift 0.0001 only nudges the result', () => {
    const shifted = entropyWeights(matrix, directions).weights;
    const exact = entropyWeights(matrix, directions, { shift: 0 }).weights;
    shifted.forEach((w, j) => expect(Math.abs(w - exact[j])).toBeLessThan(0.005));
    expect(shifted.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('a "min" criterion gives the same weight as its mirror image on "max"', () => {
    const mirrored = matrix.map(([a, b]) => [a, -b]);
    const a = entropyWeights(matrix, directions).weights;
    const b = entropyWeights(mirrored, ['max', 'max']).weights;
    a.forEach((w, j) => expect(w).toBeCloseTo(b[j], 12));
  });

  it('a constant criterion weighs 0 and gets a note', () => {
    const result = entropyWeights(
      [
        [0.9, 0.5],
        [0.7, 0.5],
        [0.2, 0.5],
      ],
      ['max', 'max'],
      { labels: ['A3', 'B1'] },
    );
    expect(result.weights).toEqual([1, 0]);
    expect(result.notes).toEqual(['"B1" has the same value for every alternative, so it cannot tell them apart: its weight is 0']);
  });

  it('refuses a matrix where every criterion is constant', () => {
    expect(() => entropyWeights([[1, 2], [1, 2]], ['max', 'max'])).toThrow(/every criterion has the same value/);
  });
});

describe('entropyWeights input checks', () => {
  it('needs at least two alternatives', () => {
    expect(() => entropyWeights([[1, 2]], ['max', 'max'])).toThrow(/at least 2 rows/);
  });

  it('rejects ragged rows, non-numbers and mismatched or bad directions', () => {
    expect(() => entropyWeights([[1, 2], [3]], ['max', 'max'])).toThrow(/row 2 has 1 values but row 1 has 2/);
    expect(() => entropyWeights([[1, 2], [3, Number.NaN]], ['max', 'max'])).toThrow(/row 2, column 2 must be a finite number/);
    expect(() => entropyWeights([[1, 2], [3, 4]], ['max'])).toThrow(/directions has 1 entries but the matrix has 2 criteria/);
    expect(() => entropyWeights([[1, 2], [3, 4]], ['max', 'up' as Direction])).toThrow(/directions\[1\] must be "max" \(higher is better\) or "min"/);
  });

  it('rejects negative values in the raw-share variant, a negative shift and an unknown normalization', () => {
    expect(() => entropyWeights([[1, -2], [3, 4]], ['max', 'max'], { normalization: 'sum' })).toThrow(/needs values ≥ 0: row 1, column 2 is -2/);
    expect(() => entropyWeights([[1, 2], [3, 4]], ['max', 'max'], { shift: -1 })).toThrow(/shift must be a finite number ≥ 0/);
    expect(() => entropyWeights([[1, 2], [3, 4]], ['max', 'max'], { normalization: 'zscore' as never })).toThrow(/must be "minmax" or "sum"/);
  });
});

import { describe, expect, it } from 'vitest';
import { competitionRanks } from '../../transforms/weighting/common.ts';
import type { Direction } from '../../transforms/weighting/common.ts';
import { topsis } from '../../transforms/weighting/topsis.ts';
import { expectPublished } from './published.ts';

describe('topsis against published examples', () => {
  it('reproduces Ersoy (2021), vector normalisation, entropy weights', () => {
    // Source: Y. Ersoy (2021), "Equipment selection for an e-commerce company using entropy-based TOPSIS,
    // EDAS and CODAS methods during the COVID-19", LogForum 17(3), doi:10.17270/J.LOG.2021.603
    // (as transcribed in github.com/energyinpython/pyrepo-mcda tests/test_mcda_methods.py).
    // Published closeness: 0.308, 0.254, 0.327, 0.263, 0.857, 0.192; ranking A5 > A3 > A1 > A4 > A2 > A6.
    const matrix = [
      [256, 8, 41, 1.6, 1.77, 7347.16],
      [256, 8, 32, 1.0, 1.8, 6919.99],
      [256, 8, 53, 1.6, 1.9, 8400],
      [256, 8, 41, 1.0, 1.75, 6808.9],
      [512, 8, 35, 1.6, 1.7, 8479.99],
      [256, 4, 35, 1.6, 1.7, 7499.99],
    ];
    const weights = [0.405, 0.221, 0.134, 0.199, 0.007, 0.034];
    const directions: Direction[] = ['max', 'max', 'max', 'max', 'min', 'min'];
    const result = topsis(matrix, weights, directions);
    // The paper rounds its intermediate tables, so one unit in the third decimal is allowed.
    expectPublished(result.scores, [0.308, 0.254, 0.327, 0.263, 0.857, 0.192], 3, 1);
    expect(result.ranks).toEqual([3, 5, 2, 4, 1, 6]);
  });

  it('reproduces Opricovic & Tzeng (2004) with min–max normalisation, including a tie', () => {
    // Source: S. Opricovic, G.-H. Tzeng (2004), "Compromise solution by MCDM methods: A comparative
    // analysis of VIKOR and TOPSIS", European Journal of Operational Research 156(2), 445–455,
    // doi:10.1016/S0377-2217(03)00020-1, numerical example with f1 (cost) = 1, 2, 5 and
    // f2 (benefit) = 3000, 3750, 4500, equal weights (min–max form as in github.com/kotbaton/pymcdm
    // test/test_mcdm.py). Published TOPSIS values: 0.500, 0.617, 0.500.
    const result = topsis(
      [
        [1, 3000],
        [2, 3750],
        [5, 4500],
      ],
      [0.5, 0.5],
      ['min', 'max'],
      'minmax',
    );
    expectPublished(result.scores, [0.5, 0.617, 0.5], 3);
    expect(result.ranks).toEqual([2, 1, 2]);
  });
});

describe('topsis behaviour', () => {
  const matrix = [
    [9, 2],
    [6, 4],
    [6, 4],
    [3, 8],
  ];

  it('ties share a rank and the next rank is skipped (1, 2, 2, 4)', () => {
    const result = topsis(matrix, [1, 1], ['max', 'min']);
    expect(result.scores[1]).toBe(result.scores[2]);
    expect(result.ranks).toEqual([1, 2, 2, 4]);
  });

  it('scales weights to sum 1 (only their ratio matters)', () => {
    const a = topsis(matrix, [2, 1], ['max', 'min']).scores;
    const b = topsis(matrix, [0.6666666666666666, 0.3333333333333333], ['max', 'min']).scores;
    a.forEach((x, i) => expect(x).toBeCloseTo(b[i], 12));
  });

  it('a zero weight removes a criterion', () => {
    const withZero = topsis(matrix, [1, 0], ['max', 'min']);
    expect(withZero.ranks).toEqual([1, 2, 2, 4]);
    expect(withZero.scores[0]).toBeCloseTo(1, 12);
    expect(withZero.scores[3]).toBeCloseTo(0, 12);
  });

  it('closeness stays within 0..1, best 1 and worst 0 when one alternative dominates', () => {
    const result = topsis(
      [
        [10, 1],
        [5, 5],
        [1, 10],
      ],
      [1, 1],
      ['max', 'min'],
    );
    expect(result.scores[0]).toBeCloseTo(1, 12);
    expect(result.scores[2]).toBeCloseTo(0, 12);
    expect(result.ranks).toEqual([1, 2, 3]);
  });

  it('indistinguishable alternatives all score 0.5 and share rank 1', () => {
    expect(topsis([[3, 3]], [1, 1], ['max', 'max'])).toMatchObject({ scores: [0.5], ranks: [1] });
    expect(
      topsis(
        [
          [3, 7],
          [3, 7],
        ],
        [1, 1],
        ['max', 'min'],
        'minmax',
      ),
    ).toMatchObject({ scores: [0.5, 0.5], ranks: [1, 1] });
  });

  it('rejects mismatched lengths, bad weights, directions and normalization', () => {
    expect(() => topsis(matrix, [1], ['max', 'min'])).toThrow(/weights has 1 entries but the matrix has 2 criteria/);
    expect(() => topsis(matrix, [1, 1], ['max'])).toThrow(/directions has 1 entries but the matrix has 2 criteria/);
    expect(() => topsis(matrix, [1, -1], ['max', 'min'])).toThrow(/weights\[1\] must not be negative/);
    expect(() => topsis(matrix, [0, 0], ['max', 'min'])).toThrow(/must not all be zero/);
    expect(() => topsis(matrix, [1, Number.POSITIVE_INFINITY], ['max', 'min'])).toThrow(/weights\[1\] must be a finite number/);
    expect(() => topsis(matrix, [1, 1], ['max', 'best' as Direction])).toThrow(/directions\[1\]/);
    expect(() => topsis(matrix, [1, 1], ['max', 'min'], 'sum' as never)).toThrow(/must be "vector" or "minmax"/);
    expect(() => topsis([[1, 2], [3]], [1, 1], ['max', 'min'])).toThrow(/row 2 has 1 values but row 1 has 2/);
    expect(() => topsis([], [1], ['max'])).toThrow(/at least 1 row/);
  });
});

describe('competitionRanks', () => {
  it('ranks 1 = best with standard competition ties', () => {
    expect(competitionRanks([0.9, 0.5, 0.5, 0.1])).toEqual([1, 2, 2, 4]);
    expect(competitionRanks([0.1, 0.5, 0.9, 0.5])).toEqual([4, 2, 1, 2]);
    expect(competitionRanks([3, 3, 3])).toEqual([1, 1, 1]);
    expect(competitionRanks([])).toEqual([]);
  });

  it('can rank lower-is-better and treats floating-point noise as a tie', () => {
    expect(competitionRanks([5, 1, 3], false)).toEqual([3, 1, 2]);
    expect(competitionRanks([0.1 + 0.2, 0.3, 0.2])).toEqual([1, 1, 3]);
  });
});

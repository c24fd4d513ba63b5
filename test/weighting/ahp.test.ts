import { describe, expect, it } from 'vitest';
import { AhpMatrixError, ahpWeights, InconsistentMatrixError, parseJudgement, SAATY_RANDOM_INDEX } from '../../transforms/weighting/ahp.ts';
import { expectPublished } from './published.ts';

/**
 * Saaty's "relative consumption of drinks in the United States" example.
 * Source: T. L. Saaty (2008), "Decision making with the analytic hierarchy process",
 * Int. J. Services Sciences 1(1), 83–98, doi:10.1504/IJSSCI.2008.017590, the drinks table
 * (full text: https://studylib.net/doc/18179705/decision-making-with-the-analytic-hierarchy-process).
 * Order: coffee, wine, tea, beer, sodas, milk, water.
 */
const DRINKS = [
  [1, 9, 5, 2, 1, 1, 1 / 2],
  [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
  [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
  [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
  [1, 9, 4, 2, 1, 2, 1 / 2],
  [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
  [2, 9, 9, 3, 2, 3, 1],
];

/**
 * Saaty's house-buying example, criteria level (size, transportation, neighbourhood, age,
 * yard, modern facilities, general condition, financing).
 * Source: T. L. Saaty (1990), "How to make a decision: The analytic hierarchy process",
 * European Journal of Operational Research 48(1), 9–26, doi:10.1016/0377-2217(90)90057-I
 * (the same matrix in the Russian edition of Saaty's book: https://studopedia.info/4-100870.html).
 */
const HOUSE = [
  [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
  [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
  [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
  [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
  [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
  [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
  [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
  [4, 7, 5, 8, 6, 6, 2, 1],
];

describe('ahpWeights against published examples', () => {
  it("reproduces Saaty's drinks example (weights and CR to 3 decimals)", () => {
    const result = ahpWeights(DRINKS);
    // Saaty 2008, drinks table: coffee .177, wine .019, tea .042, beer .116, sodas .190, milk .129, water .327
    expectPublished(result.weights, [0.177, 0.019, 0.042, 0.116, 0.19, 0.129, 0.327], 3);
    // Saaty 2008: "consistency ratio ... .022"
    expectPublished([result.cr], [0.022], 3);
    expect(result.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("reproduces Saaty's house example and refuses it: CR 0.169 > 0.10", () => {
    let error: unknown;
    try {
      ahpWeights(HOUSE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InconsistentMatrixError);
    const inconsistent = error as InconsistentMatrixError;
    // Saaty 1990, house example: λmax = 9.669, C.I. = 0.238, C.R. = 0.169
    expectPublished([inconsistent.lambdaMax], [9.669], 3);
    expectPublished([inconsistent.ci], [0.238], 3);
    expectPublished([inconsistent.cr], [0.169], 3);
    expect(inconsistent.message).toMatch(/CR = 0\.1691 exceeds 0\.10/);
    // Saaty 1990, house example priorities: .173 .054 .188 .018 .031 .036 .167 .333
    expectPublished(inconsistent.weights, [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333], 3);
    // With the check switched off the same numbers come back as a result.
    const report = ahpWeights(HOUSE, undefined, { maxCr: Number.POSITIVE_INFINITY });
    expectPublished([report.cr], [0.169], 3);
  });

  it('reproduces the full AHP synthesis of Papathanasiou & Ploskas (2018)', () => {
    // Source: J. Papathanasiou, N. Ploskas (2018), Multiple Criteria Decision Aid: Methods,
    // Examples and Python Implementations, Springer, ch. 5 "AHP", doi:10.1007/978-3-319-91648-4_5
    // (matrices as transcribed in github.com/energyinpython/pyrepo-mcda tests/test_mcda_methods_2.py).
    const criteria = ahpWeights([
      [1, 1, 5, 3],
      [1, 1, 5, 3],
      [1 / 5, 1 / 5, 1, 1 / 3],
      [1 / 3, 1 / 3, 3, 1],
    ]);
    const alternatives = [
      [[1, 5, 1, 1, 1 / 3, 3], [1 / 5, 1, 1 / 3, 1 / 5, 1 / 7, 1], [1, 3, 1, 1 / 3, 1 / 5, 1], [1, 5, 3, 1, 1 / 3, 3], [3, 7, 5, 3, 1, 7], [1 / 3, 1, 1, 1 / 3, 1 / 7, 1]],
      [[1, 7, 3, 1 / 3, 1 / 3, 1 / 3], [1 / 7, 1, 1 / 3, 1 / 7, 1 / 9, 1 / 7], [1 / 3, 3, 1, 1 / 5, 1 / 5, 1 / 5], [3, 7, 5, 1, 1, 1], [3, 9, 5, 1, 1, 1], [3, 7, 5, 1, 1, 1]],
      [[1, 1 / 9, 1 / 7, 1 / 9, 1, 1 / 5], [9, 1, 1, 1, 5, 3], [7, 1, 1, 1, 5, 1], [9, 1, 1, 1, 7, 3], [1, 1 / 5, 1 / 5, 1 / 7, 1, 1 / 3], [5, 1 / 3, 1, 1 / 3, 3, 1]],
      [[1, 1 / 5, 1 / 5, 1 / 3, 1 / 7, 1 / 5], [5, 1, 1, 3, 1 / 3, 1], [5, 1, 1, 1, 1 / 3, 1], [3, 1 / 3, 1, 1, 1 / 7, 1], [7, 3, 3, 7, 1, 5], [5, 1, 1, 1, 1 / 5, 1]],
    ].map((m) => ahpWeights(m).weights);
    const global = [0, 1, 2, 3, 4, 5].map((i) => alternatives.reduce((sum, local, c) => sum + criteria.weights[c] * local[i], 0));
    // Papathanasiou & Ploskas 2018, ch. 5: final priorities 0.117, 0.071, 0.095, 0.212, 0.350, 0.155
    expectPublished(global, [0.117, 0.071, 0.095, 0.212, 0.35, 0.155], 3);
  });
});

describe('ahpWeights edge cases', () => {
  it('a 1×1 matrix gives weight 1 and CR 0', () => {
    expect(ahpWeights([[1]], ['only'])).toMatchObject({ weights: [1], lambdaMax: 1, ci: 0, cr: 0 });
  });

  it('a 2×2 matrix is always consistent: CR 0, weights in the judged ratio', () => {
    const result = ahpWeights([
      [1, 3],
      [1 / 3, 1],
    ]);
    expect(result.weights[0]).toBeCloseTo(0.75, 12);
    expect(result.weights[1]).toBeCloseTo(0.25, 12);
    expect(result).toMatchObject({ lambdaMax: 2, ci: 0, cr: 0 });
  });

  it('a perfectly consistent matrix returns its generating weights with CR 0', () => {
    const w = [0.5, 0.3, 0.15, 0.05];
    const result = ahpWeights(w.map((wi) => w.map((wj) => wi / wj)));
    result.weights.forEach((x, i) => expect(x).toBeCloseTo(w[i], 10));
    expect(result.lambdaMax).toBeCloseTo(4, 10);
    expect(result.cr).toBeCloseTo(0, 10);
  });

  it("uses Saaty's random index from the domain table", () => {
    expect([3, 4, 5, 6, 7, 8, 9, 10].map((n) => SAATY_RANDOM_INDEX[n])).toEqual([0.58, 0.9, 1.12, 1.24, 1.32, 1.41, 1.45, 1.51]);
  });

  it('accepts 1/3 written as 0.333 but not a broken reciprocal, naming the cell', () => {
    expect(() =>
      ahpWeights([
        [1, 3],
        [0.333, 1],
      ]),
    ).not.toThrow();
    expect(() =>
      ahpWeights(
        [
          [1, 3, 5],
          [1 / 3, 1, 2],
          [1 / 5, 2, 1],
        ],
        ['safety', 'cost', 'style'],
      ),
    ).toThrow(/not reciprocal at row 2, column 3 \(cost vs style\): it is 2 but row 3, column 2 \(style vs cost\) is 2; expected 1\/2/);
  });

  it('rejects zeros, negatives, non-numbers and a bad diagonal, naming the cell', () => {
    expect(() =>
      ahpWeights([
        [1, 0],
        [0, 1],
      ]),
    ).toThrow(/row 1, column 2 must be a positive finite number, got 0/);
    expect(() =>
      ahpWeights([
        [1, -2],
        [-0.5, 1],
      ]),
    ).toThrow(/row 1, column 2 must be a positive finite number, got -2/);
    expect(() => ahpWeights([[1, '3'] as unknown as number[], [1 / 3, 1]])).toThrow(/row 1, column 2 must be a positive finite number, got "3"/);
    expect(() =>
      ahpWeights([
        [2, 3],
        [1 / 3, 1],
      ]),
    ).toThrow(/diagonal row 1, column 1 must be 1/);
  });

  it('rejects non-square, empty, oversized and mislabelled matrices', () => {
    expect(() => ahpWeights([[1, 2], [0.5]])).toThrow(AhpMatrixError);
    expect(() => ahpWeights([[1, 2], [0.5]])).toThrow(/must be square: row 2 has 1 entries, expected 2/);
    expect(() => ahpWeights([])).toThrow(/non-empty square/);
    const eleven = Array.from({ length: 11 }, () => Array.from({ length: 11 }, () => 1));
    expect(() => ahpWeights(eleven)).toThrow(/at most 10 criteria/);
    expect(() => ahpWeights([[1]], ['a', 'b'])).toThrow(/labels has 2 entries but the matrix has 1 rows/);
  });

  it('reads fraction strings as judgements', () => {
    expect(parseJudgement('1/3')).toBeCloseTo(1 / 3, 15);
    expect(parseJudgement(' 2 ')).toBe(2);
    expect(parseJudgement(5)).toBe(5);
    expect(parseJudgement('one third')).toBeNaN();
  });
});

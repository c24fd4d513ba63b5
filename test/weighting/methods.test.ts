/**
 * compareMethods on a hand-made two-unit city where the official points and the AHP weights
 * disagree: U1 is perfect on B (guards, devices) and scores nothing on A (hazards); U2 the
 * other way round. AHP weighs A above B, so U2 comes first under AHP.
 */
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../transforms/definitions/load.ts';
import { compareMethods, type MethodInputs } from '../../transforms/weighting/methods.ts';

const definition = loadDefinition(2025);
const [wA, wB] = definition.ranking.methods.ahp!.weights; // A 0.2713, B 0.1637

const inputs: MethodInputs = {
  units: [
    { unit_code: 'U1', unit_name: '甲', score: 80, rank: 1, supervision_score: null },
    { unit_code: 'U2', unit_name: '乙', score: 79, rank: 2, supervision_score: 60 },
  ],
  schoolDomains: [
    { unit_code: 'U1', school_code: 'S1', enrollment: 100, domain_id: 'A', earned: 0, applicable: 25 },
    { unit_code: 'U1', school_code: 'S1', enrollment: 100, domain_id: 'B', earned: 20, applicable: 20 },
    { unit_code: 'U2', school_code: 'S2', enrollment: 300, domain_id: 'A', earned: 25, applicable: 25 },
    { unit_code: 'U2', school_code: 'S2', enrollment: 300, domain_id: 'B', earned: 0, applicable: 20 },
    // a second school of U2 with half of A: enrollment-weighted (100 of 400 students)
    { unit_code: 'U2', school_code: 'S3', enrollment: 100, domain_id: 'A', earned: 12.5, applicable: 25 },
  ],
  criteria: [
    { unit_code: 'U1', indicator_id: 'A1', points: 5, domain_id: 'A', attainment: 0 },
    { unit_code: 'U2', indicator_id: 'A1', points: 5, domain_id: 'A', attainment: 1 },
    { unit_code: 'U1', indicator_id: 'B1', points: 5, domain_id: 'B', attainment: 1 },
    { unit_code: 'U2', indicator_id: 'B1', points: 5, domain_id: 'B', attainment: 0 },
    { unit_code: 'U1', indicator_id: 'C2', points: 2, domain_id: 'C', attainment: null },
    { unit_code: 'U2', indicator_id: 'C2', points: 2, domain_id: 'C', attainment: 0.5 },
  ],
};

describe('compareMethods', () => {
  const result = compareMethods(inputs, definition);

  it('scores AHP per school over its applicable domains and combines schools as the official unit score does', () => {
    const u1 = (100 * wB) / (wA + wB); // 37.64
    const s2 = (100 * wA) / (wA + wB); // 62.36
    const s3 = 50; // only A applies, half earned
    const u2 = 0.85 * ((300 * s2 + 100 * s3) / 400) + 0.15 * 60; // 0.85 × 59.27 + 9
    expect(result.units.map((u) => u.methods.ahp)).toEqual([
      { score: Math.round(u1 * 100) / 100, rank: 2 },
      { score: Math.round(u2 * 100) / 100, rank: 1 },
    ]);
    expect(result.units[0].methods.ahp!.score).toBe(37.64);
    expect(result.units[1].methods.ahp!.score).toBe(59.38);
    expect(result.ahp!.cr).toBeLessThan(0.1);
  });

  it('keeps the official points ranking and ties the symmetric entropy and TOPSIS scores', () => {
    expect(result.methods).toEqual(['points', 'ahp', 'entropy', 'topsis']);
    expect(result.units.map((u) => [u.unit_code, u.methods.points, u.methods.entropy, u.methods.topsis])).toEqual([
      ['U1', { score: 80, rank: 1 }, { score: 50, rank: 1 }, { score: 0.5, rank: 1 }],
      ['U2', { score: 79, rank: 2 }, { score: 50, rank: 1 }, { score: 0.5, rank: 1 }],
    ]);
    expect(result.entropy!.weights).toEqual([0.5, 0.5]);
  });

  it('flags the units whose rank differs between methods and leaves out criteria a unit cannot be judged on', () => {
    expect(result.units.map((u) => u.differs)).toEqual([true, true]);
    expect(result.droppedCriteria).toEqual(['C2']);
    expect(result.entropy!.criteria).toEqual(['A1', 'B1']);
  });
});

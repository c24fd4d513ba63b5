import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allIndicators,
  DefinitionError,
  definitionHash,
  DEFINITIONS_DIR,
  findIndicator,
  gradeFor,
  indicatorPoints,
  loadDefinition,
  requiredGuards,
} from '../../transforms/definitions/load.ts';
import { tempDir } from '../helpers.ts';

const SHIPPED = join(DEFINITIONS_DIR, '2025.json');
const ALL_TYPES = ['幼儿园', '小学', '初中', '高中', '中职', '特教'];

describe('the shipped 2025 definition', () => {
  const def = loadDefinition(2025);

  it('loads by year and by path, with the file hash', () => {
    expect(def.edition).toBe(2025);
    expect(loadDefinition(SHIPPED).domains).toEqual(def.domains);
    const sha = createHash('sha256').update(readFileSync(SHIPPED)).digest('hex');
    expect(definitionHash(SHIPPED)).toBe(sha);
    expect(definitionHash(2025)).toBe(sha);
    expect(def.source).toEqual({ path: SHIPPED, sha256: sha });
  });

  it('has domains A–H with the fixed points adding up to 100', () => {
    expect(def.domains.map((d) => [d.id, d.points])).toEqual([
      ['A', 25],
      ['B', 20],
      ['C', 10],
      ['D', 10],
      ['E', 10],
      ['F', 10],
      ['G', 10],
      ['H', 5],
    ]);
    expect(def.domains.reduce((s, d) => s + d.points, 0)).toBe(100);
    for (const d of def.domains) {
      expect(d.indicators.reduce((s, i) => s + i.points, 0), d.id).toBe(d.points);
      expect(d.points_reason.length).toBeGreaterThan(40);
    }
  });

  it('has every indicator A1–H1 of DOMAIN §5 with names, formula keys and a scoring rule', () => {
    expect(allIndicators(def).map((i) => i.id)).toEqual(
      ['A1', 'A2', 'A3', 'A4', 'A5', 'B1', 'B2', 'B3', 'B4', 'B5', 'C1', 'C2', 'C3', 'D1', 'D2', 'D3', 'E1', 'E2', 'E3', 'F1', 'F2', 'F3', 'G1', 'G2', 'H1'],
    );
    for (const i of allIndicators(def)) {
      expect(i.name.zh && i.name.en && i.formula_text && i.formula, i.id).toBeTruthy();
      if (i.kind === 'deduction') expect(i.deduction_per_occurrence, i.id).toBeGreaterThan(0);
      if (i.kind === 'rate' || i.kind === 'duration') expect(typeof i.target === 'number' && typeof i.floor === 'number', i.id).toBe(true);
    }
    expect(findIndicator(def, 'A3')).toMatchObject({ target: 1, floor: 0.7, unit: '%', domain: 'A' });
    expect(findIndicator(def, 'A4')).toMatchObject({ kind: 'deduction', deduction_per_occurrence: 3 });
    expect(findIndicator(def, 'C3')).toMatchObject({ kind: 'deduction', deduction_per_occurrence: 5 });
    expect(findIndicator(def, 'B5')).toMatchObject({ kind: 'duration', unit: '小时', target: 24, floor: 72, direction: 'lower_better' });
    expect(findIndicator(def, 'H1')).toMatchObject({ unit: '每万人', target: 0, floor: 20, direction: 'lower_better' });
  });

  it('applies E and F to schools but not kindergartens, and D2 to near-water schools only', () => {
    const notKindergartens = ALL_TYPES.filter((t) => t !== '幼儿园');
    for (const i of allIndicators(def)) {
      expect(i.applies_to, i.id).toEqual(i.domain === 'E' || i.domain === 'F' ? notKindergartens : ALL_TYPES);
      expect(i.requires_flags, i.id).toEqual(i.id === 'D2' ? ['near_water'] : []);
    }
  });

  it('has the vetoes, grades, severity weights, guard bands and unit formula of DOMAIN §5', () => {
    expect(def.vetoes.map((v) => v.rule)).toEqual(['death_in_school_incident', 'late_reported_serious_case']);
    expect(def.vetoes[1].params).toEqual({ min_severity: '较大', max_report_delay_hours: 24 });
    for (const v of def.vetoes) expect(v.effect).toEqual({ school_grade_cap: '不合格', unit_grade_barred: '优秀' });
    expect(def.grade_bands.map((b) => [b.grade, b.min_score])).toEqual([
      ['优秀', 90],
      ['良好', 80],
      ['合格', 60],
      ['不合格', 0],
    ]);
    expect(Object.fromEntries(def.severity_weights.map((s) => [s.level, s.weight]))).toEqual({ 一般: 1, 较大: 3, 重大: 10, 特别重大: 30 });
    expect(def.unit_score).toMatchObject({ school_weight: 0.85, supervision_weight: 0.15, school_aggregation: 'enrollment_weighted_mean' });
    expect(def.supervision.indicators.map((i) => i.id)).toEqual(['I1', 'I2', 'I3']);
    expect(def.supervision.indicators.reduce((s, i) => s + i.points, 0)).toBe(100);
    expect(def.supervision.indicators[2].deductions).toEqual([
      { action: '约谈', per_occurrence: 2 },
      { action: '处罚', per_occurrence: 3 },
    ]);
  });

  it('computes required guards from the GB/T 29315-2022 bands', () => {
    const g = def.guard_staffing;
    expect([0, 99, 100, 999, 1000, 1499, 1500, 2000].map((n) => requiredGuards(g, n))).toEqual([1, 1, 2, 2, 3, 3, 4, 5]);
    expect(requiredGuards(g, 1650, 420)).toBe(6); // 3 + 1 further 500 + ceil(420 / 300) = 2
    expect(requiredGuards(g, 500, 300)).toBe(3);
  });

  it('has a consistent AHP domain matrix (CR ≤ 0.10) and the four ranking methods', () => {
    const ahp = def.ranking.methods.ahp!;
    expect(ahp.labels).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
    expect(ahp.cr).toBeLessThanOrEqual(0.1);
    expect(ahp.matrix[1][0]).toBeCloseTo(0.5, 15); // "1/2" parsed
    expect(ahp.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(ahp.weights[0]).toBe(Math.max(...ahp.weights));
    expect(def.ranking.default_method).toBe('points');
    expect(def.ranking.side_by_side).toEqual(['points', 'ahp', 'entropy', 'topsis']);
    expect(def.ranking.methods.topsis?.normalization).toBe('vector');
  });

  it('has 1–3 Chinese suggestions for every indicator', () => {
    for (const i of [...allIndicators(def), ...def.supervision.indicators]) {
      const list = def.suggestions[i.id];
      expect(list?.length, i.id).toBeGreaterThanOrEqual(1);
      expect(list.length, i.id).toBeLessThanOrEqual(3);
      for (const s of list) {
        expect((s.match(/[\u4e00-\u9fff]/g) ?? []).length, s).toBeGreaterThanOrEqual(15);
        expect(s.endsWith('。'), s).toBe(true);
      }
    }
  });

  it('scores indicators by the default rule and grades with the veto cap', () => {
    const a3 = findIndicator(def, 'A3')!; // 6 points, 100% / 70%
    expect(indicatorPoints(a3, 1)).toBe(6);
    expect(indicatorPoints(a3, 0.85)).toBeCloseTo(3, 12);
    expect(indicatorPoints(a3, 0.5)).toBe(0);
    const b5 = findIndicator(def, 'B5')!; // 3 points, ≤24 h / ≥72 h
    expect(indicatorPoints(b5, 12)).toBe(3);
    expect(indicatorPoints(b5, 48)).toBeCloseTo(1.5, 12);
    expect(indicatorPoints(b5, 100)).toBe(0);
    const a4 = findIndicator(def, 'A4')!; // 6 points, −3 each
    expect([0, 1, 2, 3].map((n) => indicatorPoints(a4, n))).toEqual([6, 3, 0, 0]);
    expect([0, 1].map((v) => indicatorPoints(findIndicator(def, 'B1')!, v))).toEqual([0, 5]);
    expect([95, 90, 89.99, 80, 60, 59.9].map((s) => gradeFor(def, s))).toEqual(['优秀', '优秀', '良好', '良好', '合格', '不合格']);
    expect(gradeFor(def, 95, true)).toBe('不合格');
  });
});

describe('validation of broken definitions', () => {
  const original = JSON.parse(readFileSync(SHIPPED, 'utf8'));
  const dir = tempDir('safecampus-def-');
  let counter = 0;

  /** Writes a broken copy of the shipped file and returns the DefinitionError loading it raises. */
  function broken(mutate: (def: any) => void): DefinitionError {
    const copy = structuredClone(original);
    mutate(copy);
    const path = join(dir, `broken-${++counter}.json`);
    writeFileSync(path, JSON.stringify(copy, null, 2));
    try {
      loadDefinition(path);
    } catch (error) {
      expect(error).toBeInstanceOf(DefinitionError);
      expect((error as DefinitionError).file).toBe(path);
      return error as DefinitionError;
    }
    throw new Error('the broken definition loaded without error');
  }
  const domain = (def: any, id: string) => def.domains.find((d: any) => d.id === id);
  const indicator = (def: any, id: string) => domain(def, id[0]).indicators.find((i: any) => i.id === id);

  it('domain points not adding up to 100', () => {
    const error = broken((def) => {
      domain(def, 'H').points = 6;
      indicator(def, 'H1').points = 6;
    });
    expect(error.message).toContain('domains: domain points add up to 101, not 100');
  });

  it("indicator points not adding up to their domain's points", () => {
    const error = broken((def) => (indicator(def, 'A1').points = 4));
    expect(error.message).toContain('domains[A].indicators: indicator points add up to 24 but domain A has 25 points');
  });

  it('supervision points not adding up', () => {
    const error = broken((def) => (def.supervision.indicators[0].points = 50));
    expect(error.message).toContain('supervision.indicators: indicator points add up to 110 but supervision has 100 points');
  });

  it('unknown indicator in a veto, in the suggestions, and a scored indicator without suggestions', () => {
    const error = broken((def) => {
      def.vetoes[0].related_indicators = ['H9'];
      def.suggestions.X1 = ['某项建议'];
      delete def.suggestions.B3;
    });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        { path: 'vetoes[V1].related_indicators[0]', message: 'unknown indicator "H9"' },
        { path: 'suggestions.X1', message: 'unknown indicator "X1"' },
        { path: 'suggestions', message: 'indicator B3 has no suggestion; short boards need 1 to 3 for every scored indicator' },
      ]),
    );
    expect(error.message).toContain('has 3 problems');
  });

  it('too many suggestions for one indicator', () => {
    const error = broken((def) => (def.suggestions.A1 = ['一', '二', '三', '四']));
    expect(error.message).toContain('suggestions.A1: has 4 suggestions; give 1 to 3');
  });

  it('unknown domain in the AHP method config, and a missing one', () => {
    const error = broken((def) => (def.ranking.methods.ahp.labels[7] = 'Z'));
    expect(error.message).toContain('ranking.methods.ahp.labels[7]: unknown domain "Z"');
    expect(error.message).toContain('domain H is missing: the matrix must compare every domain');
  });

  it('unknown ranking method references', () => {
    const error = broken((def) => {
      def.ranking.default_method = 'vikor';
      def.ranking.side_by_side.push('promethee');
    });
    expect(error.message).toContain('ranking.default_method: "vikor" is not one of the configured methods');
    expect(error.message).toContain('ranking.side_by_side[4]: "promethee"');
  });

  it('duplicate indicator and domain ids', () => {
    const error = broken((def) => {
      indicator(def, 'A2').id = 'A1';
      def.domains[7].id = 'G';
    });
    expect(error.message).toMatch(/duplicate indicator id "A1" \(already defined at domains\[A\]\.indicators\[A1\]\.id\)/);
    expect(error.message).toMatch(/duplicate domain id "G"/);
  });

  it('bad grade band order, and bands that do not reach 0', () => {
    const order = broken((def) => (def.grade_bands[1].min_score = 95));
    expect(order.message).toContain('grade_bands[1].min_score: grade bands must be strictly descending by min_score; 95 does not come below 90');
    const gap = broken((def) => (def.grade_bands[3].min_score = 10));
    expect(gap.message).toContain('grade_bands[3].min_score: the last band must start at 0 so every score gets a grade; it starts at 10');
  });

  it('target and floor inconsistent with the direction, and % out of range', () => {
    const error = broken((def) => {
      indicator(def, 'A1').target = 0.4; // higher is better, floor 0.5
      indicator(def, 'A5').target = 0.3; // lower is better, floor 0.2
      indicator(def, 'A2').floor = 80; // % written as a percentage
    });
    expect(error.message).toContain('domains[A].indicators[A1].target: higher is better, so target (0.4) must be above floor (0.5)');
    expect(error.message).toContain('domains[A].indicators[A5].target: lower is better, so target (0.3) must be below floor (0.2)');
    expect(error.message).toContain('domains[A].indicators[A2].floor: % values are fractions (0.98 = 98%), so 80 is out of range 0–1');
  });

  it('unknown school type, unknown flag', () => {
    const error = broken((def) => {
      domain(def, 'E').applies_to.push('大学');
      indicator(def, 'D2').requires_flags = ['near_river'];
    });
    expect(error.message).toMatch(/domains\[E\]\.applies_to\[5\]: unknown school type "大学"; known: 幼儿园, 小学/);
    expect(error.message).toContain('domains[D].indicators[D2].requires_flags[0]: unknown flag "near_river"');
  });

  it('an indicator narrowed to a school type its domain does not cover', () => {
    const error = broken((def) => (indicator(def, 'E1').applies_to = ['幼儿园']));
    expect(error.message).toContain('domains[E].indicators[E1].applies_to[0]: "幼儿园" is not covered by domain E');
  });

  it('an AHP domain matrix with CR > 0.10', () => {
    // Saaty's (1990) house matrix happens to be 8×8 too: CR 0.169.
    const error = broken(
      (def) =>
        (def.ranking.methods.ahp.matrix = [
          [1, 5, 3, 7, 6, 6, '1/3', '1/4'],
          ['1/5', 1, '1/3', 5, 3, 3, '1/5', '1/7'],
          ['1/3', 3, 1, 6, 3, 4, 6, '1/5'],
          ['1/7', '1/5', '1/6', 1, '1/3', '1/4', '1/7', '1/8'],
          ['1/6', '1/3', '1/3', 3, 1, '1/2', '1/5', '1/6'],
          ['1/6', '1/3', '1/4', 4, 2, 1, '1/5', '1/6'],
          [3, 5, '1/6', 7, 5, 5, 1, '1/2'],
          [4, 7, 5, 8, 6, 6, 2, 1],
        ]),
    );
    expect(error.message).toContain('ranking.methods.ahp.matrix: consistency ratio CR = 0.1691 exceeds 0.10: revise the judgements');
  });

  it('an AHP domain matrix that is not reciprocal', () => {
    const error = broken((def) => (def.ranking.methods.ahp.matrix[1][0] = 2));
    expect(error.message).toContain('ranking.methods.ahp.matrix: is not reciprocal at row 1, column 2 (A vs B)');
  });

  it('guard bands with a gap, unit weights not adding up to 1, an unknown veto grade', () => {
    const error = broken((def) => {
      def.guard_staffing.enrollment_bands[1].min_enrollment = 150;
      def.unit_score.supervision_weight = 0.2;
      def.vetoes[1].effect.school_grade_cap = '差';
    });
    expect(error.message).toContain('guard_staffing.enrollment_bands[1].min_enrollment: bands must start at 0 and follow on without gaps or overlaps: expected 100, got 150');
    expect(error.message).toContain('unit_score: school_weight + supervision_weight must be 1, got 0.85 + 0.2');
    expect(error.message).toContain('vetoes[V2].effect.school_grade_cap: unknown grade "差"');
  });

  it('a deduction indicator with target/floor, a bad kind, a missing field', () => {
    const error = broken((def) => {
      indicator(def, 'A4').target = 0;
      indicator(def, 'B2').kind = 'ratio';
      delete indicator(def, 'C1').formula;
    });
    expect(error.message).toContain('domains[A].indicators[A4]: a deduction indicator has no target/floor');
    expect(error.message).toContain('domains[B].indicators[B2].kind: is "ratio"; expected one of rate, duration, deduction, yes_no');
    expect(error.message).toContain('domains[C].indicators[C1].formula: is missing');
  });

  it('an unreadable file, invalid JSON, and a missing edition', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schema_version": 1,');
    expect(() => loadDefinition(bad)).toThrow(/bad\.json: \(file\): not valid JSON/);
    expect(() => loadDefinition(join(dir, 'absent.json'))).toThrow(/absent\.json: \(file\): cannot read it: no such file/);
    expect(() => loadDefinition(1999)).toThrow(/no edition 1999 in .*data\/indicators/);
  });
});

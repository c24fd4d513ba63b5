import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allIndicators,
  atOrPastFloor,
  DefinitionError,
  definitionHash,
  DEFINITIONS_DIR,
  findIndicator,
  gradeFor,
  indicatorPoints,
  loadDefinition,
  parseDefinition,
  requiredGuards,
  statusBand,
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

describe('the status bands of a county indicator', () => {
  const def = loadDefinition(2025);
  const { met, near } = def.status_bands;

  it('ships 达标 from 95% attainment and 接近 from 80%', () => {
    expect([met, near]).toEqual([0.95, 0.8]);
  });

  it("follows the definition's thresholds: each band starts at its threshold, inclusive", () => {
    const bands = [1, met, met - 0.0001, near, near - 0.0001, 0, null].map((a) => statusBand(def.status_bands, a));
    expect(bands).toEqual(['met', 'met', 'near', 'near', 'behind', 'behind', null]);
    // other thresholds move the boundaries with them
    expect([0.9, 0.89, 0.5, 0.49].map((a) => statusBand({ met: 0.9, near: 0.5 }, a))).toEqual(['met', 'near', 'near', 'behind']);
  });

  it('reads a pooled attainment a rounding hair below a threshold as reaching it', () => {
    expect(statusBand(def.status_bands, 0.95 - 1e-12)).toBe('met');
  });

  it('flags a value at or past the floor in the direction of the indicator, and never one without a floor', () => {
    const a2 = findIndicator(def, 'A2')!; // higher is better, floor 80%
    const b5 = findIndicator(def, 'B5')!; // lower is better, floor 72 hours
    expect([0.81, 0.8, 0.79, null].map((v) => atOrPastFloor(a2, v))).toEqual([false, true, true, false]);
    expect([71, 72, 100].map((v) => atOrPastFloor(b5, v))).toEqual([false, true, true]);
    expect(atOrPastFloor(findIndicator(def, 'A4')!, 10)).toBe(false);
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
    expect(error.message).toMatch(/^指标体系文件有 3 处问题，请逐条改正 \/ indicator definition .*broken-\d+\.json has 3 problems:\n  - /);
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
    expect(() => loadDefinition(bad)).toThrow(/^指标体系文件有误 \/ indicator definition /);
  });
});

/**
 * Every rejection the loader makes, one broken copy of the shipped file each: the problem it must
 * report, at its place in the file. `contains(…)` marks messages whose tail lists the allowed values.
 */
describe('every rejection of a definition file', () => {
  const original = JSON.parse(readFileSync(SHIPPED, 'utf8'));
  const dir = tempDir('safecampus-def-rules-');
  let counter = 0;
  const contains = (text: string) => expect.stringContaining(text);
  const domain = (def: any, id: string) => def.domains.find((d: any) => d.id === id);
  const indicator = (def: any, id: string) =>
    id.startsWith('I') ? def.supervision.indicators.find((i: any) => i.id === id) : domain(def, id[0]).indicators.find((i: any) => i.id === id);
  const decimals = (n: number, value: number) => `may have at most ${n} decimal places (scores are computed exactly to 1/10,000), got ${value}`;

  const cases: [string, (def: any) => void, string, string | ReturnType<typeof contains>][] = [
    // header
    ['another schema version', (d) => (d.schema_version = 2), 'schema_version', 'must be 1 (this loader reads schema version 1), got 2'],
    ['a fractional edition', (d) => (d.edition = 2025.5), 'edition', 'must be a whole number, got 2025.5'],
    ['an edition before 2000', (d) => (d.edition = 1999), 'edition', 'must be ≥ 2000, got 1999'],
    ['an edition as text', (d) => (d.edition = '2025'), 'edition', 'must be a number, got "2025"'],
    ['no version', (d) => delete d.version, 'version', 'is missing'],
    ['an empty version', (d) => (d.version = ' '), 'version', 'must be a non-empty string'],
    ['a title without English', (d) => delete d.title.en, 'title.en', 'is missing'],
    ['a title that is text', (d) => (d.title = '2025'), 'title', 'must be an object'],
    ['a date not YYYY-MM-DD', (d) => (d.effective_from = '2025/01/01'), 'effective_from', 'must be a date YYYY-MM-DD, got "2025/01/01"'],
    ['an edition ending before it starts', (d) => (d.effective_to = '2024-12-31'), 'effective_to', '2024-12-31 is before effective_from 2025-01-01'],
    ['rates as percentages', (d) => (d.conventions.rate_scale = 'percent'), 'conventions.rate_scale', 'must be "fraction" (rates stored as 0–1)'],
    ['conventions without notes', (d) => delete d.conventions.notes, 'conventions.notes', 'is missing'],
    ['no conventions', (d) => delete d.conventions, 'conventions', 'is missing'],
    ['total points of 0', (d) => (d.total_points = 0), 'total_points', 'must be greater than 0, got 0'],
    ['total points other than 100', (d) => (d.total_points = 90), 'total_points', 'must be 100 (scores are out of 100), got 90'],
    // school types and flags
    ['no school types', (d) => (d.school_types = []), 'school_types', 'must not be empty'],
    ['a school type that is text', (d) => (d.school_types[0] = '幼儿园'), 'school_types[0]', 'must be an object'],
    ['a school type twice', (d) => (d.school_types[1].name = '幼儿园'), 'school_types[1].name', 'duplicate school type "幼儿园" (already defined at school_types[0].name)'],
    ['a one-digit school-code prefix', (d) => (d.school_types[0].code = '1'), 'school_types[0].code', 'must be the two-digit school-code prefix, got "1"'],
    ['a school-code prefix twice', (d) => (d.school_types[1].code = '11'), 'school_types[1].code', 'duplicate school type code "11" (already defined at school_types[0].code)'],
    ['a school type without English', (d) => delete d.school_types[0].en, 'school_types[0].en', 'is missing'],
    ['flags that are not a list', (d) => (d.flags = {}), 'flags', 'must be an array'],
    ['a flag twice', (d) => (d.flags[1].id = 'near_water'), 'flags[1].id', 'duplicate flag "near_water" (already defined at flags[0].id)'],
    ['a flag the engine does not derive', (d) => (d.flags[0].id = 'hilly'), 'flags[0].id', '"hilly" is not a flag the engine derives; known: near_water, boarding'],
    ['a flag without its column', (d) => delete d.flags[0].column, 'flags[0].column', 'is missing'],
    // domains
    ['no domains', (d) => (d.domains = []), 'domains', 'must not be empty'],
    ['a domain without its points reason', (d) => delete domain(d, 'A').points_reason, 'domains[A].points_reason', 'is missing'],
    ['a domain with 0 points', (d) => (domain(d, 'A').points = 0), 'domains[A].points', 'must be greater than 0, got 0'],
    ['a domain without indicators', (d) => (domain(d, 'A').indicators = []), 'domains[A].indicators', 'must not be empty'],
    ['a domain applying to no school type', (d) => (domain(d, 'A').applies_to = []), 'domains[A].applies_to', 'must not be empty'],
    ['a school type listed twice', (d) => (domain(d, 'A').applies_to = ['小学', '小学']), 'domains[A].applies_to[1]', 'school type "小学" is listed twice'],
    // indicators
    ['an indicator without its Chinese name', (d) => delete indicator(d, 'A1').name.zh, 'domains[A].indicators[A1].name.zh', 'is missing'],
    ['an unknown direction', (d) => (indicator(d, 'A1').direction = 'up'), 'domains[A].indicators[A1].direction', 'is "up"; expected one of higher_better, lower_better'],
    ['an indicator without a unit', (d) => delete indicator(d, 'A1').unit, 'domains[A].indicators[A1].unit', 'is missing'],
    ['a formula the engine lacks', (d) => (indicator(d, 'A1').formula = 'magic'), 'domains[A].indicators[A1].formula', contains('"magic" is not a formula the engine implements; known: self_inspection_month_coverage, ')],
    [
      'a formula key twice',
      (d) => (indicator(d, 'A2').formula = indicator(d, 'A1').formula),
      'domains[A].indicators[A2].formula',
      'duplicate formula key "self_inspection_month_coverage" (already defined at domains[A].indicators[A1].formula)',
    ],
    ['an indicator id shared with supervision', (d) => (indicator(d, 'I1').id = 'A1'), 'supervision.indicators[A1].id', 'duplicate indicator id "A1" (already defined at domains[A].indicators[A1].id)'],
    ['an indicator without its formula text', (d) => delete indicator(d, 'A1').formula_text, 'domains[A].indicators[A1].formula_text', 'is missing'],
    ['indicator points with 5 decimals', (d) => (indicator(d, 'A1').points = 5.00001), 'domains[A].indicators[A1].points', decimals(4, 5.00001)],
    ['negative indicator points', (d) => (indicator(d, 'A1').points = -5), 'domains[A].indicators[A1].points', 'must be greater than 0, got -5'],
    ['params that are a list', (d) => (indicator(d, 'A1').params = []), 'domains[A].indicators[A1].params', 'must be an object'],
    ['a rate per 0 students', (d) => (indicator(d, 'H1').params.per_students = 0), 'domains[H].indicators[H1].params.per_students', 'must be greater than 0, got 0'],
    ['no data source', (d) => (indicator(d, 'A1').data_source = []), 'domains[A].indicators[A1].data_source', 'must not be empty'],
    [
      'an unknown data source',
      (d) => (indicator(d, 'A1').data_source = ['weather']),
      'domains[A].indicators[A1].data_source[0]',
      'unknown source "weather"; expected one of schools, inspections, sensors, alerts, cases, activities',
    ],
    ['an unknown empty-denominator rule', (d) => (indicator(d, 'A1').empty_denominator = 'zero'), 'domains[A].indicators[A1].empty_denominator', 'is "zero"; expected one of not_applicable, no_data'],
    ['a rate without target', (d) => delete indicator(d, 'A1').target, 'domains[A].indicators[A1].target', 'is missing'],
    ['a negative floor', (d) => (indicator(d, 'B5').floor = -1), 'domains[B].indicators[B5].floor', 'must be ≥ 0, got -1'],
    ['a target with 5 decimals', (d) => (indicator(d, 'A1').target = 0.99999), 'domains[A].indicators[A1].target', decimals(4, 0.99999)],
    ['a rate with a deduction', (d) => (indicator(d, 'A1').deduction_per_occurrence = 1), 'domains[A].indicators[A1].deduction_per_occurrence', 'only deduction indicators have it; this one is a rate'],
    ['a deduction where higher is better', (d) => (indicator(d, 'A4').direction = 'higher_better'), 'domains[A].indicators[A4].direction', 'a deduction indicator counts bad events, so it must be lower_better'],
    ['a deduction without its amount', (d) => delete indicator(d, 'A4').deduction_per_occurrence, 'domains[A].indicators[A4].deduction_per_occurrence', 'is missing'],
    ['a yes/no indicator with a target', (d) => (indicator(d, 'B1').target = 1), 'domains[B].indicators[B1]', 'a yes_no indicator scores all or nothing; remove target/floor'],
    ['supervision deductions without a base', (d) => delete indicator(d, 'I3').base, 'supervision.indicators[I3].base', 'is missing'],
    ['an empty supervision deduction list', (d) => (indicator(d, 'I3').deductions = []), 'supervision.indicators[I3].deductions', 'must not be empty'],
    ['a supervision deduction of 0', (d) => (indicator(d, 'I3').deductions[0].per_occurrence = 0), 'supervision.indicators[I3].deductions[0].per_occurrence', 'must be greater than 0, got 0'],
    ['a supervision deduction without its action', (d) => delete indicator(d, 'I3').deductions[1].action, 'supervision.indicators[I3].deductions[1].action', 'is missing'],
    ['an indicator id from another domain', (d) => (indicator(d, 'A2').id = 'B9'), 'domains[A].indicators[B9].id', 'indicator "B9" sits in domain A, so its id must start with "A"'],
    ['an empty list of required flags', (d) => (indicator(d, 'D2').requires_flags = []), 'domains[D].indicators[D2].requires_flags', 'must not be empty'],
    // severity weights and grades
    ['severity weights not increasing', (d) => (d.severity_weights[2].weight = 3), 'severity_weights[2].weight', 'severity weights must increase from the mildest level to the gravest; 3 is not above 3'],
    ['a severity level twice', (d) => (d.severity_weights[1].level = '一般'), 'severity_weights[1].level', 'duplicate severity level "一般" (already defined at severity_weights[0].level)'],
    ['a case severity without weight', (d) => (d.severity_weights[1].level = '较轻'), 'severity_weights', 'has no weight for case severity "较大"'],
    ['a severity weight with 5 decimals', (d) => (d.severity_weights[0].weight = 1.00001), 'severity_weights[0].weight', decimals(4, 1.00001)],
    ['a grade twice', (d) => (d.grade_bands[1].grade = '优秀'), 'grade_bands[1].grade', 'duplicate grade "优秀" (already defined at grade_bands[0].grade)'],
    ['a grade boundary with 3 decimals', (d) => (d.grade_bands[0].min_score = 90.001), 'grade_bands[0].min_score', decimals(2, 90.001)],
    ['a grade boundary above the maximum', (d) => (d.grade_bands[0].min_score = 101), 'grade_bands[0].min_score', '101 is above the maximum score 100'],
    ['a negative grade boundary', (d) => (d.grade_bands[3].min_score = -1), 'grade_bands[3].min_score', 'must be ≥ 0, got -1'],
    // vetoes
    ['a veto id twice', (d) => (d.vetoes[1].id = 'V1'), 'vetoes[V1].id', 'duplicate veto id "V1" (already defined at vetoes[V1].id)'],
    ['a veto rule the engine lacks', (d) => (d.vetoes[0].rule = 'fire'), 'vetoes[V1].rule', 'is "fire"; expected one of death_in_school_incident, late_reported_serious_case'],
    ['a veto without its condition', (d) => delete d.vetoes[0].condition_text, 'vetoes[V1].condition_text', 'is missing'],
    ['a veto on an unknown severity', (d) => (d.vetoes[1].params.min_severity = '轻微'), 'vetoes[V2].params.min_severity', 'unknown severity "轻微"; known: 一般, 较大, 重大, 特别重大'],
    ['a veto on an unknown data source', (d) => (d.vetoes[0].data_source = ['weather']), 'vetoes[V1].data_source[0]', contains('unknown source "weather"')],
    ['a veto barring an unknown grade', (d) => (d.vetoes[0].effect.unit_grade_barred = '顶级'), 'vetoes[V1].effect.unit_grade_barred', 'unknown grade "顶级"; grades are 优秀, 良好, 合格, 不合格'],
    ['vetoes that are not a list', (d) => (d.vetoes = {}), 'vetoes', 'must be an array'],
    ['veto params that are a list', (d) => (d.vetoes[0].params = []), 'vetoes[V1].params', 'must be an object'],
    ['no veto application text', (d) => delete d.veto_application, 'veto_application', 'is missing'],
    // guard staffing
    ['a closed last guard band', (d) => (d.guard_staffing.enrollment_bands[2].max_enrollment = 5000), 'guard_staffing.enrollment_bands[2].max_enrollment', 'the last band must be open-ended (no max_enrollment)'],
    ['an open band without its extra guards', (d) => delete d.guard_staffing.enrollment_bands[2].extra_guard_per_students, 'guard_staffing.enrollment_bands[2].extra_guard_per_students', 'is missing'],
    ['an open band before the last', (d) => delete d.guard_staffing.enrollment_bands[0].max_enrollment, 'guard_staffing.enrollment_bands[0].max_enrollment', 'is missing (only the last band is open-ended)'],
    ['a band ending before it starts', (d) => (d.guard_staffing.enrollment_bands[1].max_enrollment = 50), 'guard_staffing.enrollment_bands[1].max_enrollment', '50 is below min_enrollment 100'],
    [
      'extra guards on a closed band',
      (d) => (d.guard_staffing.enrollment_bands[0].extra_guard_per_students = 100),
      'guard_staffing.enrollment_bands[0].extra_guard_per_students',
      'only the open-ended last band adds guards per further students',
    ],
    ['fewer guards for a larger school', (d) => (d.guard_staffing.enrollment_bands[2].guards = 1), 'guard_staffing.enrollment_bands[2].guards', 'a larger school cannot need fewer guards (1 < 2)'],
    ['a fractional enrollment', (d) => (d.guard_staffing.enrollment_bands[1].max_enrollment = 999.5), 'guard_staffing.enrollment_bands[1].max_enrollment', 'must be a whole number, got 999.5'],
    ['no guards', (d) => (d.guard_staffing.enrollment_bands[0].guards = 0), 'guard_staffing.enrollment_bands[0].guards', 'must be greater than 0, got 0'],
    ['an unknown rounding', (d) => (d.guard_staffing.extra_rounding = 'round'), 'guard_staffing.extra_rounding', 'is "round"; expected one of floor, ceil'],
    ['a guard per 0 boarders', (d) => (d.guard_staffing.boarders.extra_guard_per_boarders = 0), 'guard_staffing.boarders.extra_guard_per_boarders', 'must be greater than 0, got 0'],
    ['guard staffing without its standard', (d) => delete d.guard_staffing.standard, 'guard_staffing.standard', 'is missing'],
    // unit score, rectification, supervision
    ['a negative school weight', (d) => (d.unit_score.school_weight = -0.85), 'unit_score.school_weight', 'must be ≥ 0, got -0.85'],
    ['a unit weight with 6 decimals', (d) => ((d.unit_score.school_weight = 0.849995), (d.unit_score.supervision_weight = 0.150005)), 'unit_score.school_weight', decimals(4, 0.849995)],
    ['an unknown school aggregation', (d) => (d.unit_score.school_aggregation = 'median'), 'unit_score.school_aggregation', 'is "median"; expected one of enrollment_weighted_mean, mean'],
    ['a separate unit that is not a unit code', (d) => (d.unit_score.separate_units = ['4110']), 'unit_score.separate_units[0]', 'must be a six-digit unit code, got "4110"'],
    [
      'a rectification rule that is not true or false',
      (d) => (d.rectification.failed_recheck_counts_as_rectified = 'no'),
      'rectification.failed_recheck_counts_as_rectified',
      'must be true or false (whether a rectification that failed its re-check ends the hazard)',
    ],
    ['a rectification rule that is text', (d) => (d.rectification = 'no'), 'rectification', 'must be an object'],
    ['supervision of 0 points', (d) => (d.supervision.total_points = 0), 'supervision.total_points', 'must be greater than 0, got 0'],
    ['supervision without its points reason', (d) => delete d.supervision.points_reason, 'supervision.points_reason', 'is missing'],
    // ranking
    ['dense ranking', (d) => (d.ranking.ties = 'dense'), 'ranking.ties', 'must be "competition" (ties share a rank: 1, 2, 2, 4)'],
    ['ranking across school types', (d) => (d.ranking.school_ranking_scope = 'all'), 'ranking.school_ranking_scope', 'must be "school_type" (schools are ranked within their type)'],
    ['an unknown ranking method', (d) => (d.ranking.methods.vikor = { description: 'VIKOR' }), 'ranking.methods.vikor', 'unknown method; expected points, ahp, entropy, topsis'],
    ['no points method', (d) => delete d.ranking.methods.points, 'ranking.methods.points', 'is missing (the official score)'],
    ['no side-by-side list', (d) => delete d.ranking.side_by_side, 'ranking.side_by_side', 'is missing'],
    ['AHP over indicators', (d) => (d.ranking.methods.ahp.level = 'indicator'), 'ranking.methods.ahp.level', 'must be "domain" (the pairwise matrix compares domains)'],
    ['AHP without its reasons', (d) => delete d.ranking.methods.ahp.judgement_reasons, 'ranking.methods.ahp.judgement_reasons', 'is missing'],
    ['an AHP judgement that is not a number', (d) => (d.ranking.methods.ahp.matrix[2][3] = 'x'), 'ranking.methods.ahp.matrix', 'row 3, column 4 (C vs D) must be a positive finite number, got null'],
    ['an AHP matrix with a row too few', (d) => d.ranking.methods.ahp.matrix.pop(), 'ranking.methods.ahp.matrix', 'AHP labels has 8 entries but the matrix has 7 rows'],
    ['entropy over schools', (d) => (d.ranking.methods.entropy.over = 'schools'), 'ranking.methods.entropy.over', 'must be "indicator_attainment"'],
    ['an unknown entropy normalisation', (d) => (d.ranking.methods.entropy.normalization = 'zscore'), 'ranking.methods.entropy.normalization', 'is "zscore"; expected one of minmax, sum'],
    ['a negative entropy shift', (d) => (d.ranking.methods.entropy.shift = -1), 'ranking.methods.entropy.shift', 'must be ≥ 0, got -1'],
    ['TOPSIS over schools', (d) => (d.ranking.methods.topsis.over = 'schools'), 'ranking.methods.topsis.over', 'must be "indicator_attainment"'],
    ['an unknown TOPSIS normalisation', (d) => (d.ranking.methods.topsis.normalization = 'sum'), 'ranking.methods.topsis.normalization', 'is "sum"; expected one of vector, minmax'],
    ['TOPSIS weights from an unknown method', (d) => (d.ranking.methods.topsis.weights_from = 'critic'), 'ranking.methods.topsis.weights_from', 'is "critic"; expected one of points, ahp, entropy'],
    [
      'TOPSIS weights from a method not configured',
      (d) => ((d.ranking.methods.topsis.weights_from = 'entropy'), delete d.ranking.methods.entropy),
      'ranking.methods.topsis.weights_from',
      'takes weights from "entropy", which is not configured',
    ],
    // suggestions
    ['no suggestion in the list', (d) => (d.suggestions.A1 = []), 'suggestions.A1', 'must not be empty'],
    ['an empty suggestion', (d) => (d.suggestions.A1 = ['', '按月开展自查并留存记录，做到每月全覆盖。']), 'suggestions.A1[0]', 'must be a non-empty string'],
    ['suggestions that are a list', (d) => (d.suggestions = []), 'suggestions', 'must be an object'],
    // empty lists the rules read
    ['no severity weights', (d) => (d.severity_weights = []), 'severity_weights', 'must not be empty'],
    ['no grade bands', (d) => (d.grade_bands = []), 'grade_bands', 'must not be empty'],
    // status bands of the county scorecard
    ['no status bands', (d) => delete d.status_bands, 'status_bands', 'is missing'],
    ['status bands without near', (d) => delete d.status_bands.near, 'status_bands.near', 'is missing'],
    ['status bands without a reason', (d) => delete d.status_bands.reason, 'status_bands.reason', 'is missing'],
    ['a met band above full attainment', (d) => (d.status_bands.met = 1.05), 'status_bands.met', 'attainment is at most 1, so met must be ≤ 1, got 1.05'],
    ['a near band at met', (d) => (d.status_bands.near = 0.95), 'status_bands.near', 'near must be below met (0.95), got 0.95'],
    ['a near band above met', (d) => (d.status_bands.near = 0.99), 'status_bands.near', 'near must be below met (0.95), got 0.99'],
    ['a zero near band', (d) => (d.status_bands.near = 0), 'status_bands.near', 'must be greater than 0, got 0'],
    ['a near band as text', (d) => (d.status_bands.near = '80%'), 'status_bands.near', 'must be a number, got "80%"'],
    ['a band with 5 decimals', (d) => (d.status_bands.met = 0.95001), 'status_bands.met', decimals(4, 0.95001)],
    ['an unknown band', (d) => (d.status_bands.far = 0.5), 'status_bands.far', contains('unknown key: correct its spelling or remove it (allowed here: met, near, reason)')],
    ['no guard bands', (d) => (d.guard_staffing.enrollment_bands = []), 'guard_staffing.enrollment_bands', 'must not be empty'],
    // keys the schema does not name: a misspelt optional key would otherwise change the scores silently
    [
      'a misspelt optional key',
      (d) => ((indicator(d, 'D2').requires_flag = indicator(d, 'D2').requires_flags), delete indicator(d, 'D2').requires_flags),
      'domains[D].indicators[D2].requires_flag',
      contains('unknown key: correct its spelling or remove it (allowed here: id, name, kind, direction, unit, formula, formula_text, points, target, floor, '),
    ],
    ['a supervision key on a school indicator', (d) => (indicator(d, 'A4').base = 100), 'domains[A].indicators[A4].base', contains('unknown key: correct its spelling or remove it')],
    ['an unknown top-level key', (d) => (d.note = 'draft'), 'note', contains('unknown key: correct its spelling or remove it (allowed here: schema_version, edition, ')],
  ];

  it.each(cases)('%s', (_what, mutate, path, message) => {
    const copy = structuredClone(original);
    mutate(copy);
    const file = join(dir, `rule-${++counter}.json`);
    writeFileSync(file, JSON.stringify(copy, null, 2));
    let error: unknown;
    try {
      loadDefinition(file);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).problems).toContainEqual({ path, message });
  });

  it('reports a broken reference in one section beside a shape problem in another, in one pass', () => {
    const copy = structuredClone(original);
    indicator(copy, 'B2').kind = 'ratio';
    copy.vetoes[1].effect.school_grade_cap = '差';
    copy.suggestions.X1 = ['某项建议']; // waits: the rule on suggestions reads the domains, whose shape is broken
    const file = join(dir, 'mixed.json');
    writeFileSync(file, JSON.stringify(copy));
    const error = (() => {
      try {
        loadDefinition(file);
      } catch (thrown) {
        return thrown as DefinitionError;
      }
      throw new Error('the broken definition loaded without error');
    })();
    expect(error.problems).toEqual([
      { path: 'domains[B].indicators[B2].kind', message: 'is "ratio"; expected one of rate, duration, deduction, yes_no' },
      { path: 'vetoes[V2].effect.school_grade_cap', message: 'unknown grade "差"; grades are 优秀, 良好, 合格, 不合格' },
    ]);
  });

  it('never fails with anything but a DefinitionError, whatever value replaces a section or an entry of one', () => {
    const replacements: unknown[] = [undefined, null, [], {}, 'x', '', -1, 0, 1.23456, true, [1], { id: 'A' }];
    const places: (string | number)[][] = [];
    for (const [key, value] of Object.entries(original)) {
      places.push([key]);
      if (value && typeof value === 'object') for (const child of Object.keys(value)) places.push([key, Array.isArray(value) ? Number(child) : child]);
    }
    let rejected = 0;
    for (const [section, entry] of places) {
      for (const replacement of replacements) {
        const copy = structuredClone(original);
        const parent = entry === undefined ? copy : copy[section];
        const key = entry ?? section;
        if (replacement === undefined) delete parent[key];
        else parent[key] = replacement;
        try {
          parseDefinition(copy);
        } catch (error) {
          expect(error, `${section}${entry === undefined ? '' : `.${entry}`} = ${JSON.stringify(replacement)}`).toBeInstanceOf(DefinitionError);
          rejected++;
        }
      }
    }
    expect(rejected).toBeGreaterThan(places.length * 10);
  });

  it('a file that is not a JSON object', () => {
    const file = join(dir, 'list.json');
    writeFileSync(file, '[]');
    expect(() => loadDefinition(file)).toThrow(/list\.json: \(root\): must be an object/);
  });
});

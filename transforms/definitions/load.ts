/**
 * Loads and validates an indicator definition file (data/indicators/<year>.json).
 *
 * Validation collects every problem it finds, each with the place in the file
 * (`domains[A].indicators[A3].target`), and throws one DefinitionError listing them, so a
 * broken edition is fixed in one pass rather than one error at a time.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ahpWeights, AhpMatrixError, InconsistentMatrixError, parseJudgement } from '../weighting/ahp.ts';
import { WeightingInputError } from '../weighting/common.ts';
import {
  ENGINE_FLAGS,
  ENGINE_FORMULAS,
  INDICATOR_DIRECTIONS,
  INDICATOR_KINDS,
  RANKING_METHODS,
  SOURCE_SYSTEMS,
  VETO_RULES,
  type GuardStaffing,
  type Indicator,
  type IndicatorDefinition,
} from './types.ts';

export type * from './types.ts';
export { INDICATOR_DIRECTIONS, INDICATOR_KINDS, RANKING_METHODS, SOURCE_SYSTEMS, VETO_RULES } from './types.ts';

/** Where the shipped editions live: data/indicators/<year>.json. */
export const DEFINITIONS_DIR = resolve(import.meta.dirname, '..', '..', 'data', 'indicators');

export interface DefinitionProblem {
  /** Where in the file, e.g. `domains[B].points` or `suggestions.Z9`. */
  path: string;
  message: string;
}

export class DefinitionError extends Error {
  override name = 'DefinitionError';
  constructor(
    readonly file: string,
    readonly problems: DefinitionProblem[],
  ) {
    super(
      problems.length === 1
        ? `indicator definition ${file}: ${problems[0].path}: ${problems[0].message}`
        : `indicator definition ${file} has ${problems.length} problems:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`,
    );
  }
}

/** A year (2025 or "2025") names the shipped edition; anything else is a file path. */
export function resolveDefinitionPath(pathOrYear: string | number): string {
  const text = String(pathOrYear);
  return /^\d{4}$/.test(text) ? join(DEFINITIONS_DIR, `${text}.json`) : resolve(text);
}

/** sha256 (hex) of the definition file's bytes, recorded with every appraisal for reproducibility. */
export function definitionHash(pathOrYear: string | number): string {
  return createHash('sha256').update(readFileSync(resolveDefinitionPath(pathOrYear))).digest('hex');
}

export function loadDefinition(pathOrYear: string | number): IndicatorDefinition {
  const path = resolveDefinitionPath(pathOrYear);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = /^\d{4}$/.test(String(pathOrYear)) ? ` (no edition ${pathOrYear} in ${DEFINITIONS_DIR})` : '';
    throw new DefinitionError(path, [{ path: '(file)', message: `cannot read it: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}${hint}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new DefinitionError(path, [{ path: '(file)', message: `not valid JSON: ${(error as Error).message}` }]);
  }
  const definition = parseDefinition(json, path);
  definition.source = { path, sha256: createHash('sha256').update(bytes).digest('hex') };
  return definition;
}

// ---------------------------------------------------------------------------------------------
// validation

type Json = Record<string, unknown>;

class Checker {
  readonly problems: DefinitionProblem[] = [];

  fail(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  object(value: unknown, path: string): Json | undefined {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Json;
    this.fail(path, value === undefined ? 'is missing' : 'must be an object');
    return undefined;
  }

  array(value: unknown, path: string, nonEmpty = true): unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.fail(path, value === undefined ? 'is missing' : 'must be an array');
      return undefined;
    }
    if (nonEmpty && value.length === 0) this.fail(path, 'must not be empty');
    return value;
  }

  string(o: Json, key: string, path: string, required = true): string | undefined {
    const value = o[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      this.fail(`${path}.${key}`, value === undefined ? 'is missing' : 'must be a non-empty string');
      return undefined;
    }
    return value;
  }

  /** A number; `decimals` caps its decimal places (points, targets and weights are scored exactly in 1/10,000 units). */
  number(
    o: Json,
    key: string,
    path: string,
    { required = true, min, integer = false, positive = false, decimals }: { required?: boolean; min?: number; integer?: boolean; positive?: boolean; decimals?: number } = {},
  ): number | undefined {
    const value = o[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.fail(`${path}.${key}`, value === undefined ? 'is missing' : `must be a number, got ${JSON.stringify(value)}`);
      return undefined;
    }
    if (integer && !Number.isInteger(value)) this.fail(`${path}.${key}`, `must be a whole number, got ${value}`);
    if (positive && !(value > 0)) this.fail(`${path}.${key}`, `must be greater than 0, got ${value}`);
    if (min !== undefined && value < min) this.fail(`${path}.${key}`, `must be ≥ ${min}, got ${value}`);
    if (decimals !== undefined && Number(value.toFixed(decimals)) !== value) {
      this.fail(`${path}.${key}`, `may have at most ${decimals} decimal places (scores are computed exactly to 1/10,000), got ${value}`);
    }
    return value;
  }

  oneOf<T extends string>(o: Json, key: string, path: string, allowed: readonly T[], required = true): T | undefined {
    const value = o[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      this.fail(`${path}.${key}`, `${value === undefined ? 'is missing' : `is ${JSON.stringify(value)}`}; expected one of ${allowed.join(', ')}`);
      return undefined;
    }
    return value as T;
  }

  localized(o: Json, key: string, path: string): void {
    const name = this.object(o[key], `${path}.${key}`);
    if (!name) return;
    this.string(name, 'zh', `${path}.${key}`);
    this.string(name, 'en', `${path}.${key}`);
  }

  /** Records an id, reporting a duplicate against where it was first seen. */
  unique(seen: Map<string, string>, id: string | undefined, path: string, what: string): void {
    if (id === undefined) return;
    const first = seen.get(id);
    if (first !== undefined) this.fail(path, `duplicate ${what} "${id}" (already defined at ${first})`);
    else seen.set(id, path);
  }
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;
/** Decimal places a scored number may have: the engine scores in exact integers of 1/10,000 (docs/scoring.md). */
const EXACT_DECIMALS = 4;
const label = (o: Json, index: number) => (typeof o.id === 'string' ? o.id : String(index));
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Validates a parsed definition (e.g. from JSON.parse) and returns it typed, with the
 * resolved fields filled in. Throws DefinitionError naming every problem found.
 */
export function parseDefinition(json: unknown, file = '<definition>'): IndicatorDefinition {
  const c = new Checker();
  const root = c.object(json, '(root)');
  if (!root) throw new DefinitionError(file, c.problems);

  // --- header ---------------------------------------------------------------------------------
  if (root.schema_version !== 1) c.fail('schema_version', `must be 1 (this loader reads schema version 1), got ${JSON.stringify(root.schema_version)}`);
  c.number(root, 'edition', '(root)', { integer: true, min: 2000 });
  c.string(root, 'version', '(root)');
  c.localized(root, 'title', '(root)');
  const from = c.string(root, 'effective_from', '(root)');
  const to = c.string(root, 'effective_to', '(root)');
  for (const [key, value] of [['effective_from', from], ['effective_to', to]] as const) {
    if (value !== undefined && !DATE.test(value)) c.fail(key, `must be a date YYYY-MM-DD, got "${value}"`);
  }
  if (from && to && DATE.test(from) && DATE.test(to) && from > to) c.fail('effective_to', `${to} is before effective_from ${from}`);
  const conventions = c.object(root.conventions, 'conventions');
  if (conventions) {
    if (conventions.rate_scale !== 'fraction') c.fail('conventions.rate_scale', 'must be "fraction" (rates stored as 0–1)');
    c.string(conventions, 'notes', 'conventions');
  }
  const total = c.number(root, 'total_points', '(root)', { positive: true });
  if (total !== undefined && total !== 100) c.fail('total_points', `must be 100 (scores are out of 100), got ${total}`);

  // --- school types and flags -------------------------------------------------------------------
  const schoolTypes = new Map<string, string>();
  const typeCodes = new Map<string, string>();
  (c.array(root.school_types, 'school_types') ?? []).forEach((raw, i) => {
    const path = `school_types[${i}]`;
    const t = c.object(raw, path);
    if (!t) return;
    c.unique(schoolTypes, c.string(t, 'name', path), `${path}.name`, 'school type');
    const code = c.string(t, 'code', path);
    if (code !== undefined && !/^\d{2}$/.test(code)) c.fail(`${path}.code`, `must be the two-digit school-code prefix, got "${code}"`);
    c.unique(typeCodes, code, `${path}.code`, 'school type code');
    c.string(t, 'en', path);
  });
  const flags = new Map<string, string>();
  (c.array(root.flags, 'flags', false) ?? []).forEach((raw, i) => {
    const path = `flags[${i}]`;
    const f = c.object(raw, path);
    if (!f) return;
    const id = c.string(f, 'id', path);
    c.unique(flags, id, `${path}.id`, 'flag');
    if (id !== undefined && !ENGINE_FLAGS.includes(id as never)) c.fail(`${path}.id`, `"${id}" is not a flag the engine derives; known: ${ENGINE_FLAGS.join(', ')}`);
    c.string(f, 'zh', path);
    c.string(f, 'en', path);
    c.string(f, 'column', path);
  });
  const checkSchoolTypes = (value: unknown, path: string): string[] => {
    const list = c.array(value, path);
    if (!list) return [];
    const out: string[] = [];
    list.forEach((t, i) => {
      if (typeof t !== 'string' || !schoolTypes.has(t)) {
        c.fail(`${path}[${i}]`, `unknown school type ${JSON.stringify(t)}; known: ${[...schoolTypes.keys()].join(', ')}`);
      } else if (out.includes(t)) c.fail(`${path}[${i}]`, `school type "${t}" is listed twice`);
      else out.push(t);
    });
    return out;
  };

  // --- indicators (shared by domains and supervision) --------------------------------------------
  const indicatorIds = new Map<string, string>();
  const formulas = new Map<string, string>();

  const checkIndicator = (ind: Json, path: string, supervision: boolean): void => {
    c.unique(indicatorIds, c.string(ind, 'id', path), `${path}.id`, 'indicator id');
    c.localized(ind, 'name', path);
    const kind = c.oneOf(ind, 'kind', path, INDICATOR_KINDS);
    const direction = c.oneOf(ind, 'direction', path, INDICATOR_DIRECTIONS);
    const unit = c.string(ind, 'unit', path);
    const formula = c.string(ind, 'formula', path);
    if (formula !== undefined && !ENGINE_FORMULAS.includes(formula as never)) {
      c.fail(`${path}.formula`, `"${formula}" is not a formula the engine implements; known: ${ENGINE_FORMULAS.join(', ')}`);
    }
    c.unique(formulas, formula, `${path}.formula`, 'formula key');
    c.string(ind, 'formula_text', path);
    c.number(ind, 'points', path, { positive: true, decimals: EXACT_DECIMALS });
    const params = ind.params === undefined ? undefined : c.object(ind.params, `${path}.params`);
    if (params?.per_students !== undefined) c.number(params, 'per_students', `${path}.params`, { positive: true, decimals: EXACT_DECIMALS });
    const sources = c.array(ind.data_source, `${path}.data_source`);
    sources?.forEach((s, i) => {
      if (!SOURCE_SYSTEMS.includes(s as never)) c.fail(`${path}.data_source[${i}]`, `unknown source ${JSON.stringify(s)}; expected one of ${SOURCE_SYSTEMS.join(', ')}`);
    });
    c.oneOf(ind, 'empty_denominator', path, ['not_applicable', 'no_data'] as const);

    if (kind === 'rate' || kind === 'duration') {
      const target = c.number(ind, 'target', path, { min: 0, decimals: EXACT_DECIMALS });
      const floor = c.number(ind, 'floor', path, { min: 0, decimals: EXACT_DECIMALS });
      if (ind.deduction_per_occurrence !== undefined) c.fail(`${path}.deduction_per_occurrence`, `only deduction indicators have it; this one is a ${kind}`);
      if (target !== undefined && floor !== undefined && direction !== undefined) {
        if (direction === 'higher_better' && !(target > floor)) {
          c.fail(`${path}.target`, `higher is better, so target (${target}) must be above floor (${floor})`);
        } else if (direction === 'lower_better' && !(target < floor)) {
          c.fail(`${path}.target`, `lower is better, so target (${target}) must be below floor (${floor})`);
        }
      }
      if (unit === '%') {
        for (const [key, value] of [['target', target], ['floor', floor]] as const) {
          if (value !== undefined && value > 1) c.fail(`${path}.${key}`, `% values are fractions (0.98 = 98%), so ${value} is out of range 0–1`);
        }
      }
    } else if (kind === 'deduction') {
      if (ind.target !== undefined || ind.floor !== undefined) c.fail(`${path}`, 'a deduction indicator has no target/floor; it loses points per occurrence');
      if (direction !== undefined && direction !== 'lower_better') c.fail(`${path}.direction`, 'a deduction indicator counts bad events, so it must be lower_better');
      if (supervision && ind.deductions !== undefined) {
        c.number(ind, 'base', path, { positive: true, decimals: EXACT_DECIMALS });
        (c.array(ind.deductions, `${path}.deductions`) ?? []).forEach((raw, i) => {
          const d = c.object(raw, `${path}.deductions[${i}]`);
          if (!d) return;
          c.string(d, 'action', `${path}.deductions[${i}]`);
          c.number(d, 'per_occurrence', `${path}.deductions[${i}]`, { positive: true, decimals: EXACT_DECIMALS });
        });
      } else {
        c.number(ind, 'deduction_per_occurrence', path, { positive: true, decimals: EXACT_DECIMALS });
      }
    } else if (kind === 'yes_no') {
      if (ind.target !== undefined || ind.floor !== undefined) c.fail(`${path}`, 'a yes_no indicator scores all or nothing; remove target/floor');
    }
  };

  // --- domains ----------------------------------------------------------------------------------
  const domainIds = new Map<string, string>();
  const domains = c.array(root.domains, 'domains') ?? [];
  let domainTotal = 0;
  domains.forEach((raw, di) => {
    const d = c.object(raw, `domains[${di}]`);
    if (!d) return;
    const path = `domains[${label(d, di)}]`;
    const id = c.string(d, 'id', path);
    c.unique(domainIds, id, `${path}.id`, 'domain id');
    c.localized(d, 'name', path);
    const points = c.number(d, 'points', path, { positive: true });
    if (points !== undefined) domainTotal += points;
    c.string(d, 'points_reason', path);
    const domainTypes = checkSchoolTypes(d.applies_to, `${path}.applies_to`);
    let indicatorTotal = 0;
    (c.array(d.indicators, `${path}.indicators`) ?? []).forEach((rawInd, ii) => {
      const ind = c.object(rawInd, `${path}.indicators[${ii}]`);
      if (!ind) return;
      const ipath = `${path}.indicators[${label(ind, ii)}]`;
      checkIndicator(ind, ipath, false);
      if (typeof ind.points === 'number') indicatorTotal += ind.points;
      if (id !== undefined && typeof ind.id === 'string' && !ind.id.startsWith(id)) {
        c.fail(`${ipath}.id`, `indicator "${ind.id}" sits in domain ${id}, so its id must start with "${id}"`);
      }
      if (ind.applies_to !== undefined) {
        checkSchoolTypes(ind.applies_to, `${ipath}.applies_to`).forEach((t, i) => {
          if (!domainTypes.includes(t)) c.fail(`${ipath}.applies_to[${i}]`, `"${t}" is not covered by domain ${id}, which applies to ${domainTypes.join(', ')}`);
        });
      }
      if (ind.requires_flags !== undefined) {
        (c.array(ind.requires_flags, `${ipath}.requires_flags`) ?? []).forEach((f, i) => {
          if (typeof f !== 'string' || !flags.has(f)) c.fail(`${ipath}.requires_flags[${i}]`, `unknown flag ${JSON.stringify(f)}; known: ${[...flags.keys()].join(', ') || 'none'}`);
        });
      }
    });
    if (points !== undefined && !close(indicatorTotal, points)) {
      c.fail(`${path}.indicators`, `indicator points add up to ${indicatorTotal} but domain ${id} has ${points} points`);
    }
  });
  if (total !== undefined && domains.length && !close(domainTotal, total)) {
    c.fail('domains', `domain points add up to ${domainTotal}, not ${total}`);
  }

  // --- severity weights, grades, vetoes ----------------------------------------------------------
  const severities = new Map<string, string>();
  let lastWeight = 0;
  (c.array(root.severity_weights, 'severity_weights') ?? []).forEach((raw, i) => {
    const path = `severity_weights[${i}]`;
    const s = c.object(raw, path);
    if (!s) return;
    c.unique(severities, c.string(s, 'level', path), `${path}.level`, 'severity level');
    c.string(s, 'en', path);
    const weight = c.number(s, 'weight', path, { positive: true, decimals: EXACT_DECIMALS });
    if (weight !== undefined) {
      if (weight <= lastWeight) c.fail(`${path}.weight`, `severity weights must increase from the mildest level to the gravest; ${weight} is not above ${lastWeight}`);
      lastWeight = weight;
    }
  });
  for (const level of ['一般', '较大', '重大', '特别重大']) {
    if (severities.size && !severities.has(level)) c.fail('severity_weights', `has no weight for case severity "${level}"`);
  }

  const grades = new Map<string, string>();
  let previousMin = Number.POSITIVE_INFINITY;
  const bands = c.array(root.grade_bands, 'grade_bands') ?? [];
  bands.forEach((raw, i) => {
    const path = `grade_bands[${i}]`;
    const b = c.object(raw, path);
    if (!b) return;
    c.unique(grades, c.string(b, 'grade', path), `${path}.grade`, 'grade');
    c.string(b, 'en', path);
    // scores have two decimals, so a band boundary needs no more
    const min = c.number(b, 'min_score', path, { min: 0, decimals: 2 });
    if (min === undefined) return;
    if (total !== undefined && min > total) c.fail(`${path}.min_score`, `${min} is above the maximum score ${total}`);
    if (!(min < previousMin)) c.fail(`${path}.min_score`, `grade bands must be strictly descending by min_score; ${min} does not come below ${previousMin}`);
    previousMin = min;
    if (i === bands.length - 1 && min !== 0) c.fail(`${path}.min_score`, `the last band must start at 0 so every score gets a grade; it starts at ${min}`);
  });
  const checkGrade = (value: unknown, path: string) => {
    if (typeof value !== 'string' || !grades.has(value)) c.fail(path, `unknown grade ${JSON.stringify(value)}; grades are ${[...grades.keys()].join(', ')}`);
  };

  const vetoIds = new Map<string, string>();
  (c.array(root.vetoes, 'vetoes', false) ?? []).forEach((raw, i) => {
    const v = c.object(raw, `vetoes[${i}]`);
    if (!v) return;
    const path = `vetoes[${label(v, i)}]`;
    c.unique(vetoIds, c.string(v, 'id', path), `${path}.id`, 'veto id');
    c.localized(v, 'name', path);
    c.oneOf(v, 'rule', path, VETO_RULES);
    c.string(v, 'condition_text', path);
    const params = v.params === undefined ? {} : c.object(v.params, `${path}.params`);
    if (params && params.min_severity !== undefined && !severities.has(String(params.min_severity))) {
      c.fail(`${path}.params.min_severity`, `unknown severity ${JSON.stringify(params.min_severity)}; known: ${[...severities.keys()].join(', ')}`);
    }
    (c.array(v.data_source, `${path}.data_source`) ?? []).forEach((s, j) => {
      if (!SOURCE_SYSTEMS.includes(s as never)) c.fail(`${path}.data_source[${j}]`, `unknown source ${JSON.stringify(s)}`);
    });
    (c.array(v.related_indicators, `${path}.related_indicators`, false) ?? []).forEach((ref, j) => {
      if (typeof ref !== 'string' || !indicatorIds.has(ref)) c.fail(`${path}.related_indicators[${j}]`, `unknown indicator ${JSON.stringify(ref)}`);
    });
    const effect = c.object(v.effect, `${path}.effect`);
    if (effect) {
      checkGrade(effect.school_grade_cap, `${path}.effect.school_grade_cap`);
      checkGrade(effect.unit_grade_barred, `${path}.effect.unit_grade_barred`);
    }
  });
  c.string(root, 'veto_application', '(root)');

  // --- guard staffing, unit score ------------------------------------------------------------------
  const guard = c.object(root.guard_staffing, 'guard_staffing');
  if (guard) {
    c.string(guard, 'standard', 'guard_staffing');
    const guardBands = c.array(guard.enrollment_bands, 'guard_staffing.enrollment_bands') ?? [];
    let expectedMin = 0;
    let lastGuards = 0;
    guardBands.forEach((raw, i) => {
      const path = `guard_staffing.enrollment_bands[${i}]`;
      const b = c.object(raw, path);
      if (!b) return;
      const min = c.number(b, 'min_enrollment', path, { integer: true, min: 0 });
      const max = c.number(b, 'max_enrollment', path, { required: false, integer: true });
      const guards = c.number(b, 'guards', path, { integer: true, positive: true });
      const last = i === guardBands.length - 1;
      if (min !== undefined && min !== expectedMin) c.fail(`${path}.min_enrollment`, `bands must start at 0 and follow on without gaps or overlaps: expected ${expectedMin}, got ${min}`);
      if (last) {
        if (max !== undefined) c.fail(`${path}.max_enrollment`, 'the last band must be open-ended (no max_enrollment)');
        c.number(b, 'extra_guard_per_students', path, { positive: true });
      } else {
        if (max === undefined) c.fail(`${path}.max_enrollment`, 'is missing (only the last band is open-ended)');
        else if (min !== undefined && max < min) c.fail(`${path}.max_enrollment`, `${max} is below min_enrollment ${min}`);
        if (b.extra_guard_per_students !== undefined) c.fail(`${path}.extra_guard_per_students`, 'only the open-ended last band adds guards per further students');
      }
      if (guards !== undefined) {
        if (guards < lastGuards) c.fail(`${path}.guards`, `a larger school cannot need fewer guards (${guards} < ${lastGuards})`);
        lastGuards = guards;
      }
      expectedMin = (max ?? 0) + 1;
    });
    c.oneOf(guard, 'extra_rounding', 'guard_staffing', ['floor', 'ceil'] as const);
    const boarders = c.object(guard.boarders, 'guard_staffing.boarders');
    if (boarders) {
      c.number(boarders, 'extra_guard_per_boarders', 'guard_staffing.boarders', { positive: true });
      c.oneOf(boarders, 'rounding', 'guard_staffing.boarders', ['floor', 'ceil'] as const);
    }
  }

  const unit = c.object(root.unit_score, 'unit_score');
  if (unit) {
    const sw = c.number(unit, 'school_weight', 'unit_score', { min: 0, decimals: EXACT_DECIMALS });
    const vw = c.number(unit, 'supervision_weight', 'unit_score', { min: 0, decimals: EXACT_DECIMALS });
    if (sw !== undefined && vw !== undefined && !close(sw + vw, 1)) c.fail('unit_score', `school_weight + supervision_weight must be 1, got ${sw} + ${vw} = ${sw + vw}`);
    c.oneOf(unit, 'school_aggregation', 'unit_score', ['enrollment_weighted_mean', 'mean'] as const);
    c.array(unit.separate_units, 'unit_score.separate_units', false)?.forEach((u, i) => {
      if (typeof u !== 'string' || !/^\d{6}$/.test(u)) c.fail(`unit_score.separate_units[${i}]`, `must be a six-digit unit code, got ${JSON.stringify(u)}`);
    });
    c.string(unit, 'formula_text', 'unit_score');
  }

  // --- hazard rectification --------------------------------------------------------------------------
  const rectification = root.rectification === undefined ? undefined : c.object(root.rectification, 'rectification');
  if (rectification) {
    if (typeof rectification.failed_recheck_counts_as_rectified !== 'boolean') {
      c.fail('rectification.failed_recheck_counts_as_rectified', 'must be true or false (whether a rectification that failed its re-check ends the hazard)');
    }
    c.string(rectification, 'reason', 'rectification');
  }

  // --- supervision indicators ----------------------------------------------------------------------
  const supervision = c.object(root.supervision, 'supervision');
  if (supervision) {
    const supTotal = c.number(supervision, 'total_points', 'supervision', { positive: true });
    c.string(supervision, 'points_reason', 'supervision');
    let sum = 0;
    (c.array(supervision.indicators, 'supervision.indicators') ?? []).forEach((raw, i) => {
      const ind = c.object(raw, `supervision.indicators[${i}]`);
      if (!ind) return;
      checkIndicator(ind, `supervision.indicators[${label(ind, i)}]`, true);
      if (typeof ind.points === 'number') sum += ind.points;
    });
    if (supTotal !== undefined && !close(sum, supTotal)) c.fail('supervision.indicators', `indicator points add up to ${sum} but supervision has ${supTotal} points`);
  }

  // --- ranking methods -------------------------------------------------------------------------------
  let ahpResolved: { matrix: number[][]; weights: number[]; lambda_max: number; ci: number; cr: number } | undefined;
  const ranking = c.object(root.ranking, 'ranking');
  if (ranking) {
    if (ranking.ties !== 'competition') c.fail('ranking.ties', 'must be "competition" (ties share a rank: 1, 2, 2, 4)');
    if (ranking.school_ranking_scope !== 'school_type') c.fail('ranking.school_ranking_scope', 'must be "school_type" (schools are ranked within their type)');
    const methods = c.object(ranking.methods, 'ranking.methods') ?? {};
    for (const name of Object.keys(methods)) {
      if (!RANKING_METHODS.includes(name as never)) c.fail(`ranking.methods.${name}`, `unknown method; expected ${RANKING_METHODS.join(', ')}`);
    }
    if (!('points' in methods)) c.fail('ranking.methods.points', 'is missing (the official score)');
    const checkMethod = (value: unknown, path: string) => {
      if (typeof value !== 'string' || !(value in methods)) c.fail(path, `${JSON.stringify(value)} is not one of the configured methods (${Object.keys(methods).join(', ')})`);
    };
    checkMethod(ranking.default_method, 'ranking.default_method');
    (c.array(ranking.side_by_side, 'ranking.side_by_side', false) ?? []).forEach((m, i) => checkMethod(m, `ranking.side_by_side[${i}]`));

    if (methods.ahp !== undefined) {
      const ahp = c.object(methods.ahp, 'ranking.methods.ahp');
      if (ahp) {
        if (ahp.level !== 'domain') c.fail('ranking.methods.ahp.level', 'must be "domain" (the pairwise matrix compares domains)');
        c.string(ahp, 'description', 'ranking.methods.ahp');
        c.string(ahp, 'judgement_reasons', 'ranking.methods.ahp');
        const labels = (c.array(ahp.labels, 'ranking.methods.ahp.labels') ?? []) as unknown[];
        let labelsOk = true;
        labels.forEach((l, i) => {
          if (typeof l !== 'string' || !domainIds.has(l)) {
            c.fail(`ranking.methods.ahp.labels[${i}]`, `unknown domain ${JSON.stringify(l)}; domains are ${[...domainIds.keys()].join(', ')}`);
            labelsOk = false;
          }
        });
        for (const id of domainIds.keys()) {
          if (!labels.includes(id)) {
            c.fail('ranking.methods.ahp.labels', `domain ${id} is missing: the matrix must compare every domain`);
            labelsOk = false;
          }
        }
        const rows = c.array(ahp.matrix, 'ranking.methods.ahp.matrix');
        if (rows && labelsOk) {
          const matrix = rows.map((row) => (Array.isArray(row) ? row.map((v) => parseJudgement(v)) : row)) as number[][];
          try {
            const r = ahpWeights(matrix, labels as string[]);
            ahpResolved = { matrix, weights: r.weights, lambda_max: r.lambdaMax, ci: r.ci, cr: r.cr };
          } catch (error) {
            if (error instanceof InconsistentMatrixError) {
              c.fail('ranking.methods.ahp.matrix', `consistency ratio CR = ${error.cr.toFixed(4)} exceeds ${error.limit.toFixed(2)}: revise the judgements`);
            } else if (error instanceof AhpMatrixError || error instanceof WeightingInputError) {
              c.fail('ranking.methods.ahp.matrix', error.message.replace(/^AHP matrix /, ''));
            } else throw error;
          }
        }
      }
    }
    if (methods.entropy !== undefined) {
      const e = c.object(methods.entropy, 'ranking.methods.entropy');
      if (e) {
        if (e.over !== 'indicator_attainment') c.fail('ranking.methods.entropy.over', 'must be "indicator_attainment"');
        c.string(e, 'description', 'ranking.methods.entropy');
        c.oneOf(e, 'normalization', 'ranking.methods.entropy', ['minmax', 'sum'] as const);
        c.number(e, 'shift', 'ranking.methods.entropy', { min: 0 });
      }
    }
    if (methods.topsis !== undefined) {
      const t = c.object(methods.topsis, 'ranking.methods.topsis');
      if (t) {
        if (t.over !== 'indicator_attainment') c.fail('ranking.methods.topsis.over', 'must be "indicator_attainment"');
        c.string(t, 'description', 'ranking.methods.topsis');
        c.oneOf(t, 'normalization', 'ranking.methods.topsis', ['vector', 'minmax'] as const);
        const from = c.oneOf(t, 'weights_from', 'ranking.methods.topsis', ['points', 'ahp', 'entropy'] as const);
        if (from && from !== 'points' && !(from in methods)) c.fail('ranking.methods.topsis.weights_from', `takes weights from "${from}", which is not configured`);
      }
    }
  }

  // --- suggestions ---------------------------------------------------------------------------------
  const suggestions = c.object(root.suggestions, 'suggestions');
  if (suggestions) {
    for (const [id, list] of Object.entries(suggestions)) {
      if (!indicatorIds.has(id)) {
        c.fail(`suggestions.${id}`, `unknown indicator "${id}"`);
        continue;
      }
      const items = c.array(list, `suggestions.${id}`);
      if (!items) continue;
      if (items.length > 3) c.fail(`suggestions.${id}`, `has ${items.length} suggestions; give 1 to 3, the most useful first`);
      items.forEach((s, i) => {
        if (typeof s !== 'string' || s.trim() === '') c.fail(`suggestions.${id}[${i}]`, 'must be a non-empty string');
      });
    }
    for (const raw of domains) {
      const d = raw as Json;
      for (const rawInd of Array.isArray(d?.indicators) ? d.indicators : []) {
        const id = (rawInd as Json)?.id;
        if (typeof id === 'string' && !(id in suggestions)) c.fail('suggestions', `indicator ${id} has no suggestion; short boards need 1 to 3 for every scored indicator`);
      }
    }
  }

  if (c.problems.length) throw new DefinitionError(file, c.problems);

  // --- resolve -------------------------------------------------------------------------------------
  const definition = structuredClone(root) as unknown as IndicatorDefinition;
  for (const domain of definition.domains) {
    for (const ind of domain.indicators as (Indicator & Json)[]) {
      ind.domain = domain.id;
      ind.applies_to ??= [...domain.applies_to];
      ind.requires_flags ??= [];
      ind.params ??= {};
    }
  }
  for (const ind of definition.supervision.indicators) ind.params ??= {};
  definition.rectification ??= { failed_recheck_counts_as_rectified: false, reason: 'default: a failed re-check means the hazard is still open' };
  for (const v of definition.vetoes) v.params ??= {};
  if (ahpResolved && definition.ranking.methods.ahp) Object.assign(definition.ranking.methods.ahp, ahpResolved);
  definition.source = { path: file, sha256: '' };
  return definition;
}

// ---------------------------------------------------------------------------------------------
// small helpers over a loaded definition

/** Every scored (school-level) indicator, in file order. */
export function allIndicators(definition: IndicatorDefinition): Indicator[] {
  return definition.domains.flatMap((d) => d.indicators);
}

export function findIndicator(definition: IndicatorDefinition, id: string): Indicator | undefined {
  return allIndicators(definition).find((i) => i.id === id);
}

/** Guards a school must have under the definition's staffing bands. */
export function requiredGuards(config: GuardStaffing, enrollment: number, boarders = 0): number {
  const band = config.enrollment_bands.find((b) => enrollment >= b.min_enrollment && (b.max_enrollment === undefined || enrollment <= b.max_enrollment));
  if (!band) throw new RangeError(`no guard staffing band covers enrollment ${enrollment}`);
  const round = (x: number, how: 'floor' | 'ceil') => (how === 'floor' ? Math.floor(x) : Math.ceil(x));
  const extra = band.extra_guard_per_students ? round((enrollment - band.min_enrollment) / band.extra_guard_per_students, config.extra_rounding) : 0;
  const night = boarders > 0 ? round(boarders / config.boarders.extra_guard_per_boarders, config.boarders.rounding) : 0;
  return band.guards + extra + night;
}

/** The grade for a score; a vetoed school is capped at the veto's grade. */
export function gradeFor(definition: IndicatorDefinition, score: number, vetoed = false): string {
  const band = definition.grade_bands.find((b) => score >= b.min_score) ?? definition.grade_bands[definition.grade_bands.length - 1];
  if (!vetoed) return band.grade;
  const cap = definition.vetoes[0]?.effect.school_grade_cap ?? band.grade;
  const order = definition.grade_bands.map((b) => b.grade);
  return order.indexOf(band.grade) >= order.indexOf(cap) ? band.grade : cap;
}

/**
 * Points an indicator earns for a value (the default scoring rule of DOMAIN.md §5): rate and
 * duration linear between floor (0) and target (full), deduction per occurrence down to 0 — or,
 * with a base (I3), the value is the deduction on the base's scale, yes/no all or nothing
 * (value 1 = yes). The reference for the SQL engine in marts.indicator_values.
 */
export function indicatorPoints(
  indicator: Pick<Indicator, 'kind' | 'direction' | 'points' | 'target' | 'floor' | 'deduction_per_occurrence'> & { base?: number },
  value: number,
): number {
  const { points } = indicator;
  switch (indicator.kind) {
    case 'yes_no':
      return value >= 1 ? points : 0;
    case 'deduction':
      if (indicator.base !== undefined) return (points * Math.max(0, indicator.base - value)) / indicator.base;
      return Math.max(0, points - (indicator.deduction_per_occurrence ?? 0) * value);
    default: {
      const target = indicator.target!;
      const floor = indicator.floor!;
      const share = (value - floor) / (target - floor); // the sign of (target − floor) carries the direction
      return points * Math.min(1, Math.max(0, share));
    }
  }
}

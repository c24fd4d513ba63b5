/**
 * The shape of an indicator definition file (data/indicators/<year>.json), as a valibot schema:
 * the one description of the file, from which the TypeScript types are inferred. Besides the
 * shape it holds the rules about one object's own fields (an indicator's target against its
 * floor, bands in order, points adding up to their domain's); rules that relate one section of
 * the file to another (ids, references, totals) are in rules.ts.
 *
 * Messages say what is wrong in the words the loader has always used ("is missing", "must be
 * greater than 0, got -5"); the place in the file is added by load.ts from the issue's path.
 * Keys the schema does not name are refused: a misspelt optional key (`requires_flag`) would
 * otherwise be ignored without a word and change the scores.
 */
import * as v from 'valibot';

export const INDICATOR_KINDS = ['rate', 'duration', 'deduction', 'yes_no'] as const;
export const INDICATOR_DIRECTIONS = ['higher_better', 'lower_better'] as const;
export const SOURCE_SYSTEMS = ['schools', 'inspections', 'sensors', 'alerts', 'cases', 'activities'] as const;
export const VETO_RULES = ['death_in_school_incident', 'late_reported_serious_case'] as const;
export const RANKING_METHODS = ['points', 'ahp', 'entropy', 'topsis'] as const;
export type RankingMethodName = (typeof RANKING_METHODS)[number];
/** School flags the engine derives from the registry (core.int_school_periods.flags). */
export const ENGINE_FLAGS = ['near_water', 'boarding'] as const;
/**
 * The formula keys the SQL engine implements (transforms/models/core/int_measures_*.sql and
 * int_unit_measures.sql emit rows under these keys). A definition may only name these.
 */
export const ENGINE_FORMULAS = [
  'self_inspection_month_coverage',
  'checklist_pass_rate',
  'on_time_rectification_rate',
  'overdue_major_hazards',
  'hazard_recurrence_rate',
  'guard_staffing_met',
  'one_key_alarm_uptime',
  'camera_uptime',
  'fire_device_health',
  'median_fault_repair_hours',
  'evacuation_drill_rate',
  'fire_alert_ack_p90_minutes',
  'open_escape_obstacles',
  'parent_letter_receipt_rate',
  'water_patrol_week_coverage',
  'drowning_lesson_rate',
  'bullying_survey_term_coverage',
  'bullying_case_timely_closure_rate',
  'voice_ai_ack_within_5min_rate',
  'psych_screening_coverage',
  'warned_student_tracking_rate',
  'mental_health_course_each_term',
  'alert_closure_24h_rate',
  'red_orange_ack_median_minutes',
  'severity_weighted_incidents_per_10k',
  'assignment_letter_on_time_reply_rate',
  'school_supervision_coverage',
  'supervision_accountability_deductions',
] as const;
/** Decimal places a scored number may have: the engine scores in exact integers of 1/10,000 (docs/scoring.md). */
export const EXACT_DECIMALS = 4;
/** A grade band boundary: scores have two decimals, so a boundary needs no more. */
const SCORE_DECIMALS = 2;

// ---------------------------------------------------------------------------------------------
// building blocks, each carrying its message

const got = (value: unknown) => JSON.stringify(value);
/** A JSON object (valibot's object schemas would take an array too). */
const anObject = v.custom<Record<string, unknown>>((value) => value !== null && typeof value === 'object' && !Array.isArray(value), 'must be an object');

/** A JSON object with exactly these keys: a missing one "is missing", an unknown one is refused. */
export function section<const E extends v.ObjectEntries>(entries: E, messages: { missing?: Record<string, string>; unknown?: string } = {}) {
  const allowed = Object.keys(entries).join(', ');
  return v.pipe(
    anObject,
    v.strictObject(entries, (issue) => {
      const key = String(issue.path?.at(-1)?.key);
      if (issue.expected === 'never') return messages.unknown ?? `unknown key: correct its spelling or remove it (allowed here: ${allowed})`;
      return messages.missing?.[key] ?? 'is missing';
    }),
  );
}

/** A JSON object of free keys (suggestions by indicator id). */
const dictionary = <S extends v.GenericSchema>(value: S) => v.pipe(anObject, v.record(v.string(), value));
/** A JSON object of free keys (formula parameters) of which these are checked when present. */
const params = <const E extends v.ObjectEntries>(entries: E) => v.optional(v.pipe(anObject, v.looseObject(entries)));

export const text = v.pipe(
  v.string('must be a non-empty string'),
  v.check((s) => s.trim() !== '', 'must be a non-empty string'),
);

function list<S extends v.GenericSchema>(item: S, { nonEmpty = true } = {}) {
  const array = v.array(item, 'must be an array');
  return nonEmpty ? v.pipe(array, v.minLength(1, 'must not be empty')) : v.pipe(array);
}

function oneOf<const T extends readonly string[]>(allowed: T, message = (input: unknown) => `is ${got(input)}; expected one of ${allowed.join(', ')}`) {
  return v.picklist(allowed, (issue) => message(issue.input));
}

/** A name the engine must know (a formula key, a flag): typed as a string, the list in the message. */
const knownTo = (allowed: readonly string[], message: (input: unknown) => string) =>
  v.pipe(text, v.check((name) => allowed.includes(name), (issue) => message(issue.input)));

/** A number; `decimals` caps its decimal places (points, targets and weights are scored exactly in 1/10,000 units). */
export function count({ integer = false, positive = false, min, decimals }: { integer?: boolean; positive?: boolean; min?: number; decimals?: number } = {}) {
  const checks: v.PipeItem<number, number, v.BaseIssue<unknown>>[] = [];
  if (integer) checks.push(v.integer((issue) => `must be a whole number, got ${issue.input}`));
  if (positive) checks.push(v.gtValue(0, (issue) => `must be greater than 0, got ${issue.input}`));
  if (min !== undefined) checks.push(v.minValue(min, (issue) => `must be ≥ ${min}, got ${issue.input}`));
  if (decimals !== undefined) {
    checks.push(
      v.check(
        (n) => Number(n.toFixed(decimals)) === n,
        (issue) => `may have at most ${decimals} decimal places (scores are computed exactly to 1/10,000), got ${issue.input}`,
      ),
    );
  }
  return v.pipe(v.number((issue) => `must be a number, got ${got(issue.input)}`), ...checks);
}

/** The path (below the value checked) where a rule found a problem. */
type RelativePath = (string | number)[];
type Fail = (path: RelativePath, message: string) => void;

/**
 * A rule about a value's own fields, run once the value has the right shape; `fail` reports a
 * problem at a path below the value ([] for the value itself).
 */
function rule<T>(check: (value: T, fail: Fail) => void) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    check(dataset.value, (keys, message) => {
      let input: unknown = dataset.value;
      const path: v.IssuePathItem[] = [];
      for (const key of keys) {
        const value = (input as Record<string | number, unknown>)[key];
        path.push({ type: 'unknown', origin: 'value', input, key, value });
        input = value;
      }
      addIssue({ message, path: path.length ? (path as [v.IssuePathItem, ...v.IssuePathItem[]]) : undefined });
    });
  });
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;
const sum = (items: { points: number }[]) => items.reduce((total, item) => total + item.points, 0);

// ---------------------------------------------------------------------------------------------
// indicators

export const localized = section({ zh: text, en: text });
const sources = list(oneOf(SOURCE_SYSTEMS, (input) => `unknown source ${got(input)}; expected one of ${SOURCE_SYSTEMS.join(', ')}`));
/** School types by name; that they exist is checked against school_types in rules.ts. */
const schoolTypeNames = list(text);

const indicatorFields = {
  id: text,
  name: localized,
  kind: oneOf(INDICATOR_KINDS),
  direction: oneOf(INDICATOR_DIRECTIONS),
  /** Display unit: %, 小时, 分钟, 项, 处, 每万人, 是/否… (% values are stored as fractions). */
  unit: text,
  /** The key the SQL engine implements, snake_case, unique in the file. */
  formula: knownTo(ENGINE_FORMULAS, (input) => `${got(input)} is not a formula the engine implements; known: ${ENGINE_FORMULAS.join(', ')}`),
  /** The formula in Chinese, as printed in the appraisal. */
  formula_text: text,
  points: count({ positive: true, decimals: EXACT_DECIMALS }),
  /** rate/duration: full points at or beyond this value. */
  target: v.optional(count({ min: 0, decimals: EXACT_DECIMALS })),
  /** rate/duration: zero points at or beyond this value. */
  floor: v.optional(count({ min: 0, decimals: EXACT_DECIMALS })),
  /** deduction: points lost per occurrence, down to zero. */
  deduction_per_occurrence: v.optional(count({ positive: true, decimals: EXACT_DECIMALS })),
  /** Formula parameters (windows, device types, frequencies…), read by the engine. */
  params: params({ per_students: v.optional(count({ positive: true, decimals: EXACT_DECIMALS })) }),
  data_source: sources,
  /** What a school gets when there is nothing to measure (no hazards due, no alerts…). */
  empty_denominator: oneOf(['not_applicable', 'no_data']),
};

type ScoredFields = v.InferOutput<v.StrictObjectSchema<typeof indicatorFields, undefined>> & { base?: number; deductions?: unknown[] };

/** How the kind decides which of target, floor and deduction an indicator has. */
const withScoringRule = <S extends v.GenericSchema<unknown, ScoredFields>>(schema: S, supervision: boolean) =>
  v.pipe(
    schema,
    rule<v.InferOutput<S>>((ind, fail) => {
      const { kind, direction, target, floor } = ind;
      if (kind === 'rate' || kind === 'duration') {
        if (target === undefined) fail(['target'], 'is missing');
        if (floor === undefined) fail(['floor'], 'is missing');
        if (ind.deduction_per_occurrence !== undefined) fail(['deduction_per_occurrence'], `only deduction indicators have it; this one is a ${kind}`);
        if (target !== undefined && floor !== undefined) {
          if (direction === 'higher_better' && !(target > floor)) fail(['target'], `higher is better, so target (${target}) must be above floor (${floor})`);
          if (direction === 'lower_better' && !(target < floor)) fail(['target'], `lower is better, so target (${target}) must be below floor (${floor})`);
        }
        if (ind.unit === '%') {
          for (const [key, value] of [['target', target], ['floor', floor]] as const) {
            if (value !== undefined && value > 1) fail([key], `% values are fractions (0.98 = 98%), so ${value} is out of range 0–1`);
          }
        }
      } else if (kind === 'deduction') {
        if (target !== undefined || floor !== undefined) fail([], 'a deduction indicator has no target/floor; it loses points per occurrence');
        if (direction !== 'lower_better') fail(['direction'], 'a deduction indicator counts bad events, so it must be lower_better');
        if (supervision && ind.deductions !== undefined) {
          if (ind.base === undefined) fail(['base'], 'is missing');
        } else if (ind.deduction_per_occurrence === undefined) fail(['deduction_per_occurrence'], 'is missing');
      } else if (target !== undefined || floor !== undefined) {
        fail([], 'a yes_no indicator scores all or nothing; remove target/floor');
      }
    }),
  );

const indicator = withScoringRule(
  section({
    ...indicatorFields,
    /** Narrows the domain's school types; resolved to the domain's when absent. */
    applies_to: v.optional(schoolTypeNames),
    /** School flags it also requires (e.g. near_water for D2); resolved to [] when absent. */
    requires_flags: v.optional(list(text)),
  }),
  false,
);

const supervisionIndicator = withScoringRule(
  section({
    ...indicatorFields,
    /** deduction from a base: the starting score (100) … */
    base: v.optional(count({ positive: true, decimals: EXACT_DECIMALS })),
    /** … and the points lost per accountability action. */
    deductions: v.optional(list(section({ action: text, per_occurrence: count({ positive: true, decimals: EXACT_DECIMALS }) }))),
  }),
  true,
);

const domain = v.pipe(
  section({
    id: text,
    name: localized,
    points: count({ positive: true }),
    applies_to: schoolTypeNames,
    /** Why the domain's points are split the way they are. */
    points_reason: text,
    indicators: list(indicator),
  }),
  rule((d, fail) => {
    d.indicators.forEach((ind, i) => {
      if (!ind.id.startsWith(d.id)) fail(['indicators', i, 'id'], `indicator "${ind.id}" sits in domain ${d.id}, so its id must start with "${d.id}"`);
    });
    const total = sum(d.indicators);
    if (!close(total, d.points)) fail(['indicators'], `indicator points add up to ${total} but domain ${d.id} has ${d.points} points`);
  }),
);

// ---------------------------------------------------------------------------------------------
// severity, grades, vetoes

const CASE_SEVERITIES = ['一般', '较大', '重大', '特别重大'];

const severityWeights = v.pipe(
  list(section({ level: text, en: text, weight: count({ positive: true, decimals: EXACT_DECIMALS }) })),
  rule((weights, fail) => {
    weights.forEach((s, i) => {
      const previous = i === 0 ? 0 : weights[i - 1].weight;
      if (s.weight <= previous) fail([i, 'weight'], `severity weights must increase from the mildest level to the gravest; ${s.weight} is not above ${previous}`);
    });
    for (const level of CASE_SEVERITIES) {
      if (weights.length && !weights.some((s) => s.level === level)) fail([], `has no weight for case severity "${level}"`);
    }
  }),
);

export const gradeBands = v.pipe(
  list(section({ grade: text, en: text, /** Lower bound, inclusive. */ min_score: count({ min: 0, decimals: SCORE_DECIMALS }) })),
  rule((bands, fail) => {
    bands.forEach((b, i) => {
      const previous = i === 0 ? Number.POSITIVE_INFINITY : bands[i - 1].min_score;
      if (!(b.min_score < previous)) fail([i, 'min_score'], `grade bands must be strictly descending by min_score; ${b.min_score} does not come below ${previous}`);
    });
    const last = bands.length - 1;
    if (last >= 0 && bands[last].min_score !== 0) fail([last, 'min_score'], `the last band must start at 0 so every score gets a grade; it starts at ${bands[last].min_score}`);
  }),
);

/** How a unit's indicator reads on its scorecard (达标 / 接近 / 落后), by its attainment (0–1); no score depends on it. */
const statusBands = v.pipe(
  section({
    /** Attainment at or above this reads 达标. */
    met: count({ positive: true, decimals: EXACT_DECIMALS }),
    /** Attainment at or above this (and below met) reads 接近; below it 落后. */
    near: count({ positive: true, decimals: EXACT_DECIMALS }),
    reason: text,
  }),
  rule((b, fail) => {
    if (b.met > 1) fail(['met'], `attainment is at most 1, so met must be ≤ 1, got ${b.met}`);
    if (!(b.near < b.met)) fail(['near'], `near must be below met (${b.met}), got ${b.near}`);
  }),
);

const veto = section({
  id: text,
  name: localized,
  rule: oneOf(VETO_RULES),
  condition_text: text,
  params: params({ min_severity: v.optional(text) }),
  data_source: sources,
  related_indicators: list(text, { nonEmpty: false }),
  effect: section({
    /** The grade a vetoed school is capped at. */
    school_grade_cap: text,
    /** The grade a unit with a vetoed school cannot get. */
    unit_grade_barred: text,
  }),
});

// ---------------------------------------------------------------------------------------------
// guard staffing, unit score, supervision

const rounding = oneOf(['floor', 'ceil']);

const guardBands = v.pipe(
  list(
    section({
      min_enrollment: count({ integer: true, min: 0 }),
      /** Inclusive; absent on the open-ended last band. */
      max_enrollment: v.optional(count({ integer: true })),
      guards: count({ integer: true, positive: true }),
      /** Open band only: one more guard per this many students above min_enrollment. */
      extra_guard_per_students: v.optional(count({ positive: true })),
    }),
  ),
  rule((bands, fail) => {
    bands.forEach((b, i) => {
      const expectedMin = i === 0 ? 0 : (bands[i - 1].max_enrollment ?? 0) + 1;
      if (b.min_enrollment !== expectedMin) fail([i, 'min_enrollment'], `bands must start at 0 and follow on without gaps or overlaps: expected ${expectedMin}, got ${b.min_enrollment}`);
      if (i === bands.length - 1) {
        if (b.max_enrollment !== undefined) fail([i, 'max_enrollment'], 'the last band must be open-ended (no max_enrollment)');
        if (b.extra_guard_per_students === undefined) fail([i, 'extra_guard_per_students'], 'is missing');
      } else {
        if (b.max_enrollment === undefined) fail([i, 'max_enrollment'], 'is missing (only the last band is open-ended)');
        else if (b.max_enrollment < b.min_enrollment) fail([i, 'max_enrollment'], `${b.max_enrollment} is below min_enrollment ${b.min_enrollment}`);
        if (b.extra_guard_per_students !== undefined) fail([i, 'extra_guard_per_students'], 'only the open-ended last band adds guards per further students');
      }
      if (i > 0 && b.guards < bands[i - 1].guards) fail([i, 'guards'], `a larger school cannot need fewer guards (${b.guards} < ${bands[i - 1].guards})`);
    });
  }),
);

const guardStaffing = section({
  standard: text,
  enrollment_bands: guardBands,
  extra_rounding: rounding,
  boarders: section({ extra_guard_per_boarders: count({ positive: true }), rounding }),
  notes: v.optional(text),
});

const unitScore = v.pipe(
  section({
    school_weight: count({ min: 0, decimals: EXACT_DECIMALS }),
    school_aggregation: oneOf(['enrollment_weighted_mean', 'mean']),
    supervision_weight: count({ min: 0, decimals: EXACT_DECIMALS }),
    /** Units scored and shown but ranked as their own group (市直). */
    separate_units: list(
      v.custom<string>((u) => typeof u === 'string' && /^\d{6}$/.test(u), (issue) => `must be a six-digit unit code, got ${got(issue.input)}`),
      { nonEmpty: false },
    ),
    formula_text: text,
  }),
  rule((u, fail) => {
    if (!close(u.school_weight + u.supervision_weight, 1)) {
      fail([], `school_weight + supervision_weight must be 1, got ${u.school_weight} + ${u.supervision_weight} = ${u.school_weight + u.supervision_weight}`);
    }
  }),
);

/** How hazards count as rectified (A3, A4, A5, C3). */
const rectification = section({
  /** Whether a rectification whose re-check (复查) failed ends the hazard; false: the hazard stays open. */
  failed_recheck_counts_as_rectified: v.boolean('must be true or false (whether a rectification that failed its re-check ends the hazard)'),
  reason: text,
});

const supervision = v.pipe(
  section({ total_points: count({ positive: true }), points_reason: text, indicators: list(supervisionIndicator) }),
  rule((s, fail) => {
    const total = sum(s.indicators);
    if (!close(total, s.total_points)) fail(['indicators'], `indicator points add up to ${total} but supervision has ${s.total_points} points`);
  }),
);

// ---------------------------------------------------------------------------------------------
// ranking methods

const method = oneOf(RANKING_METHODS, (input) => `${got(input)} is not one of the configured methods (a method is one of ${RANKING_METHODS.join(', ')})`);
const overAttainment = v.literal('indicator_attainment', 'must be "indicator_attainment"');

const ranking = v.pipe(
  section({
    ties: v.literal('competition', 'must be "competition" (ties share a rank: 1, 2, 2, 4)'),
    school_ranking_scope: v.literal('school_type', 'must be "school_type" (schools are ranked within their type)'),
    default_method: method,
    side_by_side: list(method, { nonEmpty: false }),
    methods: section(
      {
        points: section({ description: text }),
        ahp: v.optional(
          section({
            level: v.literal('domain', 'must be "domain" (the pairwise matrix compares domains)'),
            description: text,
            /** Every domain id once, in the matrix's order. */
            labels: list(text),
            /** Numbers or "1/3" strings; rules.ts parses them and checks the matrix (CR ≤ 0.10). */
            matrix: list(v.array(v.unknown(), 'must be an array')),
            judgement_reasons: text,
          }),
        ),
        entropy: v.optional(section({ over: overAttainment, description: text, normalization: oneOf(['minmax', 'sum']), shift: count({ min: 0 }) })),
        topsis: v.optional(
          section({ over: overAttainment, description: text, normalization: oneOf(['vector', 'minmax']), weights_from: oneOf(['points', 'ahp', 'entropy']) }),
        ),
      },
      { missing: { points: 'is missing (the official score)' }, unknown: `unknown method; expected ${RANKING_METHODS.join(', ')}` },
    ),
  }),
  rule((r, fail) => {
    const configured = Object.keys(r.methods);
    const checkMethod = (name: string, path: RelativePath) => {
      if (!configured.includes(name)) fail(path, `${got(name)} is not one of the configured methods (${configured.join(', ')})`);
    };
    checkMethod(r.default_method, ['default_method']);
    r.side_by_side.forEach((name, i) => checkMethod(name, ['side_by_side', i]));
    const from = r.methods.topsis?.weights_from;
    if (from && from !== 'points' && !configured.includes(from)) fail(['methods', 'topsis', 'weights_from'], `takes weights from "${from}", which is not configured`);
  }),
);

// ---------------------------------------------------------------------------------------------
// the file

export const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const date = v.pipe(text, v.regex(DATE, (issue) => `must be a date YYYY-MM-DD, got "${issue.input}"`));

export const definitionFileSchema = section({
  schema_version: v.literal(1, (issue) => `must be 1 (this loader reads schema version 1), got ${got(issue.input)}`),
  edition: count({ integer: true, min: 2000 }),
  version: text,
  title: localized,
  effective_from: date,
  effective_to: date,
  conventions: section({ rate_scale: v.literal('fraction', 'must be "fraction" (rates stored as 0–1)'), notes: text }),
  total_points: v.pipe(count({ positive: true }), v.check((n) => n === 100, (issue) => `must be 100 (scores are out of 100), got ${issue.input}`)),
  school_types: list(
    section({
      /** As stored in the warehouse (core.dim_schools.school_type): 幼儿园, 小学, 初中, 高中, 中职, 特教. */
      name: text,
      /** The AA prefix of the school code: 11, 21, 31, 34, 36, 51. */
      code: v.pipe(text, v.regex(/^\d{2}$/, (issue) => `must be the two-digit school-code prefix, got "${issue.input}"`)),
      en: text,
    }),
  ),
  flags: list(
    section({
      id: knownTo(ENGINE_FLAGS, (input) => `${got(input)} is not a flag the engine derives; known: ${ENGINE_FLAGS.join(', ')}`),
      zh: text,
      en: text,
      /** The registry column or expression the flag comes from. */
      column: text,
    }),
    { nonEmpty: false },
  ),
  domains: list(domain),
  severity_weights: severityWeights,
  vetoes: list(veto, { nonEmpty: false }),
  veto_application: text,
  grade_bands: gradeBands,
  status_bands: statusBands,
  guard_staffing: guardStaffing,
  unit_score: unitScore,
  /** Optional; resolved to the default (a failed re-check is not a rectification). */
  rectification: v.optional(rectification),
  supervision,
  ranking,
  /** Chinese rectification suggestions, 1–3 per indicator id, the most useful first. */
  suggestions: dictionary(
    v.pipe(
      list(text),
      v.maxLength(3, (issue) => `has ${(issue.input as unknown[]).length} suggestions; give 1 to 3, the most useful first`),
    ),
  ),
});

/** A definition file as written, once it has the right shape. */
export type DefinitionFile = v.InferOutput<typeof definitionFileSchema>;
export type DefinitionSection = keyof DefinitionFile;

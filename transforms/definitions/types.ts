/**
 * The typed shape of an indicator definition file (data/indicators/<year>.json) after
 * loadDefinition has validated it. Fields marked "resolved" are filled in by the loader.
 * The file's schema is documented in transforms/definitions/README.md.
 */

export interface LocalizedName {
  zh: string;
  en: string;
}

/** How an indicator scores: a rate or duration between target and floor, a count deducted per occurrence, or all-or-nothing. */
export type IndicatorKind = 'rate' | 'duration' | 'deduction' | 'yes_no';
export type IndicatorDirection = 'higher_better' | 'lower_better';
/** What a school gets when there is nothing to measure (no hazards due, no alerts…). */
export type EmptyDenominator = 'not_applicable' | 'no_data';
export type SourceSystem = 'schools' | 'inspections' | 'sensors' | 'alerts' | 'cases' | 'activities';

export const INDICATOR_KINDS: readonly IndicatorKind[] = ['rate', 'duration', 'deduction', 'yes_no'];
export const INDICATOR_DIRECTIONS: readonly IndicatorDirection[] = ['higher_better', 'lower_better'];
export const SOURCE_SYSTEMS: readonly SourceSystem[] = ['schools', 'inspections', 'sensors', 'alerts', 'cases', 'activities'];
export const VETO_RULES = ['death_in_school_incident', 'late_reported_serious_case'] as const;
export type VetoRuleKind = (typeof VETO_RULES)[number];
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
/** School flags the engine derives from the registry (core.int_school_periods.flags). */
export const ENGINE_FLAGS = ['near_water', 'boarding'] as const;
export const RANKING_METHODS = ['points', 'ahp', 'entropy', 'topsis'] as const;
export type RankingMethodName = (typeof RANKING_METHODS)[number];

export interface SchoolType {
  /** As stored in the warehouse (core.dim_schools.school_type): 幼儿园, 小学, 初中, 高中, 中职, 特教. */
  name: string;
  /** The AA prefix of the school code: 11, 21, 31, 34, 36, 51. */
  code: string;
  en: string;
}

export interface SchoolFlag {
  id: string;
  zh: string;
  en: string;
  /** The registry column or expression the flag comes from. */
  column: string;
}

export interface Indicator {
  id: string;
  name: LocalizedName;
  kind: IndicatorKind;
  direction: IndicatorDirection;
  /** Display unit: %, 小时, 分钟, 项, 处, 每万人, 是/否… (% values are stored as fractions). */
  unit: string;
  /** The key the SQL engine implements, snake_case, unique in the file. */
  formula: string;
  /** The formula in Chinese, as printed in the appraisal. */
  formula_text: string;
  points: number;
  /** rate/duration: full points at or beyond this value. */
  target?: number;
  /** rate/duration: zero points at or beyond this value. */
  floor?: number;
  /** deduction: points lost per occurrence, down to zero. */
  deduction_per_occurrence?: number;
  /** Formula parameters (windows, device types, frequencies…), read by the engine. */
  params: Record<string, unknown>;
  data_source: SourceSystem[];
  empty_denominator: EmptyDenominator;
  /** Resolved: the domain's id. */
  domain: string;
  /** Resolved: the school types it applies to (the domain's unless narrowed). */
  applies_to: string[];
  /** Resolved: school flags it also requires (e.g. near_water for D2), [] if none. */
  requires_flags: string[];
}

export interface Domain {
  id: string;
  name: LocalizedName;
  points: number;
  applies_to: string[];
  /** Why the domain's points are split the way they are. */
  points_reason: string;
  indicators: Indicator[];
}

export interface SeverityWeight {
  level: string;
  en: string;
  weight: number;
}

export interface VetoRule {
  id: string;
  name: LocalizedName;
  rule: VetoRuleKind;
  condition_text: string;
  params: Record<string, unknown>;
  data_source: SourceSystem[];
  related_indicators: string[];
  effect: {
    /** The grade a vetoed school is capped at. */
    school_grade_cap: string;
    /** The grade a unit with a vetoed school cannot get. */
    unit_grade_barred: string;
  };
}

export interface GradeBand {
  grade: string;
  en: string;
  /** Lower bound, inclusive. Bands are strictly descending and the last one starts at 0. */
  min_score: number;
}

export interface GuardBand {
  min_enrollment: number;
  /** Inclusive; absent on the open-ended last band. */
  max_enrollment?: number;
  guards: number;
  /** Open band only: one more guard per this many students above min_enrollment. */
  extra_guard_per_students?: number;
}

export interface GuardStaffing {
  standard: string;
  enrollment_bands: GuardBand[];
  extra_rounding: 'floor' | 'ceil';
  boarders: { extra_guard_per_boarders: number; rounding: 'floor' | 'ceil' };
  notes?: string;
}

export interface UnitScoreFormula {
  school_weight: number;
  school_aggregation: 'enrollment_weighted_mean' | 'mean';
  supervision_weight: number;
  /** Units scored and shown but ranked as their own group (市直). */
  separate_units: string[];
  formula_text: string;
}

/** How hazards count as rectified (A3, A4, A5, C3). */
export interface RectificationRule {
  /** Whether a rectification whose re-check (复查) failed ends the hazard; false: the hazard stays open. */
  failed_recheck_counts_as_rectified: boolean;
  reason: string;
}

export interface SupervisionIndicator extends Omit<Indicator, 'domain' | 'applies_to' | 'requires_flags'> {
  /** deduction from a base: the starting score (100) … */
  base?: number;
  /** … and the points lost per accountability action. */
  deductions?: { action: string; per_occurrence: number }[];
}

export interface Supervision {
  total_points: number;
  points_reason: string;
  indicators: SupervisionIndicator[];
}

export interface AhpMethodConfig {
  level: 'domain';
  description: string;
  labels: string[];
  /** Parsed to numbers ("1/3" → 0.333…). */
  matrix: number[][];
  judgement_reasons: string;
  /** Resolved: principal-eigenvector weights in label order, and the consistency figures. */
  weights: number[];
  lambda_max: number;
  ci: number;
  cr: number;
}

export interface EntropyMethodConfig {
  over: 'indicator_attainment';
  description: string;
  normalization: 'minmax' | 'sum';
  shift: number;
}

export interface TopsisMethodConfig {
  over: 'indicator_attainment';
  description: string;
  normalization: 'vector' | 'minmax';
  weights_from: 'points' | 'ahp' | 'entropy';
}

export interface RankingConfig {
  ties: 'competition';
  school_ranking_scope: 'school_type';
  default_method: RankingMethodName;
  side_by_side: RankingMethodName[];
  methods: {
    points: { description: string };
    ahp?: AhpMethodConfig;
    entropy?: EntropyMethodConfig;
    topsis?: TopsisMethodConfig;
  };
}

export interface IndicatorDefinition {
  schema_version: 1;
  edition: number;
  version: string;
  title: LocalizedName;
  effective_from: string;
  effective_to: string;
  conventions: { rate_scale: 'fraction'; notes: string };
  total_points: number;
  school_types: SchoolType[];
  flags: SchoolFlag[];
  domains: Domain[];
  severity_weights: SeverityWeight[];
  vetoes: VetoRule[];
  veto_application: string;
  grade_bands: GradeBand[];
  guard_staffing: GuardStaffing;
  unit_score: UnitScoreFormula;
  /** Optional in the file; resolved to the default (a failed re-check is not a rectification). */
  rectification: RectificationRule;
  supervision: Supervision;
  ranking: RankingConfig;
  /** Chinese rectification suggestions, 1–3 per indicator id. */
  suggestions: Record<string, string[]>;
  /** Resolved: where the definition came from and the sha256 of its bytes. */
  source: { path: string; sha256: string };
}

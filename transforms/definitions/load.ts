/**
 * Loads and validates an indicator definition file (data/indicators/<year>.json).
 *
 * The file's shape is the valibot schema in schema.ts, and the types here are inferred from it;
 * rules.ts relates its sections to each other. Validation collects every problem it finds, each
 * with its place in the file (`domains[A].indicators[A3].target`), and throws one
 * DefinitionError listing them, so a broken edition is fixed in one pass rather than one error
 * at a time. (A rule across sections waits until the sections it reads have the right shape.)
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as v from 'valibot';
import { checkAcrossSections, describePath, type AhpResult, type Keys } from './rules.ts';
import { definitionFileSchema, type DefinitionFile, type DefinitionSection } from './schema.ts';

export { INDICATOR_DIRECTIONS, INDICATOR_KINDS, RANKING_METHODS, SOURCE_SYSTEMS, VETO_RULES, type RankingMethodName } from './schema.ts';

/** A validated definition with the resolved fields filled in (see resolveDefinition). */
export type IndicatorDefinition = ReturnType<typeof resolveDefinition>;
export type Domain = IndicatorDefinition['domains'][number];
/** A scored (school-level) indicator, A1–H1. */
export type Indicator = Domain['indicators'][number];
/** A unit-level supervision indicator, I1–I3. */
export type SupervisionIndicator = IndicatorDefinition['supervision']['indicators'][number];
export type GuardStaffing = IndicatorDefinition['guard_staffing'];

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
    // the headline in Chinese for the bureau's staff; each problem names the file's (English) keys
    super(
      problems.length === 1
        ? `指标体系文件有误 / indicator definition ${file}: ${problems[0].path}: ${problems[0].message}`
        : `指标体系文件有 ${problems.length} 处问题，请逐条改正 / indicator definition ${file} has ${problems.length} problems:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`,
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
  const { json, sha256 } = readDefinitionFile(path, /^\d{4}$/.test(String(pathOrYear)) ? ` (no edition ${pathOrYear} in ${DEFINITIONS_DIR})` : '');
  const definition = parseDefinition(json, path);
  definition.source = { path, sha256 };
  return definition;
}

/**
 * A definition file's JSON and the sha256 of its bytes; a DefinitionError when it cannot be read
 * (`hint` says where an edition was looked for) or is not JSON. A BOM is allowed.
 */
export function readDefinitionFile(path: string, hint = ''): { json: unknown; sha256: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DefinitionError(path, [{ path: '(file)', message: `cannot read it: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}${hint}` }]);
  }
  try {
    return { json: JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, '')), sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (error) {
    throw new DefinitionError(path, [{ path: '(file)', message: `not valid JSON: ${(error as Error).message}` }]);
  }
}

// ---------------------------------------------------------------------------------------------
// validation

/**
 * Validates a parsed definition (e.g. from JSON.parse) and returns it typed, with the
 * resolved fields filled in. Throws DefinitionError naming every problem found.
 */
export function parseDefinition(json: unknown, file = '<definition>'): IndicatorDefinition {
  const problems: DefinitionProblem[] = [];
  const fail = (keys: Keys, message: string) => problems.push({ path: describePath(json, keys), message });
  const { issues = [] } = v.safeParse(definitionFileSchema, json);
  // top-level keys of the sections with a value of the wrong type, or a key missing or unknown
  const misshapen = new Set<unknown>();
  for (const issue of issues) {
    const keys = (issue.path ?? []).map((item) => item.key as string | number);
    fail(keys, issue.message);
    if (issue.kind === 'schema') misshapen.add(keys[0]);
  }
  let ahp: AhpResult | undefined;
  if (!misshapen.has(undefined)) {
    // The root is an object: the rules across sections run over the sections that have the right
    // shape (a value out of range or a broken rule inside a section leaves its shape intact).
    const isClean = (...sections: DefinitionSection[]) => sections.every((section) => !misshapen.has(section));
    ahp = checkAcrossSections(json as DefinitionFile, isClean, fail);
  }
  if (problems.length) throw new DefinitionError(file, problems);
  return resolveDefinition(structuredClone(json as DefinitionFile), ahp, { path: file, sha256: '' });
}

const DEFAULT_RECTIFICATION = { failed_recheck_counts_as_rectified: false, reason: 'default: a failed re-check means the hazard is still open' };

/**
 * Fills in what the file may leave out: each indicator's domain, school types (the domain's
 * unless narrowed), required flags ([]) and params ({}), the rectification rule, and the AHP
 * weights and consistency figures worked out from the matrix.
 */
function resolveDefinition(file: DefinitionFile, ahp: AhpResult | undefined, source: { path: string; sha256: string }) {
  const { ahp: ahpConfig } = file.ranking.methods;
  return {
    ...file,
    domains: file.domains.map((domain) => ({
      ...domain,
      indicators: domain.indicators.map((ind) => ({
        ...ind,
        domain: domain.id,
        applies_to: ind.applies_to ?? [...domain.applies_to],
        requires_flags: ind.requires_flags ?? [],
        params: ind.params ?? {},
      })),
    })),
    vetoes: file.vetoes.map((veto) => ({ ...veto, params: veto.params ?? {} })),
    rectification: file.rectification ?? DEFAULT_RECTIFICATION,
    supervision: { ...file.supervision, indicators: file.supervision.indicators.map((ind) => ({ ...ind, params: ind.params ?? {} })) },
    ranking: { ...file.ranking, methods: { ...file.ranking.methods, ahp: ahpConfig && ahp ? { ...ahpConfig, ...ahp } : undefined } },
    /** Where the definition came from and the sha256 of its bytes. */
    source,
  };
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

export type IndicatorBand = 'met' | 'near' | 'behind';

/** The status band of an attainment (0–1) under the definition's status_bands; null attainment → null. */
export function statusBand(bands: Pick<IndicatorDefinition['status_bands'], 'met' | 'near'>, attainment: number | null): IndicatorBand | null {
  if (attainment == null) return null;
  // pooled attainments are sums of 4-decimal points: allow for floating-point noise at a boundary
  if (attainment >= bands.met - 1e-9) return 'met';
  return attainment >= bands.near - 1e-9 ? 'near' : 'behind';
}

/** Whether a value is at or past an indicator's floor (the value that scores zero); indicators without a floor never are. */
export function atOrPastFloor(indicator: { direction: string; floor?: number | null }, value: number | null): boolean {
  if (value == null || indicator.floor == null) return false;
  return indicator.direction === 'lower_better' ? value >= indicator.floor : value <= indicator.floor;
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

/**
 * The rules that relate one section of a definition file to another: ids unique in the file,
 * references resolving (school types, flags, severities, grades, indicators, domains), the
 * domain points against total_points, and the AHP domain matrix. The shape and the rules about
 * one object's own fields are in schema.ts.
 *
 * Each rule runs when the sections it reads have the right shape (`isClean`), so a shape problem
 * in one section does not hide a broken reference in another.
 */
import { ahpWeights, AhpMatrixError, InconsistentMatrixError, parseJudgement } from '../weighting/ahp.ts';
import { WeightingInputError } from '../weighting/common.ts';
import { DATE, type DefinitionFile, type DefinitionSection } from './schema.ts';

/** A place in the file as keys from the root: ['domains', 0, 'indicators', 2, 'target']. */
export type Keys = readonly (string | number)[];

/** Arrays whose entries are named by their id in a path (`domains[A].indicators[A3]`), not by their index. */
const NAMED_BY_ID = new Set(['domains', 'indicators', 'vetoes']);

/** The place as people read it: `domains[A].indicators[A3].target`, `school_types[1].code`, `(root)`. */
export function describePath(root: unknown, keys: Keys): string {
  let text = '';
  let node = root as Record<string | number, unknown> | undefined;
  let parent: string | number | undefined;
  for (const key of keys) {
    const child = node?.[key] as Record<string, unknown> | undefined;
    if (typeof key === 'number') text += `[${NAMED_BY_ID.has(String(parent)) && typeof child?.id === 'string' ? child.id : key}]`;
    else text += text ? `.${key}` : key;
    parent = key;
    node = child;
  }
  return text || '(root)';
}

/** What the AHP check works out for the loader to keep: the matrix as numbers, the weights and the consistency figures. */
export interface AhpResult {
  matrix: number[][];
  weights: number[];
  lambda_max: number;
  ci: number;
  cr: number;
}

const got = (value: unknown) => JSON.stringify(value);
/** Each value once, in order: the ids a reference may name (a duplicate is reported on its own). */
const distinct = (values: string[]) => [...new Set(values)];

/**
 * Checks the rules across sections of `file` (validated by the schema in the sections for which
 * `isClean` is true), reporting each problem through `fail`; returns the AHP weights when the
 * file configures that method and its matrix is sound.
 */
export function checkAcrossSections(
  file: DefinitionFile,
  isClean: (...sections: DefinitionSection[]) => boolean,
  fail: (keys: Keys, message: string) => void,
): AhpResult | undefined {
  const unique = (entries: [Keys, string][], what: string) => {
    const seen = new Map<string, Keys>();
    for (const [keys, id] of entries) {
      const first = seen.get(id);
      if (first) fail(keys, `duplicate ${what} "${id}" (already defined at ${describePath(file, first)})`);
      else seen.set(id, keys);
    }
  };

  const { effective_from: from, effective_to: to } = file;
  if (isClean('effective_from', 'effective_to') && DATE.test(from) && DATE.test(to) && from > to) {
    fail(['effective_to'], `${to} is before effective_from ${from}`);
  }
  if (isClean('school_types')) {
    unique(file.school_types.map((t, i) => [['school_types', i, 'name'], t.name]), 'school type');
    unique(file.school_types.map((t, i) => [['school_types', i, 'code'], t.code]), 'school type code');
  }
  if (isClean('flags')) unique(file.flags.map((f, i) => [['flags', i, 'id'], f.id]), 'flag');
  if (isClean('severity_weights')) unique(file.severity_weights.map((s, i) => [['severity_weights', i, 'level'], s.level]), 'severity level');
  if (isClean('grade_bands')) unique(file.grade_bands.map((b, i) => [['grade_bands', i, 'grade'], b.grade]), 'grade');
  if (isClean('vetoes')) unique(file.vetoes.map((v, i) => [['vetoes', i, 'id'], v.id]), 'veto id');

  // --- domains and their indicators -----------------------------------------------------------
  if (isClean('domains')) {
    unique(file.domains.map((d, i) => [['domains', i, 'id'], d.id]), 'domain id');
    if (isClean('total_points') && file.domains.length > 0) {
      const total = file.domains.reduce((sum, d) => sum + d.points, 0);
      if (Math.abs(total - file.total_points) > 1e-9) fail(['domains'], `domain points add up to ${total}, not ${file.total_points}`);
    }
  }
  const indicatorIds = new Set<string>();
  if (isClean('domains', 'supervision')) {
    const indicators = [
      ...file.domains.flatMap((d, di) => d.indicators.map((ind, ii) => [['domains', di, 'indicators', ii], ind] as const)),
      ...file.supervision.indicators.map((ind, i) => [['supervision', 'indicators', i], ind] as const),
    ];
    unique(indicators.map(([keys, ind]) => [[...keys, 'id'], ind.id]), 'indicator id');
    unique(indicators.map(([keys, ind]) => [[...keys, 'formula'], ind.formula]), 'formula key');
    for (const [, ind] of indicators) indicatorIds.add(ind.id);
  }
  if (isClean('domains', 'school_types')) {
    const known = distinct(file.school_types.map((t) => t.name));
    const checkTypes = (names: string[], keys: Keys) =>
      names.forEach((name, i) => {
        if (!known.includes(name)) fail([...keys, i], `unknown school type ${got(name)}; known: ${known.join(', ')}`);
        else if (names.indexOf(name) < i) fail([...keys, i], `school type "${name}" is listed twice`);
      });
    file.domains.forEach((d, di) => {
      checkTypes(d.applies_to, ['domains', di, 'applies_to']);
      const covered = d.applies_to.filter((name) => known.includes(name));
      d.indicators.forEach((ind, ii) => {
        if (!ind.applies_to) return;
        const keys = ['domains', di, 'indicators', ii, 'applies_to'];
        checkTypes(ind.applies_to, keys);
        ind.applies_to.forEach((name, i) => {
          if (known.includes(name) && !covered.includes(name)) fail([...keys, i], `"${name}" is not covered by domain ${d.id}, which applies to ${covered.join(', ')}`);
        });
      });
    });
  }
  if (isClean('domains', 'flags')) {
    const known = distinct(file.flags.map((f) => f.id));
    file.domains.forEach((d, di) =>
      d.indicators.forEach((ind, ii) =>
        ind.requires_flags?.forEach((flag, i) => {
          if (!known.includes(flag)) fail(['domains', di, 'indicators', ii, 'requires_flags', i], `unknown flag ${got(flag)}; known: ${known.join(', ') || 'none'}`);
        }),
      ),
    );
  }

  // --- grades, vetoes -----------------------------------------------------------------------------
  if (isClean('grade_bands', 'total_points')) {
    file.grade_bands.forEach((b, i) => {
      if (b.min_score > file.total_points) fail(['grade_bands', i, 'min_score'], `${b.min_score} is above the maximum score ${file.total_points}`);
    });
  }
  const vetoes = isClean('vetoes') ? file.vetoes : [];
  vetoes.forEach((veto, i) => {
    const keys = ['vetoes', i];
    const severity = veto.params?.min_severity;
    if (severity !== undefined && isClean('severity_weights')) {
      const known = distinct(file.severity_weights.map((s) => s.level));
      if (!known.includes(severity)) fail([...keys, 'params', 'min_severity'], `unknown severity ${got(severity)}; known: ${known.join(', ')}`);
    }
    if (isClean('domains', 'supervision')) {
      veto.related_indicators.forEach((id, j) => {
        if (!indicatorIds.has(id)) fail([...keys, 'related_indicators', j], `unknown indicator ${got(id)}`);
      });
    }
    if (isClean('grade_bands')) {
      const grades = distinct(file.grade_bands.map((b) => b.grade));
      for (const key of ['school_grade_cap', 'unit_grade_barred'] as const) {
        if (!grades.includes(veto.effect[key])) fail([...keys, 'effect', key], `unknown grade ${got(veto.effect[key])}; grades are ${grades.join(', ')}`);
      }
    }
  });

  // --- suggestions ----------------------------------------------------------------------------------
  if (isClean('suggestions', 'domains', 'supervision')) {
    for (const id of Object.keys(file.suggestions)) {
      if (!indicatorIds.has(id)) fail(['suggestions', id], `unknown indicator "${id}"`);
    }
    for (const ind of file.domains.flatMap((d) => d.indicators)) {
      if (!(ind.id in file.suggestions)) fail(['suggestions'], `indicator ${ind.id} has no suggestion; short boards need 1 to 3 for every scored indicator`);
    }
  }

  return isClean('ranking', 'domains') ? checkAhp(file, fail) : undefined;
}

/** The AHP domain matrix: labels naming every domain once, and a sound matrix with CR ≤ 0.10. */
function checkAhp(file: DefinitionFile, fail: (keys: Keys, message: string) => void): AhpResult | undefined {
  const ahp = file.ranking.methods.ahp;
  if (!ahp) return undefined;
  const domainIds = distinct(file.domains.map((d) => d.id));
  let labelsOk = true;
  ahp.labels.forEach((label, i) => {
    if (!domainIds.includes(label)) {
      fail(['ranking', 'methods', 'ahp', 'labels', i], `unknown domain ${got(label)}; domains are ${domainIds.join(', ')}`);
      labelsOk = false;
    }
  });
  for (const id of domainIds) {
    if (!ahp.labels.includes(id)) {
      fail(['ranking', 'methods', 'ahp', 'labels'], `domain ${id} is missing: the matrix must compare every domain`);
      labelsOk = false;
    }
  }
  if (!labelsOk) return undefined;
  const matrix = ahp.matrix.map((row) => row.map((cell) => parseJudgement(cell)));
  try {
    const result = ahpWeights(matrix, ahp.labels);
    return { matrix, weights: result.weights, lambda_max: result.lambdaMax, ci: result.ci, cr: result.cr };
  } catch (error) {
    const keys = ['ranking', 'methods', 'ahp', 'matrix'];
    if (error instanceof InconsistentMatrixError) {
      fail(keys, `consistency ratio CR = ${error.cr.toFixed(4)} exceeds ${error.limit.toFixed(2)}: revise the judgements`);
    } else if (error instanceof AhpMatrixError || error instanceof WeightingInputError) {
      fail(keys, error.message.replace(/^AHP matrix /, ''));
    } else throw error;
    return undefined;
  }
}

/**
 * The province-level definition file (data/province-indicators/<year>.json): how the province
 * scores and ranks its cities from their published unit scorecards, and ranks every county of the
 * province together. The cities' own definition file (data/indicators/<year>.json) stays the one
 * that scores schools and counties; this file names which edition of it the cities must have used.
 *
 * Validated like the city file (schema.ts's building blocks), every problem reported at once.
 */
import { join, resolve } from 'node:path';
import * as v from 'valibot';
import { DEFINITIONS_DIR, DefinitionError, readDefinitionFile, type DefinitionProblem } from './load.ts';
import { count, date, gradeBands, localized, section, text } from './schema.ts';

/** Beside data/indicators, not in it: the city transform fingerprints that folder, and a province file changes no city score. */
export const PROVINCE_DEFINITIONS_DIR = resolve(DEFINITIONS_DIR, '..', 'province-indicators');

const provinceFileShape = section({
  schema_version: v.literal(1, 'must be 1 (this loader reads schema version 1)'),
  level: v.literal('province', 'must be "province" (this is the province-level file)'),
  edition: count({ integer: true, min: 2000 }),
  version: text,
  title: localized,
  /** The edition of the city-level file every city's snapshot must have been scored with. */
  city_edition: count({ integer: true, min: 2000 }),
  /** The last day (Asia/Shanghai) a city may publish its snapshot for the roll-up. */
  publish_deadline: date,
  city_score: section({
    aggregation: v.literal('enrollment_weighted_mean', 'must be "enrollment_weighted_mean" (the one aggregation the roll-up implements)'),
    formula_text: text,
  }),
  county_ranking: section({ formula_text: text }),
  grade_bands: gradeBands,
  veto: section({ city_grade_barred: text, text }),
  ranking: section({ ties: v.literal('competition', 'must be "competition" (tied scores share a rank, the next rank is skipped)') }),
});

const provinceFileSchema = v.pipe(
  provinceFileShape,
  v.rawCheck<v.InferOutput<typeof provinceFileShape>>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const grades = dataset.value.grade_bands.map((band) => band.grade);
    const barred = dataset.value.veto.city_grade_barred;
    const at = grades.indexOf(barred);
    if (at === -1 || at === grades.length - 1) {
      addIssue({
        message: `must be a grade of grade_bands other than the lowest (a vetoed city takes the next one down): ${grades.slice(0, -1).join(', ')}; got "${barred}"`,
        path: [
          { type: 'object', origin: 'value', input: dataset.value, key: 'veto', value: dataset.value.veto },
          { type: 'object', origin: 'value', input: dataset.value.veto, key: 'city_grade_barred', value: barred },
        ],
      });
    }
  }),
);

export type ProvinceDefinition = v.InferOutput<typeof provinceFileSchema> & { source: { path: string; sha256: string } };

export function resolveProvinceDefinitionPath(pathOrYear: string | number): string {
  const text = String(pathOrYear);
  return /^\d{4}$/.test(text) ? join(PROVINCE_DEFINITIONS_DIR, `${text}.json`) : resolve(text);
}

/** The province file of `pathOrYear`, validated; a DefinitionError lists every problem with its place. */
export function loadProvinceDefinition(pathOrYear: string | number): ProvinceDefinition {
  const path = resolveProvinceDefinitionPath(pathOrYear);
  const { json, sha256 } = readDefinitionFile(path, /^\d{4}$/.test(String(pathOrYear)) ? ` (no province edition ${pathOrYear} in ${PROVINCE_DEFINITIONS_DIR})` : '');
  const parsed = v.safeParse(provinceFileSchema, json);
  if (!parsed.success) {
    const problems: DefinitionProblem[] = parsed.issues.map((issue) => ({ path: v.getDotPath(issue) ?? '(file)', message: issue.message }));
    throw new DefinitionError(path, problems);
  }
  return { ...parsed.output, source: { path, sha256 } };
}


/**
 * Puts every indicator definition file (data/indicators/*.json) into `ref` tables, so the SQL
 * models score each period with the edition in force for it (core.dim_periods picks the
 * edition) and next year's edition is an added file, not a code change. Reloaded at the start
 * of every transform, inside its transaction.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Warehouse } from '../../warehouse/connection.ts';
import { allIndicators, DEFINITIONS_DIR, loadDefinition, type IndicatorDefinition } from './load.ts';

type Value = string | number | boolean | null;

interface RefTable {
  name: string;
  /** Column definitions, in insert order. */
  columns: string;
  rows: (definition: IndicatorDefinition) => Value[][];
}

const json = (value: unknown) => JSON.stringify(value ?? {});

const REF_TABLES: RefTable[] = [
  {
    name: 'definition_editions',
    columns: `edition integer, version varchar, title_zh varchar, effective_from date, effective_to date, definition_path varchar,
      definition_sha256 varchar, total_points double, school_weight double, school_aggregation varchar, supervision_weight double,
      supervision_points double, unit_formula_text varchar, is_failed_recheck_rectified boolean`,
    rows: (d) => [
      [
        d.edition,
        d.version,
        d.title.zh,
        d.effective_from,
        d.effective_to,
        d.source.path,
        d.source.sha256,
        d.total_points,
        d.unit_score.school_weight,
        d.unit_score.school_aggregation,
        d.unit_score.supervision_weight,
        d.supervision.total_points,
        d.unit_score.formula_text,
        d.rectification.failed_recheck_counts_as_rectified,
      ],
    ],
  },
  {
    name: 'domains',
    columns: 'edition integer, domain_id varchar, domain_name_zh varchar, domain_name_en varchar, points double, sort_order integer',
    rows: (d) => d.domains.map((dom, i) => [d.edition, dom.id, dom.name.zh, dom.name.en, dom.points, i + 1]),
  },
  {
    name: 'indicators',
    columns: `edition integer, indicator_id varchar, scope varchar, domain_id varchar, indicator_name_zh varchar, indicator_name_en varchar,
      kind varchar, direction varchar, unit varchar, formula varchar, formula_text varchar, points double, target double, floor double,
      deduction_per_occurrence double, deduction_base double, params json, empty_denominator varchar, sort_order integer`,
    rows: (d) => [
      ...allIndicators(d).map((ind) => ({ ind, scope: 'school', domain: ind.domain as string | null, base: null as number | null, params: ind.params as unknown })),
      ...d.supervision.indicators.map((ind) => ({
        ind,
        scope: 'unit',
        domain: null,
        base: ind.base ?? null,
        params: { ...ind.params, ...(ind.deductions ? { deductions: ind.deductions } : {}) },
      })),
    ].map(({ ind, scope, domain, base, params }, i) => [
      d.edition,
      ind.id,
      scope,
      domain,
      ind.name.zh,
      ind.name.en,
      ind.kind,
      ind.direction,
      ind.unit,
      ind.formula,
      ind.formula_text,
      ind.points,
      ind.target ?? null,
      ind.floor ?? null,
      ind.deduction_per_occurrence ?? null,
      base,
      json(params),
      ind.empty_denominator,
      i + 1,
    ]),
  },
  {
    name: 'indicator_applicability',
    columns: 'edition integer, indicator_id varchar, school_type varchar',
    rows: (d) => allIndicators(d).flatMap((ind) => ind.applies_to.map((type) => [d.edition, ind.id, type])),
  },
  {
    name: 'indicator_required_flags',
    columns: 'edition integer, indicator_id varchar, flag_id varchar',
    rows: (d) => allIndicators(d).flatMap((ind) => ind.requires_flags.map((flag) => [d.edition, ind.id, flag])),
  },
  {
    name: 'grade_bands',
    columns: 'edition integer, grade varchar, grade_en varchar, min_score double, sort_order integer',
    rows: (d) => d.grade_bands.map((band, i) => [d.edition, band.grade, band.en, band.min_score, i + 1]),
  },
  {
    name: 'vetoes',
    columns: 'edition integer, veto_id varchar, rule varchar, veto_name_zh varchar, condition_text varchar, params json, school_grade_cap varchar, unit_grade_barred varchar',
    rows: (d) => d.vetoes.map((v) => [d.edition, v.id, v.rule, v.name.zh, v.condition_text, json(v.params), v.effect.school_grade_cap, v.effect.unit_grade_barred]),
  },
  {
    name: 'severity_weights',
    columns: 'edition integer, severity varchar, weight double',
    rows: (d) => d.severity_weights.map((w) => [d.edition, w.level, w.weight]),
  },
  {
    name: 'guard_bands',
    columns: `edition integer, min_enrollment integer, max_enrollment integer, guards integer, extra_guard_per_students integer,
      extra_rounding varchar, extra_guard_per_boarders integer, boarders_rounding varchar`,
    rows: (d) =>
      d.guard_staffing.enrollment_bands.map((b) => [
        d.edition,
        b.min_enrollment,
        b.max_enrollment ?? null,
        b.guards,
        b.extra_guard_per_students ?? null,
        d.guard_staffing.extra_rounding,
        d.guard_staffing.boarders.extra_guard_per_boarders,
        d.guard_staffing.boarders.rounding,
      ]),
  },
  {
    name: 'suggestions',
    columns: 'edition integer, indicator_id varchar, suggestion_no integer, suggestion varchar',
    rows: (d) => Object.entries(d.suggestions).flatMap(([id, list]) => list.map((text, i) => [d.edition, id, i + 1, text])),
  },
  {
    name: 'separately_ranked_units',
    columns: 'edition integer, unit_code varchar',
    rows: (d) => d.unit_score.separate_units.map((code) => [d.edition, code]),
  },
];

/** Every definition file in `dir`, validated (a broken file stops the transform with its problems listed). */
export function loadAllDefinitions(dir = DEFINITIONS_DIR): IndicatorDefinition[] {
  const files = readdirSync(dir).filter((f) => /^\d{4}\.json$/.test(f)).sort();
  if (!files.length) throw new Error(`no indicator definition in ${dir}: expected files like 2025.json`);
  return files.map((f) => loadDefinition(join(dir, f)));
}

/** Replace the ref.* definition tables with the editions in `dir`; returns the editions loaded. */
export async function loadDefinitionsIntoRef(db: Warehouse, dir = DEFINITIONS_DIR): Promise<number[]> {
  const definitions = loadAllDefinitions(dir);
  for (const table of REF_TABLES) {
    await db.run(`create or replace table ref.${table.name} (${table.columns})`);
    const rows = definitions.flatMap((d) => table.rows(d));
    const width = rows[0]?.length ?? 0;
    for (let start = 0; start < rows.length; start += 200) {
      const chunk = rows.slice(start, start + 200);
      const tuple = `(${Array(width).fill('?').join(', ')})`;
      await db.run(`insert into ref.${table.name} values ${chunk.map(() => tuple).join(', ')}`, chunk.flat());
    }
  }
  return definitions.map((d) => d.edition);
}

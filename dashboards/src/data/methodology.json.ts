// Data for the 指标说明 (methodology) page: every edition of the indicator system in
// data/indicators/<year>.json, read and validated by transforms/definitions/load.ts, with
// the Chinese names the page needs (data sources, flags, units). English-only fields
// (points_reason, method descriptions, notes) stay out: the page is in Chinese.
//
// Grain of the output: one JSON document; `editions` one entry per definition file,
// latest first. It does not read the snapshot: the definitions are the same for every unit.
import { readdirSync } from 'node:fs';
import type { SourceName } from '../../../sources/contract.ts';
import { CONTRACTS } from '../../../sources/contracts.ts';
import {
  DEFINITIONS_DIR,
  loadDefinition,
  type Indicator,
  type IndicatorDefinition,
  type SupervisionIndicator,
} from '../../../transforms/definitions/load.ts';
import { siteLoader } from '../../lib/loader.ts';

const sources = (list: SourceName[]) => list.map((s) => CONTRACTS[s].zh);

function indicator(i: Indicator | SupervisionIndicator, suggestions: Record<string, string[]>) {
  return {
    id: i.id,
    name: i.name.zh,
    kind: i.kind,
    direction: i.direction,
    unit: i.unit,
    formula_text: i.formula_text,
    target: i.target ?? null,
    floor: i.floor ?? null,
    deduction_per_occurrence: i.deduction_per_occurrence ?? null,
    points: i.points,
    empty_denominator: i.empty_denominator,
    data_sources: sources(i.data_source),
    applies_to: 'applies_to' in i ? i.applies_to : null,
    requires_flags: 'requires_flags' in i ? i.requires_flags : [],
    base: 'base' in i ? (i.base ?? null) : null,
    deductions: 'deductions' in i ? (i.deductions ?? []) : [],
    suggestions: suggestions[i.id] ?? [],
  };
}

function edition(d: IndicatorDefinition) {
  const ahp = d.ranking.methods.ahp;
  return {
    edition: d.edition,
    version: d.version,
    title: d.title.zh,
    effective_from: d.effective_from,
    effective_to: d.effective_to,
    sha256: d.source.sha256,
    total_points: d.total_points,
    school_types: d.school_types.map((t) => t.name),
    flags: d.flags.map((f) => ({ id: f.id, name: f.zh })),
    domains: d.domains.map((domain) => ({
      id: domain.id,
      name: domain.name.zh,
      points: domain.points,
      applies_to: domain.applies_to,
      indicators: domain.indicators.map((i) => indicator(i, d.suggestions)),
    })),
    severity_weights: d.severity_weights.map(({ level, weight }) => ({ level, weight })),
    vetoes: d.vetoes.map((v) => ({
      id: v.id,
      name: v.name.zh,
      condition_text: v.condition_text,
      related_indicators: v.related_indicators,
      school_grade_cap: v.effect.school_grade_cap,
      unit_grade_barred: v.effect.unit_grade_barred,
    })),
    grade_bands: d.grade_bands.map(({ grade, min_score }) => ({ grade, min_score })),
    status_bands: { met: d.status_bands.met, near: d.status_bands.near },
    guard_staffing: d.guard_staffing,
    unit_score: { formula_text: d.unit_score.formula_text },
    rectification: { failed_recheck_counts_as_rectified: d.rectification.failed_recheck_counts_as_rectified },
    supervision: {
      total_points: d.supervision.total_points,
      indicators: d.supervision.indicators.map((i) => indicator(i, d.suggestions)),
    },
    ranking: {
      ties: d.ranking.ties,
      default_method: d.ranking.default_method,
      side_by_side: d.ranking.side_by_side,
      ahp: ahp ? { labels: ahp.labels, weights: ahp.weights, cr: ahp.cr } : null,
    },
  };
}

async function methodology() {
  const years = readdirSync(DEFINITIONS_DIR)
    .map((name) => /^(\d{4})\.json$/.exec(name)?.[1])
    .filter((year): year is string => year !== undefined)
    .sort()
    .reverse();
  if (years.length === 0) throw new Error(`no indicator definition files (<year>.json) in ${DEFINITIONS_DIR}`);
  return { editions: years.map((year) => edition(loadDefinition(year))) };
}

export default await siteLoader(import.meta, { output: 'methodology.json', build: methodology });

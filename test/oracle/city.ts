/**
 * The oracle's input: the rows the demo generator says will land, collected while it writes
 * the files (never read back from the warehouse), reduced the way DOMAIN §4 says landing works —
 * files of a source land in path order, a re-exported record supersedes the earlier version —
 * plus the reference data and the definition file, read as plain files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row, Value } from '../../demo/format.ts';

export type Source = 'schools' | 'inspections' | 'sensors' | 'alerts' | 'cases' | 'activities';

/** The natural keys of DOMAIN §4's exports (a record is one key; a later version replaces it). */
const NATURAL_KEYS: Record<Source, string[]> = {
  schools: ['school_code', 'reported_on'],
  inspections: ['inspection_id', 'item_code'],
  sensors: ['device_id', 'event_at', 'status'],
  alerts: ['alert_id'],
  cases: ['case_id'],
  activities: ['activity_id'],
};

export type CityRows = Record<Source, Row[]>;

/** Collects the generator's landed rows (pass `listener` as generateCity's onLanded). */
export class RowCollector {
  private readonly landed: { file: string; source: Source; row: Row }[] = [];

  readonly listener = (file: string, source: string, row: Row): void => {
    this.landed.push({ file, source: source as Source, row });
  };

  /** One row per natural key: the version in the file landing last, the last row of that file. */
  rows(): CityRows {
    const order = this.landed.map((entry, index) => ({ ...entry, index }));
    order.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.index - b.index));
    const latest = new Map<string, Row>();
    for (const { source, row } of order) latest.set(`${source}\u0000${NATURAL_KEYS[source].map((k) => String(row[k])).join('\u0000')}`, row);
    const rows: CityRows = { schools: [], inspections: [], sensors: [], alerts: [], cases: [], activities: [] };
    for (const [key, row] of latest) rows[key.slice(0, key.indexOf('\u0000')) as Source].push(row);
    return rows;
  }
}

export const num = (v: Value): number | null => (v === null || v === undefined ? null : Number(v));
export const text = (v: Value): string | null => (v === null || v === undefined || v === '' ? null : String(v));

// ---------------------------------------------------------------------------------------------
// reference data and the definition, as files

export interface Unit {
  code: string;
  isRanked: boolean;
}

const REFERENCE = join(import.meta.dirname, '..', '..', 'data', 'reference');

function csv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(REFERENCE, file), 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i], cell])));
}

export const units = (): Unit[] => csv('units.csv').map((u) => ({ code: u.unit_code, isRanked: u.is_ranked === 'true' }));

export const escapeObstacleItems = (): Set<string> => new Set(csv('checklist_items.csv').filter((i) => i.is_escape_obstacle === 'true').map((i) => i.item_code));

/** The definition file as JSON: the oracle reads it, not the project's loader. */
export interface Definition {
  edition: number;
  domains: { id: string; applies_to: string[]; indicators: IndicatorDef[] }[];
  severity_weights: { level: string; weight: number }[];
  vetoes: { id: string; name: { zh: string }; rule: string; params: Record<string, unknown>; effect: { school_grade_cap: string; unit_grade_barred: string } }[];
  grade_bands: { grade: string; min_score: number }[];
  guard_staffing: {
    enrollment_bands: { min_enrollment: number; max_enrollment?: number; guards: number; extra_guard_per_students?: number }[];
    extra_rounding: 'floor' | 'ceil';
    boarders: { extra_guard_per_boarders: number; rounding: 'floor' | 'ceil' };
  };
  unit_score: { school_weight: number; supervision_weight: number; school_aggregation: string; separate_units: string[] };
  rectification?: { failed_recheck_counts_as_rectified: boolean };
  supervision: { indicators: IndicatorDef[] };
}

export interface IndicatorDef {
  id: string;
  kind: 'rate' | 'duration' | 'deduction' | 'yes_no';
  formula: string;
  points: number;
  target?: number;
  floor?: number;
  deduction_per_occurrence?: number;
  base?: number;
  deductions?: { action: string; per_occurrence: number }[];
  params?: Record<string, unknown>;
  applies_to?: string[];
  requires_flags?: string[];
  empty_denominator: 'not_applicable' | 'no_data';
}

export function definition(year: number): Definition {
  return JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'data', 'indicators', `${year}.json`), 'utf8')) as Definition;
}

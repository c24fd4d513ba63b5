/**
 * The reference data the city is built from: the reporting units and the safety checklist of a
 * reference folder — the committed data/reference (许昌市) unless another is given. Another city
 * is another folder (demo/cities/ holds the unit lists of two more, see province.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_DIR } from '../sources/reference.ts';

export interface Unit {
  code: string;
  name: string;
  kind: 'district' | 'county' | 'county_city' | 'functional_zone' | 'city_direct';
  isRanked: boolean;
  /** The city's name written before the unit's in full (许昌市魏都区); '' when units.csv has no city_name. */
  cityName: string;
}

export interface ChecklistItem {
  code: string;
  name: string;
  category: string;
  isEscapeObstacle: boolean;
  appliesTo: 'all' | 'boarding' | 'near_water' | 'not_kindergarten';
}

/** Rows of a simple comma-separated file with a header (the reference files have no quoting). */
function readSimpleCsv(dir: string, name: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(dir, name), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const keys = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [keys[i], value])));
}

export function loadUnits(referenceDir = REFERENCE_DIR): Unit[] {
  return readSimpleCsv(referenceDir, 'units.csv').map((r) => ({
    code: r.unit_code,
    name: r.unit_name,
    kind: r.unit_kind as Unit['kind'],
    isRanked: r.is_ranked === 'true',
    cityName: r.city_name ?? '',
  }));
}

export function loadChecklist(referenceDir = REFERENCE_DIR): ChecklistItem[] {
  return readSimpleCsv(referenceDir, 'checklist_items.csv').map((r) => ({
    code: r.item_code,
    name: r.item_name,
    category: r.category,
    isEscapeObstacle: r.is_escape_obstacle === 'true',
    appliesTo: r.applies_to as ChecklistItem['appliesTo'],
  }));
}

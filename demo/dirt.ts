/**
 * Row-level dirt (DOMAIN §4): the problems real exports have, injected into a row's
 * cells so the ingest's verdict is known in advance. One problem per row at most, so
 * each kind's count is exact. The ingest rules each kind relies on are in docs/demo-city.md.
 */
import type { ColumnContract } from '../sources/contract.ts';
import { dayOf, ymd } from './calendar.ts';
import { EXCEL_EPOCH_OFFSET, type Cell } from './format.ts';
import type { Rng } from './random.ts';
import { PROVINCE_CODE, UNKNOWN_SERIAL_FLOOR } from './registry.ts';

/** Problems decided per row; duplicates and corrections are handled by the export file. */
export type RowProblem =
  | 'duplicate_row'
  | 'corrected_reexport'
  | 'unknown_school'
  | 'code_lost_digits'
  | 'code_lost_digits_ambiguous'
  | 'missing_required'
  | 'out_of_range'
  | 'future_date'
  | 'bad_date'
  | 'bad_enum';

export interface Corruption {
  cells: Cell[];
  /** The kind as counted in the manifest (a lost-digits code is counted by its outcome). */
  kind: string;
  rejected: boolean;
}

export interface DirtSettings {
  rate: number;
  toYear: number;
  /** Registry codes per 8-digit suffix: one means a lost-digits code can be repaired. */
  codesBySuffix: Map<string, number>;
  /** Suffixes shared by two registry codes: a lost-digits code that cannot be repaired. */
  sharedSuffixes: string[];
}

/** Values no contract accepts, per column; checked against the contract's aliases at start-up. */
const BAD_ENUM_VALUES: Record<string, string[]> = {
  school_type: ['九年一贯制', '完全中学', '教学点'],
  ownership: ['民办公助', '合作办学'],
  is_near_water: ['不详', '待核实'],
  inspection_kind: ['抽查', '回头看'],
  result: ['基本合格', '待整改'],
  hazard_level: ['一级', '8', '严重'],
  recheck_result: ['待复查'],
  device_type: ['门禁', 'DOOR'],
  status: ['维护中', 'maintenance', '挂起'],
  origin: ['人工上报', 'manual'],
  level: ['紫', 'V', '5'],
  disposition: ['待定', 'unknown'],
  category: ['其他', '盗窃'],
  severity: ['轻微', '5'],
  accountability: ['警告'],
  activity_kind: ['家长会', '升旗仪式'],
  topic: ['禁毒', '防诈骗'],
  supervision_action: ['督办单'],
};
const BAD_DATES = (year: number) => [`${year}-13-45`, '昨天', `${year}/02/30`, '待定', `${year}年13月`];

export class DirtInjector {
  /** Kinds this file has not used yet: tried first, so a small file still shows every kind. */
  private unused: RowProblem[];

  constructor(
    private readonly columns: (ColumnContract | null)[],
    private readonly settings: DirtSettings,
    private readonly rng: Rng,
    kinds: RowProblem[],
  ) {
    this.unused = rng.shuffle(kinds.slice());
    for (const column of columns) {
      for (const bad of column?.enum ? (BAD_ENUM_VALUES[column.name] ?? ['其他']) : []) {
        const accepted = column!.enum!.some((e) => [e.value, ...e.aliases].some((a) => a.toLowerCase() === bad.toLowerCase()));
        if (accepted) throw new Error(`bad value "${bad}" is accepted by ${column!.name}`);
      }
    }
  }

  /** The problems a file of these columns can have. */
  static kindsFor(columns: (ColumnContract | null)[], hasCorrections: boolean): RowProblem[] {
    const has = (test: (c: ColumnContract) => boolean) => columns.some((c) => c !== null && test(c));
    const kinds: RowProblem[] = ['duplicate_row', 'missing_required'];
    if (hasCorrections) kinds.push('corrected_reexport');
    if (has((c) => c.name === 'school_code')) kinds.push('unknown_school', 'code_lost_digits', 'code_lost_digits_ambiguous');
    if (has((c) => c.min !== undefined || c.max !== undefined)) kinds.push('out_of_range');
    if (has((c) => c.type === 'date' || c.type === 'datetime')) kinds.push('future_date', 'bad_date');
    if (has((c) => c.type === 'enum' || c.type === 'boolean')) kinds.push('bad_enum');
    return kinds;
  }

  hit(): boolean {
    return this.settings.rate > 0 && this.rng.next() < this.settings.rate;
  }

  /** The kinds to try for a hit row, first the file's unused ones. */
  order(allowed: RowProblem[]): RowProblem[] {
    const fresh = this.unused.filter((k) => allowed.includes(k));
    const rest = this.rng.shuffle(allowed.filter((k) => !fresh.includes(k)));
    return [...fresh, ...rest];
  }

  used(kind: RowProblem): void {
    this.unused = this.unused.filter((k) => k !== kind);
  }

  /** The row with the problem applied, or null when the row has nothing it could apply to. */
  corrupt(kind: RowProblem, cells: Cell[]): Corruption | null {
    const rng = this.rng;
    const pickColumn = (test: (c: ColumnContract, cell: Cell) => boolean): number | null => {
      const indices = this.columns.flatMap((c, i) => (c !== null && test(c, cells[i]) ? [i] : []));
      return indices.length ? rng.pick(indices) : null;
    };
    const replaced = (index: number, cell: Cell, counted: string = kind, rejected = true): Corruption => {
      const copy = cells.slice();
      copy[index] = cell;
      return { cells: copy, kind: counted, rejected };
    };
    const schoolCode = () => {
      const i = this.columns.findIndex((c) => c?.name === 'school_code');
      return i >= 0 && typeof cells[i] === 'string' && /^\d{10}$/.test(cells[i] as string) ? i : null;
    };
    switch (kind) {
      case 'unknown_school': {
        const i = schoolCode();
        if (i === null) return null;
        const serial = UNKNOWN_SERIAL_FLOOR + rng.int(0, 9_999);
        return replaced(i, `${(cells[i] as string).slice(0, 2)}${PROVINCE_CODE}${serial}`);
      }
      case 'code_lost_digits': {
        const i = schoolCode();
        if (i === null) return null;
        const short = (cells[i] as string).slice(2);
        const repairable = this.settings.codesBySuffix.get(short) === 1;
        return replaced(i, short, repairable ? 'code_lost_digits_repairable' : 'code_lost_digits_ambiguous', !repairable);
      }
      case 'code_lost_digits_ambiguous': {
        const i = schoolCode();
        if (i === null || !this.settings.sharedSuffixes.length) return null;
        return replaced(i, rng.pick(this.settings.sharedSuffixes));
      }
      case 'missing_required': {
        const i = pickColumn((c, cell) => c.required && cell !== null && cell !== '');
        return i === null ? null : replaced(i, null);
      }
      case 'out_of_range': {
        const i = pickColumn((c) => c.min !== undefined || c.max !== undefined);
        if (i === null) return null;
        const column = this.columns[i]!;
        return replaced(i, rng.chance(0.5) ? -rng.int(1, 20) : (column.max ?? 1000) * 10 + rng.int(1, 9));
      }
      case 'future_date': {
        const i = pickColumn((c, cell) => (c.type === 'date' || c.type === 'datetime') && cell !== null && cell !== '' && inTheFuture(cell, this.settings.toYear) !== null);
        return i === null ? null : replaced(i, inTheFuture(cells[i]!, this.settings.toYear));
      }
      case 'bad_date': {
        const i = pickColumn((c) => c.type === 'date' || c.type === 'datetime');
        return i === null ? null : replaced(i, rng.pick(BAD_DATES(this.settings.toYear)));
      }
      case 'bad_enum': {
        const i = pickColumn((c, cell) => (c.type === 'enum' || c.type === 'boolean') && cell !== null);
        if (i === null) return null;
        const column = this.columns[i]!;
        return replaced(i, rng.pick(BAD_ENUM_VALUES[column.name] ?? ['其他']));
      }
      case 'duplicate_row':
      case 'corrected_reexport':
        return null;
    }
  }
}

/** Years at least this far past the data stay in the future for any ingest clock of the next few years. */
const FUTURE_MARGIN = 6;

/**
 * The year with its last two digits swapped (2025 → 2052); when that is not clearly in the
 * future (2021 → 2012, 1998 → 1989) the year plus 50, and null when even that is not (1952).
 */
export function futureYear(year: number, toYear: number): number | null {
  const swapped = Math.floor(year / 100) * 100 + (year % 10) * 10 + Math.floor((year % 100) / 10);
  if (swapped >= toYear + FUTURE_MARGIN) return swapped;
  return year + 50 >= toYear + FUTURE_MARGIN ? year + 50 : null;
}

const LEADING_DATE = /^(\d{4})([-/.年])(\d{1,2})[-/.月](\d{1,2})/;

/** The same date in a future year; null for 29 February, which would turn into a bad date. */
function inTheFuture(cell: Cell, toYear: number): Cell | null {
  if (typeof cell === 'number') {
    const { y, m, d } = ymd(cell - EXCEL_EPOCH_OFFSET);
    const future = futureYear(y, toYear);
    return future === null || (m === 2 && d === 29) ? null : dayOf(future, m, d) + EXCEL_EPOCH_OFFSET;
  }
  if (cell instanceof Date) {
    const future = futureYear(cell.getUTCFullYear(), toYear);
    if (future === null || (cell.getUTCMonth() === 1 && cell.getUTCDate() === 29)) return null;
    const moved = new Date(cell.getTime());
    moved.setUTCFullYear(future);
    return moved;
  }
  const match = LEADING_DATE.exec(String(cell));
  const future = match ? futureYear(Number(match[1]), toYear) : null;
  if (!match || future === null || (Number(match[3]) === 2 && Number(match[4]) === 29)) return null;
  return String(future) + String(cell).slice(4);
}

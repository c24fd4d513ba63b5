/**
 * Excel's habits in a dirty city (docs/demo-city.md, "Excel's habits"): the ways real
 * exports spell values and lay out sheets that the ingest reads through, beside the
 * problems of dirt.ts that it rejects. Each habit is given to the files whose systems have
 * it, so every dirty city shows every one:
 *
 *   row spellings (clean rows only; one a row)   numbers_as_codes 2141000101.0, fullwidth_digits
 *                                                ２１４１…, padded_spaces 　自查　, thousands_separators
 *                                                "1,850", county_names 魏都区 / 许昌市魏都区 for 411002,
 *                                                scientific_notation 2.141E+09 (the one that is rejected)
 *   sheet layout                                 title_row above the header, two_row_header (a group
 *                                                title over some names), totals_row 合计 at the bottom
 *
 * Spellings draw from their own random stream, so the clean content and the dirt of a dirty
 * city are the same with or without them; a habit never changes what a row's verdict is,
 * except scientific notation, which is counted as a problem (`injected`) like dirt's.
 */
import type { ColumnContract, SourceName } from '../sources/contract.ts';
import type { Cell } from './format.ts';
import type { FileFormat } from './writers.ts';
import type { City } from './city.ts';
import { streamFor, type Rng } from './random.ts';

type RowHabit = 'numbers_as_codes' | 'fullwidth_digits' | 'padded_spaces' | 'thousands_separators' | 'county_names' | 'scientific_notation';
type SheetHabit = 'title_row' | 'two_row_header' | 'totals_row';

/** Which habits each export has: the registry and programme workbooks kept by hand, the GBK CSV saved from Excel, … */
const HABITS: Partial<Record<`${SourceName}/${FileFormat}`, { rows: RowHabit[]; sheet: SheetHabit[]; title?: string }>> = {
  'schools/xlsx': { rows: ['county_names', 'thousands_separators'], sheet: ['two_row_header', 'totals_row'] },
  'inspections/csv-gbk': { rows: ['numbers_as_codes', 'fullwidth_digits', 'padded_spaces'], sheet: ['title_row'], title: '安全检查台账' },
  'sensors/csv-utf8': { rows: ['scientific_notation'], sheet: [] },
  'cases/csv-utf8-bom': { rows: ['numbers_as_codes'], sheet: [] },
  'activities/xlsx': { rows: ['thousands_separators'], sheet: ['totals_row'] },
  'activities/json': { rows: ['county_names'], sheet: [] },
};

/** Group titles a registry's two-row header puts over its numbers (the other names stand in the upper row). */
const GROUPS: Record<string, string> = { enrollment: '规模', boarders: '规模', staff: '规模', guards: '规模' };
/** The numbers summed in a totals row. */
const SUMMED = new Set(['enrollment', 'boarders', 'staff', 'guards', 'n_participants', 'n_sent', 'n_returned', 'n_screened', 'n_warned', 'n_tracked']);

const FULL_WIDTH_DIGITS = '０１２３４５６７８９';

export interface ShapedRow {
  cells: Cell[];
  /** A problem counted in `injected` (scientific notation), or null. */
  problem: string | null;
  /** A habit that lands, counted in `habits`, or null. */
  habit: string | null;
}

export class FileHabits {
  private readonly rng: Rng;
  private readonly sums: number[];
  private unused: RowHabit[];
  private readonly unitNames: Map<string, string[]>;

  private constructor(
    private readonly columns: (ColumnContract | null)[],
    private readonly rowHabits: RowHabit[],
    private readonly sheetHabits: SheetHabit[],
    private readonly title: string | undefined,
    private readonly rate: number,
    rng: Rng,
    units: City['units'],
  ) {
    this.rng = rng;
    this.unused = rowHabits.slice();
    this.sums = columns.map(() => 0);
    this.unitNames = new Map(units.map((u) => [u.code, [u.name, `${u.cityName}${u.name}`]]));
  }

  /** The habits of a file of a dirty city (null for a clean city, or a file whose system has none). */
  static for(file: string, source: SourceName, format: FileFormat, columns: (ColumnContract | null)[], rate: number, city: City): FileHabits | null {
    const habits = HABITS[`${source}/${format}`];
    if (!habits || rate <= 0) return null;
    return new FileHabits(columns, habits.rows, habits.sheet, habits.title, rate, streamFor(city.seed, 'habits', file), city.units);
  }

  /** Sheet habits this file shows (for the manifest: each once). */
  get layout(): SheetHabit[] {
    return this.sheetHabits.slice();
  }

  /** The rows above the data: a title row, then the header (of two rows when grouped). */
  headerRows(headers: string[], year: number): { before: Cell[][]; header: string[] } {
    const before: Cell[][] = [];
    if (this.sheetHabits.includes('title_row')) before.push([`${year}年${this.title ?? ''}`]);
    if (!this.sheetHabits.includes('two_row_header')) return { before, header: headers };
    const grouped = this.columns.map((c) => (c && GROUPS[c.name]) || null);
    before.push(headers.map((h, i) => grouped[i] ?? h));
    return { before, header: headers.map((h, i) => (grouped[i] ? h : '')) };
  }

  /** A clean row, maybe spelled the way of one of the file's habits (each habit once before any repeats); `problems` false: no rejected spelling. */
  shape(cells: Cell[], problems = true): ShapedRow {
    this.sums.forEach((_, i) => {
      const column = this.columns[i];
      if (column && SUMMED.has(column.name) && typeof cells[i] === 'number') this.sums[i] += cells[i] as number;
    });
    const plain = { cells, problem: null, habit: null };
    const forced = this.unused.length > 0;
    if (!forced && !this.rng.chance(Math.min(1, this.rate * 2))) return plain;
    const order = [...this.unused, ...this.rng.shuffle(this.rowHabits.filter((h) => !this.unused.includes(h)))];
    for (const habit of order) {
      if (habit === 'scientific_notation' && !problems) continue;
      // scientific notation is a problem: after each file has shown it once, only at a quarter of the rate
      if (habit === 'scientific_notation' && !this.unused.includes(habit) && !this.rng.chance(0.25)) continue;
      const shaped = this.apply(habit, cells);
      if (shaped) {
        this.unused = this.unused.filter((h) => h !== habit);
        return habit === 'scientific_notation' ? { cells: shaped, problem: habit, habit: null } : { cells: shaped, problem: null, habit };
      }
    }
    return plain;
  }

  private apply(habit: RowHabit, cells: Cell[]): Cell[] | null {
    const at = (test: (c: ColumnContract, cell: Cell) => boolean) => this.columns.findIndex((c, i) => c !== null && test(c, cells[i]));
    const replaced = (index: number, cell: Cell) => {
      if (index < 0) return null;
      const copy = cells.slice();
      copy[index] = cell;
      return copy;
    };
    const code = at((c, cell) => c.name === 'school_code' && typeof cell === 'string' && /^\d{10}$/.test(cell));
    const text = (i: number) => cells[i] as string;
    switch (habit) {
      case 'numbers_as_codes':
        return replaced(code, code < 0 ? null : `${text(code)}.0`);
      case 'fullwidth_digits':
        return replaced(code, code < 0 ? null : [...text(code)].map((d) => FULL_WIDTH_DIGITS[Number(d)]).join(''));
      case 'scientific_notation':
        return replaced(code, code < 0 ? null : `${text(code)[0]}.${text(code).slice(1, 4)}E+09`);
      case 'padded_spaces': {
        const i = at((c, cell) => c.type === 'enum' && c.required && typeof cell === 'string' && cell !== '');
        return replaced(i, i < 0 ? null : `\u3000${text(i)}\u3000`);
      }
      case 'thousands_separators': {
        const i = at((c, cell) => c.type === 'integer' && typeof cell === 'number' && cell >= 1000);
        return replaced(i, i < 0 ? null : (cells[i] as number).toLocaleString('en-US'));
      }
      case 'county_names': {
        const i = at((c, cell) => c.type === 'unit_code' && typeof cell === 'string' && this.unitNames.has(cell));
        return replaced(i, i < 0 ? null : this.rng.pick(this.unitNames.get(text(i))!));
      }
    }
  }

  /** The 合计 row under the data (sums of the clean rows' counts), or null. */
  totalsRow(): Cell[] | null {
    if (!this.sheetHabits.includes('totals_row')) return null;
    return this.columns.map((c, i) => (i === 0 ? '合计' : c && SUMMED.has(c.name) ? this.sums[i] : null));
  }
}

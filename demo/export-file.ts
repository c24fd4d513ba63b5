/**
 * One export file on its way to disk: rows are formatted by the file's layout, maybe
 * given a problem by the dirt injector, written, and counted for the manifest (rows,
 * expected landed and rejected, injected kinds).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ColumnContract, SourceName } from '../sources/contract.ts';
import { CONTRACTS } from '../sources/contracts.ts';
import type { City } from './city.ts';
import { DirtInjector, type DirtSettings, type RowProblem } from './dirt.ts';
import type { Cell, Row } from './format.ts';
import { FileHabits } from './habits.ts';
import { manifestEntry, type ManifestFile } from './manifest.ts';
import { carryPersonalDetails, hasPersonalDetails, PERSONAL_DETAILS, PersonalDetails } from './personal-details.ts';
import { streamFor } from './random.ts';
import { openWriter, type FileFormat, type TableWriter } from './writers.ts';

export interface LayoutColumn {
  header: string;
  /** The contract column this file column carries; null for an extra column. */
  column: string | null;
  cell: (row: Row, rowNumber: number) => Cell;
}

export interface FileSpec {
  /** Path relative to the output folder, forward slashes. */
  file: string;
  source: SourceName;
  format: FileFormat;
  sheet?: string;
  columns: LayoutColumn[];
}

/** Told of every row that lands (as the ingest will keep it), in file order: how a test reads the city's rows without parsing the files. */
export type LandedRowListener = (file: string, source: SourceName, row: Row) => void;

/** What a row may suffer besides the generic problems. */
export interface RowOptions {
  /** Never dirty this row (the first report of a school in the registry). */
  keepClean?: boolean;
  /** Which school-code problems apply: the registry takes no unknown codes (a new code there is a new school). */
  schoolCodeProblems?: 'all' | 'lost-digits';
  /** An earlier, stale version of the row; present when the record can be re-exported corrected. */
  stale?: () => Row;
}

interface Pending {
  cells: Cell[];
  kind: string | null;
  rejected: boolean;
  /** The canonical row the cells carry (null for a duplicate, which never lands). */
  row: Row | null;
  /** An Excel habit the row was spelled with (habits.ts), counted apart from the problems. */
  habit?: string | null;
}

export interface ExportFileOptions {
  truncate?: boolean;
  corrections?: ExportFile;
  onLanded?: LandedRowListener;
}

const RECENT_ROWS = 32;

export class ExportFile {
  private readonly writer: TableWriter;
  private readonly contractColumns: (ColumnContract | null)[];
  private readonly dirt: DirtInjector | null;
  private readonly habits: FileHabits | null;
  private readonly habitCounts: Record<string, number> = {};
  private readonly personal: PersonalDetails | null;
  private readonly recent: Cell[][] = [];
  private pending: Pending | null = null;
  private corrected = false;
  private formatted = 0;
  private rows = 0;
  private rejected = 0;
  private readonly injected: Record<string, number> = {};

  private constructor(
    private readonly outDir: string,
    private readonly spec: FileSpec,
    dirt: DirtSettings | null,
    city: City,
    private readonly options: ExportFileOptions,
  ) {
    const path = join(outDir, spec.file);
    mkdirSync(dirname(path), { recursive: true });
    this.writer = openWriter(path, spec.format, spec.sheet ?? CONTRACTS[spec.source].zh, `${city.name}教育局`);
    const byName = new Map(CONTRACTS[spec.source].columns.map((c) => [c.name, c]));
    this.contractColumns = spec.columns.map((c) => (c.column === null ? null : byName.get(c.column)!));
    const kinds = DirtInjector.kindsFor(this.contractColumns, options.corrections !== undefined);
    this.dirt = dirt && dirt.rate > 0 ? new DirtInjector(this.contractColumns, dirt, streamFor(city.seed, 'dirt', spec.file), kinds) : null;
    this.habits = dirt ? FileHabits.for(spec.file, spec.source, spec.format, this.contractColumns, dirt.rate, city) : null;
    const layout = spec.columns.map((c, i) => ({ header: c.header, column: this.contractColumns[i] }));
    this.personal = this.dirt ? new PersonalDetails(layout, dirt!.rate, streamFor(city.seed, 'personal-details', spec.file), city.idAreas) : null;
  }

  static open(outDir: string, spec: FileSpec, dirt: DirtSettings | null, city: City, options: ExportFileOptions = {}): ExportFile {
    const file = new ExportFile(outDir, spec, dirt, city, options);
    const headers = spec.columns.map((c) => c.header);
    const { before, header } = file.habits?.headerRows(headers, Number(/\d{4}/.exec(spec.file)?.[0])) ?? { before: [], header: headers };
    const [first, ...rest] = [...before, header];
    file.writer.header(first as string[]);
    for (const row of rest) file.writer.row(row);
    return file;
  }

  format(row: Row): Cell[] {
    this.formatted++;
    return this.spec.columns.map((c) => c.cell(row, this.formatted));
  }

  /** Adds a row to the write buffer; call `drain` after each batch. */
  add(row: Row, options: RowOptions = {}): void {
    const cells = this.format(row);
    if (!this.dirt || options.keepClean) return this.emitClean(cells, row);
    this.personal?.plant(cells);
    const correctable = options.stale !== undefined && this.options.corrections !== undefined;
    // Every corrections file gets at least its first correctable record, however small the file.
    if (correctable && !this.corrected) return this.correct(cells, row, options.stale!);
    if (!this.dirt.hit()) return this.emitClean(cells, row);
    const allowed: RowProblem[] = ['duplicate_row', 'missing_required', 'out_of_range', 'future_date', 'bad_date', 'bad_enum'];
    if (options.schoolCodeProblems !== 'lost-digits') allowed.push('unknown_school');
    allowed.push('code_lost_digits', 'code_lost_digits_ambiguous');
    if (correctable) allowed.push('corrected_reexport');
    for (const kind of this.dirt.order(allowed)) {
      if (kind === 'duplicate_row') {
        this.emitClean(cells, row, false);
        this.dirt.used(kind);
        return this.emit(this.recent[Math.floor(this.recent.length / 2)], 'duplicate_row', true, null);
      }
      if (kind === 'corrected_reexport') {
        this.dirt.used(kind);
        return this.correct(cells, row, options.stale!);
      }
      const corrupted = this.dirt.corrupt(kind, cells);
      if (corrupted) {
        this.dirt.used(kind);
        return this.emit(carryPersonalDetails(cells, corrupted.cells), corrupted.kind, corrupted.rejected, row);
      }
    }
    return this.emitClean(cells, row);
  }

  /** The main file keeps the stale version; the corrections file carries the truth. */
  private correct(cells: Cell[], row: Row, stale: () => Row): void {
    this.corrected = true;
    const staleRow = stale();
    this.emit(this.format(staleRow), null, false, staleRow);
    this.options.corrections!.emit(cells, 'corrected_reexport', false, row);
  }

  /** A clean row, in one of the file's spellings; `problems` false keeps it landable (it is about to be repeated). */
  private emitClean(cells: Cell[], row: Row, problems = true): void {
    const shaped = this.habits?.shape(cells, problems);
    if (shaped?.problem) return this.emit(shaped.cells, shaped.problem, true, null);
    this.recent.push(shaped?.cells ?? cells);
    if (this.recent.length > RECENT_ROWS) this.recent.shift();
    this.emit(shaped?.cells ?? cells, null, false, row, shaped?.habit);
  }

  emit(cells: Cell[], kind: string | null, rejected: boolean, row: Row | null, habit: string | null = null): void {
    // The truncated file needs its last row held back until it is known to be the last.
    if (this.options.truncate) {
      if (this.pending) this.write(this.pending);
      this.pending = { cells, kind, rejected, row, habit };
      return;
    }
    this.write({ cells, kind, rejected, row, habit });
  }

  private write({ cells, kind, rejected, row, habit }: Pending): void {
    this.writer.row(cells);
    this.count(kind, rejected);
    if (habit) this.habitCounts[habit] = (this.habitCounts[habit] ?? 0) + 1;
    // counted where the row is written (a corrections file too), and not again for a duplicate's copy
    if (kind !== 'duplicate_row' && hasPersonalDetails(cells)) this.injected[PERSONAL_DETAILS] = (this.injected[PERSONAL_DETAILS] ?? 0) + 1;
    if (!rejected && row) this.options.onLanded?.(this.spec.file, this.spec.source, row);
  }

  /** Waits until the file's writer has caught up (and the corrections file's). */
  async drain(): Promise<void> {
    await this.writer.drain();
    if (this.options.corrections) await this.options.corrections.drain();
  }

  private count(kind: string | null, rejected: boolean): void {
    this.rows++;
    if (rejected) this.rejected++;
    if (kind) this.injected[kind] = (this.injected[kind] ?? 0) + 1;
  }

  get rowCount(): number {
    return this.rows + (this.pending ? 1 : 0);
  }

  /** Closes the file; a file that ended up with no rows at all is removed (returns null) when `dropIfEmpty`. */
  async close(dropIfEmpty = false): Promise<ManifestFile | null> {
    if (this.pending) {
      this.writer.partialRow(this.pending.cells);
      this.count('truncated', true);
      this.pending = null;
    }
    const totals = this.rows > 0 ? this.habits?.totalsRow() : null;
    if (totals) this.writer.row(totals);
    for (const habit of this.habits?.layout ?? []) if (habit !== 'totals_row' || totals) this.habitCounts[habit] = 1;
    await this.writer.close();
    if (dropIfEmpty && this.rows === 0) {
      rmSync(join(this.outDir, this.spec.file));
      return null;
    }
    return manifestEntry(this.spec, this.rows, this.rejected, this.injected, this.habitCounts);
  }
}

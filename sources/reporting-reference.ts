/**
 * The reference data of 报送监测 (source monitoring), editable by the bureau without code:
 *
 *   data/reference/source_cadence.csv   how often each source should arrive, per unit or per school,
 *                                       and what counts as on time, late (迟报), missing (缺报) or a
 *                                       volume drop (异常)
 *   data/reference/school_calendar.csv  terms and holidays: monthly and per-term cadences are expected
 *                                       only in windows with a school day (no self-inspection in the
 *                                       summer break)
 *
 * Read with every init into ref.source_cadence and ref.school_calendar (docs/source-health.md says
 * what each column means). A line that cannot be right stops the init with the file, the line and
 * what is wrong; a file Excel saved as GBK is read as such.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { SOURCE_NAMES, type SourceName } from './contract.ts';
import { CONTRACTS } from './contracts.ts';
import type { Warehouse } from '../warehouse/connection.ts';

export const CADENCE_FILE = 'source_cadence.csv';
export const CALENDAR_FILE = 'school_calendar.csv';

export type Cadence = 'daily' | 'monthly' | 'term' | 'none';

export interface SourceCadence {
  source: SourceName;
  scope: 'unit' | 'school';
  cadence: Cadence;
  record_kind: string | null;
  due_from: 'start' | 'end' | null;
  due_days: number | null;
  late_after_windows: number | null;
  missing_after_windows: number | null;
  volume_windows: number | null;
  volume_min_median: number | null;
  volume_drop_share: number | null;
}

export interface CalendarEntry {
  kind: 'term' | 'holiday';
  name: string;
  start_on: string;
  end_on: string;
}

export class ReferenceFileError extends Error {}

const CADENCE_COLUMNS = [
  'source',
  'scope',
  'cadence',
  'record_kind',
  'due_from',
  'due_days',
  'late_after_windows',
  'missing_after_windows',
  'volume_windows',
  'volume_min_median',
  'volume_drop_share',
] as const;
const CALENDAR_COLUMNS = ['kind', 'name', 'start_on', 'end_on'] as const;
const CADENCES: Cadence[] = ['daily', 'monthly', 'term', 'none'];

/** UTF-8 (with or without BOM), else GB18030: what Excel's "Save as CSV" writes on Chinese Windows. */
function readText(file: string): string {
  const bytes = readFileSync(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** The file's lines as records keyed by the expected header, each with its line number; comment lines (#) skipped. */
function readRecords<K extends string>(file: string, columns: readonly K[]): { line: number; fields: Record<K, string> }[] {
  if (!existsSync(file)) throw new ReferenceFileError(`找不到参考数据文件 ${file}（no such file: the reference data must have it; see docs/source-health.md）`);
  const parsed = Papa.parse<string[]>(readText(file), { skipEmptyLines: 'greedy' });
  const [header, ...lines] = parsed.data;
  if (!header || header.map((h) => h.trim()).join(',') !== columns.join(',')) {
    throw lineError(file, 1, `the header must be ${columns.join(',')}`);
  }
  return lines
    .map((cells, index) => ({ line: index + 2, fields: Object.fromEntries(columns.map((c, i) => [c, (cells[i] ?? '').trim()])) as Record<K, string> }))
    .filter((r) => !r.fields[columns[0]].startsWith('#'));
}

function lineError(file: string, line: number, what: string): ReferenceFileError {
  return new ReferenceFileError(`${file} 第 ${line} 行有误（line ${line}: ${what}）`);
}

/** How often each source should arrive (source_cadence.csv), checked line by line. */
export function readSourceCadence(dir: string): SourceCadence[] {
  const file = join(dir, CADENCE_FILE);
  const rows: SourceCadence[] = [];
  for (const { line, fields } of readRecords(file, CADENCE_COLUMNS)) {
    const fail = (what: string) => lineError(file, line, what);
    const whole = (name: (typeof CADENCE_COLUMNS)[number], min: number): number | null => {
      const text = fields[name];
      if (text === '') return null;
      if (!/^\d+$/.test(text) || Number(text) < min) throw fail(`${name} must be a whole number ≥ ${min}, got "${text}"`);
      return Number(text);
    };
    const source = fields.source as SourceName;
    if (!SOURCE_NAMES.includes(source)) throw fail(`source must be one of ${SOURCE_NAMES.join(', ')}, got "${fields.source}"`);
    if (fields.scope !== 'unit' && fields.scope !== 'school') throw fail(`scope must be unit or school, got "${fields.scope}"`);
    const cadence = fields.cadence as Cadence;
    if (!CADENCES.includes(cadence)) throw fail(`cadence must be one of ${CADENCES.join(', ')}, got "${fields.cadence}"`);
    const row: SourceCadence = {
      source,
      scope: fields.scope,
      cadence,
      record_kind: fields.record_kind || null,
      due_from: null,
      due_days: whole('due_days', 0),
      late_after_windows: whole('late_after_windows', 1),
      missing_after_windows: whole('missing_after_windows', 1),
      volume_windows: whole('volume_windows', 1),
      volume_min_median: whole('volume_min_median', 0),
      volume_drop_share: null,
    };
    if (row.record_kind !== null && !CONTRACTS[source].columns.some((c) => c.enum?.some((e) => e.value === row.record_kind))) {
      throw fail(`record_kind "${row.record_kind}" is no value of any ${source} column (e.g. 自查 of inspections.inspection_kind)`);
    }
    if (cadence === 'none') {
      const set = CADENCE_COLUMNS.slice(3).filter((c) => fields[c] !== '');
      if (set.length) throw fail(`a source with cadence none is not judged: leave ${set.join(', ')} empty`);
    } else {
      if (fields.due_from !== 'start' && fields.due_from !== 'end') throw fail(`due_from must be start or end (of the window), got "${fields.due_from}"`);
      row.due_from = fields.due_from;
      for (const name of ['due_days', 'late_after_windows', 'missing_after_windows'] as const) {
        if (row[name] === null) throw fail(`${name} is required for a ${cadence} cadence`);
      }
      if (row.late_after_windows! > row.missing_after_windows!) {
        throw fail(`late_after_windows (${row.late_after_windows}) must not exceed missing_after_windows (${row.missing_after_windows})`);
      }
      const volume = [fields.volume_windows, fields.volume_min_median, fields.volume_drop_share];
      if (volume.some((v) => v !== '') && volume.some((v) => v === '')) {
        throw fail('volume_windows, volume_min_median and volume_drop_share go together: fill all three, or none to skip the volume check');
      }
      if (fields.volume_drop_share !== '') {
        if (cadence === 'term') throw fail('the volume check compares days or months; leave it empty for a term cadence');
        const share = Number(fields.volume_drop_share);
        if (!/^\d*\.?\d+$/.test(fields.volume_drop_share) || !(share > 0 && share < 1)) {
          throw fail(`volume_drop_share must be a share between 0 and 1 (0.5: a drop of more than half), got "${fields.volume_drop_share}"`);
        }
        row.volume_drop_share = share;
      }
    }
    if (rows.some((r) => r.source === row.source && r.scope === row.scope)) throw fail(`${row.source} is listed twice for scope ${row.scope}`);
    rows.push(row);
  }
  return rows;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (text: string) => ISO_DATE.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);

/** Terms and holidays (school_calendar.csv), checked line by line: real dates, start ≤ end, terms never overlapping. */
export function readSchoolCalendar(dir: string): CalendarEntry[] {
  const file = join(dir, CALENDAR_FILE);
  const entries: (CalendarEntry & { line: number })[] = [];
  for (const { line, fields } of readRecords(file, CALENDAR_COLUMNS)) {
    const fail = (what: string) => lineError(file, line, what);
    if (fields.kind !== 'term' && fields.kind !== 'holiday') throw fail(`kind must be term or holiday, got "${fields.kind}"`);
    if (!fields.name) throw fail('the name is blank');
    for (const name of ['start_on', 'end_on'] as const) {
      if (!isDate(fields[name])) throw fail(`${name} must be a date written YYYY-MM-DD, got "${fields[name]}"`);
    }
    if (fields.start_on > fields.end_on) throw fail(`start_on ${fields.start_on} is after end_on ${fields.end_on}`);
    const entry = { line, kind: fields.kind, name: fields.name, start_on: fields.start_on, end_on: fields.end_on } as const;
    const overlapping = entries.find((e) => e.kind === 'term' && entry.kind === 'term' && e.start_on <= entry.end_on && entry.start_on <= e.end_on);
    if (overlapping) throw fail(`term ${entry.name} overlaps term ${overlapping.name} of line ${overlapping.line}`);
    entries.push(entry);
  }
  if (!entries.some((e) => e.kind === 'term')) throw new ReferenceFileError(`${file} 没有学期（lists no term: monthly and per-term cadences need the terms）`);
  return entries.map(({ line: _line, ...entry }) => entry);
}

/** Replaces ref.source_cadence and ref.school_calendar with the files of `dir` (inside the caller's transaction). */
export async function loadReportingReference(db: Warehouse, dir: string): Promise<Record<string, number>> {
  const cadence = readSourceCadence(dir);
  const calendar = readSchoolCalendar(dir);
  // one insert a table: a statement costs DuckDB about a millisecond, and every init loads these
  await db.run('delete from ref.source_cadence');
  if (cadence.length) {
    await db.run(
      `insert into ref.source_cadence values ${cadence.map(() => `(${CADENCE_COLUMNS.map(() => '?').join(', ')})`).join(', ')}`,
      cadence.flatMap((row) => CADENCE_COLUMNS.map((c) => row[c])),
    );
  }
  await db.run('delete from ref.school_calendar');
  if (calendar.length) {
    await db.run(
      `insert into ref.school_calendar values ${calendar.map(() => '(?, ?, ?::date, ?::date)').join(', ')}`,
      calendar.flatMap((entry) => [entry.kind, entry.name, entry.start_on, entry.end_on]),
    );
  }
  return { source_cadence: cadence.length, school_calendar: calendar.length };
}

/**
 * An export made ready for validation, the part the ingest and its dry run (`ingest --explain`)
 * share: read the file (readers.ts), tell its source from its headers (detect.ts), find its
 * report date where the source needs one (as-of.ts), and drop the columns that are not part
 * of the export as seen — hidden helper columns and empty columns without a header.
 */
import type { Warehouse } from '../warehouse/connection.ts';
import { reportDate, noReportDateMessage, ReportDateError, type AsOf } from './as-of.ts';
import type { SourceContract, SourceName } from './contract.ts';
import { detectSource, type FileFormat, type HeaderMapping } from './detect.ts';
import { openFile, quoteIdent, type OpenedFile } from './readers.ts';
import type { ValidationInput } from './validate.ts';
import { basename } from 'node:path';

export interface PrepareOptions {
  source?: SourceName;
  sheet?: string;
  /** The report date when the file states none ('YYYY-MM-DD'). */
  asOf?: string;
  /** Ingest clock for the future-date rule. */
  now: string;
  /** Query of the known school codes (column school_code). */
  knownSchools: string;
  /** Salt for student ID hashes. */
  piiSalt: string;
  scratchDir: string;
}

/** A column of the file left out of the rows as landed, and why. */
export interface DroppedColumn {
  header: string;
  why: 'hidden_helper' | 'empty';
}

export interface PreparedExport {
  opened: OpenedFile;
  /** The format as finally read (a UTF-8-looking head over a GBK body is read as GBK). */
  format: FileFormat;
  contract: SourceContract;
  mapping: HeaderMapping;
  input: ValidationInput;
  /** Relation of `_row` plus one VARCHAR column per header. */
  relation: string;
  asOf: AsOf | null;
  dropped: DroppedColumn[];
}

/**
 * Reads `file` into temp tables named after `table` and returns what validation needs. Throws
 * SourceDetectionError, ReportDateError, EmptyFileError or UnreadableFileError for a file that
 * cannot land as a whole (the caller records why).
 */
export async function prepareExport(db: Warehouse, file: string, format: FileFormat, table: string, options: PrepareOptions): Promise<PreparedExport> {
  const opened = await openFile(db, file, format, table, { sheet: options.sheet, scratchDir: options.scratchDir });
  const { contract, mapping } = detectSource(opened.headers, options.source, format);
  const asOf = asOfOf(contract, mapping, opened, file, options.asOf);
  const rows = await opened.rows();
  const dropped = await droppedColumns(db, opened, mapping, rows.relation);
  const gone = new Set(dropped.map((d) => d.header));
  const kept: HeaderMapping = { ...mapping, extras: mapping.extras.filter((h) => !gone.has(h)) };
  const input: ValidationInput = {
    contract,
    mapping: kept,
    name: `${table}_checked`,
    headers: opened.headers.filter((h) => !gone.has(h)),
    knownSchools: options.knownSchools,
    now: options.now,
    piiSalt: options.piiSalt,
    asOf: asOf?.date ?? null,
  };
  return { opened, format: rows.format, contract, mapping: kept, input, relation: rows.relation, asOf, dropped };
}

/** The report date of a source that needs one (a registry): its column, else `reportDate`'s, else the file fails. */
function asOfOf(contract: SourceContract, mapping: HeaderMapping, opened: OpenedFile, file: string, option?: string): AsOf | null {
  const column = contract.columns.find((c) => c.derivedFrom === 'as_of');
  if (!column) return null;
  const header = mapping.columns.get(column.name);
  if (header !== undefined) return { source: 'column', date: null, text: header };
  const found = reportDate(opened.layout.titleRows, basename(file), option);
  if (!found) throw new ReportDateError(noReportDateMessage(column.zh), contract.source);
  return found;
}

/**
 * Hidden columns that name no contract column are the clerk's helpers (a lookup, a formula),
 * not part of the export as seen; a column without a header and without a value is the
 * empty right edge Excel's used range leaves. Neither is kept in extra, the row hash or a
 * reject's raw row.
 */
async function droppedColumns(db: Warehouse, opened: OpenedFile, mapping: HeaderMapping, relation: string): Promise<DroppedColumn[]> {
  const extras = new Set(mapping.extras);
  const hidden = opened.layout.hiddenHeaders.filter((h) => extras.has(h)).map((header) => ({ header, why: 'hidden_helper' as const }));
  const blank = opened.layout.blankHeaders.filter((h) => extras.has(h) && !opened.layout.hiddenHeaders.includes(h));
  if (!blank.length) return hidden;
  const counts = (await db.one<Record<string, number>>(`select ${blank.map((h, i) => `count(${quoteIdent(h)}) as c${i}`).join(', ')} from ${relation}`))!;
  return [...hidden, ...blank.filter((_, i) => counts[`c${i}`] === 0).map((header) => ({ header, why: 'empty' as const }))];
}

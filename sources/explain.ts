/**
 * `ingest --explain`: what the ingest would make of an export, without landing anything. The
 * file goes through the ingest's own steps (prepare.ts, validate.ts) in a scratch in-memory
 * DuckDB loaded with the current reference data and aliases; the warehouse is only attached
 * read-only, for the school codes already known and whether the file was landed before. No
 * archive copy, no batch, no raw row: the warehouse and the archive are left as they were.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Warehouse } from '../warehouse/connection.ts';
import { initWarehouse } from './init.ts';
import { loadBureauAliases } from './aliases.ts';
import { ReportDateError, type AsOf } from './as-of.ts';
import type { SourceName } from './contract.ts';
import { detectFormat, normaliseHeader, notTextReason, readHead, SourceDetectionError, type FileFormat } from './detect.ts';
import { isoLocal, listExportFiles, sha256File } from './ingest.ts';
import { prepareExport, type PreparedExport } from './prepare.ts';
import { EmptyFileError, sqlString, UnreadableFileError } from './readers.ts';
import { checkedRowsSql, duplicateRows, DUPLICATE_MESSAGE, prepareLookups, summaryRowSql } from './validate.ts';

/** Why a file column maps where it does (see `HeaderMatch`), or what becomes of a column that maps nowhere. */
export type ColumnReason =
  | 'contract' // the contract's own name or Chinese header
  | 'alias' // a built-in alias (sources/contracts.ts)
  | 'bureau_alias' // data/reference/aliases.csv
  | 'unit_removed' // one of those once a bracketed unit is removed: 在校生数（人）
  | 'position' // a blank header: named by its position, kept in raw.extra
  | 'derived' // not in the file: derived (the school type from the code, the report date)
  | 'extra' // not in the contract: kept in raw.extra
  | 'hidden_helper' // a hidden column naming nothing: dropped
  | 'empty' // a blank header over an empty column: dropped
  | 'absent'; // an optional contract column the file does not have

export interface ExplainedColumn {
  header: string | null;
  column: string | null;
  why: ColumnReason;
  note?: string;
}

export interface ExplainedReason {
  reason: string;
  rows: number;
  /** Up to three rows with their message. */
  examples: { row: number | null; message: string }[];
}

export interface Explanation {
  file: string;
  sha256: string;
  format: FileFormat | null;
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  hiddenSheets: string[];
  /** Line or Excel row numbers of the header's first and last row. */
  headerRows: [number, number] | null;
  titleRows: string[];
  source: SourceName | null;
  asOf: AsOf | null;
  columns: ExplainedColumn[];
  wouldLand: number;
  wouldReject: number;
  summaryRowsSkipped: number;
  rejects: ExplainedReason[];
  /** Set when the whole file would fail (its reason code and message). */
  failure: { reason: string; message: string } | null;
  /** Set when identical content was landed before: the ingest would skip the file. */
  landedBefore: string | null;
  /** Notes for the reader (no warehouse yet, …). */
  notes: string[];
}

export interface ExplainOptions {
  source?: SourceName;
  sheet?: string;
  asOf?: string;
  now?: Date;
}

const ENCODINGS: Record<FileFormat, string> = {
  'csv-utf8': 'UTF-8',
  'csv-utf8-bom': 'UTF-8 with BOM',
  'csv-gbk': 'GBK/GB18030',
  xlsx: 'XLSX (Unicode)',
  json: 'UTF-8 (JSON array)',
  ndjson: 'UTF-8 (NDJSON)',
};

/** Explains every export under `path` in landing order; a registry's good codes count for the files after it, as they would. */
export async function explainPath(warehousePath: string, path: string, options: ExplainOptions = {}): Promise<Explanation[]> {
  const scratch = await Warehouse.open(':memory:');
  const scratchDir = await mkdtemp(join(tmpdir(), 'safecampus-explain-'));
  try {
    await initWarehouse(scratch, warehousePath);
    const notes = await knownFromWarehouse(scratch, warehousePath);
    const explanations: Explanation[] = [];
    for (const { path: file } of await listExportFiles(path)) {
      const explanation = await explainFile(scratch, file, scratchDir, options);
      explanation.notes.unshift(...notes);
      explanations.push(explanation);
    }
    return explanations;
  } finally {
    scratch.close();
    await rm(scratchDir, { recursive: true, force: true });
  }
}

/** The known school codes into the scratch table `known_schools`; notes when there is no warehouse to read them from. */
async function knownFromWarehouse(scratch: Warehouse, warehousePath: string): Promise<string[]> {
  await scratch.run('create temp table known_schools (school_code varchar)');
  if (!existsSync(warehousePath)) {
    return [`还没有数据仓库 ${warehousePath}：学校标识码只与本次文件中的学校名录核对（no warehouse at ${warehousePath} yet: school codes are checked against the registry files explained here only）`];
  }
  await scratch.run(`attach ${sqlString(warehousePath)} as landed (read_only)`);
  try {
    await scratch.run(
      `insert into known_schools select distinct school_code from landed.raw.schools join landed.audit.batches using (batch_seq) where status <> 'discarded'`,
    );
  } catch {
    return [`数据仓库 ${warehousePath} 中还没有学校名录（the warehouse holds no registry yet: school codes are checked against the registry files explained here only）`];
  }
  return [];
}

async function landedBefore(scratch: Warehouse, sha256: string): Promise<string | null> {
  if (!(await scratch.value<number>("select count(*) from duckdb_databases() where database_name = 'landed'"))) return null;
  const kept = await scratch.one<{ batch_id: string; status: string }>(
    "select batch_id, status from landed.audit.batches where sha256 = $1 and status <> 'failed' order by batch_seq limit 1",
    [sha256],
  );
  return kept ? `${kept.batch_id} (${kept.status})` : null;
}

async function explainFile(scratch: Warehouse, file: string, scratchDir: string, options: ExplainOptions): Promise<Explanation> {
  const sha256 = await sha256File(file);
  const explanation: Explanation = {
    file,
    sha256,
    format: null,
    encoding: null,
    delimiter: null,
    sheet: null,
    hiddenSheets: [],
    headerRows: null,
    titleRows: [],
    source: null,
    asOf: null,
    columns: [],
    wouldLand: 0,
    wouldReject: 0,
    summaryRowsSkipped: 0,
    rejects: [],
    failure: null,
    landedBefore: await landedBefore(scratch, sha256),
    notes: [],
  };
  const fail = (reason: string, message: string) => {
    explanation.failure = { reason, message };
    return explanation;
  };
  if ((await stat(file)).size === 0) return fail('empty_file', '文件为空（the file is empty: re-export it from the source system）');
  const head = await readHead(file);
  const notText = notTextReason(head);
  if (notText) return fail('unreadable_file', notText);
  const format = detectFormat(head);
  const table = `explain_${Math.random().toString(36).slice(2)}`;
  try {
    const prepared = await prepareExport(scratch, file, format, table, {
      source: options.source,
      sheet: options.sheet,
      asOf: options.asOf,
      now: isoLocal(options.now ?? new Date()),
      knownSchools: 'select school_code from known_schools',
      piiSalt: 'explain: nothing is stored',
      scratchDir,
    });
    describeFile(explanation, prepared);
    await countRows(scratch, explanation, prepared);
    return explanation;
  } catch (error) {
    explanation.format = format;
    explanation.encoding = ENCODINGS[format];
    if (error instanceof SourceDetectionError) return fail(error.reasonCode, error.message);
    if (error instanceof ReportDateError) {
      explanation.source = error.source as SourceName;
      return fail('missing_columns', error.message);
    }
    if (error instanceof EmptyFileError) return fail('empty_file', error.message);
    if (error instanceof UnreadableFileError) return fail('unreadable_file', error.message);
    throw error;
  } finally {
    for (const { name } of await scratch.all<{ name: string }>('select table_name as name from duckdb_tables() where temporary and starts_with(table_name, $1)', [table])) {
      await scratch.run(`drop table if exists "${name}"`);
    }
  }
}

function describeFile(explanation: Explanation, prepared: PreparedExport): void {
  const { opened, contract, mapping, asOf, dropped, format } = prepared;
  Object.assign(explanation, {
    format,
    encoding: ENCODINGS[format],
    delimiter: opened.lineLayout === 'json' || format === 'xlsx' ? null : opened.lineLayout.delimiter,
    sheet: opened.layout.sheet ?? null,
    hiddenSheets: opened.layout.hiddenSheets ?? [],
    headerRows: opened.layout.headerRows,
    titleRows: opened.layout.titleRows.map((row) => row.filter((c) => c.trim() !== '').join(' ')),
    source: contract.source,
    asOf,
  });
  const columnOf = new Map([...mapping.columns].map(([column, header]) => [header, column]));
  const bureau = loadBureauAliases().filter((a) => a.kind === 'header' && a.source === contract.source);
  const hidden = new Set(opened.layout.hiddenHeaders);
  const blank = new Set(opened.layout.blankHeaders);
  for (const header of opened.headers) {
    const column = columnOf.get(header);
    const gone = dropped.find((d) => d.header === header);
    const notes: string[] = [];
    if (hidden.has(header)) notes.push('隐藏列 hidden column');
    let why: ColumnReason;
    if (column !== undefined) {
      why = mapping.how.get(column)!;
      const line = bureau.find((a) => a.column === column && normaliseHeader(a.spelling) === normaliseHeader(header))?.line;
      if (why === 'bureau_alias' && line) notes.push(`aliases.csv 第 ${line} 行 line ${line}`);
    } else why = gone ? gone.why : blank.has(header) ? 'position' : 'extra';
    explanation.columns.push({ header, column: column ?? null, why, ...(notes.length ? { note: notes.join('; ') } : {}) });
  }
  for (const column of contract.columns.filter((c) => !mapping.columns.has(c.name))) {
    if (column.derivedFrom === 'school_type_from_code') {
      explanation.columns.push({ header: null, column: column.name, why: 'derived', note: '由学校标识码前两位推出 from the school code’s first two digits' });
    } else if (column.derivedFrom === 'as_of' && asOf) {
      explanation.columns.push({ header: null, column: column.name, why: 'derived', note: `填报日期 ${asOf.date}（${asOf.source}: ${asOf.text}）` });
    } else explanation.columns.push({ header: null, column: column.name, why: 'absent' });
  }
}

/** The rows the ingest would land, reject and skip, counted the ingest's way (validate.ts), with a few examples per reason. */
async function countRows(db: Warehouse, explanation: Explanation, prepared: PreparedExport): Promise<void> {
  const { input, relation, opened } = prepared;
  await prepareLookups(db, input, relation);
  const checked = `${input.name}_all`;
  await db.run(`create or replace temp table ${checked} as select _row, reason_code, reason_message, row_hash from (${checkedRowsSql(input, relation)})`);
  await db.run(
    `create or replace temp table ${checked}_summary as
     select _row from ${relation} where _row in (select _row from ${checked} where reason_code is not null) and ${summaryRowSql(input.headers!)}`,
  );
  explanation.summaryRowsSkipped = await db.value<number>(`select count(*) from ${checked}_summary`);
  const duplicates = await duplicateRows(db, input, relation, `select _row, row_hash from ${checked} where reason_code is null`);
  const rejects = [
    `select _row, 'malformed_row' as reason_code, message from ${opened.malformedTable}`,
    ...(opened.cellTooLargeTable ? [`select _row, 'cell_too_large', message from ${opened.cellTooLargeTable}`] : []),
    `select _row, reason_code, reason_message from ${checked} where reason_code is not null and _row not in (select _row from ${checked}_summary)`,
    ...(duplicates ? [`select _row, 'duplicate_row', ${sqlString(DUPLICATE_MESSAGE)} from ${duplicates}`] : []),
  ].join(' union all ');
  const byReason = await db.all<{ reason_code: string; n: number; examples: { row: number | null; message: string }[] }>(
    `select reason_code, count(*) as n, list({'row': _row, 'message': message} order by _row)[1:3] as examples
     from (${rejects}) group by reason_code order by reason_code`,
  );
  explanation.rejects = byReason.map((r) => ({ reason: r.reason_code, rows: r.n, examples: r.examples }));
  explanation.wouldReject = byReason.reduce((sum, r) => sum + r.n, 0);
  const good = await db.value<number>(`select count(*) from ${checked} where reason_code is null`);
  explanation.wouldLand = good - (duplicates ? await db.value<number>(`select count(*) from ${duplicates}`) : 0);
  // a registry's codes count for the files explained after it, as they would once it landed
  if (prepared.contract.source === 'schools') {
    await db.run(
      `insert into known_schools select distinct v__school_code from (${checkedRowsSql(input, relation)}) where reason_code is null and v__school_code is not null`,
    );
  }
}

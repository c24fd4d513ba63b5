/**
 * Landing one export file: archive it by content hash, read it, validate every row,
 * and write raw rows, rejects and the batch record in one transaction — a file lands
 * whole or not at all, and a file landed before is skipped.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { sql } from 'kysely';
import type { Warehouse } from '../warehouse/connection.ts';
import { typedWarehouse } from '../warehouse/kysely.ts';
import { rawTableName, LINEAGE_COLUMNS } from './raw-tables.ts';
import { ReportDateError, type AsOf } from './as-of.ts';
import type { SourceName } from './contract.ts';
import { detectFormat, landingLane, notTextReason, readHead, SourceDetectionError, type FileFormat } from './detect.ts';
import { maskFreeText } from './free-text.ts';
import { piiSalt } from './pii.ts';
import { prepareExport } from './prepare.ts';
import { EmptyFileError, quoteIdent, sqlString, UnreadableFileError } from './readers.ts';
import { checkedRowsSql, duplicateRows, DUPLICATE_MESSAGE, malformedRawSql, prepareLookups, rawValueColumns, summaryRowSql } from './validate.ts';

/** A write inside the landing transaction, named for fault-injection tests. */
export type LandingStep = 'raw' | 'rejects' | 'batch';

export interface IngestOptions {
  source?: SourceName;
  sheet?: string;
  /** A registry's report date ('YYYY-MM-DD') when neither its rows, a title row nor its name says it (`--as-of`). */
  asOf?: string;
  /** Reject share above which a batch is landed but held from publication (default 0.2). */
  holdThreshold?: number;
  /** Ingest clock for the future-date rule (default: now). */
  now?: Date;
  /** Called inside the landing transaction after each write; a test throws (or dies) here to simulate a crash. */
  afterStep?: (step: LandingStep) => void | Promise<void>;
}

export interface IngestResult {
  file: string;
  sha256: string;
  batchId: string | null;
  source: SourceName | null;
  format: FileFormat | null;
  status: 'landed' | 'held' | 'failed' | 'skipped';
  rowsRead: number;
  rowsLanded: number;
  rowsRejected: number;
  /** Summary rows (合计, 总计, 小计) skipped: not records, so not in rowsRead. */
  rowsSkipped: number;
  rejectsByReason: Record<string, number>;
  /** Where the report date came from (registries only). */
  asOf?: AsOf | null;
  /** Free-text cells in which personal details were masked (sources/free-text.ts). */
  cellsMasked: number;
  message?: string;
}

export const DEFAULT_HOLD_THRESHOLD = 0.2;
/** The school codes other exports are checked against: every registry batch not discarded. */
export const KNOWN_SCHOOLS = "select distinct school_code from raw.schools join audit.batches using (batch_seq) where status <> 'discarded'";
/** DuckDB's memory while a file lands (its limit is restored afterwards). */
const INGEST_MEMORY_LIMIT = '256MB';
const INGESTIBLE = /\.(csv|txt|tsv|xlsx|json|ndjson|jsonl)$/i;
/**
 * Excel's lock files (~$name.xlsx) and hidden files and folders (a leading dot: .DS_Store, a sync
 * tool's .sync/, a tool's own notes beside the exports) are never exports, nor is anything inside them.
 */
const NOT_AN_EXPORT = /^(~\$|\.)/;

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  // 1 MiB reads: with the default 64 KiB the stream, not the hash, takes most of the time
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface ExportFile {
  path: string;
  /** 0 for the school registry, 1 for everything checked against it. */
  wave: number;
  /** Detected from the headers; null when they match no source (the ingest says why). */
  source: SourceName | null;
  /** Why the entry is not read at all (a symbolic link), as the run reports it; absent for a file to land. */
  skipped?: string;
}

/** A symbolic link in an inbox folder is never followed: it could lead anywhere on the machine. */
export const SYMBOLIC_LINK_SKIPPED =
  'skipped: symbolic link（符号链接，未读取：收件箱不跟随链接，请把文件本身放进收件箱 / a symbolic link is never followed: put the file itself into the inbox）';

/**
 * Files under `path` (or `path` itself) that look like exports, in landing order: the school
 * registry first, then by path — so of two exports of the same records (an export and its
 * corrected re-export) the one that sorts later lands later and supersedes. Symbolic links
 * under `path` are listed as skipped, unread (`path` itself is the operator's choice); lock
 * files and hidden files and folders under it are left out.
 */
export async function listExportFiles(path: string): Promise<ExportFile[]> {
  const info = await stat(path);
  if (info.isFile()) return [{ path: resolve(path), ...(await landingLane(path)) }];
  const files: string[] = [];
  const links: ExportFile[] = [];
  for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
    if (relative(path, join(entry.parentPath, entry.name)).split(sep).some((part) => NOT_AN_EXPORT.test(part))) continue;
    if (entry.isSymbolicLink()) links.push({ path: resolve(entry.parentPath, entry.name), wave: 1, source: null, skipped: SYMBOLIC_LINK_SKIPPED });
    else if (entry.isFile() && INGESTIBLE.test(entry.name)) files.push(resolve(entry.parentPath, entry.name));
  }
  // The registry first: other sources' school codes are checked against it.
  const lanes = await Promise.all(files.map(async (f) => ({ path: f, ...(await landingLane(f)) })));
  return [...lanes, ...links].sort((a, b) => a.wave - b.wave || a.path.localeCompare(b.path));
}

/** Called before the first file (done 0, no result) and after each: `done` of `total` files, and the file's result. */
export type IngestProgress = (done: number, total: number, result?: IngestResult) => void;

/** Lands every export under `path`; a file that fails unexpectedly is reported and the others still land. */
export async function ingestPath(db: Warehouse, path: string, options: IngestOptions = {}, onFile?: IngestProgress): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  const files = await listExportFiles(path);
  onFile?.(0, files.length);
  const landed = (result: IngestResult) => {
    results.push(result);
    onFile?.(results.length, files.length, result);
  };
  for (const { path: file, skipped } of files) {
    if (skipped) {
      landed({ ...notLanded(file), status: 'skipped', message: skipped });
      continue;
    }
    try {
      landed(await ingestFile(db, file, options));
    } catch (error) {
      landed({
        ...notLanded(file),
        sha256: await sha256File(file).catch(() => ''),
        status: 'failed',
        message: `意外错误，此文件未入库，可重试（unexpected error, nothing from this file was landed; run the ingest again, and report it if it repeats: ${(error as Error).message}）`,
      });
    }
  }
  return results;
}

/** The outcome of a file before anything of it landed. */
function notLanded(file: string): IngestResult {
  return {
    file,
    sha256: '',
    batchId: null,
    source: null,
    format: null,
    status: 'skipped',
    rowsRead: 0,
    rowsLanded: 0,
    rowsRejected: 0,
    rowsSkipped: 0,
    rejectsByReason: {},
    cellsMasked: 0,
  };
}

/**
 * The outcome of a file that must not land again: content landed before is skipped, and a
 * file that failed as a whole fails the same way again, unless the operator now says what it is,
 * or it comes back under another name (a registry renamed to carry its report date: 学校名录_2025-01.csv).
 * Null when the file should land.
 */
export async function earlierOutcome(db: Warehouse, file: string, sha256: string, options: IngestOptions = {}): Promise<IngestResult | null> {
  const base: IngestResult = { ...notLanded(file), sha256 };
  const earlier = await typedWarehouse(db)
    .selectFrom('audit.batches')
    .select(['batch_id', 'status', 'source', 'message', 'file'])
    .where('sha256', '=', sha256)
    .orderBy('batch_seq')
    .execute();
  const kept = earlier.find((b) => b.status !== 'failed');
  if (kept) {
    return {
      ...base,
      batchId: kept.batch_id,
      source: kept.source as SourceName | null,
      message: `已入库，跳过（already ingested as batch ${kept.batch_id} (${kept.status}); identical content is never landed twice）`,
    };
  }
  const failed = earlier.at(-1);
  if (failed && failed.file === file && options.source === undefined && options.sheet === undefined && options.asOf === undefined) {
    return {
      ...base,
      batchId: failed.batch_id,
      message: `此前入库失败，跳过（failed before as batch ${failed.batch_id}: ${failed.message}; fix the file, or pass --source/--sheet/--as-of to try again）`,
    };
  }
  return null;
}

export async function ingestFile(db: Warehouse, path: string, options: IngestOptions = {}): Promise<IngestResult> {
  const file = resolve(path);
  const sha256 = await sha256File(file);
  const earlier = await earlierOutcome(db, file, sha256, options);
  if (earlier) return earlier;
  return landFile(db, file, sha256, { knownSchools: KNOWN_SCHOOLS, piiSalt: piiSalt(db.path), archive: () => archive(db, file, sha256) }, options);
}

/**
 * What landing needs besides the file: a warehouse lands against its own known schools and
 * salt and archives the file; a parse worker (sources/parse.ts) lands into a scratch copy of
 * the raw and audit tables against the writer's exported school codes, archiving nothing.
 */
export interface LandingPlace {
  /** Query of the known school codes (column school_code). */
  knownSchools: string;
  piiSalt: string;
  /** Archives the file as received; resolves to where (null: the writer archives it later). */
  archive(): Promise<string | null>;
}

/**
 * Reads, validates and lands one file into `db`'s raw and audit tables in one transaction,
 * whatever came before (the caller decides whether the file should land at all).
 */
export async function landFile(db: Warehouse, file: string, sha256: string, place: LandingPlace, options: IngestOptions = {}): Promise<IngestResult> {
  const scratchDir = await mkdtemp(join(tmpdir(), 'safecampus-ingest-'));
  // past the limit DuckDB spills the landed rows to its temp directory: memory stays flat
  // whatever the file size (the project sets no limit of its own, so reset restores DuckDB's)
  await db.run(`set memory_limit = '${INGEST_MEMORY_LIMIT}'`);
  try {
    return await land(db, file, sha256, scratchDir, place, options);
  } finally {
    await db.run('reset memory_limit');
    await rm(scratchDir, { recursive: true, force: true });
  }
}

async function land(db: Warehouse, file: string, sha256: string, scratchDir: string, place: LandingPlace, options: IngestOptions): Promise<IngestResult> {
  const base: IngestResult = { ...notLanded(file), sha256 };
  const batchId = randomUUID();
  const startedAt = new Date();
  const bytes = (await stat(file)).size;
  const table = `landing_${batchId.replaceAll('-', '')}`;
  // the copy runs while DuckDB reads the file; the batch record waits for it
  const archived = place.archive();
  archived.catch(() => undefined); // a failed copy is reported where the batch record awaits it
  let format: FileFormat | null = null;
  let source: SourceName | null = null;

  const failFile = async (reasonCode: string, message: string): Promise<IngestResult> => {
    await db.transaction(async () => {
      const seq = await db.value<number>("select nextval('audit.batch_seq')");
      await db.run(
        `insert into audit.batches (batch_id, batch_seq, file, source, format, sha256, bytes, archive_path, status, message, started_at, finished_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, 'failed', $9, $10::timestamp, now()::timestamp)`,
        [batchId, seq, file, source, format, sha256, bytes, await archived, message, isoLocal(startedAt)],
      );
      await db.run('insert into audit.rejects values ($1, $2, null, $3, $4, null)', [batchId, file, reasonCode, message]);
    });
    return { ...base, batchId, source, format, status: 'failed', message };
  };

  if (bytes === 0) return failFile('empty_file', '文件为空（the file is empty: re-export it from the source system）');
  const head = await readHead(file);
  const notText = notTextReason(head);
  if (notText) return failFile('unreadable_file', notText);
  format = detectFormat(head);
  try {
    const prepared = await prepareExport(db, file, format, table, {
      source: options.source,
      sheet: options.sheet,
      asOf: options.asOf,
      now: isoLocal(options.now ?? new Date()),
      knownSchools: place.knownSchools,
      piiSalt: place.piiSalt,
      scratchDir,
    });
    const { opened, contract, mapping, input, asOf } = prepared;
    source = contract.source;
    format = prepared.format;
    // from here on every row is read with its free text masked: nothing lands unmasked
    const masking = await maskFreeText(db, contract, mapping, prepared.relation);
    const relation = masking.relation;
    await prepareLookups(db, input, relation);
    const raw = rawTableName(contract);
    const values = rawValueColumns(contract);
    const threshold = options.holdThreshold ?? DEFAULT_HOLD_THRESHOLD;
    const step = async (name: LandingStep) => options.afterStep?.(name);

    // Good rows stream from the file's rows straight into raw. Only when some rows did not
    // land are those rows checked again (the same deterministic query) for their reasons.
    const outcome = await db.transaction(async () => {
      const seq = await db.value<number>("select nextval('audit.batch_seq')");
      const thisBatch = `select row_number as _row, row_hash from ${raw} where batch_seq = ${seq}`;
      const { rowsChanged: good } = await db.query(
        `insert into ${raw} (${[...LINEAGE_COLUMNS.map(([n]) => n), ...values.map((v) => v.target), 'extra'].join(', ')})
         select $1, _row, row_hash, ${values.map((v) => v.source).join(', ')}, extra from (${checkedRowsSql(input, relation)}) where reason_code is null`,
        [seq],
      );
      const duplicates = await duplicateRows(db, input, relation, thisBatch);
      if (duplicates) await db.run(`delete from ${raw} where batch_seq = ${seq} and row_number in (select _row from ${duplicates})`);
      await step('raw');
      const rejects = [`select $1, $2, _row, 'malformed_row', message, ${malformedRawSql(opened, contract, mapping)} from ${opened.malformedTable}`];
      if (opened.cellTooLargeTable) rejects.push(`select $1, $2, _row, 'cell_too_large', message, ${malformedRawSql(opened, contract, mapping)} from ${opened.cellTooLargeTable}`);
      let rowsSkipped = 0;
      if (good !== (await db.value<number>(`select count(*) from ${relation}`))) {
        const notLanded = `(select * from ${relation} where _row not in (select _row from (${thisBatch})))`;
        rowsSkipped = await db.value<number>(`select count(*) from ${notLanded} where ${summaryRowSql(input.headers!)}`);
        rejects.push(`select $1, $2, _row, reason_code, reason_message, raw_json from (${checkedRowsSql(input, notLanded, { withoutSummaryRows: true })}) where reason_code is not null`);
      }
      if (duplicates) rejects.push(`select $1, $2, _row, 'duplicate_row', ${sqlString(DUPLICATE_MESSAGE)}, raw_json from ${duplicates}`);
      // a reject's content and message are masked like free text, whatever column the details were typed into
      await db.run(
        `insert into audit.rejects
         select batch_id, file, row_number, reason_code, ${masking.mask('message')}, ${masking.mask('raw')}
         from (${rejects.join(' union all ')}) as rejected(batch_id, file, row_number, reason_code, message, raw)`,
        [batchId, file],
      );
      await step('rejects');
      const rowsLanded = await db.value<number>(`select count(*) from ${raw} where batch_seq = ${seq}`);
      const counts = await typedWarehouse(db)
        .selectFrom('audit.rejects')
        .select((eb) => ['reason_code', eb.fn.countAll<number>().as('n')])
        .where('batch_id', '=', batchId)
        .groupBy(sql`all`)
        .orderBy(sql`all`)
        .execute();
      const rejectsByReason = Object.fromEntries(counts.map(({ reason_code, n }) => [reason_code, n]));
      const rowsRejected = counts.reduce((sum, { n }) => sum + n, 0);
      const rowsRead = rowsLanded + rowsRejected;
      const status: 'held' | 'landed' = rowsRead > 0 && rowsRejected / rowsRead > threshold ? 'held' : 'landed';
      const message =
        status === 'held'
          ? `拒收比例 ${((100 * rowsRejected) / rowsRead).toFixed(1)}% 超过阈值 ${(100 * threshold).toFixed(1)}%，批次暂扣待审（reject share above the hold threshold: check audit.rejects, then release with \`safecampus release ${batchId}\`）`
          : null;
      const cellsMasked = await masking.maskedCells();
      await db.run(
        `insert into audit.batches (batch_id, batch_seq, file, source, format, sha256, bytes, archive_path, rows_read, rows_landed, rows_rejected,
                                    rows_skipped, status, message, as_of_source, as_of_on, as_of_text, started_at, finished_at, masked_cells)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::date, $17, $18::timestamp, now()::timestamp, $19)`,
        [batchId, seq, file, source, format, sha256, bytes, await archived, rowsRead, rowsLanded, rowsRejected, rowsSkipped, status, message,
         asOf?.source ?? null, asOf?.date ?? null, asOf?.text ?? null, isoLocal(startedAt), cellsMasked],
      );
      await step('batch');
      return { status, rowsRead, rowsLanded, rowsRejected, rowsSkipped, rejectsByReason, message, cellsMasked };
    });
    const { status, rowsRead, rowsLanded, rowsRejected, rowsSkipped, rejectsByReason, message, cellsMasked } = outcome;
    return { ...base, batchId, source, format, status, rowsRead, rowsLanded, rowsRejected, rowsSkipped, rejectsByReason, asOf, cellsMasked, message: message ?? undefined };
  } catch (error) {
    if (error instanceof SourceDetectionError) return failFile(error.reasonCode, error.message);
    if (error instanceof ReportDateError) {
      source = error.source as SourceName;
      return failFile('missing_columns', error.message);
    }
    if (error instanceof EmptyFileError) return failFile('empty_file', error.message);
    if (error instanceof UnreadableFileError) return failFile(error.reasonCode, error.message);
    throw error;
  } finally {
    await dropTempTables(db, table);
  }
}

/** Drops every temp table of one landing (reader, validation and lookup tables share its name as prefix). */
async function dropTempTables(db: Warehouse, table: string): Promise<void> {
  const tables = await db.all<{ name: string }>(
    'select table_name as name from duckdb_tables() where temporary and starts_with(table_name, $1)',
    [table],
  );
  for (const { name } of tables) await db.run(`drop table if exists ${quoteIdent(name)}`);
}

/** Copies the file as received to <warehouse dir>/archive/<sha256>/<name>; idempotent. */
export async function archive(db: Warehouse, file: string, sha256: string): Promise<string> {
  const dir = join(dirname(db.path), 'archive', sha256.slice(0, 2), sha256);
  const target = join(dir, basename(file));
  await mkdir(dir, { recursive: true });
  await copyFile(file, target);
  return target;
}

/** 'YYYY-MM-DD HH:MM:SS' in Asia/Shanghai. */
export function isoLocal(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

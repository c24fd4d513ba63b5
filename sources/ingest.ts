/**
 * Landing one export file: archive it by content hash, read it, validate every row,
 * and write raw rows, rejects and the batch record in one transaction — a file lands
 * whole or not at all, and a file landed before is skipped.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Warehouse } from '../warehouse/connection.ts';
import { rawTableName, LINEAGE_COLUMNS } from '../warehouse/raw-tables.ts';
import type { SourceName } from './contract.ts';
import { detectFormat, detectSource, landingWave, readHead, SourceDetectionError, type FileFormat } from './detect.ts';
import { piiSalt } from './pii.ts';
import { quoteIdent, readIntoTable, UnreadableFileError } from './readers.ts';
import { rawValueColumns, validationSql } from './validate.ts';

export interface IngestOptions {
  source?: SourceName;
  sheet?: string;
  /** Reject share above which a batch is landed but held from publication (default 0.2). */
  holdThreshold?: number;
  /** Ingest clock for the future-date rule (default: now). */
  now?: Date;
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
  rejectsByReason: Record<string, number>;
  message?: string;
}

export const DEFAULT_HOLD_THRESHOLD = 0.2;
const INGESTIBLE = /\.(csv|txt|tsv|xlsx|json|ndjson|jsonl)$/i;

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Files under `path` (or `path` itself) that look like exports, the school registry first. */
export async function listExportFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [resolve(path)];
  const files: string[] = [];
  for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && INGESTIBLE.test(entry.name)) files.push(resolve(entry.parentPath, entry.name));
  }
  // The registry first: other sources' school codes are checked against it.
  const waves = new Map(await Promise.all(files.map(async (f) => [f, await landingWave(f)] as const)));
  return files.sort((a, b) => waves.get(a)! - waves.get(b)! || a.localeCompare(b));
}

export async function ingestPath(db: Warehouse, path: string, options: IngestOptions = {}): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  for (const file of await listExportFiles(path)) results.push(await ingestFile(db, file, options));
  return results;
}

export async function ingestFile(db: Warehouse, path: string, options: IngestOptions = {}): Promise<IngestResult> {
  const file = resolve(path);
  const sha256 = await sha256File(file);
  const previous = await db.one<{ batch_id: string; status: string; source: string | null }>(
    "select batch_id, status, source from audit.batches where sha256 = $1 order by batch_seq limit 1",
    [sha256],
  );
  const base: IngestResult = {
    file,
    sha256,
    batchId: null,
    source: null,
    format: null,
    status: 'skipped',
    rowsRead: 0,
    rowsLanded: 0,
    rowsRejected: 0,
    rejectsByReason: {},
  };
  if (previous) {
    return {
      ...base,
      batchId: previous.batch_id,
      source: previous.source as SourceName | null,
      message: `already ingested as batch ${previous.batch_id} (${previous.status}); identical content is never landed twice`,
    };
  }
  const scratchDir = await mkdtemp(join(tmpdir(), 'safecampus-ingest-'));
  try {
    return await land(db, file, sha256, scratchDir, options, base);
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
}

async function land(db: Warehouse, file: string, sha256: string, scratchDir: string, options: IngestOptions, base: IngestResult): Promise<IngestResult> {
  const batchId = randomUUID();
  const startedAt = new Date();
  const bytes = (await stat(file)).size;
  const table = `landing_${batchId.replaceAll('-', '')}`;
  const archivePath = await archive(db, file, sha256);
  let format: FileFormat | null = null;
  let source: SourceName | null = null;

  const failFile = async (reasonCode: string, message: string): Promise<IngestResult> => {
    await db.transaction(async () => {
      const seq = await db.value<number>("select nextval('audit.batch_seq')");
      await db.run(
        `insert into audit.batches (batch_id, batch_seq, file, source, format, sha256, bytes, archive_path, status, message, started_at, finished_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, 'failed', $9, $10::timestamp, now()::timestamp)`,
        [batchId, seq, file, source, format, sha256, bytes, archivePath, message, isoLocal(startedAt)],
      );
      await db.run('insert into audit.rejects values ($1, $2, null, $3, $4, null)', [batchId, file, reasonCode, message]);
    });
    return { ...base, batchId, source, format, status: 'failed', message };
  };

  if (bytes === 0) return failFile('empty_file', '文件为空（the file is empty: re-export it from the source system）');
  format = detectFormat(await readHead(file));
  try {
    const landed = await readIntoTable(db, file, format, table, { sheet: options.sheet, scratchDir });
    const { contract, mapping } = detectSource(landed.headers, options.source);
    source = contract.source;
    await db.run(`create or replace temp table known_schools as select distinct school_code from raw.schools`);
    if (contract.source === 'schools' && mapping.columns.has('school_code')) {
      const header = quoteIdent(mapping.columns.get('school_code')!);
      await db.run(`insert into known_schools select distinct trim(${header}) from ${table} where regexp_matches(trim(${header}), '^\\d{10}$')`);
    }
    const { sql, table: checked } = validationSql({
      contract,
      mapping,
      landingTable: table,
      knownSchoolsTable: 'known_schools',
      now: isoLocal(options.now ?? new Date()),
      piiSalt: piiSalt(db.path),
    });
    await db.run(sql);
    const counts = await db.all<{ reason_code: string | null; n: number }>(`select reason_code, count(*) as n from ${checked} group by all`);
    const rejectsByReason: Record<string, number> = {};
    for (const { reason_code, n } of counts) if (reason_code) rejectsByReason[reason_code] = n;
    if (landed.structuralRejects.length) rejectsByReason.malformed_row = landed.structuralRejects.length;
    const rowsRejected = Object.values(rejectsByReason).reduce((a, b) => a + b, 0);
    const rowsLanded = landed.rows - rowsRejected;
    const threshold = options.holdThreshold ?? DEFAULT_HOLD_THRESHOLD;
    const status = landed.rows > 0 && rowsRejected / landed.rows > threshold ? 'held' : 'landed';
    const message =
      status === 'held'
        ? `拒收比例 ${(100 * rowsRejected / landed.rows).toFixed(1)}% 超过阈值 ${(100 * threshold).toFixed(1)}%，批次暂扣待审（reject share above the hold threshold: check audit.rejects, then release with \`safecampus release ${batchId}\`）`
        : null;
    const values = rawValueColumns(contract);

    await db.transaction(async () => {
      const seq = await db.value<number>("select nextval('audit.batch_seq')");
      await db.run(
        `insert into ${rawTableName(contract)} (${[...LINEAGE_COLUMNS.map(([n]) => n), ...values.map((v) => v.target), 'extra'].join(', ')})
         select $1, $2, _row, row_hash, ${values.map((v) => v.source).join(', ')}, extra from ${checked} where reason_code is null`,
        [batchId, seq],
      );
      await db.run(
        `insert into audit.rejects select $1, $2, _row, reason_code, reason_message, cast(raw_json as varchar) from ${checked} where reason_code is not null`,
        [batchId, file],
      );
      for (const reject of landed.structuralRejects) {
        await db.run('insert into audit.rejects values ($1, $2, $3, $4, $5, $6)', [
          batchId,
          file,
          reject.row,
          'malformed_row',
          `无法解析的行（the row cannot be parsed: ${reject.message}）`,
          JSON.stringify({ line: reject.raw }),
        ]);
      }
      await db.run(
        `insert into audit.batches values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::timestamp, now()::timestamp)`,
        [batchId, seq, file, source, format, sha256, bytes, archivePath, landed.rows, rowsLanded, rowsRejected, status, message, isoLocal(startedAt)],
      );
    });
    return { ...base, batchId, source, format, status, rowsRead: landed.rows, rowsLanded, rowsRejected, rejectsByReason, message: message ?? undefined };
  } catch (error) {
    if (error instanceof SourceDetectionError) return failFile(error.reasonCode, error.message);
    if (error instanceof UnreadableFileError) return failFile('unreadable_file', error.message);
    throw error;
  } finally {
    for (const suffix of ['', '_checked']) await db.run(`drop table if exists ${table}${suffix}`);
  }
}

/** Copies the file as received to <warehouse dir>/archive/<sha256>/<name>; idempotent. */
async function archive(db: Warehouse, file: string, sha256: string): Promise<string> {
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

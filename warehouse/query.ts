/**
 * Analysts' SQL (`safecampus query`): one read-only statement on a published snapshot,
 * run in a sandboxed DuckDB (no file, network or extension access; configuration
 * locked), with DuckDB's error turned into a bilingual message that says what to do.
 * The snapshot is its own file, so a pipeline run holding the warehouse does not matter.
 *
 * Every query runs under limits (docs/security.md): a time limit (the connection is
 * interrupted when it passes), DuckDB's memory limit, and a cap on what DuckDB may spill
 * to a private temp folder, removed afterwards. The result is streamed chunk by chunk to
 * whoever consumes it, so this process never holds more of it than it asks for.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { StatementType, type DuckDBDataChunk, type DuckDBResult, type DuckDBType } from '@duckdb/node-api';
import { Warehouse } from './connection.ts';
import { readLatestSnapshot } from './snapshot.ts';

/** The SQL itself is at fault, asked for something not allowed, or ran into a limit; the message says what to do. */
export class QueryError extends Error {}

export interface QueryLimits {
  /** The query (and the writing of its result) is stopped after this many seconds. */
  timeoutSeconds: number;
  /** DuckDB's memory limit, in DuckDB's notation ('1GB', '512MB'). */
  memory: string;
  /** The most DuckDB may spill to its temp folder past the memory limit ('10GB'); '0' spills nothing. */
  spill: string;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { timeoutSeconds: 60, memory: '1GB', spill: '10GB' };

export interface QueryResult {
  /** Column names, made unique the way DuckDB does (a repeated name gets ":1", ":2"…). */
  columns: string[];
  types: DuckDBType[];
  /** Runs the query and streams its chunks as DuckDB produces them; stop early and the rest is never computed. */
  chunks(): AsyncGenerator<DuckDBDataChunk>;
  /** The query as a table expression (`query('<SQL>')`), for the project's own statements around it; none for EXPLAIN. */
  relation: string | null;
  /**
   * Runs one of the project's own statements (a COPY to the writable export file, a staging
   * table) on the query's sandboxed connection, under the same limits, streaming its result.
   */
  run(statement: string): AsyncGenerator<DuckDBDataChunk>;
  /** Aborted when the time limit passes. */
  signal: AbortSignal;
}

export interface QueryOptions {
  /** The one file the query's DuckDB may write (an export's temporary file); no other file is reachable. */
  writablePath?: string;
}

export interface SnapshotChoice {
  path: string;
  /** The snapshot id from latest.json, or the file name of an explicit --snapshot. */
  label: string;
}

/** --snapshot PATH if given, else the latest snapshot published next to the warehouse. */
export function chooseSnapshot(warehousePath: string, explicit?: string): SnapshotChoice {
  if (explicit !== undefined) {
    const path = resolve(explicit);
    if (!existsSync(path)) throw new Error(`找不到快照文件 / no snapshot file at ${path}: check --snapshot, or leave it out to use the latest published snapshot`);
    return { path, label: basename(path) };
  }
  const latest = readLatestSnapshot(warehousePath);
  if (!latest) {
    throw new Error(
      '还没有发布的快照 / no published snapshot yet: run `safecampus run` (or `safecampus start` for the demo city) first; ' +
        'queries read the latest snapshot, never the warehouse itself',
    );
  }
  if (!existsSync(latest.path)) {
    throw new Error(`最新快照文件不见了 / the latest snapshot ${latest.path} is missing: run \`safecampus run\` to publish a new one`);
  }
  return { path: latest.path, label: latest.snapshot_id };
}

const ALLOWED = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

/**
 * Prepares one statement on the snapshot under `limits` and hands it to `consume` while the
 * snapshot is still open (the chunks belong to it). DuckDB's errors, also those met while
 * streaming, become QueryErrors; `consume`'s own errors pass through.
 */
export async function withQueryResult<T>(
  snapshotPath: string,
  sql: string,
  limits: QueryLimits,
  options: QueryOptions,
  consume: (result: QueryResult) => Promise<T>,
): Promise<T> {
  const spillDir = limits.spill === '0' ? '' : mkdtempSync(join(tmpdir(), 'safecampus-query-'));
  const timeout = new AbortController();
  let db: Warehouse | undefined;
  const timer = setTimeout(() => {
    timeout.abort();
    db?.connection.interrupt();
  }, limits.timeoutSeconds * 1000);
  const explain = (error: unknown) => (error instanceof QueryError ? error : timeout.signal.aborted ? timeLimitError(limits) : explainDuckDBError(error, limits));
  try {
    db = await Warehouse.open(snapshotPath, {
      readOnly: true,
      sandboxed: true,
      writablePaths: options.writablePath === undefined ? [] : [options.writablePath],
      memoryLimit: limits.memory,
      tempDirectory: spillDir,
      ...(spillDir ? { maxTempDirectorySize: limits.spill } : {}),
    });
    let result: QueryResult;
    try {
      result = await prepareOne(db, sql, timeout.signal, explain);
    } catch (error) {
      throw explain(error);
    }
    return await consume(result);
  } finally {
    clearTimeout(timer);
    db?.close();
    if (spillDir) rmSync(spillDir, { recursive: true, force: true });
  }
}

async function prepareOne(db: Warehouse, sql: string, signal: AbortSignal, explain: (error: unknown) => QueryError): Promise<QueryResult> {
  const statements = await db.connection.extractStatements(sql);
  if (statements.count !== 1) {
    throw new QueryError(
      statements.count === 0
        ? 'SQL 是空的 / the SQL is empty: give one statement, e.g. "select * from marts.unit_indicator_ranking limit 10"'
        : `一次只能执行一条语句，这里有 ${statements.count} 条 / one statement at a time, found ${statements.count}: run them one by one, or combine them with WITH … SELECT`,
    );
  }
  const prepared = await statements.prepare(0);
  if (!ALLOWED.has(prepared.statementType)) {
    // the statement's own first word (INSTALL is a LOAD statement to DuckDB)
    const kind = /^\s*([a-z]+)/i.exec(sql)?.[1]?.toUpperCase() ?? StatementType[prepared.statementType];
    throw new QueryError(
      `只能查询，不能执行 ${kind} 语句 / only queries run here, not ${kind}: ` +
        'use SELECT (or WITH, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN); the warehouse changes only through the pipeline, and results are exported with --format … --out FILE',
    );
  }
  async function* streamed(start: () => Promise<DuckDBResult>): AsyncGenerator<DuckDBDataChunk> {
    let stream: DuckDBResult;
    try {
      stream = await start();
    } catch (error) {
      throw explain(error);
    }
    for (;;) {
      // checked here too: an interrupt that comes while no DuckDB work runs stops nothing
      if (signal.aborted) throw explain(new Error('time limit'));
      let chunk: DuckDBDataChunk | null;
      try {
        chunk = await stream.fetchChunk();
      } catch (error) {
        throw explain(error);
      }
      // an interrupted stream may also just end, as if it had no more rows
      if (signal.aborted) throw explain(new Error('time limit'));
      if (!chunk || chunk.rowCount === 0) return;
      yield chunk;
    }
  }
  const types = Array.from({ length: prepared.columnCount }, (_, i) => prepared.columnType(i));
  const seen = new Map<string, number>();
  const columns = Array.from({ length: prepared.columnCount }, (_, i) => {
    const name = prepared.columnName(i);
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n > 1 ? `${name}:${n - 1}` : name;
  });
  return {
    columns,
    types,
    chunks: () => streamed(() => prepared.stream()),
    // DuckDB's query() takes SELECTs only
    relation: prepared.statementType === StatementType.SELECT ? `query('${sql.replaceAll("'", "''")}')` : null,
    run: (statement) => streamed(() => db.connection.stream(statement)),
    signal,
  };
}

function timeLimitError(limits: QueryLimits): QueryError {
  return new QueryError(
    `查询超过 ${limits.timeoutSeconds} 秒时间上限，已停止 / the query ran past its ${limits.timeoutSeconds} s time limit and was stopped: ` +
      'narrow it (a WHERE, an aggregate, a LIMIT), or allow it more time with --timeout SECONDS',
  );
}

const HINTS: [RegExp, string][] = [
  [
    /^Permission Error/,
    '查询不能读写文件、访问网络或加载扩展，只能读快照里的表 / queries cannot read or write files, reach the network or load extensions; ' +
      'they read the snapshot’s tables only. To save a result use --format csv|json|parquet|xlsx --out FILE.',
  ],
  [/read-only mode/, '快照是只读的 / the snapshot is read-only: queries cannot change it; the warehouse changes only through the pipeline.'],
  [/configuration has been locked/, '查询不能修改 DuckDB 设置 / queries cannot change DuckDB settings.'],
  [/^Parser Error/, '检查 SQL 语法；在命令行里用双引号包住整条 SQL，字符串用单引号 / check the syntax; wrap the whole SQL in double quotes on the command line and use single quotes for strings.'],
  [
    /^Catalog Error/,
    '表名要带 schema（如 core.dim_schools、marts.indicator_values）；列出全部表：safecampus query "show all tables"；说明见 docs/data-dictionary.md / ' +
      'qualify tables with their schema; list them with safecampus query "show all tables"; see docs/data-dictionary.md.',
  ],
  [
    /^Binder Error/,
    '检查列名和类型；查看表的列：safecampus query "describe core.dim_schools"；说明见 docs/data-dictionary.md / ' +
      'check column names and types: safecampus query "describe <schema.table>"; see docs/data-dictionary.md.',
  ],
];

function explainDuckDBError(error: unknown, limits: QueryLimits): QueryError {
  const message = (error instanceof Error ? error.message : String(error)).replace(/^Failed to extract statements: /, '').trim();
  if (/^Out of Memory Error/.test(message)) {
    const disk = limits.spill === '0' ? '不溢出到磁盘 / no temp space on disk' : `可溢出到磁盘 ${limits.spill} / up to ${limits.spill} of temp space on disk`;
    return new QueryError(
      `查询超出内存上限 ${limits.memory}（${disk.split(' / ')[0]}），已停止 / the query needed more than its ${limits.memory} memory limit (${disk.split(' / ')[1]}) and was stopped: ` +
        'narrow it (a WHERE, an aggregate, fewer columns), or allow more with --memory SIZE or --spill SIZE',
    );
  }
  const hint = HINTS.find(([pattern]) => pattern.test(message))?.[1] ?? '检查 SQL 和数据类型 / check the SQL and the data types it works on.';
  return new QueryError(`查询失败 / the query failed: ${message}\n提示 / hint: ${hint}`);
}

/**
 * Analysts' SQL (`safecampus query`): one read-only statement on a published snapshot,
 * run in a sandboxed DuckDB (no file, network or extension access; configuration
 * locked), with DuckDB's error turned into a bilingual message that says what to do.
 * The snapshot is its own file, so a pipeline run holding the warehouse does not matter.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { StatementType, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import { Warehouse } from './connection.ts';
import { readLatestSnapshot } from './snapshot.ts';

/** The SQL itself is at fault (or asked for something not allowed); the message says why. */
class QueryError extends Error {}

export interface QueryResult {
  /** Column names, made unique the way DuckDB does (a repeated name gets ":1", ":2"…). */
  columns: string[];
  types: DuckDBType[];
  chunks: DuckDBDataChunk[];
  rowCount: number;
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
 * Runs one statement on the snapshot and hands the whole result to `consume` while the
 * snapshot is still open (the chunks belong to it).
 */
export async function withQueryResult<T>(snapshotPath: string, sql: string, consume: (result: QueryResult) => Promise<T>): Promise<T> {
  const db = await Warehouse.open(snapshotPath, { readOnly: true, sandboxed: true });
  try {
    let result: QueryResult;
    try {
      result = await runOne(db, sql);
    } catch (error) {
      throw error instanceof QueryError ? error : explainDuckDBError(error);
    }
    return await consume(result);
  } finally {
    db.close();
  }
}

async function runOne(db: Warehouse, sql: string): Promise<QueryResult> {
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
  const stream = await prepared.stream();
  const chunks: DuckDBDataChunk[] = [];
  let rowCount = 0;
  for (let chunk = await stream.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await stream.fetchChunk()) {
    chunks.push(chunk);
    rowCount += chunk.rowCount;
  }
  return { columns: stream.deduplicatedColumnNames(), types: stream.columnTypes(), chunks, rowCount };
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

function explainDuckDBError(error: unknown): QueryError {
  const message = (error instanceof Error ? error.message : String(error)).replace(/^Failed to extract statements: /, '').trim();
  const hint = HINTS.find(([pattern]) => pattern.test(message))?.[1] ?? '检查 SQL 和数据类型 / check the SQL and the data types it works on.';
  return new QueryError(`查询失败 / the query failed: ${message}\n提示 / hint: ${hint}`);
}

/**
 * The one way the project talks to DuckDB: open a warehouse (or snapshot) file — attached to
 * an in-memory DuckDB under the fixed catalog name CATALOG, so the file may be called
 * anything — run SQL, read rows as plain JS objects. BIGINT/HUGEINT come back as numbers when they fit, and
 * DuckDB's date/time/decimal values as their text form, so rows serialise to JSON as-is.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance, ResultReturnType, type DuckDBValue } from '@duckdb/node-api';

/**
 * The catalog name a warehouse or snapshot file is attached under, whatever the file is called.
 * Opened directly, DuckDB names the catalog after the file, and a file called raw.duckdb,
 * core.duckdb or staging.duckdb then makes `raw.schools` ambiguous between catalog and schema.
 */
export const CATALOG = 'safecampus';

const sqlLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

export type Row = Record<string, unknown>;
export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

/** A statement's outcome: the rows of a query, or how many rows an INSERT/UPDATE/DELETE changed. */
export interface QueryOutcome<T extends Row = Row> {
  rows: T[];
  rowsChanged?: number;
}

export interface OpenOptions {
  readOnly?: boolean;
  /**
   * For SQL written by people rather than by the project (`safecampus query`): no file,
   * network or extension access from SQL (enable_external_access=false) and the
   * configuration locked, so no statement can switch that back on.
   */
  sandboxed?: boolean;
  /** The only files a sandboxed DuckDB may reach from SQL (an export's temporary file). */
  writablePaths?: string[];
  /** DuckDB's memory limit (e.g. '1GB'); past it DuckDB spills to `tempDirectory`, or fails without one. */
  memoryLimit?: string;
  /** Where DuckDB may spill (its own files, not SQL's: the sandbox allows it); '' for nowhere. */
  tempDirectory?: string;
  /** The most DuckDB may spill (e.g. '10GB'). */
  maxTempDirectorySize?: string;
}

export class Warehouse {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(path: string, options: OpenOptions = {}): Promise<Warehouse> {
    if (!options.readOnly) mkdirSync(dirname(path), { recursive: true });
    const threads = threadsFromEnvironment();
    let instance: DuckDBInstance;
    let connection: DuckDBConnection;
    try {
      // in this order: DuckDB refuses to set a temp directory once external access is off
      instance = await DuckDBInstance.create(':memory:', {
        ...(options.memoryLimit !== undefined ? { memory_limit: options.memoryLimit } : {}),
        // where DuckDB spills when the file is opened directly: beside it
        temp_directory: options.tempDirectory ?? `${path}.tmp`,
        ...(options.maxTempDirectorySize !== undefined ? { max_temp_directory_size: options.maxTempDirectorySize } : {}),
        ...threads,
      });
      connection = await instance.connect();
      await connection.run(`attach ${sqlLiteral(path)} as ${CATALOG}${options.readOnly ? ' (read_only)' : ''}`);
      await connection.run(`use ${CATALOG}`);
    } catch (error) {
      throw new Error(explainOpenError(path, error));
    }
    await connection.run("set TimeZone = 'Asia/Shanghai'");
    if (options.sandboxed) {
      // allowed paths can only be set while external access is on, and are kept once it is off
      const writable = options.writablePaths ?? [];
      if (writable.length) await connection.run(`set allowed_paths = [${writable.map(sqlLiteral).join(', ')}]`);
      await connection.run('set enable_external_access = false');
      // after the time zone: ICU cannot be set up once the configuration is locked
      await connection.run('set lock_configuration = true');
    }
    return new Warehouse(path, instance, connection);
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.connection.run(sql, params);
  }

  async query<T extends Row = Row>(sql: string, params?: Params): Promise<QueryOutcome<T>> {
    const reader = await this.connection.runAndReadAll(sql, params);
    if (reader.returnType === ResultReturnType.CHANGED_ROWS) return { rows: [], rowsChanged: reader.rowsChanged };
    return { rows: reader.getRowObjects().map((row) => plainRow(row) as T) };
  }

  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    return (await this.query<T>(sql, params)).rows;
  }

  async one<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async value<T = unknown>(sql: string, params?: Params): Promise<T> {
    const row = await this.one(sql, params);
    return (row ? Object.values(row)[0] : undefined) as T;
  }

  /** Runs `work` in one transaction: everything or nothing lands. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run('begin transaction');
    try {
      const result = await work();
      await this.run('commit');
      return result;
    } catch (error) {
      await this.run('rollback').catch(() => undefined);
      throw error;
    }
  }

  async tableExists(schema: string, table: string): Promise<boolean> {
    const n = await this.value<number>(
      'select count(*) from information_schema.tables where table_schema = $1 and table_name = $2',
      [schema, table],
    );
    return n > 0;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * DuckDB's worker threads: SAFECAMPUS_DUCKDB_THREADS where set, else one per core. The test
 * suite sets 1: it runs two files at a time on two cores, and on its small warehouses more
 * threads only cost a quarter more CPU.
 */
function threadsFromEnvironment(): { threads?: string } {
  const threads = process.env.SAFECAMPUS_DUCKDB_THREADS;
  if (threads === undefined || threads === '') return {};
  if (!/^[1-9]\d*$/.test(threads)) throw new Error(`SAFECAMPUS_DUCKDB_THREADS must be a positive whole number, got "${threads}"`);
  return { threads };
}

function plainRow(row: Record<string, DuckDBValue>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) out[key] = plainValue(value);
  return out;
}

/** A DuckDB value as plain JSON-able JS: numbers where they fit, DuckDB's text form for dates and times. */
export function plainValue(value: DuckDBValue): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') {
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
    }
    return value;
  }
  if (value instanceof Uint8Array) return value;
  if ('items' in value && Array.isArray(value.items)) return value.items.map(plainValue);
  if ('entries' in value && typeof value.entries === 'object' && value.entries !== null && !Array.isArray(value.entries)) {
    return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, plainValue(v as DuckDBValue)]));
  }
  if ('toDouble' in value && typeof value.toDouble === 'function') return value.toDouble();
  return String(value);
}

function explainOpenError(path: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/lock/i.test(message)) {
    return `the warehouse ${path} is in use by another process (DuckDB allows one writer). Wait for the running pipeline to finish, or read the latest snapshot instead (safecampus query). Detail: ${message}`;
  }
  if (/No such file|does not exist|Cannot open/i.test(message)) {
    return `cannot open the warehouse ${path}: run \`safecampus init\` first, or pass --db PATH. Detail: ${message}`;
  }
  return `cannot open the warehouse ${path}: ${message}`;
}

// Shared plumbing for the dashboard data loaders (src/data/*.json.ts).
//
// A loader is run by Observable Framework as a separate process (`node --import tsx`,
// cwd = dashboards/). It reads the published snapshot named by SAFECAMPUS_SNAPSHOT,
// read-only, writes exactly one JSON document to stdout and logs to stderr.
// SAFECAMPUS_UNIT, when set, scopes the build to one unit: loaders must then emit no
// school-level row of any other unit (DOMAIN.md §6). Unit-level aggregates of other
// units (the ranking) are not school-level data and stay visible.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

export interface ScopeUnit {
  unit_code: string;
  unit_name: string;
}

export interface Snapshot {
  /** Absolute path of the snapshot file. */
  path: string;
  /** The unit this build is scoped to, or null for the whole city. */
  scope: ScopeUnit | null;
  /** Runs a query and returns plain JSON-safe rows (BIGINT/DECIMAL → number, timestamps → 'YYYY-MM-DD HH:MM:SS' Shanghai wall time). */
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, DuckDBValue>): Promise<T[]>;
  close(): void;
}

export class LoaderError extends Error {}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new LoaderError(`integer ${value} does not fit a JavaScript number`);
    return n;
  }
  // DuckDB TIMESTAMPs are zone-less Asia/Shanghai wall time; the Date's UTC fields hold it.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 19).replace('T', ' ');
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

async function tableExists(connection: DuckDBConnection, schema: string, table: string): Promise<boolean> {
  const reader = await connection.runAndReadAll(
    'select count(*)::integer as n from information_schema.tables where table_schema = $schema and table_name = $table',
    { schema, table },
  );
  return Number(reader.getRowObjectsJS()[0]?.n ?? 0) > 0;
}

/** Opens the snapshot named by SAFECAMPUS_SNAPSHOT read-only and resolves SAFECAMPUS_UNIT. */
export async function openSnapshot(requiredTables: string[] = []): Promise<Snapshot> {
  const raw = process.env.SAFECAMPUS_SNAPSHOT;
  if (!raw) {
    throw new LoaderError(
      'SAFECAMPUS_SNAPSHOT is not set: point it at a published snapshot (.duckdb file), ' +
        'e.g. run `safecampus dashboards build`, which sets it for you.',
    );
  }
  const path = isAbsolute(raw) ? raw : resolve(raw);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new LoaderError(`SAFECAMPUS_SNAPSHOT=${raw}: no such snapshot file (${path}).`);
  }
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const close = () => {
    connection.closeSync();
    instance.closeSync();
  };
  try {
    for (const name of ['ref.units', ...requiredTables]) {
      const [schema, table] = name.split('.');
      if (!(await tableExists(connection, schema!, table!))) {
        throw new LoaderError(`snapshot ${path} has no table ${name}: is it a safecampus snapshot of the right version?`);
      }
    }
    const query = async <T>(sql: string, params?: Record<string, DuckDBValue>): Promise<T[]> => {
      const reader = await connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJS().map((row) => toJsonValue(row) as T);
    };
    let scope: ScopeUnit | null = null;
    const unit = process.env.SAFECAMPUS_UNIT?.trim();
    if (unit) {
      const rows = await query<ScopeUnit>(
        'select unit_code, unit_name from ref.units where unit_code = $unit',
        { unit },
      );
      if (rows.length === 0) {
        const known = await query<{ unit_code: string }>('select unit_code from ref.units order by unit_code');
        throw new LoaderError(
          `SAFECAMPUS_UNIT=${unit} is not a unit of this snapshot; known units: ${known.map((r) => r.unit_code).join(', ')}.`,
        );
      }
      scope = rows[0]!;
    }
    return { path, scope, query, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** The time of the latest successful pipeline run, if the snapshot records one. */
export async function publishedAt(snapshot: Snapshot): Promise<string | null> {
  const exists = await snapshot.query<{ n: number }>(
    "select count(*)::integer as n from information_schema.tables where table_schema = 'audit' and table_name = 'runs'",
  );
  if (!exists[0]?.n) return null;
  const rows = await snapshot.query<{ at: string | null }>(`
    select max(finished_at) as at from audit.runs
    where finished_at is not null
      and lower(coalesce(status, '')) not in ('failed', 'failure', 'error', 'running', 'cancelled', 'canceled', 'terminated', 'timed_out')
  `);
  return rows[0]?.at ?? null;
}

/**
 * Runs a loader body: opens the snapshot, writes the body's result as JSON to stdout,
 * and turns any failure into a one-line message on stderr and exit code 1.
 */
export async function runLoader(
  name: string,
  body: (snapshot: Snapshot) => Promise<unknown>,
  requiredTables: string[] = [],
): Promise<void> {
  const started = performance.now();
  let snapshot: Snapshot | undefined;
  try {
    snapshot = await openSnapshot(requiredTables);
    log(`[${name}] snapshot ${snapshot.path}${snapshot.scope ? ` scoped to ${snapshot.scope.unit_code} ${snapshot.scope.unit_name}` : ''}`);
    const result = await body(snapshot);
    const text = JSON.stringify(result);
    await new Promise<void>((done, fail) => process.stdout.write(text, (error) => (error ? fail(error) : done())));
    log(`[${name}] wrote ${text.length} characters in ${Math.round(performance.now() - started)} ms`);
  } catch (error) {
    const message = error instanceof LoaderError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`[${name}] error: ${message}`);
    process.exitCode = 1;
  } finally {
    snapshot?.close();
  }
}

// Shared plumbing for the dashboard data loaders (src/data/*.json.ts).
//
// A loader is run by Observable Framework as a separate process (`node --import tsx`,
// cwd = dashboards/). It reads the published snapshot named by SAFECAMPUS_SNAPSHOT,
// read-only, writes exactly one JSON document to stdout and logs to stderr.
//
// Loaders never see the snapshot file itself: it is attached read-only to an in-memory
// DuckDB and every table is exposed under its own name as a view (lib/scope.ts), which
// redacts row contents and, when SAFECAMPUS_UNIT is set, leaves out every other unit's
// school-level rows (DOMAIN.md §6). A loader written for the city-wide site is therefore
// unit-scoped for free; unit-level aggregates of other units (the ranking) stay visible.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sql, type Kysely } from 'kysely';
import type { Params, Row } from '../../warehouse/connection.ts';
import { typedWarehouse } from '../../warehouse/kysely.ts';
import type { Database } from '../../warehouse/schema.generated.ts';
import { SCHOOL_REGISTRIES, isUnitCode, quoteIdent, viewSql, type TableInfo } from './scope.ts';

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
  query<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]>;
  /** Whether the snapshot has the table `schema.table`. */
  has(table: string): boolean;
  close(): void;
}

export interface OpenSnapshotOptions {
  path: string;
  /** A unit code: scope every view to that unit's schools. */
  unit?: string | null;
  /** Tables (`schema.table`) the caller needs; a snapshot without one is refused. */
  requiredTables?: string[];
}

export class LoaderError extends Error {}

/** The attached snapshot, unfiltered: only this module reads it directly. */
const CATALOG = 'snapshot_unscoped';
const SCOPE_SCHOOLS = 'safecampus_scope.schools';

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * A value of a query's result as JSON can carry it. Arrays and objects are the result's own, made
 * fresh for each row, so they are converted in place (key order kept): a row is not copied.
 */
function toJsonValue(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint': {
      const n = Number(value);
      if (!Number.isSafeInteger(n)) throw new LoaderError(`integer ${value} does not fit a JavaScript number`);
      return n;
    }
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object': {
      if (value === null) return null;
      // DuckDB TIMESTAMPs are zone-less Asia/Shanghai wall time; the Date's UTC fields hold it.
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 19).replace('T', ' ');
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) value[i] = toJsonValue(value[i]);
        return value;
      }
      const fields = value as Record<string, unknown>;
      for (const key in fields) fields[key] = toJsonValue(fields[key]);
      return value;
    }
    default:
      return value;
  }
}

/**
 * Opens a snapshot read-only behind the view layer of lib/scope.ts. With `unit`, every
 * view is scoped to that unit's schools; an unknown unit, or a snapshot without a school
 * registry to scope by, is refused with a message saying what to do.
 */
export async function openSnapshot({ path: given, unit = null, requiredTables = [] }: OpenSnapshotOptions): Promise<Snapshot> {
  const path = isAbsolute(given) ? given : resolve(given);
  if (!existsSync(path) || !statSync(path).isFile()) throw new LoaderError(`no such snapshot file: ${path}.`);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const close = () => {
    connection.closeSync();
    instance.closeSync();
  };
  const query = async <T>(sql: string, params?: Params): Promise<T[]> => {
    const reader = await connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map((row) => toJsonValue(row) as T);
  };
  try {
    await connection.run(`attach '${path.replaceAll("'", "''")}' as ${CATALOG} (read_only)`);
    const columns = await query<{ schema_name: string; table_name: string; column_name: string; data_type: string }>(
      `select schema_name, table_name, column_name, data_type from duckdb_columns()
       where database_name = '${CATALOG}' and not internal order by schema_name, table_name, column_index`,
    );
    const tables = new Map<string, TableInfo>();
    for (const c of columns) {
      const key = `${c.schema_name}.${c.table_name}`;
      if (!tables.has(key)) tables.set(key, { schema: c.schema_name, table: c.table_name, columns: [] });
      tables.get(key)!.columns.push({ name: c.column_name, type: c.data_type });
    }
    for (const name of ['ref.units', ...requiredTables]) {
      if (!tables.has(name)) throw new LoaderError(`snapshot ${path} has no table ${name}: is it a safecampus snapshot of the right version?`);
    }

    let scope: ScopeUnit | null = null;
    const code = unit?.trim() || null;
    if (code !== null) {
      const units = await query<ScopeUnit>(`select unit_code, unit_name from ${CATALOG}.ref.units order by unit_code`);
      scope = units.find((u) => u.unit_code === code) ?? null;
      if (!isUnitCode(code) || !scope) {
        throw new LoaderError(`SAFECAMPUS_UNIT=${code} is not a unit of this snapshot; known units: ${units.map((u) => u.unit_code).join(', ')}.`);
      }
      const registry = SCHOOL_REGISTRIES.find((name) => tables.has(name));
      if (!registry) throw new LoaderError(`snapshot ${path} has no school registry (${SCHOOL_REGISTRIES.join(' or ')}) to scope it to unit ${code}.`);
      await connection.run(`create schema safecampus_scope`);
      await connection.run(
        `create table ${SCOPE_SCHOOLS} as select distinct school_code from ${CATALOG}.${registry} where unit_code = $unit and school_code is not null`,
        { unit: code },
      );
    }
    const schemas = new Set([...tables.values()].map((t) => t.schema));
    for (const schema of schemas) await connection.run(`create schema if not exists ${quoteIdent(schema)}`);
    for (const table of tables.values()) {
      await connection.run(viewSql(table, { catalog: CATALOG, unit: scope?.unit_code ?? null, scopeSchools: SCOPE_SCHOOLS }));
    }
    return { path, scope, query, has: (name) => tables.has(name), close };
  } catch (error) {
    close();
    throw error;
  }
}

/** The snapshot's units (ref.units), code and name, in code order. */
export async function snapshotUnits(path: string): Promise<ScopeUnit[]> {
  const snapshot = await openSnapshot({ path });
  try {
    return await typedSnapshot(snapshot).selectFrom('ref.units').select(['unit_code', 'unit_name']).orderBy('unit_code').execute();
  } finally {
    snapshot.close();
  }
}

/**
 * The schools a unit-scoped build must not mention: every code and name the registry
 * gives to a school that was never in `unit`. Used to check a scoped build's output.
 */
export async function foreignSchools(path: string, unit: string): Promise<{ codes: string[]; names: string[]; ownNames: string[] }> {
  const snapshot = await openSnapshot({ path });
  try {
    const registry = SCHOOL_REGISTRIES.find((name) => snapshot.has(name));
    if (!registry) return { codes: [], names: [], ownNames: [] };
    const rows = await snapshot.query<{ school_code: string; school_name: string; own: boolean }>(
      `select distinct school_code, school_name,
              school_code in (select school_code from ${registry} where unit_code = $unit) as own
       from ${registry} where school_code is not null`,
      { unit },
    );
    const distinct = (values: string[]) => [...new Set(values.filter(Boolean))].sort();
    return {
      codes: distinct(rows.filter((r) => !r.own).map((r) => r.school_code)),
      names: distinct(rows.filter((r) => !r.own).map((r) => r.school_name)),
      ownNames: distinct(rows.filter((r) => r.own).map((r) => r.school_name)),
    };
  } finally {
    snapshot.close();
  }
}

/**
 * The snapshot as a Kysely typed with the warehouse's generated tables (warehouse/kysely.ts):
 * queries run through `snapshot.query`, so they read the scoped views and get the same
 * JSON-safe values as every other loader query.
 */
export function typedSnapshot(snapshot: Snapshot): Kysely<Database> {
  return typedWarehouse({
    query: async <T extends Row = Row>(sql: string, params?: Params) => ({ rows: await snapshot.query<T>(sql, params) }),
    run: async (sql: string) => {
      await snapshot.query(sql);
    },
  });
}

/** Opens the snapshot named by SAFECAMPUS_SNAPSHOT, scoped by SAFECAMPUS_UNIT (see buildSite). */
export async function openLoaderSnapshot(requiredTables: string[] = []): Promise<Snapshot> {
  const raw = process.env.SAFECAMPUS_SNAPSHOT;
  if (!raw) {
    throw new LoaderError(
      'SAFECAMPUS_SNAPSHOT is not set: point it at a published snapshot (.duckdb file), ' +
        'e.g. run `safecampus dashboards build`, which sets it for you.',
    );
  }
  return openSnapshot({ path: raw, unit: process.env.SAFECAMPUS_UNIT, requiredTables }).catch((error) => {
    if (error instanceof LoaderError && error.message.startsWith('no such snapshot')) {
      throw new LoaderError(`SAFECAMPUS_SNAPSHOT=${raw}: ${error.message}`);
    }
    throw error;
  });
}

/** The time of the latest successful pipeline run, if the snapshot records one. */
export async function publishedAt(snapshot: Snapshot): Promise<string | null> {
  if (!snapshot.has('audit.runs')) return null;
  const row = await typedSnapshot(snapshot)
    .selectFrom('audit.runs')
    .select((eb) => eb.fn.max('finished_at').as('at'))
    .where('finished_at', 'is not', null)
    .where((eb) =>
      sql<boolean>`lower(coalesce(${eb.ref('status')}, '')) not in ('failed', 'failure', 'error', 'running', 'cancelled', 'canceled', 'terminated', 'timed_out')`,
    )
    .executeTakeFirst();
  return row?.at ?? null;
}

/**
 * Typed access to the warehouse through Kysely: a small dialect that runs every query on a
 * `Warehouse` (so rows come back converted exactly as `Warehouse.all` converts them) and
 * the generated table types of `schema.generated.ts`.
 *
 *   const q = typedWarehouse(db);
 *   const rows = await q.selectFrom('marts.indicator_values').select(['school_code', 'value'])
 *     .where('period', '=', '2025').execute();
 *
 * DuckDB speaks the Postgres flavour Kysely already compiles (double-quoted identifiers,
 * `$1` parameters, RETURNING), so the compiler and adapter are Kysely's Postgres ones; the
 * driver and the introspector (information_schema) are DuckDB's own. The maintained
 * `kysely-duckdb` package opens its own connections from a DuckDBInstance; ours shares the
 * Warehouse's one connection, its session settings (Asia/Shanghai), its value conversion
 * and its transactions, and needs no extra dependency.
 */
import {
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  Kysely,
  PostgresAdapter,
  PostgresQueryCompiler,
  sql,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Dialect,
  type Driver,
  type QueryResult,
  type SchemaMetadata,
  type TableMetadata,
  type TransactionSettings,
} from 'kysely';
import type { DuckDBValue } from '@duckdb/node-api';
import type { Warehouse } from './connection.ts';
import type { Database } from './schema.generated.ts';

/**
 * A reader's row type: the columns `Column` of a generated table type, those in `KnownNotNull`
 * without `| null` (a column every row of the query has, though the model declares no
 * `not_null` test). Pair it with `.$narrowType<{ column: NotNull }>()` on the query, so a
 * renamed or dropped column fails to compile in the type and the query alike.
 */
export type ColumnsOf<Table, Column extends keyof Table, KnownNotNull extends Column = never> = {
  [C in Column]: C extends KnownNotNull ? NonNullable<Table[C]> : Table[C];
};

/**
 * What the dialect runs statements on: a Warehouse, or anything that queries the same tables
 * like one (the dashboards' scoped view of a published snapshot, which has the warehouse's schemas).
 */
export type StatementRunner = Pick<Warehouse, 'query' | 'run'>;

/** A Kysely over an open warehouse, typed with the generated tables. Closing stays with the Warehouse's owner. */
export function typedWarehouse(db: StatementRunner): Kysely<Database> {
  return new Kysely<Database>({ dialect: new WarehouseDialect(db) });
}

export class WarehouseDialect implements Dialect {
  constructor(private readonly warehouse: StatementRunner) {}

  createDriver(): Driver {
    return new WarehouseDriver(this.warehouse);
  }

  createQueryCompiler(): PostgresQueryCompiler {
    return new PostgresQueryCompiler();
  }

  createAdapter(): PostgresAdapter {
    return new WarehouseAdapter();
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new WarehouseIntrospector(db);
  }
}

/**
 * One DuckDB connection serves every query, so Kysely gets it one holder at a time: a
 * transaction's statements are never interleaved with another query's.
 */
class WarehouseDriver implements Driver {
  private readonly connection: WarehouseConnection;
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  constructor(warehouse: StatementRunner) {
    this.connection = new WarehouseConnection(warehouse);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise((resolve) => (release = resolve));
    await previous;
    this.release = release;
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    this.release?.();
  }

  async beginTransaction(_connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.isolationLevel || settings.accessMode) {
      throw new Error(
        `DuckDB transactions take no isolation level or access mode (got ${settings.isolationLevel ?? settings.accessMode}): drop setIsolationLevel()/setAccessMode(), or open the warehouse read-only instead`,
      );
    }
    await this.connection.run('begin transaction');
  }

  async commitTransaction(): Promise<void> {
    await this.connection.run('commit');
  }

  async rollbackTransaction(): Promise<void> {
    await this.connection.run('rollback');
  }

  /** The Warehouse belongs to whoever opened it; destroying the Kysely leaves it open. */
  async destroy(): Promise<void> {}
}

class WarehouseConnection implements DatabaseConnection {
  constructor(private readonly warehouse: StatementRunner) {}

  async run(statement: string): Promise<void> {
    await this.warehouse.run(statement);
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { rows, rowsChanged } = await this.warehouse.query(query.sql, query.parameters.map(parameter));
    return rowsChanged === undefined ? { rows: rows as R[] } : { rows: [], numAffectedRows: BigInt(rowsChanged) };
  }

  streamQuery(): never {
    throw new Error('the warehouse dialect does not stream: use .execute() (a DuckDB result is read whole, as Warehouse.all does)');
  }
}

/** Parameters bind as DuckDB values; dates and timestamps go in as the text the warehouse returns. */
function parameter(value: unknown, index: number): DuckDBValue {
  if (value === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof value)) return value as DuckDBValue;
  const kind = value instanceof Date ? 'a Date' : typeof value;
  throw new Error(
    `query parameter $${index + 1} is ${kind}; the warehouse dialect binds text, numbers, booleans and null only — pass dates and timestamps as text ('2025-09-01', '2025-09-01 08:30:00', Asia/Shanghai wall time)`,
  );
}

class WarehouseAdapter extends PostgresAdapter {
  override async acquireMigrationLock(): Promise<void> {
    throw new Error("the warehouse is migrated by warehouse/migrate.ts (`safecampus init`), not by Kysely's Migrator");
  }
}

interface ColumnRow {
  table_schema: string;
  table_name: string;
  table_type: string;
  column_name: string;
  data_type: string;
  is_nullable: string;
  column_default: string | null;
}

/** Schemas, tables and columns from DuckDB's information_schema, in schema, table, column order. */
class WarehouseIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<SchemaMetadata>`
      select schema_name as name from information_schema.schemata
      where catalog_name = current_database() and schema_name not in ('information_schema', 'pg_catalog')
      order by schema_name`.execute(this.db);
    return rows;
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select c.table_schema, c.table_name, t.table_type, c.column_name, c.data_type, c.is_nullable, c.column_default
      from information_schema.columns as c
      join information_schema.tables as t using (table_catalog, table_schema, table_name)
      where c.table_catalog = current_database() and c.table_schema not in ('information_schema', 'pg_catalog')
      order by c.table_schema, c.table_name, c.ordinal_position`.execute(this.db);
    const internal = [DEFAULT_MIGRATION_TABLE, DEFAULT_MIGRATION_LOCK_TABLE];
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
    for (const row of rows) {
      if (!options.withInternalKyselyTables && internal.includes(row.table_name)) continue;
      const key = `${row.table_schema}.${row.table_name}`;
      if (!tables.has(key)) tables.set(key, { schema: row.table_schema, name: row.table_name, isView: row.table_type === 'VIEW', columns: [] });
      tables.get(key)!.columns.push({
        name: row.column_name,
        dataType: row.data_type,
        isNullable: row.is_nullable === 'YES',
        hasDefaultValue: row.column_default !== null,
        isAutoIncrementing: false,
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

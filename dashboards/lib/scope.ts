// The read layer between a snapshot and the site's data loaders: one view per snapshot
// table, so every loader — today's and every future page's — reads through the same rules.
//
// 1. Redaction (every build): columns that hold rows as they were received or sampled
//    (`audit.rejects.raw`, its `message`, which quotes the offending cell, and
//    `audit.data_tests.sample`) read as NULL. They can quote any cell of any school,
//    masked PII included; reason codes and counts are what the site shows.
// 2. Unit scope (`--unit CODE`, DOMAIN.md §6): a school-level row — one with a school code
//    in any `school_code` / `*_school_code` column — is kept only when every such code is
//    one of the unit's schools; unit-level rows (all school codes null) stay, since unit
//    aggregates of other units (rankings) are not school-level data. A table that names
//    schools without a code column keeps only rows with no school name. Free text written
//    by people (notes, hazard descriptions, handlers) is blanked on other units' rows.
//
// "The unit's schools" are the schools the registry has ever placed in the unit
// (core.dim_schools, or staging.stg_schools in a snapshot without core): a school that
// moved in brings its history; a school that never belonged to the unit never shows.

export interface ColumnInfo {
  name: string;
  /** DuckDB type as duckdb_columns() spells it, e.g. VARCHAR, DECIMAL(18,3). */
  type: string;
}

export interface TableInfo {
  schema: string;
  table: string;
  columns: ColumnInfo[];
}

/** Columns the site never reads, by `schema.table`. */
export const REDACTED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  'audit.rejects': ['raw', 'message'],
  'audit.data_tests': ['sample'],
};

/** Free text written by people: blanked on other units' rows of a unit-scoped build. */
export const FREE_TEXT_COLUMNS: ReadonlySet<string> = new Set(['note', 'hazard_text', 'inspector', 'handler', 'detail', 'message']);

/** The registries that say which unit a school belongs to, in order of preference. */
export const SCHOOL_REGISTRIES = ['core.dim_schools', 'staging.stg_schools'] as const;

const SCHOOL_CODE_COLUMN = /^(?:.+_)?school_code$/;

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function isUnitCode(text: string): boolean {
  return /^\d{6}$/.test(text);
}

/** The columns of `table` that identify a school by code. */
export function schoolCodeColumns(table: TableInfo): string[] {
  return table.columns.map((c) => c.name).filter((name) => SCHOOL_CODE_COLUMN.test(name));
}

export interface ViewOptions {
  /** The attached snapshot's catalog name. */
  catalog: string;
  /** The unit code of a scoped build, or null. */
  unit: string | null;
  /** A table with one column `school_code`: the unit's schools (scoped builds only). */
  scopeSchools: string;
}

/** `create view schema.table as …` reading the snapshot's table through the rules above. */
export function viewSql(table: TableInfo, { catalog, unit, scopeSchools }: ViewOptions): string {
  if (unit !== null && !isUnitCode(unit)) throw new Error(`unit must be a six-digit unit code, got ${JSON.stringify(unit)}`);
  const redacted = new Set(REDACTED_COLUMNS[`${table.schema}.${table.table}`] ?? []);
  const hasUnit = table.columns.some((c) => c.name === 'unit_code');
  const projection = table.columns.map(({ name, type }) => {
    const column = quoteIdent(name);
    if (redacted.has(name)) return `cast(null as ${type}) as ${column}`;
    if (unit !== null && hasUnit && FREE_TEXT_COLUMNS.has(name)) return `case when unit_code = '${unit}' then ${column} end as ${column}`;
    return column;
  });
  const conditions: string[] = [];
  if (unit !== null) {
    const codes = schoolCodeColumns(table);
    for (const code of codes) conditions.push(`(${quoteIdent(code)} is null or ${quoteIdent(code)} in (select school_code from ${scopeSchools}))`);
    if (codes.length === 0 && table.columns.some((c) => c.name === 'school_name')) conditions.push('school_name is null');
  }
  const source = `${quoteIdent(catalog)}.${quoteIdent(table.schema)}.${quoteIdent(table.table)}`;
  return (
    `create view ${quoteIdent(table.schema)}.${quoteIdent(table.table)} as select ${projection.join(', ')} from ${source}` +
    (conditions.length ? ` where ${conditions.join(' and ')}` : '')
  );
}

/**
 * A model is one table the transform builds: a select (dbt-style, ending in
 * `select * from final`), the grain it states, and the data tests it must pass.
 * SQL-file models declare their header like this:
 *
 *   -- grain: one row per hazard
 *   -- unique: hazard_id                 (one line per key; a key may list several columns)
 *   -- not_null: hazard_id, school_code
 *   -- accepted_values: hazard_level = 一般 | 较大 | 重大
 *   -- relationships: school_code -> core.dim_schools.school_code
 *   -- expect: <SQL condition every row must meet>   (an invariant)
 */
export interface DataTest {
  name: string;
  /** Counts the offending rows; samples come from the same query. */
  failingRowsSql: string;
  severity: 'error' | 'warn';
}

export interface Model {
  /** schema.name */
  id: string;
  schema: 'staging' | 'core' | 'marts';
  name: string;
  grain: string;
  sql: string;
  tests: DataTest[];
}

export function testsFromHeader(id: string, header: Map<string, string[]>): DataTest[] {
  const tests: DataTest[] = [];
  for (const key of header.get('unique') ?? []) {
    tests.push({
      name: `unique(${key})`,
      failingRowsSql: `select ${key}, count(*) as n from ${id} group by all having count(*) > 1`,
      severity: 'error',
    });
  }
  for (const line of header.get('not_null') ?? []) {
    for (const column of line.split(',').map((c) => c.trim())) {
      tests.push({ name: `not_null(${column})`, failingRowsSql: `select * from ${id} where ${column} is null`, severity: 'error' });
    }
  }
  for (const line of header.get('accepted_values') ?? []) {
    const [column, list] = line.split('=').map((p) => p.trim());
    const values = list.split('|').map((v) => `'${v.trim().replaceAll("'", "''")}'`);
    tests.push({
      name: `accepted_values(${column})`,
      failingRowsSql: `select * from ${id} where ${column} is not null and ${column} not in (${values.join(', ')})`,
      severity: 'error',
    });
  }
  for (const line of header.get('relationships') ?? []) {
    const [column, target] = line.split('->').map((p) => p.trim());
    const [targetTable, targetColumn] = [target.slice(0, target.lastIndexOf('.')), target.slice(target.lastIndexOf('.') + 1)];
    tests.push({
      name: `relationships(${column} -> ${target})`,
      failingRowsSql: `select * from ${id} where ${column} is not null and ${column} not in (select ${targetColumn} from ${targetTable})`,
      severity: 'error',
    });
  }
  for (const condition of header.get('expect') ?? []) {
    tests.push({ name: `expect(${condition})`, failingRowsSql: `select * from ${id} where not coalesce(${condition}, false)`, severity: 'error' });
  }
  for (const condition of header.get('warn_expect') ?? []) {
    tests.push({ name: `expect(${condition})`, failingRowsSql: `select * from ${id} where not coalesce(${condition}, false)`, severity: 'warn' });
  }
  return tests;
}

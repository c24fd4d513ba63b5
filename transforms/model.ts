/**
 * A model is one table the transform builds: a select (dbt-style, ending in
 * `select * from final`), the grain it states, and the data tests it must pass.
 * SQL-file models declare their header like this:
 *
 *   -- grain: one row per hazard
 *   -- grain_zh: 每个隐患一行                (the grain in Chinese, for the data dictionary's readers)
 *   -- unique: hazard_id                 (one line per key; a key may list several columns)
 *   -- not_null: hazard_id, school_code
 *   -- accepted_values: hazard_level = 一般 | 较大 | 重大
 *   -- relationships: school_code -> core.dim_schools.school_code
 *   -- expect: <SQL condition every row must meet>   (an invariant)
 *   -- incremental: period_id             (rows are per period: an incremental transform rebuilds only
 *                                           core.int_build_periods' periods and keeps the others)
 *   -- title: 隐患 | hazards                  (the table's name in Chinese and English)
 *   -- column: hazard_id | 隐患编号 | hazard id: inspection id and item code
 *                                           (one line per column: name | 中文说明 | English description)
 *
 * The grain_zh, title and column lines feed the data dictionary (docs/data-dictionary.md,
 * `safecampus dictionary`).
 */
export interface DataTest {
  name: string;
  /** Counts the offending rows; samples come from the same query. */
  failingRowsSql: string;
  /**
   * For a test that judges each row on its own: what makes a row offend. The runner counts all of
   * a model's such tests in one scan of it instead of one scan each.
   */
  failingRowCondition?: string;
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
  /** SQL-file models only: their `-- grain_zh:`, `-- title:` and `-- column:` lines. */
  docs?: ModelDocs;
  /**
   * The period column of a model rebuilt period by period (`-- incremental:`); absent: rebuilt whole.
   * On a view over such models: its data tests read only the periods rebuilt.
   */
  incrementalBy?: string;
  /**
   * `-- materialized: view`: the model is a view, computed where it is read. For a wide model that
   * only adds descriptive columns to a narrow table: writing them into every row cost more than
   * joining them where read.
   */
  isView?: boolean;
  /**
   * `-- materialized: temporary` (or `temporary view`): built for one transform in the connection's
   * temporary catalog, read by the models after it and by its data tests, dropped when the transform
   * ends — never written to the warehouse file or published. For large intermediate rows whose every
   * number a kept model carries on.
   */
  isTemporary?: boolean;
}

export interface Bilingual {
  zh: string;
  en: string;
}

export interface ColumnDoc extends Bilingual {
  name: string;
}

export interface ModelDocs {
  /** The grain in Chinese (`-- grain_zh:`); the English one is the model's `grain`. */
  grainZh: string | null;
  title: Bilingual | null;
  columns: ColumnDoc[];
}

function bilingualParts(id: string, key: string, line: string, shape: string, count: number): string[] {
  const parts = line.split('|').map((p) => p.trim());
  if (parts.length !== count || parts.some((p) => p === '')) {
    throw new Error(`model ${id}: "-- ${key}: ${line}" must read "-- ${key}: ${shape}"`);
  }
  return parts;
}

export function docsFromHeader(id: string, header: Map<string, string[]>): ModelDocs {
  const grains = header.get('grain_zh') ?? [];
  if (grains.length > 1) throw new Error(`model ${id} has ${grains.length} "-- grain_zh:" lines; keep one`);
  const titles = header.get('title') ?? [];
  if (titles.length > 1) throw new Error(`model ${id} has ${titles.length} "-- title:" lines; keep one`);
  const title = titles.length ? bilingualParts(id, 'title', titles[0], '<中文表名> | <English name>', 2) : null;
  const columns: ColumnDoc[] = [];
  for (const line of header.get('column') ?? []) {
    const [name, zh, en] = bilingualParts(id, 'column', line, '<name> | <中文说明> | <English description>', 3);
    if (columns.some((c) => c.name === name)) throw new Error(`model ${id} describes column ${name} twice`);
    columns.push({ name, zh, en });
  }
  return { grainZh: grains[0] ?? null, title: title && { zh: title[0], en: title[1] }, columns };
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
  const rowTest = (name: string, condition: string, severity: DataTest['severity'] = 'error') =>
    tests.push({ name, failingRowsSql: `select * from ${id} where ${condition}`, failingRowCondition: condition, severity });
  for (const line of header.get('not_null') ?? []) {
    for (const column of line.split(',').map((c) => c.trim())) rowTest(`not_null(${column})`, `${column} is null`);
  }
  for (const line of header.get('accepted_values') ?? []) {
    const [column, list] = line.split('=').map((p) => p.trim());
    const values = list.split('|').map((v) => `'${v.trim().replaceAll("'", "''")}'`);
    rowTest(`accepted_values(${column})`, `${column} is not null and ${column} not in (${values.join(', ')})`);
  }
  for (const line of header.get('relationships') ?? []) {
    const [column, target] = line.split('->').map((p) => p.trim());
    const [targetTable, targetColumn] = [target.slice(0, target.lastIndexOf('.')), target.slice(target.lastIndexOf('.') + 1)];
    rowTest(`relationships(${column} -> ${target})`, `${column} is not null and ${column} not in (select ${targetColumn} from ${targetTable})`);
  }
  for (const condition of header.get('expect') ?? []) rowTest(`expect(${condition})`, `not coalesce(${condition}, false)`);
  for (const condition of header.get('warn_expect') ?? []) rowTest(`expect(${condition})`, `not coalesce(${condition}, false)`, 'warn');
  return tests;
}

/**
 * `safecampus transform`: build every model in dependency order inside one transaction,
 * then run every model's data tests and store their results in audit.data_tests.
 * Error-level failures are returned (with sample rows) so the pipeline can stop before
 * publishing.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import type { Warehouse } from '../warehouse/connection.ts';
import { typedWarehouse } from '../warehouse/kysely.ts';
import { docsFromHeader, testsFromHeader, type Model } from './model.ts';
import { stagingModels } from './staging.ts';
import { loadDefinitionsIntoRef } from './definitions/ref-tables.ts';
import { decideScope, modelsToBuild, recordBuild, type BuildScope } from './scope.ts';

const MODELS_DIR = join(import.meta.dirname, 'models');
const LAYERS = ['core', 'marts'] as const;
const DATA_TESTS_PER_STATEMENT = 50;
/**
 * DuckDB's memory for a transform: past it, it spills to its temporary directory beside the
 * warehouse. Its own default (80 % of the machine) let a province's transform (30,000 schools)
 * hold 8.2 GB; the default city needs about 2 GB.
 */
const TRANSFORM_MEMORY_MB = Math.min(4096, Math.floor((totalmem() * 0.8) / 2 ** 20));

export interface TestResult {
  model: string;
  test: string;
  severity: 'error' | 'warn';
  failingRows: number;
  sample: string | null;
}

export interface TransformResult {
  runId: string;
  models: string[];
  tests: TestResult[];
  failures: TestResult[];
  /** Which periods were rebuilt, and why. */
  scope: BuildScope;
}

/** Where a model's rows are read from: its table or view in the warehouse, or the temporary relation of a temporary model. */
function relationOf(model: Model): string {
  return model.isTemporary ? `temp.main.${model.name}` : model.id;
}

/** A model's (or data test's) SQL reading the temporary models it names from where they are built. */
function resolveTemporaryModels(sql: string, models: Model[]): string {
  let resolved = sql;
  for (const model of models) {
    if (model.isTemporary) resolved = resolved.replace(new RegExp(`\\b${model.id.replace('.', '\\.')}\\b`, 'g'), relationOf(model));
  }
  return resolved;
}

/** A whole model rebuilt, or (incremental, not a full build) only the periods in core.int_build_periods, the others kept. */
export async function buildModel(db: Warehouse, model: Model, models: Model[], full: boolean): Promise<void> {
  // a model that changed kind (table, view, temporary): what the warehouse holds under its name is dropped first (`create or replace` replaces only its own kind)
  const existing = await db.value<string>('select table_type from information_schema.tables where table_catalog = current_database() and table_schema = $1 and table_name = $2', [model.schema, model.name]);
  const kept = model.isView ? 'VIEW' : 'BASE TABLE';
  if (existing && (model.isTemporary || existing !== kept)) await db.run(`drop ${existing === 'VIEW' ? 'view' : 'table'} ${model.id}`);
  const sql = resolveTemporaryModels(model.sql, models);
  const create = `create or replace ${model.isTemporary ? 'temp ' : ''}${model.isView ? 'view' : 'table'} ${relationOf(model)} as`;
  const column = model.incrementalBy;
  // a view is always whole: its `-- incremental:` only narrows its data tests to the periods rebuilt
  if (model.isView || !column || full) {
    await db.run(`${create} ${sql}`);
    return;
  }
  const rebuilt = `select * from (${sql}) where ${column} in (select period_id from core.int_build_periods)`;
  if (model.isTemporary) {
    await db.run(`${create} ${rebuilt}`);
    return;
  }
  await db.run(
    `delete from ${model.id}
     where ${column} in (select period_id from core.int_build_periods) or ${column} not in (select period_id from core.dim_periods)`,
  );
  await db.run(`insert into ${model.id} by name ${rebuilt}`);
}

/** The temporary models' relations, dropped once a transform and its data tests are done with them. */
async function dropTemporaryModels(db: Warehouse, models: Model[]): Promise<void> {
  for (const model of [...models].reverse()) {
    if (model.isTemporary) await db.run(`drop ${model.isView ? 'view' : 'table'} if exists ${relationOf(model)}`);
  }
}

export function loadModels(dir = MODELS_DIR): Model[] {
  const fileModels = LAYERS.flatMap((schema) =>
    readdirSync(join(dir, schema))
      .filter((f) => f.endsWith('.sql'))
      .map((file) => parseModel(schema, file.replace(/\.sql$/, ''), readFileSync(join(dir, schema, file), 'utf8'))),
  );
  return orderByDependencies([...stagingModels(), ...fileModels]);
}

export function parseModel(schema: Model['schema'], name: string, text: string): Model {
  const id = `${schema}.${name}`;
  const header = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^--\s*([a-z_]+):\s*(.+)$/.exec(line.trim());
    if (!match) {
      if (line.trim().startsWith('--') || line.trim() === '') continue;
      break;
    }
    header.set(match[1], [...(header.get(match[1]) ?? []), match[2].trim()]);
  }
  const grain = header.get('grain')?.[0];
  if (!grain) throw new Error(`model ${id} does not state its grain: start the file with "-- grain: one row per …"`);
  if (!/select \* from final\s*;?\s*$/i.test(text)) throw new Error(`model ${id} must end with "select * from final"`);
  const incrementalBy = header.get('incremental')?.[0];
  const materialized = header.get('materialized')?.[0] ?? 'table';
  if (!['table', 'view', 'temporary', 'temporary view'].includes(materialized)) {
    throw new Error(`model ${id}: "-- materialized: ${materialized}" must be table, view, temporary or temporary view`);
  }
  return {
    id, schema, name, grain, sql: text, tests: testsFromHeader(id, header), docs: docsFromHeader(id, header),
    ...(incrementalBy ? { incrementalBy } : {}),
    ...(materialized.endsWith('view') ? { isView: true } : {}),
    ...(materialized.startsWith('temporary') ? { isTemporary: true } : {}),
  };
}

function orderByDependencies(models: Model[]): Model[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  const ordered: Model[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (model: Model, path: string[]) => {
    if (state.get(model.id) === 'done') return;
    if (state.get(model.id) === 'visiting') throw new Error(`models depend on each other in a cycle: ${[...path, model.id].join(' → ')}`);
    state.set(model.id, 'visiting');
    for (const dependency of dependenciesOf(model, byId)) visit(dependency, [...path, model.id]);
    state.set(model.id, 'done');
    ordered.push(model);
  };
  for (const model of models) visit(model, []);
  return ordered;
}

function dependenciesOf(model: Model, byId: Map<string, Model>): Model[] {
  const found = new Set<Model>();
  const code = model.sql.replace(/--.*$/gm, ''); // a header may name other models in words
  for (const match of code.matchAll(/\b(staging|core|marts)\.([a-z0-9_]+)/g)) {
    const dependency = byId.get(`${match[1]}.${match[2]}`);
    if (dependency && dependency !== model) found.add(dependency);
  }
  return [...found];
}

/** Called as the transform goes: `done` of `total` models and data tests, and what was just done. */
export type TransformProgress = (done: number, total: number, detail: string) => void;

export interface TransformOptions {
  models?: Model[];
  /** Rebuild every period, whatever changed (`transform --full`). */
  full?: boolean;
  onProgress?: TransformProgress;
}

export async function runTransform(db: Warehouse, { models = loadModels(), full = false, onProgress }: TransformOptions = {}): Promise<TransformResult> {
  const runId = randomUUID();
  const total = models.length + models.reduce((n, m) => n + m.tests.length, 0);
  await db.run(`insert into audit.runs values ($1, 'transform', now()::timestamp, null, 'running', null)`, [runId]);
  await db.run(`set memory_limit = '${TRANSFORM_MEMORY_MB}MB'`);
  try {
    const byId = new Map(models.map((m) => [m.id, m]));
    const { scope, built } = await db.transaction(async () => {
      await loadDefinitionsIntoRef(db);
      const scope = await decideScope(db, models, { full });
      const built = modelsToBuild(models, scope, (m) => dependenciesOf(m, byId));
      for (const [i, model] of models.entries()) {
        try {
          if (built.has(model.id)) await buildModel(db, model, models, scope.full);
        } catch (error) {
          throw new Error(`model ${model.id} failed to build: ${(error as Error).message}`);
        }
        onProgress?.(i + 1, total, model.id);
      }
      return { scope, built };
    });
    const tests = await runDataTests(db, models, built, scope, runId, (done, detail) => onProgress?.(models.length + done, total, detail)).finally(() => dropTemporaryModels(db, models));
    const failures = tests.filter((t) => t.failingRows > 0 && t.severity === 'error');
    if (!failures.length) await recordBuild(db, models);
    await finishRun(db, runId, failures.length ? 'failed' : 'succeeded', { models: built.size, tests: tests.length, failures: failures.length, scope });
    return { runId, models: models.filter((m) => built.has(m.id)).map((m) => m.id), tests, failures, scope };
  } catch (error) {
    await finishRun(db, runId, 'failed', { error: (error as Error).message });
    throw error;
  } finally {
    await db.run('reset memory_limit');
  }
}

/**
 * The data tests, run again where their answer can have changed: every test of a model built,
 * restricted to the periods rebuilt for a model built period by period (its other rows passed when
 * they were built), and a test of a model left as it is when it reads a model built. The other tests'
 * latest results are carried into this run, so a run's results always cover every test.
 */
async function runDataTests(db: Warehouse, models: Model[], built: Set<string>, scope: BuildScope, runId: string, onTest: (done: number, detail: string) => void): Promise<TestResult[]> {
  const planned: { model: Model; test: Model['tests'][number]; previous?: LatestResult; count?: FailingRowCount; sql?: string }[] = [];
  const builtIds = [...built];
  const latest = built.size < models.length ? await latestResults(db) : new Map<string, LatestResult>();
  for (const model of models) {
    const relation = relationOf(model);
    const rebuilt = model.incrementalBy && !scope.full && built.has(model.id) ? `(select * from ${relation} where ${model.incrementalBy} in (select period_id from core.int_build_periods))` : null;
    for (const test of model.tests) {
      const reads = (id: string) => new RegExp(`\\b${id.replace('.', '\\.')}\\b`).test(test.failingRowsSql);
      const previous = built.has(model.id) || builtIds.some(reads) ? undefined : latest.get(`${model.id}\0${test.name}`);
      if (previous) {
        planned.push({ model, test, previous });
        continue;
      }
      const sql = resolveTemporaryModels(rebuilt ? test.failingRowsSql.replaceAll(`from ${model.id} `, `from ${rebuilt} `) : test.failingRowsSql, models);
      const count = test.failingRowCondition === undefined ? { sql } : { relation: rebuilt ?? relation, condition: resolveTemporaryModels(test.failingRowCondition, models) };
      planned.push({ model, test, count, sql });
    }
  }
  const counts = await countFailingRows(db, planned.flatMap((p) => (p.count ? [p.count] : [])));
  const results: TestResult[] = [];
  for (const { model, test, previous, sql } of planned) {
    if (previous) {
      results.push({ model: model.id, test: test.name, severity: test.severity, failingRows: previous.failing_rows, sample: previous.sample });
    } else {
      const failingRows = counts.shift()!;
      const sample = failingRows ? JSON.stringify(await db.all(`${sql} limit 5`)) : null;
      results.push({ model: model.id, test: test.name, severity: test.severity, failingRows, sample });
    }
    onTest(results.length, `${model.id} ${test.name}`);
  }
  await db.transaction(async () => {
    for (let start = 0; start < results.length; start += DATA_TESTS_PER_STATEMENT) {
      const chunk = results.slice(start, start + DATA_TESTS_PER_STATEMENT);
      await db.run(
        `insert into audit.data_tests values ${chunk.map((_, i) => `(${[1, 2, 3, 4, 5, 6].map((k) => `$${i * 6 + k}`).join(', ')}, now()::timestamp)`).join(', ')}`,
        chunk.flatMap((r) => [runId, r.model, r.test, r.severity, r.failingRows, r.sample]),
      );
    }
  });
  return results;
}

/** What a data test counts: the rows a query returns, or the rows of a relation that meet a condition. */
type FailingRowCount = { sql: string } | { relation: string; condition: string };

/**
 * How many rows each count finds, in order. The row conditions on one relation are counted in one
 * scan of it (a model's not-null, accepted-values, relationship and expect tests read it once), and
 * many scans go to a statement: each statement costs DuckDB about a millisecond however small, and a
 * transform has some 400 data tests.
 */
async function countFailingRows(db: Warehouse, wanted: FailingRowCount[]): Promise<number[]> {
  const scans = new Map<string, { conditions: string[]; positions: number[] }>();
  const queries: { sql: string; positions: number[] }[] = [];
  for (const [position, count] of wanted.entries()) {
    if ('sql' in count) {
      queries.push({ sql: `select [count(*)] as n from (${count.sql})`, positions: [position] });
      continue;
    }
    const scan = scans.get(count.relation) ?? { conditions: [], positions: [] };
    scan.conditions.push(count.condition);
    scan.positions.push(position);
    scans.set(count.relation, scan);
  }
  for (const [relation, { conditions, positions }] of scans) {
    queries.push({ sql: `select [${conditions.map((c) => `count_if(${c})`).join(', ')}] as n from ${relation}`, positions });
  }
  const counts: number[] = [];
  for (let start = 0; start < queries.length; start += DATA_TESTS_PER_STATEMENT) {
    const chunk = queries.slice(start, start + DATA_TESTS_PER_STATEMENT);
    const rows = await db.all<{ i: number; n: number[] }>(chunk.map(({ sql }, i) => `select ${i} as i, n from (${sql})`).join('\nunion all\n'));
    for (const { i, n } of rows) chunk[i].positions.forEach((position, k) => (counts[position] = Number(n[k])));
  }
  return counts;
}

interface LatestResult {
  failing_rows: number;
  sample: string | null;
}

/** Each data test's latest stored result, by model and test name (one query, not one a test). */
async function latestResults(db: Warehouse): Promise<Map<string, LatestResult>> {
  const rows = await typedWarehouse(db)
    .selectFrom((eb) =>
      eb
        .selectFrom('audit.data_tests')
        .select(['model', 'test', 'failing_rows', 'sample'])
        .select((eb) => eb.fn.agg<number>('row_number').over((over) => over.partitionBy(['model', 'test']).orderBy('tested_at', 'desc')).as('recency'))
        .as('results'),
    )
    .select(['model', 'test', 'failing_rows', 'sample'])
    .where('recency', '=', 1)
    .execute();
  return new Map(rows.map((r) => [`${r.model}\0${r.test}`, { failing_rows: r.failing_rows, sample: r.sample }]));
}

async function finishRun(db: Warehouse, runId: string, status: string, detail: unknown): Promise<void> {
  await db.run('update audit.runs set finished_at = now()::timestamp, status = $2, detail = $3 where run_id = $1', [runId, status, JSON.stringify(detail)]);
}

/**
 * A transform's data tests report what fails: a model with 62 tests (more than one batch of
 * the counting queries) where three error tests and one warning fail. Every test keeps its
 * place in the results, the failing ones their row counts and up to five sample rows, only the
 * error-level ones are failures, and audit.data_tests stores exactly the run's results.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModel, runTransform } from '../transforms/runner.ts';
import { modelsToBuild } from '../transforms/scope.ts';
import { initialisedWarehouse, tempDir } from './helpers.ts';

const COLUMNS = Array.from({ length: 60 }, (_, i) => `c${i + 1}`);
// eight rows: c7 is null in six (five sampled), c55 in one, k is 1 in two; c1 counts 0 to 7
const ROWS = Array.from({ length: 8 }, (_, r) => [r === 1 ? 1 : r + 1, ...COLUMNS.map((c) => ((c === 'c7' && r >= 1 && r <= 6) || (c === 'c55' && r === 7) ? 'null' : String(r)))]);
const probe = parseModel(
  'core',
  'probe_rows',
  [
    '-- grain: one row per k',
    '-- unique: k',
    `-- not_null: ${COLUMNS.join(', ')}`,
    '-- warn_expect: c1 < 5',
    `with final as (select * from (values ${ROWS.map((row) => `(${row.join(', ')})`).join(', ')}) as t(k, ${COLUMNS.join(', ')}))`,
    'select * from final',
  ].join('\n'),
);

describe('data tests', () => {
  it('count the failing rows of every test, sample the failing ones, and store the run', async () => {
    const db = await initialisedWarehouse(join(tempDir(), 'w.duckdb'));
    try {
      const result = await runTransform(db, { models: [probe] });
      expect(result.tests.map((t) => t.test)).toEqual(['unique(k)', ...COLUMNS.map((c) => `not_null(${c})`), 'expect(c1 < 5)']);
      const failing = result.tests.filter((t) => t.failingRows > 0).map((t) => [t.test, t.severity, t.failingRows, JSON.parse(t.sample!).length]);
      expect(failing).toEqual([
        ['unique(k)', 'error', 1, 1],
        ['not_null(c7)', 'error', 6, 5],
        ['not_null(c55)', 'error', 1, 1],
        ['expect(c1 < 5)', 'warn', 3, 3],
      ]);
      expect(JSON.parse(result.tests[0].sample!)).toEqual([{ k: 1, n: 2 }]);
      expect(result.tests.filter((t) => t.failingRows === 0).every((t) => t.sample === null)).toBe(true);
      expect(result.failures.map((f) => f.test)).toEqual(['unique(k)', 'not_null(c7)', 'not_null(c55)']);

      const stored = await db.all<{ test: string; severity: string; failing_rows: number; sample: string | null }>(
        'select test, severity, failing_rows, sample from audit.data_tests where run_id = $1 order by test',
        [result.runId],
      );
      const expected = result.tests.map((t) => ({ test: t.test, severity: t.severity, failing_rows: t.failingRows, sample: t.sample }));
      expect(stored).toEqual(expected.sort((a, b) => (a.test < b.test ? -1 : 1)));
      expect(await db.value('select count(distinct tested_at) from audit.data_tests where run_id = $1', [result.runId])).toBe(1);
    } finally {
      db.close();
    }
  });
  it('build a `-- materialized: view` model as a view, test it like a table, and replace a table of its name', async () => {
    const db = await initialisedWarehouse(join(tempDir(), 'w.duckdb'));
    try {
      const base = parseModel('core', 'probe_base', ['-- grain: one row per k', 'with final as (select * from (values (1, 10), (2, null)) as t(k, v))', 'select * from final'].join('\n'));
      const view = (materialized: string) =>
        parseModel('marts', 'probe_wide', ['-- grain: one row per k', `-- materialized: ${materialized}`, '-- not_null: v', 'with final as (select k, v, k * 100 as wide from core.probe_base)', 'select * from final'].join('\n'));
      await runTransform(db, { models: [base, view('table')] });
      expect(await db.value("select table_type from information_schema.tables where table_name = 'probe_wide'")).toBe('BASE TABLE');
      const result = await runTransform(db, { models: [base, view('view')] });
      expect(await db.value("select table_type from information_schema.tables where table_name = 'probe_wide'")).toBe('VIEW');
      expect(await db.all('select * from marts.probe_wide order by k')).toEqual([{ k: 1, v: 10, wide: 100 }, { k: 2, v: null, wide: 200 }]);
      expect(result.tests.map((t) => [t.model, t.test, t.failingRows])).toEqual([['marts.probe_wide', 'not_null(v)', 1]]);
      expect(() => view('ephemeral')).toThrow('"-- materialized: ephemeral" must be table, view, temporary or temporary view');
    } finally {
      db.close();
    }
  });

  it('build a `-- materialized: temporary` model for the transform only: read by the models after it, tested, never left in the warehouse', async () => {
    const db = await initialisedWarehouse(join(tempDir(), 'w.duckdb'));
    try {
      const middle = (materialized: string) =>
        parseModel('core', 'probe_middle', ['-- grain: one row per k', `-- materialized: ${materialized}`, '-- not_null: v', 'with final as (select * from (values (1, 10), (2, null), (3, 30)) as t(k, v))', 'select * from final'].join('\n'));
      const top = parseModel('marts', 'probe_top', ['-- grain: one row', 'with final as (select count(*) as n, sum(v) as total from core.probe_middle)', 'select * from final'].join('\n'));
      const kinds = () => db.all("select table_catalog, table_name, table_type from information_schema.tables where table_name like 'probe_%' order by all");
      await runTransform(db, { models: [middle('table'), top] });
      expect(await kinds()).toEqual([
        { table_catalog: 'safecampus', table_name: 'probe_middle', table_type: 'BASE TABLE' },
        { table_catalog: 'safecampus', table_name: 'probe_top', table_type: 'BASE TABLE' },
      ]);
      const result = await runTransform(db, { models: [middle('temporary'), top] });
      // the table of its name is gone, and the temporary one was dropped with the transform
      expect(await kinds()).toEqual([{ table_catalog: 'safecampus', table_name: 'probe_top', table_type: 'BASE TABLE' }]);
      expect(await db.one('select n, total from marts.probe_top')).toEqual({ n: 3, total: 40 });
      expect(result.tests.map((t) => [t.model, t.test, t.failingRows])).toEqual([['core.probe_middle', 'not_null(v)', 1]]);
    } finally {
      db.close();
    }
  });

  it('build a temporary model whenever a model reading it is rebuilt, and only then', () => {
    const model = (schema: 'core' | 'marts', name: string, lines: string[]) => parseModel(schema, name, ['-- grain: one row per k', ...lines, 'with final as (select 1 as k)', 'select * from final'].join('\n'));
    const temporary = model('core', 'probe_temporary', ['-- materialized: temporary']);
    const unread = model('core', 'probe_unread', ['-- materialized: temporary']);
    const reader = model('marts', 'probe_reader', ['-- incremental: period']);
    reader.sql = reader.sql.replace('select 1 as k', 'select 1 as k from core.probe_temporary');
    const kept = model('marts', 'probe_kept', []);
    const models = [temporary, unread, reader, kept];
    const readsOf = (m: typeof reader) => (m === reader ? [temporary] : []);
    const scope = { full: false, changedFrom: '9999-12-31', changedSources: [], reason: 'nothing new' };
    expect([...modelsToBuild(models, scope, readsOf)].sort()).toEqual(['core.probe_temporary', 'marts.probe_reader']);
  });
});

// Data for the 数据质量 (data quality) page: what the pipeline landed, rejected and held,
// the latest data-test results and how fresh each source is.
//
// Grain of the output: one JSON document; `batches` one row per landing attempt
// (audit.batches), `rejects` one row per source and reason code (counts only: the rows'
// contents never leave the warehouse, see lib/scope.ts), `tests` one row per data test of
// the latest transform run (a failing one with since when it fails), `freshness` one row per
// source of the contracts, `health` the 报送监测 section (lib/health.ts: one row per unit and
// source, the rows not 正常, the rules).
// In a unit-scoped build the latest business dates are the unit's own (its schools' and its
// own records); batches, rejects and tests are pipeline-wide counts.
import { basename } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../warehouse/schema.generated.ts';
import type { FileRejectReason, RejectReason, SourceName } from '../../../sources/contract.ts';
import { CONTRACTS } from '../../../sources/contracts.ts';
import { sourceHealth } from '../../lib/health.ts';
import { siteLoader } from '../../lib/loader.ts';
import { LoaderError, publishedAt, typedSnapshot, type Snapshot } from '../../lib/snapshot.ts';

type Q = Kysely<Database>;

/** Chinese names of the reject reason codes of sources/contract.ts. */
const REASONS: Record<RejectReason | FileRejectReason, string> = {
  missing_required: '缺少必填字段',
  missing_one_of: '学校与县区均未填写',
  early_date: '日期早于合理范围',
  bad_date: '日期无法识别',
  bad_number: '数值格式错误',
  bad_enum: '取值不在允许范围',
  bad_school_code: '学校标识码格式错误',
  scientific_notation: '代码被存成科学计数法',
  unknown_school: '学校不在名录中',
  unknown_unit: '县区代码不存在',
  out_of_range: '数值超出合理范围',
  future_date: '日期晚于当前',
  duplicate_row: '重复行',
  malformed_row: '行格式损坏',
  cell_too_large: '单元格内容过长',
  empty_file: '空文件',
  unreadable_file: '文件无法读取',
  unknown_source: '无法识别数据来源',
  ambiguous_source: '数据来源无法唯一确定',
  missing_columns: '缺少必需列',
  duplicate_column: '表头有重复列',
  too_many_columns: '列数超过上限',
  inflate_limit: '工作簿解压后过大（疑似压缩炸弹）',
  time_limit: '读取超时',
};

/** The column that dates a record of each source (its business date), from the contracts: a column of its staging table. */
const EVENT_COLUMNS = {
  schools: 'reported_on',
  inspections: 'inspected_on',
  sensors: 'event_at',
  alerts: 'raised_at',
  cases: 'occurred_at',
  activities: 'activity_on',
} as const satisfies { [S in SourceName]: keyof Database[`staging.stg_${S}`] };

/** The file's name without the folders it was landed from. */
function fileName(path: string): string {
  return basename(path.replaceAll('\\', '/'));
}

function sourceName(source: string | null): string {
  return source && source in CONTRACTS ? CONTRACTS[source as SourceName].zh : '未识别';
}

function reasonName(code: string | null): string | null {
  return code === null ? null : (REASONS[code as keyof typeof REASONS] ?? code);
}

async function batches(q: Q) {
  const rows = await q
    .selectFrom('audit.batches as b')
    .select((eb) => [
      'b.batch_id',
      sql<number>`${eb.ref('b.batch_seq')}::integer`.as('batch_seq'),
      'b.file',
      'b.source',
      'b.status',
      'b.rows_read',
      'b.rows_rejected',
      'b.finished_at',
      eb
        .selectFrom('audit.rejects as r')
        .select((r) => r.fn.min('r.reason_code').as('file_reason'))
        .whereRef('r.batch_id', '=', 'b.batch_id')
        .where('r.row_number', 'is', null)
        .as('file_reason'),
    ])
    .orderBy('b.batch_seq')
    .execute();
  return rows.map(({ file, file_reason, ...row }) => ({
    ...row,
    file_name: fileName(file),
    source_name: sourceName(row.source),
    reject_share: row.rows_read > 0 ? row.rows_rejected / row.rows_read : null,
    file_reason: reasonName(file_reason),
  }));
}

async function rejects(q: Q) {
  const rows = await q
    .selectFrom('audit.rejects as r')
    .innerJoin('audit.batches as b', 'b.batch_id', 'r.batch_id')
    .select((eb) => [
      'b.source',
      'r.reason_code',
      sql<number>`count(*)::integer`.as('n_rejects'),
      sql<number>`count(distinct ${eb.ref('r.batch_id')})::integer`.as('n_batches'),
    ])
    .groupBy(sql`all`)
    .orderBy('b.source', (order) => order.nullsLast())
    .orderBy('n_rejects', 'desc')
    .orderBy('r.reason_code')
    .execute();
  return rows.map((row) => ({ ...row, source_name: sourceName(row.source), reason_name: reasonName(row.reason_code) }));
}

/**
 * Per test failing in the latest run: since when it fails — the first run of its current unbroken
 * run of failing runs (every run answers for every test, audit.data_tests keeps them all) — and how
 * many runs that is.
 */
function failingSince(q: Q) {
  return q
    .with('runs', (w) =>
      w
        .selectFrom('audit.data_tests')
        .select((eb) => [
          'run_id',
          eb.fn.min('tested_at').as('tested_at'),
          sql<number>`row_number() over (order by min(${eb.ref('tested_at')}), ${eb.ref('run_id')})`.as('n'),
        ])
        .groupBy('run_id'),
    )
    .with('results', (w) =>
      w
        .selectFrom('audit.data_tests as t')
        .innerJoin('runs', 'runs.run_id', 't.run_id')
        .select((eb) => ['t.model', 't.test', sql<boolean>`${eb.ref('t.failing_rows')} > 0`.as('is_failing'), 'runs.n', 'runs.tested_at']),
    )
    .with('last_passed', (w) =>
      w
        .selectFrom('results')
        .select((eb) => ['model', 'test', eb.fn.max('n').as('n')])
        .where('is_failing', '=', sql.lit(false))
        .groupBy(sql`all`),
    )
    .with('failing_since', (w) =>
      w
        .selectFrom('results')
        .leftJoin('last_passed', (join) => join.onRef('last_passed.model', '=', 'results.model').onRef('last_passed.test', '=', 'results.test'))
        .select((eb) => [
          'results.model',
          'results.test',
          eb.fn.min('results.tested_at').as('failing_since'),
          sql<number>`count(*)::integer`.as('n_failing_runs'),
        ])
        .where('results.is_failing', '=', sql.lit(true))
        .where((eb) => sql<boolean>`${eb.ref('results.n')} > coalesce(${eb.ref('last_passed.n')}, 0)`)
        .groupBy(sql`all`),
    );
}

async function tests(q: Q) {
  const latest = await q
    .selectFrom('audit.data_tests')
    .select((eb) => [sql<string | null>`arg_max(${eb.ref('run_id')}, ${eb.ref('tested_at')})`.as('run_id'), eb.fn.max('tested_at').as('tested_at')])
    .executeTakeFirst();
  const results = await failingSince(q)
    .selectFrom('audit.data_tests as t')
    .leftJoin('failing_since as f', (join) => join.onRef('f.model', '=', 't.model').onRef('f.test', '=', 't.test'))
    .select(['t.model', 't.test', 't.severity', 't.failing_rows', 'f.failing_since', 'f.n_failing_runs'])
    .where('t.run_id', '=', latest?.run_id ?? '')
    .orderBy((eb) => sql`${eb.ref('t.failing_rows')} > 0`, 'desc')
    .orderBy('t.severity')
    .orderBy('t.model')
    .orderBy('t.test')
    .execute();
  return { run_id: latest?.run_id ?? null, tested_at: latest?.tested_at ?? null, results };
}

async function freshness(snapshot: Snapshot, q: Q) {
  const landed = await q
    .selectFrom('audit.batches')
    .select((eb) => [
      'source',
      eb.fn.max('finished_at').as('last_landed_at'),
      sql<string>`arg_max(${eb.ref('file')}, ${eb.ref('batch_seq')})`.as('last_file'),
      sql<number>`count(*)::integer`.as('n_batches'),
    ])
    .where('status', 'in', [sql.lit('landed'), sql.lit('released')])
    .where('source', 'is not', null)
    .groupBy('source')
    .execute();
  const bySource = new Map(landed.map((r) => [r.source, r]));
  const out = [];
  for (const [source, column] of Object.entries(EVENT_COLUMNS) as [SourceName, (typeof EVENT_COLUMNS)[SourceName]][]) {
    const contract = CONTRACTS[source];
    const dated = contract.columns.find((c) => c.name === column);
    if (!dated) throw new LoaderError(`the ${source} contract has no column ${column}: update EVENT_COLUMNS in quality.json.ts`);
    const table = `staging.stg_${source}`;
    // Scoped: the layer keeps other units' unit-level rows (e.g. their supervision letters); leave them out here.
    const ownUnitOnly = snapshot.scope !== null && contract.columns.some((c) => c.name === 'unit_code');
    // one query per staging table, named at run time: the table and column names are checked by EVENT_COLUMNS' type
    const latest = snapshot.has(table)
      ? (
          await sql<{ latest: string | null; n: number }>`select max(${sql.ref(column)})::date::varchar as latest, count(*)::integer as n from ${sql.table(table)}${
            ownUnitOnly ? sql` where unit_code = ${snapshot.scope!.unit_code}` : sql``
          }`.execute(q)
        ).rows
      : [];
    const batch = bySource.get(source);
    out.push({
      source,
      source_name: contract.zh,
      event_column: dated.zh,
      latest_event_on: latest[0]?.latest ?? null,
      n_records: latest[0]?.n ?? 0,
      last_landed_at: batch?.last_landed_at ?? null,
      last_file_name: batch ? fileName(batch.last_file) : null,
      n_batches: batch?.n_batches ?? 0,
    });
  }
  return out;
}

export default await siteLoader(import.meta, {
  output: 'quality.json',
  tables: ['audit.batches', 'audit.rejects', 'audit.data_tests'],
  build: async (snapshot) => {
    const q = typedSnapshot(snapshot);
    return {
      published_at: await publishedAt(snapshot),
      scope: snapshot.scope,
      batches: await batches(q),
      rejects: await rejects(q),
      tests: await tests(q),
      freshness: await freshness(snapshot, q),
      health: await sourceHealth(snapshot, snapshot.scope?.unit_code ?? null),
    };
  },
});

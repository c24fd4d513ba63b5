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
import type { FileRejectReason, RejectReason, SourceName } from '../../../sources/contract.ts';
import { CONTRACTS } from '../../../sources/contracts.ts';
import { sourceHealth } from '../../lib/health.ts';
import { siteLoader } from '../../lib/loader.ts';
import { LoaderError, publishedAt, type Snapshot } from '../../lib/snapshot.ts';

/** Chinese names of the reject reason codes of sources/contract.ts. */
const REASONS: Record<RejectReason | FileRejectReason, string> = {
  missing_required: '缺少必填字段',
  missing_one_of: '学校与区县均未填写',
  early_date: '日期早于合理范围',
  bad_date: '日期无法识别',
  bad_number: '数值格式错误',
  bad_enum: '取值不在允许范围',
  bad_school_code: '学校标识码格式错误',
  scientific_notation: '代码被存成科学计数法',
  unknown_school: '学校不在名录中',
  unknown_unit: '区县代码不存在',
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

/** The column that dates a record of each source (its business date), from the contracts. */
const EVENT_COLUMNS: Record<SourceName, string> = {
  schools: 'reported_on',
  inspections: 'inspected_on',
  sensors: 'event_at',
  alerts: 'raised_at',
  cases: 'occurred_at',
  activities: 'activity_on',
};

interface BatchRow {
  batch_id: string;
  batch_seq: number;
  file: string;
  source: string | null;
  status: string;
  rows_read: number;
  rows_rejected: number;
  finished_at: string | null;
  file_reason: string | null;
}

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

async function batches(snapshot: Snapshot) {
  const rows = await snapshot.query<BatchRow>(
    `select b.batch_id, b.batch_seq::integer as batch_seq, b.file, b.source, b.status,
            b.rows_read, b.rows_rejected, b.finished_at,
            (select min(r.reason_code) from audit.rejects r where r.batch_id = b.batch_id and r.row_number is null) as file_reason
     from audit.batches b order by b.batch_seq`,
  );
  return rows.map(({ file, file_reason, ...row }) => ({
    ...row,
    file_name: fileName(file),
    source_name: sourceName(row.source),
    reject_share: row.rows_read > 0 ? row.rows_rejected / row.rows_read : null,
    file_reason: reasonName(file_reason),
  }));
}

async function rejects(snapshot: Snapshot) {
  const rows = await snapshot.query<{ source: string | null; reason_code: string; n_rejects: number; n_batches: number }>(
    `select b.source, r.reason_code, count(*)::integer as n_rejects, count(distinct r.batch_id)::integer as n_batches
     from audit.rejects r join audit.batches b using (batch_id)
     group by all order by b.source nulls last, n_rejects desc, r.reason_code`,
  );
  return rows.map((row) => ({ ...row, source_name: sourceName(row.source), reason_name: reasonName(row.reason_code) }));
}

/**
 * Per test failing in the latest run: since when it fails — the first run of its current unbroken
 * run of failing runs (every run answers for every test, audit.data_tests keeps them all) — and how
 * many runs that is.
 */
const FAILING_SINCE = `
  runs as (
    select run_id, min(tested_at) as tested_at, row_number() over (order by min(tested_at), run_id) as n
    from audit.data_tests group by run_id
  ),
  results as (
    select t.model, t.test, t.failing_rows > 0 as is_failing, runs.n, runs.tested_at
    from audit.data_tests t join runs using (run_id)
  ),
  last_passed as (
    select model, test, max(n) as n from results where not is_failing group by all
  ),
  failing_since as (
    select results.model, results.test, min(results.tested_at) as failing_since, count(*)::integer as n_failing_runs
    from results left join last_passed using (model, test)
    where results.is_failing and results.n > coalesce(last_passed.n, 0)
    group by all
  )`;

async function tests(snapshot: Snapshot) {
  const [latest] = await snapshot.query<{ run_id: string | null; tested_at: string | null }>(
    'select arg_max(run_id, tested_at) as run_id, max(tested_at) as tested_at from audit.data_tests',
  );
  const results = await snapshot.query<{ model: string; test: string; severity: string; failing_rows: number; failing_since: string | null; n_failing_runs: number | null }>(
    `with ${FAILING_SINCE}
     select model, test, severity, failing_rows, failing_since, n_failing_runs
     from audit.data_tests left join failing_since using (model, test)
     where run_id = $run
     order by failing_rows > 0 desc, severity, model, test`,
    { run: latest?.run_id ?? '' },
  );
  return { run_id: latest?.run_id ?? null, tested_at: latest?.tested_at ?? null, results };
}

async function freshness(snapshot: Snapshot) {
  const landed = await snapshot.query<{ source: string; last_landed_at: string; last_file: string; n_batches: number }>(
    `select source, max(finished_at) as last_landed_at, arg_max(file, batch_seq) as last_file, count(*)::integer as n_batches
     from audit.batches where status in ('landed', 'released') and source is not null group by source`,
  );
  const bySource = new Map(landed.map((r) => [r.source, r]));
  const out = [];
  for (const [source, column] of Object.entries(EVENT_COLUMNS) as [SourceName, string][]) {
    const contract = CONTRACTS[source];
    const dated = contract.columns.find((c) => c.name === column);
    if (!dated) throw new LoaderError(`the ${source} contract has no column ${column}: update EVENT_COLUMNS in quality.json.ts`);
    const table = `staging.stg_${source}`;
    // Scoped: the layer keeps other units' unit-level rows (e.g. their supervision letters); leave them out here.
    const ownUnitOnly = snapshot.scope && contract.columns.some((c) => c.name === 'unit_code') ? 'where unit_code = $unit' : '';
    const latest = snapshot.has(table)
      ? await snapshot.query<{ latest: string | null; n: number }>(
          `select max(${column})::date::varchar as latest, count(*)::integer as n from ${table} ${ownUnitOnly}`,
          ownUnitOnly ? { unit: snapshot.scope!.unit_code } : undefined,
        )
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
  build: async (snapshot) => ({
    published_at: await publishedAt(snapshot),
    scope: snapshot.scope,
    batches: await batches(snapshot),
    rejects: await rejects(snapshot),
    tests: await tests(snapshot),
    freshness: await freshness(snapshot),
    health: await sourceHealth(snapshot, snapshot.scope?.unit_code ?? null),
  }),
});

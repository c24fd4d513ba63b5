// Tables of the 数据质量 page; rows come from data/quality.json (src/data/quality.json.ts).
import {h} from "./dom.js";
import {dateTime, int, pct} from "./format.js";
import {SortableTable} from "./table.js";

/** Batch statuses of audit.batches in Chinese. */
export const BATCH_STATUS = {landed: "已入库", held: "暂扣待审", released: "已放行", discarded: "已丢弃", failed: "失败"};

const status = (d) => h("span", {class: `sc-status sc-status-${d.status}`}, BATCH_STATUS[d.status] ?? d.status);
const fileCell = (d) => h("span", {class: "sc-file", title: d.file_name}, d.file_name);

/** Reject share per source over all batches that read rows: rows for ShareBarChart. */
export function rejectShareBySource(batches) {
  const bySource = new Map();
  for (const b of batches) {
    if (!(b.rows_read > 0)) continue;
    const s = bySource.get(b.source_name) ?? {name: b.source_name, numerator: 0, denominator: 0};
    s.numerator += b.rows_rejected;
    s.denominator += b.rows_read;
    bySource.set(b.source_name, s);
  }
  return [...bySource.values()].map((s) => ({...s, value: s.numerator / s.denominator}));
}

export function BatchTable(batches) {
  return SortableTable(
    batches,
    [
      {key: "batch_seq", label: "序号", numeric: true},
      {key: "file_name", label: "文件", format: fileCell},
      {key: "source_name", label: "数据来源"},
      {key: "status", label: "状态", format: status, sortValue: (d) => BATCH_STATUS[d.status] ?? d.status},
      {key: "rows_read", label: "读取行数", numeric: true, format: (d) => int(d.rows_read)},
      {key: "rows_rejected", label: "拒收行数", numeric: true, format: (d) => int(d.rows_rejected)},
      {key: "reject_share", label: "拒收比例", numeric: true, format: (d) => pct(d.reject_share)},
      {key: "file_reason", label: "文件级问题", format: (d) => d.file_reason ?? ""},
      {key: "finished_at", label: "完成时间", format: (d) => dateTime(d.finished_at)}
    ],
    {testId: "batches", sort: {key: "batch_seq", descending: true}, rowClass: (d) => (d.status === "held" || d.status === "failed" ? "sc-warn" : null)}
  );
}

export function HeldBatchTable(held) {
  return SortableTable(
    held,
    [
      {key: "file_name", label: "文件", format: fileCell},
      {key: "source_name", label: "数据来源"},
      {key: "rows_rejected", label: "拒收 / 读取", numeric: true, format: (d) => `${int(d.rows_rejected)} / ${int(d.rows_read)}`},
      {key: "reject_share", label: "拒收比例", numeric: true, format: (d) => pct(d.reject_share)},
      {key: "batch_id", label: "审核后放行命令", format: (d) => h("code", {}, `safecampus release ${d.batch_id}`)}
    ],
    {testId: "held-batches", sort: {key: "reject_share", descending: true}}
  );
}

/**
 * Rejects as a reason × source matrix: one row per reason code, one column per source
 * with its count, and the total. rejects: quality.json `rejects` (one row per source and reason).
 */
export function RejectTable(rejects) {
  const sources = [...new Set(rejects.map((r) => r.source_name))];
  const byReason = new Map();
  for (const r of rejects) {
    const row = byReason.get(r.reason_code) ?? {reason_code: r.reason_code, reason_name: r.reason_name, total: 0, counts: {}};
    row.counts[r.source_name] = (row.counts[r.source_name] ?? 0) + r.n_rejects;
    row.total += r.n_rejects;
    byReason.set(r.reason_code, row);
  }
  return SortableTable(
    [...byReason.values()],
    [
      {key: "reason_name", label: "拒收原因"},
      {key: "reason_code", label: "原因代码", format: (d) => h("code", {}, d.reason_code)},
      ...sources.map((source) => ({
        key: `source:${source}`,
        label: source,
        numeric: true,
        sortValue: (d) => d.counts[source] ?? 0,
        format: (d) => (d.counts[source] ? int(d.counts[source]) : "")
      })),
      {key: "total", label: "合计", numeric: true, format: (d) => int(d.total)}
    ],
    {testId: "rejects", sort: {key: "total", descending: true}}
  );
}

export function FreshnessTable(freshness) {
  return SortableTable(
    freshness,
    [
      {key: "source_name", label: "数据来源"},
      {key: "last_file_name", label: "最近入库文件", format: (d) => (d.last_file_name ? fileCell({file_name: d.last_file_name}) : "尚无")},
      {key: "last_landed_at", label: "最近入库时间", format: (d) => dateTime(d.last_landed_at)},
      {key: "latest_event_on", label: "最新业务日期", format: (d) => (d.latest_event_on ? `${d.latest_event_on}（${d.event_column}）` : "无数据")},
      {key: "n_records", label: "当前记录数", numeric: true, format: (d) => int(d.n_records)},
      {key: "n_batches", label: "入库批次", numeric: true, format: (d) => int(d.n_batches)}
    ],
    {testId: "freshness", rowClass: (d) => (d.latest_event_on ? null : "sc-warn")}
  );
}

const SEVERITY = {error: "错误（阻止发布）", warn: "警告"};

export function TestTable(results, {testId}) {
  return SortableTable(
    results,
    [
      {key: "model", label: "模型", format: (d) => h("code", {}, d.model)},
      {key: "test", label: "检验", format: (d) => h("code", {}, d.test)},
      {key: "severity", label: "级别", format: (d) => SEVERITY[d.severity] ?? d.severity},
      {key: "failing_rows", label: "不通过行数", numeric: true, format: (d) => int(d.failing_rows)},
      {key: "passed", label: "结果", sortValue: (d) => (d.failing_rows > 0 ? 0 : 1), format: (d) => (d.failing_rows > 0 ? "未通过" : "通过")},
      {key: "failing_since", label: "未通过起始", wrap: true, format: (d) => (d.failing_since ? `${dateTime(d.failing_since)}（连续 ${int(d.n_failing_runs)} 次运行）` : "—")}
    ],
    {testId, rowClass: (d) => (d.failing_rows > 0 ? "sc-warn" : null)}
  );
}

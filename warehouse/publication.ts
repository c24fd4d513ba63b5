/**
 * What must hold before anything is published: no batch held for review, and no
 * error-level data test failing in the latest transform run.
 */
import type { Warehouse } from './connection.ts';

export async function publicationBlockers(db: Warehouse): Promise<string[]> {
  const blockers: string[] = [];
  const held = await db.all<{ batch_id: string; file: string; rows_rejected: number; rows_read: number }>(
    "select batch_id, file, rows_rejected, rows_read from audit.batches where status = 'held' order by batch_seq",
  );
  for (const batch of held) {
    blockers.push(
      `批次暂扣 held batch ${batch.batch_id} (${batch.file}: ${batch.rows_rejected}/${batch.rows_read} rows rejected) — review audit.rejects, then \`safecampus release ${batch.batch_id}\` or \`safecampus release ${batch.batch_id} --discard\``,
    );
  }
  const failing = await db.all<{ model: string; test: string; failing_rows: number; sample: string }>(
    `select model, test, failing_rows, sample from audit.data_tests
     where severity = 'error' and failing_rows > 0
       and run_id = (select run_id from audit.runs where kind = 'transform' and finished_at is not null order by started_at desc limit 1)
     order by model, test`,
  );
  for (const test of failing) {
    blockers.push(`数据检验未通过 data test ${test.model} ${test.test}: ${test.failing_rows} row(s) break it, e.g. ${test.sample}`);
  }
  return blockers;
}

/** Held → released (its rows join staging) or discarded (they stay in raw, out of staging). */
export async function releaseBatch(db: Warehouse, batchId: string, decision: 'released' | 'discarded'): Promise<void> {
  const batch = await db.one<{ status: string }>('select status from audit.batches where batch_id = $1', [batchId]);
  if (!batch) throw new Error(`no batch ${batchId}: list batches with \`safecampus status\``);
  if (batch.status !== 'held') throw new Error(`batch ${batchId} is ${batch.status}, not held: only held batches can be released or discarded`);
  await db.run('update audit.batches set status = $2 where batch_id = $1', [batchId, decision]);
}

/**
 * What must hold before anything is published: no batch held for review, and no
 * error-level data test failing in the latest transform run.
 */
import type { Warehouse } from './connection.ts';
import { typedWarehouse } from './kysely.ts';

export async function publicationBlockers(db: Warehouse): Promise<string[]> {
  const blockers: string[] = [];
  const q = typedWarehouse(db);
  const held = await q.selectFrom('audit.batches').select(['batch_id', 'file', 'rows_rejected', 'rows_read']).where('status', '=', 'held').orderBy('batch_seq').execute();
  for (const batch of held) {
    blockers.push(
      `批次暂扣 held batch ${batch.batch_id} (${batch.file}: ${batch.rows_rejected}/${batch.rows_read} rows rejected) — review audit.rejects, then \`safecampus release ${batch.batch_id}\` or \`safecampus release ${batch.batch_id} --discard\``,
    );
  }
  const failing = await q
    .selectFrom('audit.data_tests')
    .select(['model', 'test', 'failing_rows', 'sample'])
    .where('severity', '=', 'error')
    .where('failing_rows', '>', 0)
    .where('run_id', '=', (eb) =>
      eb.selectFrom('audit.runs').select('run_id').where('kind', '=', 'transform').where('finished_at', 'is not', null).orderBy('started_at', 'desc').limit(1),
    )
    .orderBy('model')
    .orderBy('test')
    .execute();
  for (const test of failing) {
    blockers.push(`数据检验未通过 data test ${test.model} ${test.test}: ${test.failing_rows} row(s) break it, e.g. ${test.sample}`);
  }
  return blockers;
}

/** Held → released (its rows join staging) or discarded (they stay in raw, out of staging). */
export async function releaseBatch(db: Warehouse, batchId: string, decision: 'released' | 'discarded'): Promise<void> {
  const batch = await typedWarehouse(db).selectFrom('audit.batches').select('status').where('batch_id', '=', batchId).executeTakeFirst();
  if (!batch) throw new Error(`no batch ${batchId}: list batches with \`safecampus status\``);
  if (batch.status !== 'held') throw new Error(`batch ${batchId} is ${batch.status}, not held: only held batches can be released or discarded`);
  await db.run('update audit.batches set status = $2 where batch_id = $1', [batchId, decision]);
}

/**
 * Scale-out on real processes: one `safecampus worker --queues warehouse` (the single writer)
 * and two `safecampus worker --queues parse` processes against a real Temporal dev server land
 * a generated city through the parse queue; one parse worker is killed with SIGKILL while it
 * parses a file. The other takes the file over, and every file lands exactly as a single-process
 * run of the same files lands it (batch record, raw rows, rejects), with the same marts.
 *
 * @module-tag temporal
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../../workflows/client.ts';
import { startEmbeddedServer, type ServerHandle } from '../../workflows/dev-server.ts';
import { createPipelineSteps } from '../../workflows/steps.ts';
import { runPipeline } from '../../workflows/worker.ts';
import { WAREHOUSE_TASK_QUEUE } from '../../workflows/task-queues.ts';
import type { PipelineInput, PipelineSummary } from '../../workflows/workflows.ts';
import { tempDir } from '../helpers.ts';
import { batchDigests, martDigests, tableCounts } from './warehouse-digests.ts';
import { cityInInboxes, exited, startWorkerProcess, tearDown } from './worker-processes.ts';

const REFERENCE_NAMESPACE = 'scale-out-reference';
const root = tempDir('safecampus-scale-');
const reference = { inbox: join(root, 'reference', 'inbox'), db: join(root, 'reference', 'warehouse.duckdb') };
const scaled = { inbox: join(root, 'scaled', 'inbox'), db: join(root, 'scaled', 'warehouse.duckdb') };
let server: ServerHandle;
let client: Client;
const workers: ChildProcess[] = [];

/** A `safecampus worker` process serving `queue` for the scaled warehouse, once it serves. */
async function startWorker(queue: 'warehouse' | 'parse'): Promise<ChildProcess> {
  const child = await startWorkerProcess(server.address, ['--queues', queue, '--db', scaled.db]);
  workers.push(child);
  return child;
}

const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

/** A parseFile activity running right now on one of `parsers`: its ingest workflow and the process. */
async function parseInFlight(pipelineId: string, parsers: ChildProcess[]): Promise<{ workflowId: string; worker: ChildProcess } | null> {
  const pipeline = await client.workflow.getHandle(pipelineId).describe();
  for (const child of pipeline.raw.pendingChildren ?? []) {
    const described = await client.workflow.getHandle(child.workflowId!).describe();
    for (const activity of described.raw.pendingActivities ?? []) {
      if (activity.state !== STARTED || activity.activityType?.name !== 'parseFile' || activity.attempt !== 1) continue;
      const worker = parsers.find((p) => activity.lastWorkerIdentity?.startsWith(`safecampus-${p.pid}@`));
      if (worker) return { workflowId: child.workflowId!, worker };
    }
  }
  return null;
}

beforeAll(async () => {
  await cityInInboxes(root, 515151, [reference.inbox, scaled.inbox]);
  // one salt for both warehouses, so student IDs hash alike; the parse workers find it beside the warehouse their --db names
  for (const dir of [reference.inbox, scaled.inbox]) writeFileSync(join(dir, '..', '.pii-salt'), 'scale-out-test-salt', { mode: 0o600 });
  server = await startEmbeddedServer({ dataDir: join(root, 'temporal-data'), namespace: REFERENCE_NAMESPACE });
  client = await connectClient(server.address);
}, 300_000);

afterAll(() => tearDown(root, workers, client, server), 60_000);

describe('scale-out through parse workers', () => {
  it('lands a city through two parse worker processes, one killed mid-file, exactly as one process does', async () => {
    const single = await runPipeline({
      address: server.address,
      namespace: REFERENCE_NAMESPACE,
      deps: createPipelineSteps({ dbPath: reference.db }),
      inboxDir: reference.inbox,
      periods: [],
      buildSite: false,
    });
    expect(single.status).toBe('published');
    expect(single.files.failed).toBeGreaterThan(0); // the dirty city's empty file fails as a whole, on either path

    await startWorker('warehouse');
    const parsers = [await startWorker('parse'), await startWorker('parse')];
    const workflowId = `pipeline-scale-out-${Date.now()}`;
    const input: PipelineInput = { inboxDir: scaled.inbox, periods: [], buildSite: false, heartbeatTimeout: '3 seconds', scaleOut: true };
    const handle = await client.workflow.start('pipelineWorkflow', { taskQueue: WAREHOUSE_TASK_QUEUE, workflowId, args: [input] });

    let victim: { workflowId: string; worker: ChildProcess } | null = null;
    while (!victim) {
      victim = await parseInFlight(workflowId, parsers);
      if (!victim) await sleep(25);
    }
    victim.worker.kill('SIGKILL');
    await exited(victim.worker);

    const summary = (await handle.result()) as PipelineSummary;
    expect(summary.status).toBe('published');
    expect(summary.files).toEqual(single.files);
    expect(summary.rowsLanded).toBe(single.rowsLanded);
    expect(summary.rowsRejected).toBe(single.rowsRejected);

    // the killed parse was taken over by the surviving worker
    const survivor = parsers.find((p) => p !== victim!.worker)!;
    const history = await client.workflow.getHandle(victim.workflowId).fetchHistory();
    const parses = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes);
    expect(parses.some((e) => e.activityTaskStartedEventAttributes!.attempt === 2 && e.activityTaskStartedEventAttributes!.identity?.startsWith(`safecampus-${survivor.pid}@`))).toBe(true);

    expect(await batchDigests(scaled.db, scaled.inbox)).toEqual(await batchDigests(reference.db, reference.inbox));
    expect(await tableCounts(scaled.db)).toEqual(await tableCounts(reference.db));
    expect(await martDigests(scaled.db)).toEqual(await martDigests(reference.db));
    // every parsed folder was landed and removed; what stays is the exported lookups
    expect(readdirSync(join(root, 'scaled', 'parsed')).filter((name) => name !== 'lookups')).toEqual([]);
  }, 600_000);
});

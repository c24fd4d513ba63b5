/**
 * Crash safety, for real: a `safecampus worker` child process lands a generated city through the
 * pipeline workflow and is killed with SIGKILL in the middle of an ingest activity; a new worker
 * process takes over, the workflow completes, and every table's row count equals that of an
 * uninterrupted run of the same files (another warehouse, another Temporal namespace, so its
 * `ingest-<sha256>` ids do not collide). Then: a run with no new files ingests nothing, and a new
 * file is picked up by the next run.
 *
 * @module-tag temporal
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../../workflows/client.ts';
import { startEmbeddedServer, type ServerHandle } from '../../workflows/dev-server.ts';
import { createPipelineSteps } from '../../workflows/steps.ts';
import { runPipeline } from '../../workflows/worker.ts';
import { WAREHOUSE_TASK_QUEUE } from '../../workflows/task-queues.ts';
import type { PipelineInput, PipelineSummary } from '../../workflows/workflows.ts';
import { tempDir } from '../helpers.ts';
import { martDigests, tableCounts } from './warehouse-digests.ts';
import { cityInInboxes, exited, startWorkerProcess, tearDown } from './worker-processes.ts';

const REFERENCE_NAMESPACE = 'crash-reference';
const root = tempDir('safecampus-crash-');
const city = join(root, 'city'); // where cityInInboxes generates it
const reference = { inbox: join(root, 'reference', 'inbox'), db: join(root, 'reference', 'warehouse.duckdb') };
const crashed = { inbox: join(root, 'crashed', 'inbox'), db: join(root, 'crashed', 'warehouse.duckdb') };
let server: ServerHandle;
let client: Client;
const workers: ChildProcess[] = [];

/** A `safecampus worker` process for the crashed warehouse against the test's server, once it serves. */
async function startWorker(): Promise<ChildProcess> {
  const child = await startWorkerProcess(server.address, ['--db', crashed.db]);
  workers.push(child);
  return child;
}

const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

/** The ingest child workflow (if any) whose activity a worker is executing right now. */
async function ingestInFlight(pipelineId: string): Promise<{ workflowId: string; activityId: string } | null> {
  const pipeline = await client.workflow.getHandle(pipelineId).describe();
  for (const child of pipeline.raw.pendingChildren ?? []) {
    const workflowId = child.workflowId!;
    const described = await client.workflow.getHandle(workflowId).describe();
    const activity = described.raw.pendingActivities?.find((a) => a.state === STARTED && a.activityType?.name === 'ingestFile');
    if (activity) return { workflowId, activityId: activity.activityId! };
  }
  return null;
}

async function stillRunning(target: { workflowId: string; activityId: string }): Promise<boolean> {
  const described = await client.workflow.getHandle(target.workflowId).describe();
  return (described.raw.pendingActivities ?? []).some((a) => a.activityId === target.activityId && a.state === STARTED && a.attempt === 1);
}

async function runPipelineOnWorkers(workflowId: string): Promise<PipelineSummary> {
  const input: PipelineInput = { inboxDir: crashed.inbox, periods: [], buildSite: false, heartbeatTimeout: '3 seconds' };
  const handle = await client.workflow.start('pipelineWorkflow', { taskQueue: WAREHOUSE_TASK_QUEUE, workflowId, args: [input] });
  return (await handle.result()) as PipelineSummary;
}

beforeAll(async () => {
  await cityInInboxes(root, 424242, [reference.inbox, crashed.inbox]);
  server = await startEmbeddedServer({ dataDir: join(root, 'temporal-data'), namespace: REFERENCE_NAMESPACE });
  client = await connectClient(server.address);
}, 300_000);

afterAll(() => tearDown(root, workers, client, server), 60_000);

describe('crash safety of the pipeline', () => {
  let referenceCounts: Record<string, number>;
  let referenceFiles: PipelineSummary['files'];

  it('an uninterrupted run lands the city (the reference)', async () => {
    const summary = await runPipeline({
      address: server.address,
      namespace: REFERENCE_NAMESPACE,
      deps: createPipelineSteps({ dbPath: reference.db }),
      inboxDir: reference.inbox,
      periods: [],
      buildSite: false,
    });
    expect(summary.status).toBe('published');
    expect(summary.files.held).toBe(0);
    expect(summary.files.failed).toBeGreaterThan(0); // the dirty city's empty file fails as a whole, as it should
    referenceFiles = summary.files;
    referenceCounts = await tableCounts(reference.db);
    expect(referenceCounts['audit.batches']).toBe(summary.files.landed + summary.files.failed);
    expect(referenceCounts['audit.rejects']).toBeGreaterThan(0); // the dirty rate put some in
  }, 600_000);

  it('a worker killed with SIGKILL in the middle of an ingest is replaced; the run completes with the same counts', async () => {
    const first = await startWorker();
    const workflowId = `pipeline-crash-${Date.now()}`;
    const input: PipelineInput = { inboxDir: crashed.inbox, periods: [], buildSite: false, heartbeatTimeout: '3 seconds' };
    const handle = await client.workflow.start('pipelineWorkflow', { taskQueue: WAREHOUSE_TASK_QUEUE, workflowId, args: [input] });

    // Freeze the worker the moment an ingest activity is running on it; kill it if the activity is
    // still in flight once frozen (else let it go on and catch the next one).
    let victim: { workflowId: string; activityId: string } | null = null;
    while (!victim) {
      const target = await ingestInFlight(workflowId);
      if (target) {
        first.kill('SIGSTOP');
        await sleep(300); // a completion already on the wire arrives
        if (await stillRunning(target)) {
          victim = target;
          first.kill('SIGKILL');
        } else {
          first.kill('SIGCONT');
        }
      } else {
        await sleep(25);
      }
    }
    await exited(first);
    expect(first.signalCode).toBe('SIGKILL');

    await startWorker();
    const summary = (await handle.result()) as PipelineSummary;
    expect(summary.status).toBe('published');
    // A kill after the landing committed but before the activity reported makes the retry find the
    // file landed ('skipped' by the ingest, counted as landed here): nothing is landed twice.
    expect({ ...summary.files, landed: summary.files.landed + summary.files.skipped, skipped: 0 }).toEqual(referenceFiles);

    // The killed attempt was retried on the new worker after the heartbeat timeout.
    const history = await client.workflow.getHandle(victim.workflowId).fetchHistory();
    const attempts = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toEqual([2]); // started events are recorded once, for the attempt that closed

    expect(await tableCounts(crashed.db)).toEqual(referenceCounts);
    // Not just as many rows: the same scores, ranks and short boards (landing order does not leak in).
    expect(await martDigests(crashed.db)).toEqual(await martDigests(reference.db));
  }, 600_000);

  it('a second run with no new files does no ingestion, transform or publishing work', async () => {
    const summary = await runPipelineOnWorkers(`pipeline-again-${Date.now()}`);
    expect(summary.status).toBe('unchanged');
    expect(summary.files.discovered).toBe(0);
    expect(summary.ingests).toEqual([]);
    // nothing is redone, but the night's health check runs and is kept beside the first run's (the same problems, judged on the same day)
    expect(await tableCounts(crashed.db)).toEqual({
      ...referenceCounts,
      'audit.runs': expect.any(Number),
      'audit.health_checks': 2,
      'audit.health_results': 2 * referenceCounts['audit.health_results']!,
    });
  }, 300_000);

  it('a new file in the inbox is picked up by the next run', async () => {
    const sensors = readFileSync(join(city, 'sensors', 'sensors_2025.csv'), 'utf8').split('\n');
    writeFileSync(join(crashed.inbox, 'sensors', 'sensors_2025_resent.csv'), `${sensors.slice(0, 11).join('\n')}\n`);
    const before = await tableCounts(crashed.db);
    const summary = await runPipelineOnWorkers(`pipeline-new-file-${Date.now()}`);
    expect(summary.files).toEqual({ discovered: 1, landed: 1, skipped: 0, held: 0, failed: 0 });
    expect(summary.rowsLanded + summary.rowsRejected).toBe(10);
    const after = await tableCounts(crashed.db);
    expect(after['raw.sensors']).toBe(before['raw.sensors']! + summary.rowsLanded);
    expect(after['audit.batches']).toBe(before['audit.batches']! + 1);
    expect(after['staging.stg_sensors']).toBe(before['staging.stg_sensors']); // the same records again: latest version kept
  }, 300_000);

  it('a missing inbox is bad input: the run fails at once, without retries, saying what to do', async () => {
    const handle = await client.workflow.start('pipelineWorkflow', {
      taskQueue: WAREHOUSE_TASK_QUEUE,
      workflowId: `pipeline-no-inbox-${Date.now()}`,
      args: [{ inboxDir: join(root, 'nowhere'), periods: [], buildSite: false } satisfies PipelineInput],
    });
    const failure = await handle.result().then(
      () => null,
      (error: Error) => error,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    let cause: unknown = failure;
    while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
    expect((cause as Error).message).toContain(`收件箱不存在（no inbox folder ${join(root, 'nowhere')}`);
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toEqual([1]);
  }, 120_000);
});

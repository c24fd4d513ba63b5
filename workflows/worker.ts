/**
 * Workers. `runWorker` serves the chosen task queues in this process; `runPipeline` is what
 * `safecampus run` does: an in-process worker, one pipeline workflow, wait, shut down.
 *
 * Task queues:
 *   warehouse: hosts the workflows and the warehouse activities, ONE activity at a time (DuckDB has
 *              one writer). Run exactly one such worker per warehouse.
 *   parse:     the stateless parseFile activity only; run as many as you like.
 *   province:  the province roll-up's workflow and activities (province-activities.ts).
 */
import { setMaxListeners } from 'node:events';
import { WorkflowFailedError } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type LogLevel,
} from '@temporalio/worker';
import { getWorkflowBundle } from './bundle.ts';
import { createActivities, type PipelineDeps } from './activities.ts';
import { createProvinceActivities } from './province-activities.ts';
import { connectClient } from './client.ts';
import { DEFAULT_NAMESPACE } from './dev-server.ts';
import { TASK_QUEUES, type TaskQueueRole } from './task-queues.ts';
import type { PipelineInput, PipelineProgress, PipelineSummary } from './workflows.ts';


/**
 * Make the SDK's own logging quiet (default: warnings and errors only). The SDK's Runtime is a
 * process-wide singleton configured once, before the first worker; later calls do nothing.
 */
export function configureTemporalLogging(level: LogLevel = 'WARN'): void {
  if (Runtime._instance !== undefined) return;
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // installed concurrently or by the host application: keep theirs
  }
}

export interface RunWorkerOptions {
  address: string;
  namespace?: string;
  /** What the warehouse and parse activities run on; the province queue needs none. */
  deps?: PipelineDeps;
  /** Which queues this process serves. Default ['warehouse']. */
  taskQueues?: TaskQueueRole[];
  /** Override queue names (tests; several warehouses on one cluster). */
  taskQueueNames?: Partial<Record<TaskQueueRole, string>>;
  /** Aborting shuts the worker down (gracefully). */
  signal?: AbortSignal;
  /** Parse activities at once on this machine. Default 2. */
  parseConcurrency?: number;
  /** How long in-flight activities may finish on shutdown before they are cancelled. Default '5 seconds'. */
  shutdownGraceTime?: Duration;
  /**
   * Give up on a graceful shutdown after this long (activities that ignore cancellation, e.g. a
   * long DuckDB statement, would otherwise hold it). Default '15 seconds'. Their work is retried by
   * the next worker after the heartbeat timeout.
   */
  shutdownForceTime?: Duration;
  /** SDK log level (process-wide, first call wins). Default 'WARN'. */
  logLevel?: LogLevel;
  identity?: string;
}

export interface WorkerHandle {
  /** The task queue names served. */
  taskQueues: string[];
  /** Resolves when every worker has stopped; rejects if one failed. */
  done: Promise<void>;
  /** Graceful shutdown; resolves when stopped. Safe to call more than once. */
  shutdown(): Promise<void>;
}

export async function runWorker(options: RunWorkerOptions): Promise<WorkerHandle> {
  configureTemporalLogging(options.logLevel ?? 'WARN');
  const roles = options.taskQueues ?? ['warehouse'];
  const names = { ...TASK_QUEUES, ...options.taskQueueNames };
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  if (!options.deps && roles.some((role) => role !== 'province')) throw new Error(`serving ${roles.join(', ')} needs the pipeline's steps (deps)`);
  const activities = options.deps ? createActivities(options.deps) : null;
  const connection = await NativeConnection.connect({ address: options.address });
  const workers: Worker[] = [];
  try {
    for (const role of roles) {
      const common = {
        connection,
        namespace,
        taskQueue: names[role],
        shutdownGraceTime: options.shutdownGraceTime ?? '5 seconds',
        shutdownForceTime: options.shutdownForceTime ?? '15 seconds',
        ...(options.identity ? { identity: `${options.identity}/${role}` } : {}),
      };
      if (role === 'province') {
        workers.push(await Worker.create({ ...common, workflowBundle: await getWorkflowBundle(), activities: createProvinceActivities() }));
      } else if (role === 'warehouse') {
        workers.push(
          await Worker.create({
            ...common,
            workflowBundle: await getWorkflowBundle(),
            activities: activities!,
            // The single writer: warehouse activities run one at a time.
            maxConcurrentActivityTaskExecutions: 1,
          }),
        );
      } else {
        workers.push(
          await Worker.create({
            ...common,
            activities: { parseFile: activities!.parseFile },
            maxConcurrentActivityTaskExecutions: options.parseConcurrency ?? 2,
          }),
        );
      }
    }
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }

  const runs = workers.map((w) => w.run());
  const done = Promise.all(runs).then(() => undefined);
  let stopping: Promise<void> | null = null;
  const shutdown = () => {
    stopping ??= (async () => {
      for (const w of workers) {
        if (w.getState() === 'RUNNING') w.shutdown();
      }
      await done.catch(() => undefined);
      await connection.close().catch(() => undefined);
    })();
    return stopping;
  };
  // If one worker dies, stop the others too.
  for (const run of runs) run.catch(() => void shutdown());
  if (options.signal) {
    if (options.signal.aborted) void shutdown();
    else options.signal.addEventListener('abort', () => void shutdown(), { once: true });
  }
  return { taskQueues: roles.map((r) => names[r]), done, shutdown };
}

export interface RunPipelineOptions extends Omit<RunWorkerOptions, 'signal'> {
  inboxDir: string;
  periods: string[];
  buildSite: boolean;
  /** Default `pipeline-<ISO timestamp>`. */
  workflowId?: string;
  /** Extra workflow input (scale-out, heartbeat timeout, ...). */
  input?: Partial<Omit<PipelineInput, 'inboxDir' | 'periods' | 'buildSite'>>;
  /** Ctrl-C: request cancellation of the pipeline workflow, shut the worker down, reject. */
  signal?: AbortSignal;
  /** Called as the pipeline starts (e.g. to print the workflow id). */
  onStart?: (workflowId: string) => void;
  /** Called about once a second with the workflow's progress (its `progress` query). */
  onProgress?: (progress: PipelineProgress) => void;
}

const PROGRESS_POLL_MS = 1000;

export function defaultPipelineWorkflowId(now = new Date()): string {
  return `pipeline-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/** Starts an in-process worker and one pipeline workflow, waits for its summary, shuts the worker down. */
export async function runPipeline(options: RunPipelineOptions): Promise<PipelineSummary> {
  if (options.signal?.aborted) throw abortError();
  const roles: TaskQueueRole[] = options.taskQueues ?? (options.input?.scaleOut ? ['warehouse', 'parse'] : ['warehouse']);
  const names = { ...TASK_QUEUES, ...options.taskQueueNames };
  const worker = await runWorker({ ...options, taskQueues: roles, signal: undefined });
  const client = await connectClient(options.address, options.namespace ?? DEFAULT_NAMESPACE).catch(async (error: unknown) => {
    await worker.shutdown();
    throw error;
  });
  const workflowId = options.workflowId ?? defaultPipelineWorkflowId();
  const input: PipelineInput = {
    ...options.input,
    inboxDir: options.inboxDir,
    periods: options.periods,
    buildSite: options.buildSite,
    ...(roles.includes('parse') ? { parseTaskQueue: names.parse } : {}),
  };
  let onAbort: (() => void) | undefined;
  try {
    const handle = await client.workflow.start('pipelineWorkflow', {
      taskQueue: names.warehouse,
      workflowId,
      args: [input],
    });
    options.onStart?.(workflowId);
    const onProgress = options.onProgress;
    // One progress query at a time, awaited before the connection closes: a query still retrying
    // when it closed would throw "Channel has been shut down" from the client's retry timer.
    let progressQuery: Promise<void> | null = null;
    const poll = onProgress
      ? setInterval(() => {
          progressQuery ??= handle
            .query<PipelineProgress>('progress')
            .then(onProgress, () => undefined)
            .finally(() => (progressQuery = null));
        }, PROGRESS_POLL_MS)
      : undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        handle
          .cancel()
          .catch(() => undefined)
          .finally(() => reject(abortError()));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const workerDied = worker.done.then(() => {
      throw new Error('The Temporal worker stopped before the pipeline finished.');
    });
    // The wait is aborted before the connection closes: closing under a pending long-poll makes the
    // client's retry timer throw an uncaught "Channel has been shut down".
    // The Temporal client (1.24) adds an abort listener to it for every call it makes under it and
    // never removes one; a long pipeline's result is many long-polls, and Node warned of a leak
    // on the 11th. The signal lives for this one wait, and its listeners end with it.
    const stopWaiting = new AbortController();
    setMaxListeners(0, stopWaiting.signal);
    const result = client.withAbortSignal(stopWaiting.signal, () => handle.result());
    try {
      return (await Promise.race([result, aborted, workerDied])) as PipelineSummary;
    } catch (error) {
      throw explainWorkflowFailure(error, `Pipeline workflow ${workflowId}`);
    } finally {
      clearInterval(poll);
      stopWaiting.abort();
      await result.catch(() => undefined);
      await progressQuery;
      aborted.catch(() => undefined);
      workerDied.catch(() => undefined);
    }
  } finally {
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    await worker.shutdown();
    await client.connection.close().catch(() => undefined);
  }
}

/** A failed workflow as the error its deepest cause says (the activity's own message); other errors as they are. */
export function explainWorkflowFailure(error: unknown, what: string): unknown {
  if (!(error instanceof WorkflowFailedError)) return error;
  let root: unknown = error;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  return new Error(`${what} failed: ${(root as Error).message}`, { cause: error });
}

/** Current step of a running pipeline (the workflow's `progress` query). */
export async function queryPipelineProgress(address: string, workflowId: string, namespace = DEFAULT_NAMESPACE): Promise<PipelineProgress> {
  const client = await connectClient(address, namespace);
  try {
    return await client.workflow.getHandle(workflowId).query<PipelineProgress>('progress');
  } finally {
    await client.connection.close().catch(() => undefined);
  }
}

function abortError(): Error {
  const error = new Error('Pipeline run interrupted; its workflow was asked to cancel.');
  error.name = 'AbortError';
  return error;
}

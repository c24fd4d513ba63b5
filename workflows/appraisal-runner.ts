/**
 * Driving the appraisal workflow from the command line: start it (or attach to the running one),
 * send the sign-off, read its state. Each call serves the warehouse task queue with an in-process
 * worker while it waits, like `safecampus run`, so the appraisal proceeds on the embedded server
 * even when no other worker is up (a second process finds that server through its state file).
 * Waiting polls `describe` and the `state` query; it never holds a long-poll open (see README:
 * closing the client under a pending long-poll throws).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { PipelineDeps } from './activities.ts';
import { connectClient } from './client.ts';
import { DEFAULT_NAMESPACE } from './dev-server.ts';
import { WAREHOUSE_TASK_QUEUE } from './task-queues.ts';
import { runWorker } from './worker.ts';
import { appraisalWorkflowId, type AppraisalInput, type AppraisalState, type SignOff } from './appraisal-workflow.ts';

export interface AppraisalRunOptions {
  address: string;
  namespace?: string;
  deps: PipelineDeps;
  year: number;
  /** Ctrl-C: stop waiting (the workflow keeps its state on the server). */
  signal?: AbortSignal;
  /** Called whenever the observed status changes. */
  onState?: (state: AppraisalState) => void;
}

export class AppraisalError extends Error {}

/** What `describe` + `result`/`state` say about `appraisal-<year>`. */
export interface AppraisalView {
  workflowId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, ... or NOT_FOUND. */
  execution: string;
  state: AppraisalState | null;
  /** Why it failed, when it did. */
  failure: string | null;
}

/**
 * Starts the appraisal of `options.year`, or attaches to the one already running, and waits until it
 * waits for its sign-off (`untilClosed`: until it is decided and recorded). A year whose appraisal
 * was approved is refused: the approved appraisal is the official one.
 */
export async function startAppraisal(
  options: AppraisalRunOptions & Omit<AppraisalInput, 'year'> & { untilClosed?: boolean },
): Promise<{ started: boolean; view: AppraisalView }> {
  return withWorker(options, async (client, taskQueue) => {
    const workflowId = appraisalWorkflowId(options.year);
    const before = await viewOf(client, workflowId);
    if (before.state?.status === 'approved') {
      throw new AppraisalError(
        `${options.year} 年度考核已批准（appraisal ${before.state.appraisalId} was approved by ${before.state.decision?.approver} ` +
          `and published to ${before.state.publishedPath}; it is the official one）`,
      );
    }
    let started = false;
    if (before.execution !== 'RUNNING') {
      const input: AppraisalInput = { year: options.year, cutoff: options.cutoff, reminderEvery: options.reminderEvery };
      try {
        await client.workflow.start('appraisalWorkflow', { taskQueue, workflowId, args: [input] });
        started = true;
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error; // started by someone else just now
      }
    }
    const view = await waitFor(client, workflowId, options, (state) =>
      options.untilClosed ? false : state.status === 'waiting_for_signoff' || state.status === 'waiting_for_cutoff',
    );
    return { started, view };
  });
}

/** Sends the sign-off to the waiting appraisal of `options.year` and waits until it is recorded (and published). */
export async function signOffAppraisal(options: AppraisalRunOptions & { signOff: SignOff }): Promise<AppraisalView> {
  return withWorker(options, async (client) => {
    const workflowId = appraisalWorkflowId(options.year);
    const before = await viewOf(client, workflowId);
    if (before.execution === 'NOT_FOUND') {
      throw new AppraisalError(`没有 ${options.year} 年度考核（no appraisal for ${options.year}: start it with \`safecampus appraisal ${options.year}\`）`);
    }
    if (before.execution !== 'RUNNING') {
      const outcome = before.state ? `${before.state.status} by ${before.state.decision?.approver}` : `${before.execution}: ${before.failure}`;
      throw new AppraisalError(`${options.year} 年度考核已结束，无需签批（appraisal-${options.year} is closed: ${outcome}）`);
    }
    const ready = await waitFor(client, workflowId, options, (state) => state.status === 'waiting_for_signoff' || state.status === 'waiting_for_cutoff');
    if (ready.state?.status !== 'waiting_for_signoff') {
      throw new AppraisalError(`${options.year} 年度考核尚未到截止日 ${ready.state?.cutoff}，数据未冻结，不能签批（the appraisal waits for its cut-off day to end）`);
    }
    await client.workflow.getHandle(workflowId).signal('signOff', options.signOff);
    return waitFor(client, workflowId, options, () => false);
  });
}

/** The appraisal's state: the `state` query while it runs, its result once it has completed. */
export async function appraisalStatus(options: AppraisalRunOptions): Promise<AppraisalView> {
  return withWorker(options, (client) => viewOf(client, appraisalWorkflowId(options.year)));
}

async function withWorker<T>(options: AppraisalRunOptions, fn: (client: Client, taskQueue: string) => Promise<T>): Promise<T> {
  const worker = await runWorker({ address: options.address, namespace: options.namespace, deps: options.deps });
  try {
    const client = await connectClient(options.address, options.namespace ?? DEFAULT_NAMESPACE);
    try {
      return await fn(client, WAREHOUSE_TASK_QUEUE);
    } finally {
      await client.connection.close().catch(() => undefined);
    }
  } finally {
    await worker.shutdown();
  }
}

async function viewOf(client: Client, workflowId: string): Promise<AppraisalView> {
  const handle: WorkflowHandle = client.workflow.getHandle(workflowId);
  let execution: string;
  try {
    execution = (await handle.describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { workflowId, execution: 'NOT_FOUND', state: null, failure: null };
    throw error;
  }
  if (execution === 'RUNNING') {
    // A query is answered only after the first workflow task; until then there is no state to show.
    const state = await handle.query<AppraisalState>('state').catch(() => null);
    return { workflowId, execution, state, failure: null };
  }
  try {
    return { workflowId, execution, state: (await handle.result()) as AppraisalState, failure: null };
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    return { workflowId, execution, state: null, failure: rootMessage(error) };
  }
}

/** Polls until `done(state)` or the workflow closes; a failed appraisal is an error saying why. */
async function waitFor(client: Client, workflowId: string, options: AppraisalRunOptions, done: (state: AppraisalState) => boolean): Promise<AppraisalView> {
  let lastStatus: string | null = null;
  for (;;) {
    if (options.signal?.aborted) throw new AppraisalError(`stopped waiting; ${workflowId} keeps its state on the Temporal server`);
    const view = await viewOf(client, workflowId);
    if (view.state && view.state.status !== lastStatus) {
      lastStatus = view.state.status;
      options.onState?.(view.state);
    }
    if (view.failure !== null) throw new AppraisalError(`${workflowId} 失败（failed）: ${view.failure}`);
    if (view.execution !== 'RUNNING') {
      if (!view.state) throw new AppraisalError(`${workflowId} ended as ${view.execution}`);
      return view;
    }
    if (view.state && done(view.state)) return view;
    await sleep(300);
  }
}

function rootMessage(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(error);
}

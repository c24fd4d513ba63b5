/**
 * What `safecampus province` does: serve the province task queue in this process, start the
 * roll-up of the year (or join the one already running), wait for it, shut down.
 */
import { setMaxListeners } from 'node:events';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { connectClient } from './client.ts';
import { DEFAULT_NAMESPACE } from './dev-server.ts';
import { provinceWorkflowId, type ProvinceInput, type ProvinceState } from './province-workflow.ts';
import { PROVINCE_TASK_QUEUE } from './task-queues.ts';
import { explainWorkflowFailure, runWorker } from './worker.ts';

export interface ProvinceRunOptions {
  address: string;
  namespace?: string;
  input: ProvinceInput;
  /** Ctrl-C: stop waiting and shut the worker down (the workflow stays, for the next run to join). */
  signal?: AbortSignal;
  /** Called once the roll-up runs: whether this call started it. */
  onStart?: (workflowId: string, started: boolean) => void;
}

export async function runProvince(options: ProvinceRunOptions): Promise<ProvinceState> {
  const worker = await runWorker({ address: options.address, namespace: options.namespace, taskQueues: ['province'] });
  const client = await connectClient(options.address, options.namespace ?? DEFAULT_NAMESPACE).catch(async (error: unknown) => {
    await worker.shutdown();
    throw error;
  });
  const workflowId = provinceWorkflowId(options.input.year);
  try {
    let started = true;
    try {
      await client.workflow.start('provinceWorkflow', { taskQueue: PROVINCE_TASK_QUEUE, workflowId, args: [options.input] });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      started = false;
    }
    options.onStart?.(workflowId, started);
    // the wait ends before the connection closes (see runPipeline in worker.ts)
    const stopWaiting = new AbortController();
    setMaxListeners(0, stopWaiting.signal);
    const onAbort = () => stopWaiting.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const result = client.withAbortSignal(stopWaiting.signal, () => client.workflow.getHandle(workflowId).result());
      const workerDied = worker.done.then(() => {
        throw new Error('The Temporal worker stopped before the province roll-up finished.');
      });
      workerDied.catch(() => undefined);
      return (await Promise.race([result, workerDied])) as ProvinceState;
    } catch (error) {
      throw explainWorkflowFailure(error, `Province workflow ${workflowId}`);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      stopWaiting.abort();
    }
  } finally {
    await worker.shutdown();
    await client.connection.close().catch(() => undefined);
  }
}

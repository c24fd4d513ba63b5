/** Connecting to Temporal from Node code (CLI, worker launcher, tests). */
import { Client, Connection } from '@temporalio/client';
import { DEFAULT_NAMESPACE } from './dev-server.ts';

export { PARSE_TASK_QUEUE, TASK_QUEUES, WAREHOUSE_TASK_QUEUE, type TaskQueueRole } from './task-queues.ts';

/**
 * A Temporal Client for `address` (host:port). Close it with `await client.connection.close()`.
 * Fails fast with a message that says what to do when nothing answers.
 */
export async function connectClient(address: string, namespace = DEFAULT_NAMESPACE): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: '10 seconds' });
  } catch (error) {
    throw new Error(
      `Cannot reach Temporal at ${address}: ${(error as Error).message}. ` +
        'Check TEMPORAL_ADDRESS, or unset it to use the embedded dev server.',
    );
  }
  return new Client({ connection, namespace });
}

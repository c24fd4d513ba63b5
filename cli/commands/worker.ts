import { resolve } from 'node:path';
import { stringOption, UsageError, type Command } from '../command.ts';
import { ensureNamespace, installShutdownHandlers, DEFAULT_NAMESPACE } from '../../workflows/dev-server.ts';
import { runWorker } from '../../workflows/worker.ts';
import { createPipelineSteps } from '../../workflows/steps.ts';
import type { TaskQueueRole } from '../../workflows/task-queues.ts';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'run a Temporal worker against TEMPORAL_ADDRESS (for a real cluster)',
  usage: '[--queues warehouse,parse]',
  help: [
    ['--queues LIST', 'task queues to serve: warehouse (the single writer; one per warehouse) and/or parse (any number of machines); default warehouse'],
  ],
  options: { queues: { type: 'string' } },
  async run(values, _positionals, context) {
    const address = process.env.TEMPORAL_ADDRESS?.trim();
    if (!address) throw new UsageError('set TEMPORAL_ADDRESS to the Temporal frontend (host:port); `safecampus run` without it uses an embedded dev server');
    const queues = (stringOption(values, 'queues') ?? 'warehouse').split(',').map((q) => q.trim());
    const unknown = queues.find((q) => q !== 'warehouse' && q !== 'parse');
    if (unknown) throw new UsageError(`--queues takes warehouse and/or parse, got "${unknown}"`);
    const namespace = context.city?.namespace ?? (process.env.TEMPORAL_NAMESPACE?.trim() || DEFAULT_NAMESPACE);
    if (context.city) await ensureNamespace(address, namespace);
    const handle = await runWorker({
      address,
      namespace,
      deps: createPipelineSteps({ dbPath: context.dbPath }),
      taskQueues: queues as TaskQueueRole[],
      identity: `safecampus-${process.pid}@${resolve('.')}`,
    });
    context.say(`worker serving ${handle.taskQueues.join(', ')} at ${address} (namespace ${namespace}); Ctrl-C to stop`);
    installShutdownHandlers(() => handle.shutdown());
    await handle.done;
    return { task_queues: handle.taskQueues };
  },
};

import { resolve } from 'node:path';
import { stringOption, UsageError, type Command } from '../command.ts';
import { cityWarehouse, loadCities, loadProvince } from '../cities.ts';
import { ensureNamespace, installShutdownHandlers, DEFAULT_NAMESPACE } from '../../workflows/dev-server.ts';
import { runWorker, type WorkerHandle } from '../../workflows/worker.ts';
import { createPipelineSteps } from '../../workflows/steps.ts';
import type { TaskQueueRole } from '../../workflows/task-queues.ts';

const ROLES: TaskQueueRole[] = ['warehouse', 'parse', 'province'];

/** One Temporal worker to start: a namespace, the queues it serves there and the warehouse behind them. */
interface WorkerTarget {
  namespace: string;
  roles: TaskQueueRole[];
  /** null for the province queue, which reads the cities' snapshots, not one warehouse. */
  dbPath: string | null;
  /** The namespace is one the cities file names (registered when missing), not one given through TEMPORAL_NAMESPACE. */
  fromCitiesFile: boolean;
}

export const workerCommand: Command = {
  name: 'worker',
  summary: 'run a Temporal worker against TEMPORAL_ADDRESS (for a real cluster)',
  usage: '[--queues warehouse,parse,province] [--all-cities]',
  help: [
    ['--queues LIST', 'task queues to serve: warehouse (the single writer; one per warehouse), parse (any number of machines), province (the province roll-up); default warehouse'],
    ['--all-cities', 'serve the warehouse/parse queues of every city of the cities file (each in its namespace): parse workers shared by the cities'],
    ['', 'province serves the namespace of the cities file’s province (--cities FILE)'],
  ],
  options: { queues: { type: 'string' }, 'all-cities': { type: 'boolean' } },
  readsCitiesFile: true,
  async run(values, _positionals, context) {
    const address = process.env.TEMPORAL_ADDRESS?.trim();
    if (!address) throw new UsageError('set TEMPORAL_ADDRESS to the Temporal frontend (host:port); `safecampus run` without it uses an embedded dev server');
    const queues = (stringOption(values, 'queues') ?? 'warehouse').split(',').map((q) => q.trim());
    const unknown = queues.find((q) => !ROLES.includes(q as TaskQueueRole));
    if (unknown) throw new UsageError(`--queues takes warehouse, parse and/or province, got "${unknown}"`);
    const allCities = values['all-cities'] === true;
    if (allCities && context.city) throw new UsageError('--all-cities serves every city: drop --city');
    const cityRoles = queues.filter((q): q is TaskQueueRole => q !== 'province');
    if (allCities && cityRoles.length === 0) throw new UsageError('--all-cities serves the cities’ warehouse or parse queues: add them to --queues');

    const targets: WorkerTarget[] = [];
    if (allCities) {
      for (const city of loadCities(context.citiesFile)) targets.push({ namespace: city.namespace, roles: cityRoles, dbPath: cityWarehouse(city), fromCitiesFile: true });
    } else if (cityRoles.length) {
      targets.push({ namespace: context.city?.namespace ?? (process.env.TEMPORAL_NAMESPACE?.trim() || DEFAULT_NAMESPACE), roles: cityRoles, dbPath: context.dbPath, fromCitiesFile: context.city !== null });
    }
    if (queues.includes('province')) targets.push({ namespace: loadProvince(context.citiesFile).namespace, roles: ['province'], dbPath: null, fromCitiesFile: true });

    const handles: WorkerHandle[] = [];
    const identity = `safecampus-${process.pid}@${resolve('.')}`;
    try {
      for (const target of targets) {
        if (target.fromCitiesFile) await ensureNamespace(address, target.namespace);
        handles.push(
          await runWorker({
            address,
            namespace: target.namespace,
            ...(target.dbPath ? { deps: createPipelineSteps({ dbPath: target.dbPath }) } : {}),
            taskQueues: target.roles,
            identity,
          }),
        );
      }
    } catch (error) {
      await Promise.all(handles.map((h) => h.shutdown()));
      throw error;
    }
    for (const [i, target] of targets.entries()) {
      context.say(`worker serving ${handles[i].taskQueues.join(', ')} at ${address} (namespace ${target.namespace}); Ctrl-C to stop`);
    }
    const shutdown = () => Promise.all(handles.map((h) => h.shutdown())).then(() => undefined);
    installShutdownHandlers(shutdown);
    // one worker failing stops them all
    await Promise.race(handles.map((h) => h.done)).finally(shutdown);
    await Promise.all(handles.map((h) => h.done));
    return { task_queues: targets.flatMap((t, i) => handles[i].taskQueues.map((queue) => `${t.namespace}/${queue}`)) };
  },
};

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, type Command } from '../command.ts';
import { listExportFiles } from '../../sources/ingest.ts';
import { ensureServer, installShutdownHandlers, type ServerHandle } from '../../workflows/dev-server.ts';
import { temporalOptions } from '../cities.ts';
import { DEFAULT_GENERATE, generateWithProgress } from './generate.ts';
import { runPipelineCommand } from './run.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'the main job on the embedded defaults: generate the demo city if the inbox is empty, then run the pipeline',
  usage: '[--inbox DIR]',
  help: [['--inbox DIR', 'folder of export files (default data/inbox)']],
  options: { inbox: { type: 'string' } },
  async run(values, _positionals, context) {
    if (context.city) throw new UsageError('start runs the demo city; for a city of the cities file use `safecampus run --city CODE`');
    const inboxDir = resolve(typeof values.inbox === 'string' ? values.inbox : 'data/inbox');
    mkdirSync(inboxDir, { recursive: true });
    let temporal: Promise<ServerHandle> | undefined;
    const stopTemporal = () => temporal?.then((server) => server.stop(), () => undefined);
    try {
      if ((await listExportFiles(inboxDir)).length === 0) {
        context.say(`inbox ${inboxDir} is empty: generating the demo city (${DEFAULT_GENERATE.schools} schools, ${DEFAULT_GENERATE.fromYear}–${DEFAULT_GENERATE.toYear})…`);
        // the embedded Temporal server takes over a second to come up: it starts while the city is generated
        const { dataDir, ...serverOptions } = temporalOptions(context);
        temporal = ensureServer(dataDir, serverOptions);
        temporal.catch(() => undefined); // a failed start is reported where the pipeline awaits it
        const disposeHandlers = installShutdownHandlers(async () => stopTemporal());
        try {
          const manifest = await generateWithProgress({ ...DEFAULT_GENERATE, outDir: inboxDir }, context);
          context.say(`generated ${manifest.files.length} export files`);
        } finally {
          disposeHandlers();
        }
      }
      const summary = await runPipelineCommand({ inboxDir, periods: [], buildSite: true, temporal }, context);
      if (summary.status === 'stopped') throw new Error(`pipeline stopped before publishing: ${summary.stoppedReason}`);
      return summary;
    } finally {
      // stopping is idempotent: the pipeline has stopped a server it used; this one stops it if the pipeline never did
      await stopTemporal();
    }
  },
};

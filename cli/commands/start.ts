import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, type Command } from '../command.ts';
import { listExportFiles } from '../../sources/ingest.ts';
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
    if ((await listExportFiles(inboxDir)).length === 0) {
      context.say(`inbox ${inboxDir} is empty: generating the demo city (${DEFAULT_GENERATE.schools} schools, ${DEFAULT_GENERATE.fromYear}–${DEFAULT_GENERATE.toYear})…`);
      const manifest = await generateWithProgress({ ...DEFAULT_GENERATE, outDir: inboxDir }, context);
      context.say(`generated ${manifest.files.length} export files`);
    }
    const summary = await runPipelineCommand({ inboxDir, periods: [], buildSite: true }, context);
    if (summary.status === 'stopped') throw new Error(`pipeline stopped before publishing: ${summary.stoppedReason}`);
    return summary;
  },
};

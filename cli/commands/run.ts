import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { stringOption, UsageError, type Command, type CommandContext } from '../command.ts';
import { resolveDbPath } from '../../warehouse/connection.ts';
import { withTemporal, type TemporalContext } from '../../workflows/dev-server.ts';
import { defaultPipelineWorkflowId, runPipeline } from '../../workflows/worker.ts';
import { withRunLock } from '../../workflows/run-lock.ts';
import { createPipelineSteps } from '../../workflows/steps.ts';
import type { PipelineSummary } from '../../workflows/workflows.ts';
import { isPeriodId, PERIOD_HELP } from '../../transforms/periods.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'the whole pipeline through Temporal: ingest new files, transform, score, publish',
  usage: '[--inbox DIR] [--period P]... [--no-site]',
  help: [
    ['--inbox DIR', 'folder of export files (default data/inbox)'],
    ['--period P', `score these periods (repeatable; default the current ones): ${PERIOD_HELP}`],
    ['--no-site', 'publish the snapshot without building the dashboard site'],
    ['', 'TEMPORAL_ADDRESS set: use that Temporal service; unset: an embedded dev server under data/temporal'],
  ],
  options: { inbox: { type: 'string' }, period: { type: 'string', multiple: true }, 'no-site': { type: 'boolean' } },
  async run(values, _positionals, context) {
    const inboxDir = resolve(stringOption(values, 'inbox') ?? 'data/inbox');
    if (!existsSync(inboxDir)) throw new UsageError(`no inbox folder ${inboxDir}: create it and drop export files in, or pass --inbox DIR`);
    const periods = (values.period as string[] | undefined) ?? [];
    const bad = periods.find((p) => !isPeriodId(p));
    if (bad) throw new UsageError(`--period must look like ${PERIOD_HELP}; got "${bad}"`);
    const summary = await runPipelineCommand({ inboxDir, periods, buildSite: !values['no-site'] }, context);
    if (summary.status !== 'published') throw new Error(`pipeline stopped before publishing: ${summary.stoppedReason}`);
    return summary;
  },
};

export async function runPipelineCommand(
  options: { inboxDir: string; periods: string[]; buildSite: boolean },
  context: CommandContext,
): Promise<PipelineSummary> {
  const dbPath = resolveDbPath();
  const dataDir = dirname(dbPath);
  const workflowId = defaultPipelineWorkflowId();
  // before anything starts: a second run on the folder must not even start a worker
  return withRunLock(dataDir, { workflowId, inbox: options.inboxDir }, () =>
    withTemporal({ dataDir }, async ({ address, namespace, source, signal }) => {
      sayTemporal(context, { address, source }, dataDir);
      const summary = await runPipeline({
        address,
        namespace,
        deps: createPipelineSteps({ dbPath }),
        signal,
        workflowId,
        onStart: (id) => context.say(`pipeline workflow ${id} started`),
        ...options,
      });
      reportSummary(summary, context);
      return summary;
    }),
  );
}

/** One line saying which Temporal service a command uses. */
export function sayTemporal(context: CommandContext, temporal: Pick<TemporalContext, 'address' | 'source'>, dataDir: string): void {
  const { address, source } = temporal;
  context.say(source === 'env' ? `Temporal at ${address} (TEMPORAL_ADDRESS)` : `Temporal dev server at ${address} (${source === 'started' ? 'started' : 'already running'}, state under ${dataDir}/temporal)`);
}

function reportSummary(summary: PipelineSummary, context: CommandContext): void {
  const files = summary.files;
  context.say(
    `files: ${files.discovered} new, ${files.landed} landed, ${files.held} held, ${files.failed} failed, ${files.skipped} skipped; ` +
      `rows: ${summary.rowsLanded} landed, ${summary.rowsRejected} rejected`,
  );
  for (const outcome of summary.ingests.filter((o) => o.status === 'failed' || o.status === 'held' || (o.status === 'skipped' && o.message))) {
    context.say(`  ${outcome.status} ${outcome.file}: ${outcome.message ?? ''}`);
  }
  if (summary.status === 'published') {
    context.say(`published snapshot ${summary.snapshotPath}`);
    if (summary.sitePath) context.say(`site built in ${summary.sitePath} — view it with \`safecampus dashboards preview\``);
  }
}

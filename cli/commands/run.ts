import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { stringOption, UsageError, type Command, type CommandContext } from '../command.ts';
import { withTemporal, type ServerHandle, type TemporalContext } from '../../workflows/dev-server.ts';
import { defaultPipelineWorkflowId, runPipeline } from '../../workflows/worker.ts';
import { withRunLock } from '../../workflows/run-lock.ts';
import { createPipelineSteps } from '../../workflows/steps.ts';
import { BadInputError, type UnchangedOutcome } from '../../workflows/activities.ts';
import { shanghaiDate } from '../../workflows/calendar.ts';
import { dateTime } from '../../shared/format.js';
import type { PipelineProgress, PipelineSummary } from '../../workflows/workflows.ts';
import { startProgress, type Progress } from '../progress.ts';
import { defaultInbox, temporalOptions } from '../cities.ts';
import { isPeriodId, PERIOD_HELP } from '../../transforms/periods.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'the whole pipeline through Temporal: ingest new files, transform, score, publish',
  usage: '[--inbox DIR] [--period P]... [--no-site] [--scale-out]',
  help: [
    ['--inbox DIR', "folder of export files (default data/inbox, or the city's with --city)"],
    ['--period P', `score these periods (repeatable; default the current ones): ${PERIOD_HELP}`],
    ['--no-site', 'publish the snapshot without building the dashboard site'],
    ['--scale-out', 'parse files on the parse task queue: this process and every `safecampus worker --queues parse` with the same --db (or salt) share the parsing; the landing stays here'],
    ['', 'TEMPORAL_ADDRESS set: use that Temporal service; unset: an embedded dev server under data/temporal'],
  ],
  options: { inbox: { type: 'string' }, period: { type: 'string', multiple: true }, 'no-site': { type: 'boolean' }, 'scale-out': { type: 'boolean' } },
  async run(values, _positionals, context) {
    const inbox = stringOption(values, 'inbox');
    const inboxDir = inbox === undefined ? defaultInbox(context) : resolve(inbox);
    if (!existsSync(inboxDir)) throw new UsageError(`no inbox folder ${inboxDir}: create it and drop export files in, or pass --inbox DIR`);
    const periods = (values.period as string[] | undefined) ?? [];
    const bad = periods.find((p) => !isPeriodId(p));
    if (bad) throw new UsageError(`--period must look like ${PERIOD_HELP}; got "${bad}"`);
    const summary = await runPipelineCommand({ inboxDir, periods, buildSite: !values['no-site'], scaleOut: values['scale-out'] === true }, context);
    if (summary.status === 'stopped') throw new Error(`pipeline stopped before publishing: ${summary.stoppedReason}`);
    return summary;
  },
};

export async function runPipelineCommand(
  options: {
    inboxDir: string;
    periods: string[];
    buildSite: boolean;
    scaleOut?: boolean;
    /** A Temporal server already coming up for this run (`start` begins it while it generates the city). */
    temporal?: Promise<ServerHandle>;
  },
  context: CommandContext,
): Promise<PipelineSummary> {
  const dbPath = context.dbPath;
  const dataDir = dirname(dbPath);
  const workflowId = defaultPipelineWorkflowId();
  // before anything starts: a second run on the folder must not even start a worker
  return withRunLock(dataDir, { workflowId, inbox: options.inboxDir }, async () => {
    // nothing new and nothing changed since the last publish: say so without starting Temporal
    const unchanged = await unchangedBeforeStart(dbPath, options);
    if (unchanged) {
      // nothing to redo, but the lag grows with the calendar: the run's health check runs all the same
      const health = await checkHealthAlone(dbPath, workflowId);
      const summary: PipelineSummary = {
        workflowId: null,
        status: 'unchanged',
        stoppedReason: null,
        unchanged,
        files: { discovered: 0, landed: 0, skipped: 0, held: 0, failed: 0 },
        rowsLanded: 0,
        rowsRejected: 0,
        ingests: [],
        transform: null,
        score: null,
        ...health,
        publish: null,
        snapshotPath: unchanged.snapshotPath,
        sitePath: unchanged.sitePath,
      };
      reportSummary(summary, context);
      return summary;
    }
    return withTemporal({ ...temporalOptions(context), starting: options.temporal }, async ({ address, namespace, source, signal }) => {
      sayTemporal(context, { address, source }, dataDir);
      const progress = pipelineProgress(context);
      const summary = await runPipeline({
        address,
        namespace,
        deps: createPipelineSteps({ dbPath }),
        signal,
        workflowId,
        onStart: (id) => context.say(`pipeline workflow ${id} started`),
        onProgress: (p) => progress.show(p),
        inboxDir: options.inboxDir,
        periods: options.periods,
        buildSite: options.buildSite,
        input: options.scaleOut ? { scaleOut: true } : undefined,
      }).finally(() => progress.finish());
      reportSummary(summary, context);
      return summary;
    });
  });
}

const STEP_NAMES: Record<PipelineProgress['step'], string> = {
  discover: '查找新文件 discover',
  ingest: '入库 ingest',
  transform: '计算指标 transform',
  score: '评分 score',
  health: '报送监测 health check',
  publish: '发布 publish',
  done: '完成 done',
  stopped: '停止 stopped',
};

/** The workflow's progress as one bar: each new file, then the transform, score, health check and publish steps. */
function pipelineProgress(context: CommandContext) {
  let bar: Progress | null = null;
  return {
    show(p: PipelineProgress) {
      if (p.step === 'discover') return;
      bar ??= startProgress(context, 'run', p.filesTotal + 4, '文件与步骤 files and steps');
      const stepsDone = { ingest: 0, transform: 0, score: 1, health: 2, publish: 3, done: 4, stopped: 4 }[p.step];
      bar.update(p.filesDone + stepsDone, STEP_NAMES[p.step]);
    },
    finish: () => bar?.finish(),
  };
}

/** The last publish, when the inbox holds no new file and nothing it was made from changed; null otherwise (or with no warehouse yet). */
async function unchangedBeforeStart(dbPath: string, options: { inboxDir: string; buildSite: boolean }): Promise<UnchangedOutcome | null> {
  if (!existsSync(dbPath)) return null;
  const steps = createPipelineSteps({ dbPath });
  if ((await steps.discoverFiles(options.inboxDir)).length > 0) return null;
  return steps.unchangedSince({ buildSite: options.buildSite });
}

/** The health check of a run that needs no workflow, kept under the run's id; one that cannot run is reported, never fatal. */
async function checkHealthAlone(dbPath: string, runId: string): Promise<Pick<PipelineSummary, 'health' | 'healthError'>> {
  const checkOn = shanghaiDate(Date.now());
  try {
    return { health: await createPipelineSteps({ dbPath }).checkHealth({ checkId: runId, checkOn, trigger: 'unchanged' }), healthError: null };
  } catch (error) {
    if (!(error instanceof BadInputError)) throw error;
    return { health: null, healthError: error.message };
  }
}

/** One line saying which Temporal service a command uses. */
export function sayTemporal(context: CommandContext, temporal: Pick<TemporalContext, 'address' | 'source'>, dataDir: string): void {
  const { address, source } = temporal;
  context.say(source === 'env' ? `Temporal at ${address} (TEMPORAL_ADDRESS)` : `Temporal dev server at ${address} (${source === 'started' ? 'started' : 'already running'}, state under ${dataDir}/temporal)`);
}

function reportSummary(summary: PipelineSummary, context: CommandContext): void {
  if (summary.unchanged) {
    const { snapshotId, createdAt } = summary.unchanged;
    context.say(
      `没有变化，无需重新计算、发布或构建网站：收件箱没有新文件，批次、指标定义、参考数据和模型自快照 ${snapshotId}（${dateTime(createdAt)} 发布）以来都没有变化` +
        `（nothing changed since snapshot ${snapshotId} was published at ${createdAt}: no new export file, and no batch, definition, reference file or model changed — nothing to transform, publish or build）`,
    );
    context.say(`latest snapshot ${summary.snapshotPath}${summary.sitePath ? `; site in ${summary.sitePath}` : ''}`);
    reportHealth(summary, context);
    return;
  }
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
  reportHealth(summary, context);
}

/** The run's 报送监测 in one line; the units and schools themselves are in `safecampus status --health`. */
function reportHealth({ health, healthError }: PipelineSummary, context: CommandContext): void {
  if (healthError) context.say(`报送监测未能检查（health check did not run）：${healthError}`);
  if (!health) return;
  const notify = { sent: '已推送', failed: '推送失败', not_configured: '未配置推送', nothing_to_report: '无需推送' }[health.notify];
  context.say(
    `报送监测 ${health.checkOn}（数据截至 ${health.dataUntilOn ?? '—'}）：缺报 ${health.missing} 项，迟报 ${health.late} 项，报送量异常 ${health.anomalies} 项；${notify}` +
      `（details: safecampus status --health --on ${health.checkOn}）`,
  );
}

/**
 * Workflows: deterministic orchestration only. Bundled by the Temporal worker (webpack), so this
 * module imports nothing but `@temporalio/workflow`, activity TYPES and the dependency-free
 * task-queue constants.
 *
 * pipelineWorkflow: discover → ingest each file (child workflow `ingest-<sha256>`) → [stop when nothing
 * changed since the last publish] → transform and data tests → [stop if a batch is held or a data test
 * failed] → score → health check → publish.
 * The health check (报送监测) runs on every path: alone when the nightly run finds no new file or
 * nothing changed, and before stopping when the run stops.
 * The annual appraisal lives in appraisal-workflow.ts (re-exported here: one bundle).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  defineQuery,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
  type ActivityOptions,
  type RetryPolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type {
  DiscoveredFile,
  HealthCheckRequest,
  HealthOutcome,
  IngestOutcome,
  IngestWorkflowStatus,
  PipelineActivities,
  PublishOutcome,
  ScoreOutcome,
  TransformOutcome,
  UnchangedOutcome,
} from './activities.ts';
import { PARSE_TASK_QUEUE } from './task-queues.ts';
import { monthJustEnded, shanghaiDate } from './calendar.ts';

export * from './appraisal-workflow.ts';
export * from './province-workflow.ts';

export interface PipelineInput {
  inboxDir: string;
  /** Periods to score ('2025', '2025-Q3', '2025-09', '2025-T1'); empty lets the scorer pick the current ones. */
  periods: string[];
  buildSite: boolean;
  /** Parse on the parse task queue (scale-out) and land on the warehouse queue. Default false: one activity per file. */
  scaleOut?: boolean;
  /** Parse task queue name (default 'safecampus-parse'). */
  parseTaskQueue?: string;
  /** Lanes (sources) ingesting at once; a lane lands its files one after another. Default 4. */
  maxParallelIngests?: number;
  /** Heartbeat timeout of the long steps: how fast a crashed worker's step is retried. Default '1 minute'. */
  heartbeatTimeout?: string | number;
  /** Stop after discovery when there is no new file. Default false (transform/score/publish still run). */
  onlyIfNewFiles?: boolean;
  /** Also score the month that ended before the run started (Asia/Shanghai): the monthly scorecards schedule. */
  scoreMonthJustEnded?: boolean;
  /** YYYY-MM-DD: the day the health check judges on. Default the run's start day in Asia/Shanghai ("today"). */
  healthCheckOn?: string;
}

export interface IngestInput {
  file: DiscoveredFile;
  scaleOut?: boolean;
  parseTaskQueue?: string;
  heartbeatTimeout?: string | number;
}

export type PipelineStep = 'discover' | 'ingest' | 'transform' | 'score' | 'health' | 'publish' | 'done' | 'stopped';

export interface PipelineProgress {
  step: PipelineStep;
  filesTotal: number;
  filesDone: number;
  stoppedReason: string | null;
}

export interface PipelineSummary {
  /** null when the run found nothing to do before it needed a workflow (safecampus run's own check). */
  workflowId: string | null;
  /** unchanged: no new batch and nothing else the last publish was made from changed, so nothing was redone. */
  status: 'published' | 'stopped' | 'unchanged';
  stoppedReason: string | null;
  /** The last publish, when the run found nothing changed since it. */
  unchanged: UnchangedOutcome | null;
  files: { discovered: number; landed: number; skipped: number; held: number; failed: number };
  rowsLanded: number;
  rowsRejected: number;
  ingests: IngestOutcome[];
  transform: TransformOutcome | null;
  score: ScoreOutcome | null;
  /** The run's health check (null when it could not run: healthError says why). */
  health: HealthOutcome | null;
  healthError: string | null;
  publish: PublishOutcome | null;
  snapshotPath: string | null;
  sitePath: string | null;
}

export const progressQuery = defineQuery<PipelineProgress>('progress');

/** Deterministic id of a file's ingest workflow: the same file is never ingested twice. */
export function ingestWorkflowId(sha256: string): string {
  return `ingest-${sha256}`;
}

const RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 5,
  nonRetryableErrorTypes: ['BadInputError'],
};

function activities(heartbeatTimeout: string | number, extra: ActivityOptions): PipelineActivities {
  return proxyActivities<PipelineActivities>({ retry: RETRY, heartbeatTimeout, ...extra });
}

function failureMessage(error: unknown): string {
  let current: unknown = error;
  // The useful text is at the root: ChildWorkflowFailure → ActivityFailure → ApplicationFailure.
  while (current instanceof Error && (current as { cause?: unknown }).cause instanceof Error) current = (current as { cause?: unknown }).cause;
  return current instanceof Error ? current.message : String(error);
}

function isNonRetryableActivityFailure(error: unknown): boolean {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable === true;
}

/** Parses of one file in scale-out mode before it is given up as failed (each parse found its lookups stale by landing). */
const MAX_PARSES = 3;

/** Ingest one file. Run as a child workflow with id `ingest-<sha256>`. */
export async function ingestFileWorkflow(input: IngestInput): Promise<IngestOutcome> {
  const heartbeatTimeout = input.heartbeatTimeout ?? '1 minute';
  const warehouse = activities(heartbeatTimeout, { startToCloseTimeout: '2 hours' });
  try {
    if (input.scaleOut) {
      const parser = activities(heartbeatTimeout, {
        taskQueue: input.parseTaskQueue ?? PARSE_TASK_QUEUE,
        startToCloseTimeout: '2 hours',
        // Waiting for a parsing worker to pick the task up is not an error; give it a day.
        scheduleToStartTimeout: '1 day',
      });
      // Parsed against lookups that changed before it landed (another run landed a registry): parse again.
      for (let attempt = 1; attempt <= MAX_PARSES; attempt++) {
        const preparation = await warehouse.prepareParse(input.file);
        if ('outcome' in preparation) return preparation.outcome;
        const landed = await warehouse.landParsed(await parser.parseFile({ file: input.file, settings: preparation.settings }));
        if (landed) return landed;
      }
      return outcomeOf(input.file, 'failed', `the school codes or reference data changed under each of ${MAX_PARSES} parses of this file; run again once no other run lands registries`);
    }
    return await warehouse.ingestFile(input.file);
  } catch (error) {
    // Bad input is an outcome (the file is rejected), not a failure to retry on the next run.
    if (isNonRetryableActivityFailure(error)) {
      return outcomeOf(input.file, 'failed', failureMessage(error));
    }
    throw error;
  }
}

function outcomeOf(file: DiscoveredFile, status: IngestOutcome['status'], message: string, source: string | null = null): IngestOutcome {
  return { file: file.path, sha256: file.sha256, source, status, rowsLanded: 0, rowsRejected: 0, message };
}

/** Polls (backing off to once a minute) until another run's ingest workflow has closed. */
async function waitForOtherIngest(workflowId: string): Promise<Exclude<IngestWorkflowStatus, { state: 'running' }>> {
  const { ingestWorkflowStatus } = proxyLocalActivities<PipelineActivities>({ startToCloseTimeout: '30 seconds' });
  let delayMs = 1000;
  for (;;) {
    const status = await ingestWorkflowStatus(workflowId);
    if (status.state !== 'running') return status;
    await sleep(delayMs);
    delayMs = Math.min(delayMs * 2, 60_000);
  }
}

async function ingestOne(input: PipelineInput, file: DiscoveredFile, heartbeatTimeout: string | number): Promise<IngestOutcome> {
  const workflowId = ingestWorkflowId(file.sha256);
  for (let attempt = 1; ; attempt++) {
    let child;
    try {
      child = await startChild(ingestFileWorkflow, {
        workflowId,
        args: [{ file, scaleOut: input.scaleOut, parseTaskQueue: input.parseTaskQueue, heartbeatTimeout }],
        // A completed ingest blocks a second one for as long as Temporal keeps its history;
        // a failed, timed-out or terminated one may be retried by a later run.
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        // Landing a file finishes even if this pipeline run is cancelled or terminated.
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      // Another run ingests (or ingested) this file: wait for it, report its result without counting its rows.
      const other = await waitForOtherIngest(workflowId);
      if (other.state === 'completed') {
        const previous = other.outcome;
        const status = previous.status === 'held' || previous.status === 'failed' ? previous.status : 'skipped';
        const detail = previous.message ? `: ${previous.message}` : '';
        return outcomeOf(file, status, `already ingested by workflow ${workflowId} (${previous.status}${detail})`, previous.source);
      }
      if (attempt >= 3) return outcomeOf(file, 'failed', `workflow ${workflowId} keeps closing without a result (last: ${other.status})`);
      continue; // it failed or was terminated: the reuse policy lets this run start it again
    }
    try {
      return await child.result();
    } catch (error) {
      if (error instanceof ChildWorkflowFailure) return outcomeOf(file, 'failed', `${workflowId} failed: ${failureMessage(error)}`);
      throw error;
    }
  }
}

/** Runs `fn` over `items` with at most `limit` in flight, taking items in order. Deterministic. */
async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function stopReasonFor(ingests: IngestOutcome[], transform: TransformOutcome): string | null {
  const reasons: string[] = [];
  const held = ingests.filter((o) => o.status === 'held');
  if (held.length > 0) {
    const list = held.map((o) => `${o.file}${o.message ? ` (${o.message})` : ''}`).join('; ');
    reasons.push(`${held.length} batch(es) held for review: ${list}. Release or fix them, then run again.`);
  }
  if (transform.testsFailed > 0) {
    const shown = transform.failures.slice(0, 10).join('; ');
    const more = transform.failures.length > 10 ? ` (+${transform.failures.length - 10} more)` : '';
    reasons.push(`${transform.testsFailed} data test(s) failed: ${shown}${more}.`);
  }
  return reasons.length > 0 ? `Stopped before publish: ${reasons.join(' ')}` : null;
}

/** The nightly pipeline: what `safecampus run` starts. */
export async function pipelineWorkflow(input: PipelineInput): Promise<PipelineSummary> {
  const heartbeatTimeout = input.heartbeatTimeout ?? '1 minute';
  const progress: PipelineProgress = { step: 'discover', filesTotal: 0, filesDone: 0, stoppedReason: null };
  setHandler(progressQuery, () => progress);

  const quick = activities(heartbeatTimeout, { startToCloseTimeout: '10 minutes', heartbeatTimeout: undefined });
  const transformStep = activities(heartbeatTimeout, { startToCloseTimeout: '2 hours', retry: { ...RETRY, maximumAttempts: 3 } });
  const scoreStep = activities(heartbeatTimeout, { startToCloseTimeout: '1 hour', retry: { ...RETRY, maximumAttempts: 3 } });
  const publishStep = activities(heartbeatTimeout, { startToCloseTimeout: '1 hour', retry: { ...RETRY, maximumAttempts: 3 } });
  const healthStep = activities(heartbeatTimeout, { startToCloseTimeout: '30 minutes', retry: { ...RETRY, maximumAttempts: 3 } });

  const summary: PipelineSummary = {
    workflowId: workflowInfo().workflowId,
    status: 'stopped',
    stoppedReason: null,
    unchanged: null,
    files: { discovered: 0, landed: 0, skipped: 0, held: 0, failed: 0 },
    rowsLanded: 0,
    rowsRejected: 0,
    ingests: [],
    transform: null,
    score: null,
    health: null,
    healthError: null,
    publish: null,
    snapshotPath: null,
    sitePath: null,
  };
  const stop = (reason: string): PipelineSummary => {
    progress.step = 'stopped';
    progress.stoppedReason = reason;
    summary.status = 'stopped';
    summary.stoppedReason = reason;
    return summary;
  };

  // The health check never fails the run: what kept it from running is reported instead.
  const info = workflowInfo();
  const checkOn = input.healthCheckOn ?? shanghaiDate(info.startTime.getTime());
  const checkHealth = async (trigger: HealthCheckRequest['trigger']): Promise<void> => {
    progress.step = 'health';
    try {
      summary.health = await healthStep.checkHealth({ checkId: `${info.workflowId}@${info.runId}`, checkOn, trigger });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      summary.healthError = failureMessage(error);
    }
  };

  // 1. discover
  const files = await quick.discoverFiles(input.inboxDir);
  summary.files.discovered = files.length;
  progress.filesTotal = files.length;
  if (files.length === 0 && input.onlyIfNewFiles) {
    // the night nothing came is the night the check matters: the lag grows with the calendar
    await checkHealth('no_new_files');
    return stop(`No new files in ${input.inboxDir}; only the health check ran.`);
  }

  // 2. ingest each file (its own child workflow, deterministic id)
  progress.step = 'ingest';
  // Wave by wave: the school registry lands before the exports whose school codes are checked against it.
  // Within a wave, lanes (sources) land in parallel and a lane's files one after another, in order.
  const outcomes = new Map<DiscoveredFile, IngestOutcome>();
  const waves = [...new Set(files.map((f) => f.wave ?? 0))].sort((a, b) => a - b);
  for (const wave of waves) {
    const lanes = new Map<string, DiscoveredFile[]>();
    for (const file of files.filter((f) => (f.wave ?? 0) === wave)) {
      const lane = file.lane ?? file.path;
      lanes.set(lane, [...(lanes.get(lane) ?? []), file]);
    }
    await forEachLimited([...lanes.values()], input.maxParallelIngests ?? 4, async (laneFiles) => {
      for (const file of laneFiles) {
        outcomes.set(file, file.skipped ? outcomeOf(file, 'skipped', file.skipped) : await ingestOne(input, file, heartbeatTimeout));
        progress.filesDone += 1;
      }
    });
  }
  summary.ingests.push(...files.map((file) => outcomes.get(file)!));
  for (const outcome of summary.ingests) {
    summary.files[outcome.status] += 1;
    summary.rowsLanded += outcome.rowsLanded;
    summary.rowsRejected += outcome.rowsRejected;
  }

  // 3. nothing new landed and no definition, reference file or model changed: the last publish stands
  const unchanged = await quick.unchangedSince({ buildSite: input.buildSite });
  if (unchanged) {
    // nothing to redo, but the lag still grows with the calendar: the check runs (and alerts) all the same
    await checkHealth('unchanged');
    progress.step = 'done';
    return { ...summary, status: 'unchanged', unchanged, snapshotPath: unchanged.snapshotPath, sitePath: unchanged.sitePath };
  }

  // 4. transform + data tests
  progress.step = 'transform';
  summary.transform = await transformStep.transform();
  const reason = stopReasonFor(summary.ingests, summary.transform);
  if (reason) {
    await checkHealth('stopped');
    return stop(reason);
  }

  // 5. score
  progress.step = 'score';
  const periods = input.scoreMonthJustEnded ? [...input.periods, monthJustEnded(workflowInfo().startTime.getTime())] : input.periods;
  summary.score = await scoreStep.score(periods);

  // 6. health check, kept in audit before the snapshot copies it (the pages show since when a problem stands)
  await checkHealth('after_transform');

  // 7. publish (snapshot, then site)
  progress.step = 'publish';
  summary.publish = await publishStep.publish({ buildSite: input.buildSite });
  summary.snapshotPath = summary.publish.snapshotPath;
  summary.sitePath = summary.publish.sitePath;
  summary.status = 'published';
  progress.step = 'done';
  return summary;
}

/**
 * Activities: thin wrappers around the pipeline's real functions (sources/, transforms/,
 * warehouse/), built by a factory that receives them, so tests inject fakes and the CLI calls
 * the same functions directly.
 *
 * The wrappers add only what Temporal needs:
 *   - BadInputError (thrown by deps for input that no retry can fix) becomes a non-retryable
 *     ApplicationFailure of type 'BadInputError';
 *   - long steps heartbeat on a timer, so a crashed worker is noticed within the heartbeat timeout
 *     (not the start-to-close timeout) and the step is retried elsewhere.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { CheckTrigger, NotifyOutcome } from '../transforms/source-health.ts';
import type { AppraisalSummary } from '../warehouse/appraisals.ts';
import type { ParsedExport, ParseSettings } from '../sources/parse.ts';

export type { AppraisalSummary } from '../warehouse/appraisals.ts';

export interface DiscoveredFile {
  path: string;
  sha256: string;
  bytes: number;
  /** Files of a lower wave are landed before any file of a higher one (default 0). */
  wave?: number;
  /**
   * Files of one lane (one source) land one after another, in discovery order, so a corrected
   * re-export always supersedes the export it corrects whatever the parallelism and retries;
   * different lanes land in parallel. Default: a lane of its own.
   */
  lane?: string;
  /** Found but never to be read (a symbolic link): why, as the run reports it. */
  skipped?: string;
}

export interface IngestOutcome {
  file: string;
  sha256: string;
  source: string | null;
  status: 'landed' | 'skipped' | 'held' | 'failed';
  rowsLanded: number;
  rowsRejected: number;
  message?: string;
}

export interface TransformOutcome {
  models: number;
  testsFailed: number;
  failures: string[];
}

export interface ScoreOutcome {
  periods: string[];
  rows: number;
}

export interface PublishOutcome {
  snapshotPath: string;
  sitePath: string | null;
}

/** One run's source-monitoring check (报送监测): judged on `checkOn`, kept under `checkId` (the run's workflow id). */
export interface HealthCheckRequest {
  checkId: string;
  /** YYYY-MM-DD: the day the statuses are judged on (the run's Asia/Shanghai date unless given). */
  checkOn: string;
  trigger: CheckTrigger;
}

export interface HealthOutcome {
  checkOn: string;
  /** The day the data runs to (null before any data). */
  dataUntilOn: string | null;
  late: number;
  missing: number;
  anomalies: number;
  /** What became of the webhook message (SAFECAMPUS_HEALTH_WEBHOOK). */
  notify: NotifyOutcome['status'];
  notifyDetail: string | null;
}

/** The last publish, when nothing it was made from has changed since (workflows/inputs.ts). */
export interface UnchangedOutcome {
  snapshotId: string;
  snapshotPath: string;
  sitePath: string | null;
  createdAt: string;
}

/** A file for a parse worker, with what the writer says it must be parsed against (sources/parse.ts). */
export interface ParseRequest {
  file: DiscoveredFile;
  settings: ParseSettings;
}

/** What a parse worker hands the writer: where the parsed batch lies and what it will land as. JSON-serialisable. */
export type ParsedFile = ParsedExport;

/** The writer's answer before a parse: the file's outcome when it must not land again, else the settings to parse it with. */
export type ParsePreparation = { outcome: IngestOutcome } | { settings: ParseSettings };

/** One appraisal run, as the appraisal workflow identifies it. */
export interface AppraisalRequest {
  /** `<year>-<requested YYYYMMDD>-<last 8 hex of the run id>`: unique per workflow run, stable across retries. */
  appraisalId: string;
  year: number;
  /** YYYY-MM-DD: data landed up to the end of this day (Asia/Shanghai). */
  cutoff: string;
  /** ISO instant the appraisal was requested (the workflow's start). */
  requestedAt: string;
}

export interface FrozenAppraisal {
  snapshotPath: string;
  snapshotSha256: string;
}

export interface AppraisalDecision {
  appraisalId: string;
  decision: 'approve' | 'reject';
  approver: string;
  comment: string | null;
  /** ISO instant the sign-off signal arrived. */
  decidedAt: string;
}

export interface SignOffOutcome {
  status: 'approved' | 'rejected';
  /** approved.duckdb and approved.json; null after a rejection (nothing is published). */
  publishedPath: string | null;
  manifestPath: string | null;
  /**
   * The site rebuilt with the approval (its 年度考核 page, PDF and XLSX); null when it was not:
   * `siteNote` says why, and the next run rebuilds it (the approval is an input of a publish).
   */
  sitePath?: string | null;
  siteNote?: string | null;
}

/**
 * Optional last argument of every step: implementations may ignore it. `signal` aborts when
 * Temporal cancels the step (run cancelled, worker shutting down); `heartbeat` reports progress
 * (the wrapper already heartbeats on a timer, so calling it is never required).
 */
export interface StepContext {
  signal: AbortSignal;
  heartbeat(details?: unknown): void;
}

export interface PipelineDeps {
  /** New files only (not yet landed). */
  discoverFiles(inboxDir: string, context?: StepContext): Promise<DiscoveredFile[]>;
  /** Parse, validate and land one file; idempotent by sha256. */
  ingestFile(file: DiscoveredFile, context?: StepContext): Promise<IngestOutcome>;
  /** The last publish when no batch, definition, reference file or model changed since it (and its site, with `buildSite`); else null. */
  unchangedSince(options: { buildSite: boolean }, context?: StepContext): Promise<UnchangedOutcome | null>;
  transform(context?: StepContext): Promise<TransformOutcome>;
  score(periods: string[], context?: StepContext): Promise<ScoreOutcome>;
  publish(options: { buildSite: boolean }, context?: StepContext): Promise<PublishOutcome>;
  /** Judge the monitor's rows on the check day, keep the check in audit, post its message when a webhook is configured. Idempotent by checkId. */
  checkHealth(request: HealthCheckRequest, context?: StepContext): Promise<HealthOutcome>;
  /** Scale-out (optional), on the writer: the file's outcome if it landed before, else the lookups exported for the parse workers. */
  prepareParse?(file: DiscoveredFile, context?: StepContext): Promise<ParsePreparation>;
  /** Scale-out (optional), on a parse worker: read, validate and write the batch as Parquet to the shared folder. Never opens the warehouse. */
  parseFile?(request: ParseRequest, context?: StepContext): Promise<ParsedFile>;
  /** Scale-out (optional), on the writer: land what parseFile produced; idempotent by sha256. Null when the lookups changed since the parse: parse again. */
  landParsed?(parsed: ParsedFile, context?: StepContext): Promise<IngestOutcome | null>;
  /** Appraisal (optional): freeze the warehouse as of the cut-off into an immutable file; idempotent by appraisalId. */
  freezeAppraisal?(request: AppraisalRequest, context?: StepContext): Promise<FrozenAppraisal>;
  /** Appraisal: summarise the year from the frozen file and record the appraisal as pending; idempotent. */
  computeAppraisal?(request: AppraisalRequest & FrozenAppraisal, context?: StepContext): Promise<AppraisalSummary>;
  /** Appraisal: record the sign-off; an approval also publishes the frozen file. Idempotent. */
  signOffAppraisal?(decision: AppraisalDecision, context?: StepContext): Promise<SignOffOutcome>;
}

export const BAD_INPUT_ERROR_TYPE = 'BadInputError';

/** Input that retrying cannot fix (unreadable file, unknown format, missing inbox). Never retried. */
export class BadInputError extends Error {
  readonly details: unknown;
  constructor(message: string, details?: unknown) {
    super(message);
    this.name = BAD_INPUT_ERROR_TYPE;
    this.details = details;
  }
}

function isBadInput(error: unknown): error is Error {
  // By name too: a second copy of this module (e.g. loaded by another loader) has another class.
  return error instanceof BadInputError || (error instanceof Error && error.name === BAD_INPUT_ERROR_TYPE);
}

function currentContext(): Context | null {
  try {
    return Context.current();
  } catch {
    return null; // called outside an activity (e.g. directly from a unit test)
  }
}

export interface WrapOptions {
  /** Heartbeat while the step runs. Interval: a third of the activity's heartbeat timeout, at most 10 s. */
  heartbeat?: boolean;
}

const OUTSIDE_ACTIVITY: StepContext = { signal: new AbortController().signal, heartbeat: () => undefined };

/** Runs `fn` as an activity body: heartbeats on a timer, converts BadInputError to a non-retryable failure. */
export async function runActivityStep<T>(step: string, fn: (context: StepContext) => Promise<T>, options: WrapOptions = {}): Promise<T> {
  const context = currentContext();
  const stepContext: StepContext = context
    ? { signal: context.cancellationSignal, heartbeat: (details?: unknown) => context.heartbeat(details) }
    : OUTSIDE_ACTIVITY;
  let timer: NodeJS.Timeout | undefined;
  if (options.heartbeat && context) {
    const timeoutMs = context.info.heartbeatTimeoutMs;
    if (timeoutMs) {
      const intervalMs = Math.max(200, Math.min(10_000, Math.floor(timeoutMs / 3)));
      const startedAt = Date.now();
      context.heartbeat({ step, elapsedMs: 0 });
      timer = setInterval(() => context.heartbeat({ step, elapsedMs: Date.now() - startedAt }), intervalMs);
    }
  }
  try {
    return await fn(stepContext);
  } catch (error) {
    if (isBadInput(error)) {
      const details = (error as Partial<BadInputError>).details;
      throw ApplicationFailure.create({
        message: `${step}: ${error.message}`,
        type: BAD_INPUT_ERROR_TYPE,
        nonRetryable: true,
        details: details === undefined ? undefined : [details],
      });
    }
    throw error;
  } finally {
    if (timer) clearInterval(timer);
  }
}

type OptionalStep = 'prepareParse' | 'parseFile' | 'landParsed' | 'freezeAppraisal' | 'computeAppraisal' | 'signOffAppraisal';

/** An optional dep bound to `deps`, or a non-retryable failure saying this worker cannot do it. */
function optionalDep<K extends OptionalStep>(deps: PipelineDeps, name: K, job: string): NonNullable<PipelineDeps[K]> {
  const step = deps[name];
  if (!step) throw ApplicationFailure.nonRetryable(`this worker cannot ${job} (its PipelineDeps have no ${name})`, 'NotImplemented');
  return step.bind(deps) as NonNullable<PipelineDeps[K]>;
}

export type IngestWorkflowStatus =
  | { state: 'running' }
  | { state: 'completed'; outcome: IngestOutcome }
  | { state: 'closed'; status: string };

/** The activities registered on the workers. Warehouse-queue ones write; parseFile is stateless. */
export function createActivities(deps: PipelineDeps) {
  return {
    async discoverFiles(inboxDir: string): Promise<DiscoveredFile[]> {
      return runActivityStep('discover', (c) => deps.discoverFiles(inboxDir, c));
    },
    async ingestFile(file: DiscoveredFile): Promise<IngestOutcome> {
      return runActivityStep(`ingest ${file.path}`, (c) => deps.ingestFile(file, c), { heartbeat: true });
    },
    async prepareParse(file: DiscoveredFile): Promise<ParsePreparation> {
      const prepare = optionalDep(deps, 'prepareParse', 'prepare files for the parse workers');
      return runActivityStep(`prepare ${file.path}`, (c) => prepare(file, c), { heartbeat: true });
    },
    async parseFile(request: ParseRequest): Promise<ParsedFile> {
      const parse = optionalDep(deps, 'parseFile', 'parse files on the parse task queue');
      return runActivityStep(`parse ${request.file.path}`, (c) => parse(request, c), { heartbeat: true });
    },
    async landParsed(parsed: ParsedFile): Promise<IngestOutcome | null> {
      const land = optionalDep(deps, 'landParsed', 'land parsed files');
      return runActivityStep(`land ${parsed.file}`, (c) => land(parsed, c), { heartbeat: true });
    },
    /**
     * State of another run's ingest workflow (run as a local activity by the pipeline when its own
     * `ingest-<sha256>` child could not start because that id is taken). Quick, never blocks.
     */
    async ingestWorkflowStatus(workflowId: string): Promise<IngestWorkflowStatus> {
      const handle = Context.current().client.workflow.getHandle<(input: unknown) => Promise<IngestOutcome>>(workflowId);
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') return { state: 'running' };
      if (status.name === 'COMPLETED') return { state: 'completed', outcome: await handle.result() };
      return { state: 'closed', status: status.name };
    },
    async unchangedSince(options: { buildSite: boolean }): Promise<UnchangedOutcome | null> {
      return runActivityStep('check for changes', (c) => deps.unchangedSince(options, c));
    },
    async transform(): Promise<TransformOutcome> {
      return runActivityStep('transform', (c) => deps.transform(c), { heartbeat: true });
    },
    async score(periods: string[]): Promise<ScoreOutcome> {
      return runActivityStep('score', (c) => deps.score(periods, c), { heartbeat: true });
    },
    async publish(options: { buildSite: boolean }): Promise<PublishOutcome> {
      return runActivityStep('publish', (c) => deps.publish(options, c), { heartbeat: true });
    },
    async checkHealth(request: HealthCheckRequest): Promise<HealthOutcome> {
      return runActivityStep(`health check ${request.checkOn}`, (c) => deps.checkHealth(request, c), { heartbeat: true });
    },
    async freezeAppraisal(request: AppraisalRequest): Promise<FrozenAppraisal> {
      const freeze = optionalDep(deps, 'freezeAppraisal', 'run appraisals');
      return runActivityStep(`freeze appraisal ${request.appraisalId}`, (c) => freeze(request, c), { heartbeat: true });
    },
    async computeAppraisal(request: AppraisalRequest & FrozenAppraisal): Promise<AppraisalSummary> {
      const compute = optionalDep(deps, 'computeAppraisal', 'run appraisals');
      return runActivityStep(`compute appraisal ${request.appraisalId}`, (c) => compute(request, c), { heartbeat: true });
    },
    async signOffAppraisal(decision: AppraisalDecision): Promise<SignOffOutcome> {
      const signOff = optionalDep(deps, 'signOffAppraisal', 'run appraisals');
      return runActivityStep(`sign off appraisal ${decision.appraisalId}`, (c) => signOff(decision, c), { heartbeat: true });
    },
  };
}

export type PipelineActivities = ReturnType<typeof createActivities>;

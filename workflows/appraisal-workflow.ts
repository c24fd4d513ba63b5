/**
 * The annual appraisal (年度考核), deterministic workflow code (bundled with workflows.ts; imports
 * only `@temporalio/workflow`, activity TYPES and dependency-free modules).
 *
 * appraisalWorkflow (id appraisal-<year>): [wait for the cut-off day to end] → freeze the warehouse
 * → compute the appraisal from the frozen file (recorded as pending) → wait for the sign-off signal,
 * reminding every `reminderEvery` → record it; an approval publishes the frozen file.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  condition,
  defineQuery,
  defineSignal,
  log,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { AppraisalSummary, PipelineActivities } from './activities.ts';
import { endOfShanghaiDay, isIsoDate, shanghaiDate, yearJustEnded } from './calendar.ts';

export interface AppraisalInput {
  year: number;
  /**
   * YYYY-MM-DD after the year's end: data landed up to the end of this day (Asia/Shanghai) counts.
   * Default: the day the workflow starts, which freezes at once.
   */
  cutoff?: string;
  /** How often to remind while waiting for the sign-off. Default '24 hours'. */
  reminderEvery?: string | number;
}

export type AppraisalStatus = 'waiting_for_cutoff' | 'freezing' | 'computing' | 'waiting_for_signoff' | 'publishing' | 'approved' | 'rejected';

/** The sign-off signal's payload. */
export interface SignOff {
  decision: 'approve' | 'reject';
  approver: string;
  comment?: string | null;
}

export interface AppraisalState {
  status: AppraisalStatus;
  year: number;
  cutoff: string;
  appraisalId: string;
  snapshotPath: string | null;
  snapshotSha256: string | null;
  summary: AppraisalSummary | null;
  /** ISO instant the appraisal started waiting for its sign-off. */
  waitingSince: string | null;
  remindersSent: number;
  lastReminderAt: string | null;
  decision: { decision: SignOff['decision']; approver: string; comment: string | null; decidedAt: string } | null;
  publishedPath: string | null;
  manifestPath: string | null;
  /** The site rebuilt with the approval, or null with `siteNote` saying why (then the next run does it). */
  sitePath: string | null;
  siteNote: string | null;
}

export const signOffSignal = defineSignal<[SignOff]>('signOff');
export const appraisalStateQuery = defineQuery<AppraisalState>('state');

export function appraisalWorkflowId(year: number): string {
  return `appraisal-${year}`;
}

/** Why a requested appraisal cannot run, or null. Shared by the CLI (before starting) and the workflow. */
export function appraisalInputProblem(year: number, cutoff: string | undefined): string | null {
  if (!Number.isInteger(year) || year < 2000 || year > 2999) return `年度须为四位数字（the year must be like 2025, got ${year}）`;
  if (cutoff === undefined) return null;
  if (!isIsoDate(cutoff)) return `截止日期须为 YYYY-MM-DD（the cut-off must be a date like ${year + 1}-01-10, got "${cutoff}"）`;
  if (cutoff <= `${year}-12-31`) return `截止日期须在 ${year} 年结束之后（the cut-off must be after ${year}-12-31, got ${cutoff}）`;
  return null;
}

const steps = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: ['BadInputError'] },
});

export async function appraisalWorkflow(input: AppraisalInput): Promise<AppraisalState> {
  const problem = appraisalInputProblem(input.year, input.cutoff);
  if (problem) throw ApplicationFailure.nonRetryable(problem, 'BadInputError');
  const info = workflowInfo();
  const requestedMs = info.startTime.getTime();
  const requestedAt = info.startTime.toISOString();
  const cutoff = input.cutoff ?? shanghaiDate(requestedMs);
  const appraisalId = `${input.year}-${shanghaiDate(requestedMs).replaceAll('-', '')}-${info.runId.replaceAll('-', '').slice(-8)}`;
  const state: AppraisalState = {
    status: 'freezing',
    year: input.year,
    cutoff,
    appraisalId,
    snapshotPath: null,
    snapshotSha256: null,
    summary: null,
    waitingSince: null,
    remindersSent: 0,
    lastReminderAt: null,
    decision: null,
    publishedPath: null,
    manifestPath: null,
    sitePath: null,
    siteNote: null,
  };
  setHandler(appraisalStateQuery, () => state);
  setHandler(signOffSignal, (signOff) => {
    if (state.status !== 'waiting_for_signoff' || state.decision !== null) {
      log.warn('sign-off ignored: the appraisal is not waiting for one', { appraisalId, status: state.status });
      return;
    }
    const approver = signOff.approver?.trim();
    if ((signOff.decision !== 'approve' && signOff.decision !== 'reject') || !approver) {
      log.warn('sign-off ignored: it needs decision approve|reject and an approver', { appraisalId });
      return;
    }
    const comment = signOff.comment?.trim() || null;
    if (signOff.decision === 'reject' && !comment) {
      log.warn('rejection ignored: it needs a reason', { appraisalId });
      return;
    }
    state.decision = { decision: signOff.decision, approver, comment, decidedAt: new Date().toISOString() };
  });

  // 1. A cut-off after today: wait (a durable timer) until that day is over, then freeze. A cut-off of
  //    today freezes now; an earlier one only if nothing was landed after it (checked by the freeze).
  if (cutoff > shanghaiDate(requestedMs)) {
    state.status = 'waiting_for_cutoff';
    await sleep(endOfShanghaiDay(cutoff) - Date.now());
  }

  // 2. Freeze, then compute from the frozen file only.
  state.status = 'freezing';
  const request = { appraisalId, year: input.year, cutoff, requestedAt };
  const frozen = await steps.freezeAppraisal(request);
  state.snapshotPath = frozen.snapshotPath;
  state.snapshotSha256 = frozen.snapshotSha256;
  state.status = 'computing';
  state.summary = await steps.computeAppraisal({ ...request, ...frozen });

  // 3. Wait for the sign-off, reminding while it does not come.
  state.status = 'waiting_for_signoff';
  state.waitingSince = new Date().toISOString();
  const every = input.reminderEvery ?? '24 hours';
  while (!(await condition(() => state.decision !== null, every))) {
    state.remindersSent += 1;
    state.lastReminderAt = new Date().toISOString();
    log.warn(`年度考核 ${input.year} 待签批（appraisal ${appraisalId} waits for sign-off since ${state.waitingSince}; reminder ${state.remindersSent}）`, {
      appraisalId,
      command: `safecampus appraisal ${input.year} --approve | --reject REASON`,
    });
  }

  // 4. Record it; only an approval publishes.
  const decision = state.decision as NonNullable<AppraisalState['decision']>;
  state.status = 'publishing';
  const outcome = await steps.signOffAppraisal({ appraisalId, ...decision });
  state.publishedPath = outcome.publishedPath;
  state.manifestPath = outcome.manifestPath;
  state.sitePath = outcome.sitePath ?? null;
  state.siteNote = outcome.siteNote ?? null;
  state.status = outcome.status;
  return state;
}

/**
 * What the annual schedule starts (a schedule cannot compute "last year" in its static arguments):
 * the appraisal of the year that just ended, as its own workflow `appraisal-<year>` that outlives
 * this one. An appraisal of that year that is running or completed is left alone.
 */
export async function scheduledAppraisalWorkflow(input: Omit<AppraisalInput, 'year' | 'cutoff'> = {}): Promise<string> {
  const year = yearJustEnded(workflowInfo().startTime.getTime());
  const workflowId = appraisalWorkflowId(year);
  try {
    await startChild(appraisalWorkflow, {
      workflowId,
      args: [{ year, reminderEvery: input.reminderEvery }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    });
    return `started ${workflowId}`;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return `${workflowId} already exists; left alone`;
    throw error;
  }
}

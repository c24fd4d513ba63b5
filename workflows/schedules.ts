/**
 * The project's Temporal Schedules, all in Asia/Shanghai:
 *
 *   safecampus-nightly-pipeline    every day 02:00       pipelineWorkflow (new files only)     overlap BUFFER_ONE, catch-up 12 h
 *   safecampus-monthly-scorecards  the 1st, 04:00        pipelineWorkflow + the month ended    overlap BUFFER_ONE, catch-up 3 days
 *   safecampus-annual-appraisal    15 January, 06:00     scheduledAppraisalWorkflow → appraisal-<last year>   overlap SKIP, catch-up 7 days
 *
 * Overlap: a pipeline still running when the next one is due is followed by exactly one more run
 * (BUFFER_ONE: files that arrived meanwhile are not left waiting a day; never a pile-up). The
 * appraisal launcher only starts `appraisal-<year>` and returns, so SKIP never loses anything.
 * Catch-up: actions missed while the server was down are taken when it is back, within the window:
 * a nightly run more than 12 h late is superseded by the next one; monthly scorecards still come
 * after a weekend outage; an appraisal missed by more than a week is started by hand.
 * The monthly and annual runs are placed after the nightly one, so they see that night's files.
 */
import { MONTHS, ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleOptions } from '@temporalio/client';
import { WAREHOUSE_TASK_QUEUE } from './task-queues.ts';
import type { AppraisalInput, PipelineInput } from './workflows.ts';

export const SCHEDULE_TIMEZONE = 'Asia/Shanghai';

export interface ScheduleConfig {
  /** Absolute inbox path the scheduled pipelines read. */
  inboxDir: string;
  /** Appraisal reminder interval (default 24 hours). */
  reminderEvery?: string;
  taskQueue?: string;
  /** The scheduled pipelines parse on the parse task queue (`safecampus worker --queues parse` processes). */
  scaleOut?: boolean;
}

export interface ScheduleDefinition {
  scheduleId: string;
  /** Chinese / English name for the table. */
  title: string;
  options: ScheduleOptions;
}

export const SCHEDULE_IDS = ['safecampus-nightly-pipeline', 'safecampus-monthly-scorecards', 'safecampus-annual-appraisal'] as const;

export function scheduleDefinitions(config: ScheduleConfig): ScheduleDefinition[] {
  const taskQueue = config.taskQueue ?? WAREHOUSE_TASK_QUEUE;
  const pipeline = (extra: Partial<PipelineInput>): PipelineInput => ({
    inboxDir: config.inboxDir,
    periods: [],
    buildSite: true,
    ...(config.scaleOut ? { scaleOut: true } : {}),
    ...extra,
  });
  const appraisal: Omit<AppraisalInput, 'year' | 'cutoff'> = config.reminderEvery ? { reminderEvery: config.reminderEvery } : {};
  const define = (
    scheduleId: (typeof SCHEDULE_IDS)[number],
    title: string,
    calendar: NonNullable<ScheduleOptions['spec']['calendars']>[number],
    action: { workflowType: string; workflowId: string; args: unknown[] },
    policies: NonNullable<ScheduleOptions['policies']>,
  ): ScheduleDefinition => ({
    scheduleId,
    title,
    options: {
      scheduleId,
      spec: { calendars: [calendar], timezone: SCHEDULE_TIMEZONE },
      action: { type: 'startWorkflow', taskQueue, ...action },
      policies: { ...policies, pauseOnFailure: false },
    },
  });
  return [
    define(
      'safecampus-nightly-pipeline',
      '每日数据处理 nightly pipeline',
      { hour: 2, minute: 0, comment: 'every day 02:00' },
      { workflowType: 'pipelineWorkflow', workflowId: 'pipeline-nightly', args: [pipeline({ onlyIfNewFiles: true })] },
      { overlap: 'BUFFER_ONE', catchupWindow: '12 hours' },
    ),
    define(
      'safecampus-monthly-scorecards',
      '月度评分 monthly scorecards',
      { dayOfMonth: 1, hour: 4, minute: 0, comment: 'the 1st of every month 04:00, scoring the month just ended' },
      { workflowType: 'pipelineWorkflow', workflowId: 'pipeline-monthly', args: [pipeline({ scoreMonthJustEnded: true })] },
      { overlap: 'BUFFER_ONE', catchupWindow: '3 days' },
    ),
    define(
      'safecampus-annual-appraisal',
      '年度考核 annual appraisal',
      { month: 'JANUARY', dayOfMonth: 15, hour: 6, minute: 0, comment: '15 January 06:00, appraising the year just ended' },
      { workflowType: 'scheduledAppraisalWorkflow', workflowId: 'appraisal-scheduled', args: [appraisal] },
      { overlap: 'SKIP', catchupWindow: '7 days' },
    ),
  ];
}

/** Creates the schedules, or updates those that exist (keeping their paused state): never duplicates. */
export async function createSchedules(client: Client, config: ScheduleConfig): Promise<{ scheduleId: string; result: 'created' | 'updated' }[]> {
  const results: { scheduleId: string; result: 'created' | 'updated' }[] = [];
  for (const { scheduleId, options } of scheduleDefinitions(config)) {
    try {
      await client.schedule.create(options);
      results.push({ scheduleId, result: 'created' });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.schedule.getHandle(scheduleId).update((previous) => ({
        spec: options.spec,
        action: options.action,
        policies: options.policies,
        state: { paused: previous.state.paused, note: previous.state.note },
      }));
      results.push({ scheduleId, result: 'updated' });
    }
  }
  return results;
}

/** Our schedules that exist, described (strongly consistent, unlike the server's list). */
export async function describeSchedules(client: Client): Promise<ScheduleDescription[]> {
  const found: ScheduleDescription[] = [];
  for (const scheduleId of SCHEDULE_IDS) {
    try {
      found.push(await client.schedule.getHandle(scheduleId).describe());
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }
  return found;
}

/** Deletes our schedules (and nothing else); returns the ids deleted. */
export async function deleteSchedules(client: Client): Promise<string[]> {
  const deleted: string[] = [];
  for (const { scheduleId } of await describeSchedules(client)) {
    await client.schedule.getHandle(scheduleId).delete();
    deleted.push(scheduleId);
  }
  return deleted;
}

/** '每天 02:00', '每月1日 04:00', '1月15日 06:00' from a described calendar spec. */
export function calendarText(calendar: NonNullable<ScheduleDescription['spec']['calendars']>[number]): string {
  const single = <T>(ranges: { start: T; end: T }[]): T | null => (ranges.length === 1 && ranges[0]!.start === ranges[0]!.end ? ranges[0]!.start : null);
  const pad = (n: number | null) => String(n ?? '*').padStart(2, '0');
  const time = `${pad(single(calendar.hour))}:${pad(single(calendar.minute))}`;
  const day = single(calendar.dayOfMonth);
  const month = single(calendar.month);
  const monthNumber = month === null ? null : MONTHS.indexOf(month) + 1;
  if (monthNumber !== null && day !== null) return `${monthNumber}月${day}日 ${time}`;
  if (day !== null) return `每月${day}日 ${time}`;
  return `每天 ${time}`;
}

/**
 * `safecampus schedule create|list|delete` against a real Temporal dev server: the CLI finds the
 * embedded server this test started (through its state file), creating twice yields the same three
 * schedules, each with the hand-written spec, time zone and policies.
 *
 * @module-tag temporal
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ScheduleNotFoundError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../../workflows/client.ts';
import { startEmbeddedServer, type ServerHandle } from '../../workflows/dev-server.ts';
import { SCHEDULE_IDS } from '../../workflows/schedules.ts';
import { createPipelineSteps } from '../../workflows/steps.ts';
import { getWorkflowBundle } from '../../workflows/bundle.ts';
import { runWorker } from '../../workflows/worker.ts';
import { monthJustEnded, yearJustEnded, endOfShanghaiDay, isIsoDate, shanghaiDate } from '../../workflows/calendar.ts';
import { runCli, tempDir } from '../helpers.ts';

const root = tempDir('safecampus-schedules-');
const db = join(root, 'data', 'warehouse.duckdb');
const inbox = join(root, 'inbox');
let server: ServerHandle;

beforeAll(async () => {
  server = await startEmbeddedServer({ dataDir: join(root, 'data') });
}, 90_000);

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}, 30_000);

const fullDay = [{ start: 1, end: 31, step: 1 }];
const fullMonth = [{ start: 'JANUARY', end: 'DECEMBER', step: 1 }];
const fullWeek = [{ start: 'SUNDAY', end: 'SATURDAY', step: 1 }];
const at = (n: number) => [{ start: n, end: n, step: 1 }];

describe('safecampus schedule', () => {
  it('create is idempotent: twice gives the three schedules once, with the right specs, zone and policies', async () => {
    const first = await runCli(['schedule', 'create', '--db', db, '--inbox', inbox, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).map((r: { result: string }) => r.result)).toEqual(['created', 'created', 'created']);
    const second = await runCli(['schedule', 'create', '--db', db, '--inbox', inbox, '--remind-every', '12h']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`already running`);
    expect(second.stdout.match(/已更新 updated/g)).toHaveLength(3);

    const client = await connectClient(server.address);
    try {
      const ids: string[] = [];
      for await (const s of client.schedule.list()) ids.push(s.scheduleId);
      // listing is eventually consistent: what it shows is never a duplicate
      expect(new Set(ids).size).toBe(ids.length);

      const [nightly, monthly, annual] = await Promise.all(SCHEDULE_IDS.map((id) => client.schedule.getHandle(id).describe()));
      for (const d of [nightly!, monthly!, annual!]) {
        expect(d.spec.timezone).toBe('Asia/Shanghai');
        expect(d.spec.calendars).toHaveLength(1);
        expect(d.action).toMatchObject({ type: 'startWorkflow', taskQueue: 'safecampus-warehouse' });
        expect(d.policies.pauseOnFailure).toBe(false);
      }
      expect(nightly!.spec.calendars![0]).toMatchObject({ second: at(0), minute: at(0), hour: at(2), dayOfMonth: fullDay, month: fullMonth, dayOfWeek: fullWeek });
      expect(nightly!.action).toMatchObject({ workflowType: 'pipelineWorkflow', workflowId: 'pipeline-nightly' });
      expect(nightly!.action.args).toEqual([{ inboxDir: inbox, periods: [], buildSite: true, onlyIfNewFiles: true }]);
      expect(nightly!.policies).toMatchObject({ overlap: 'BUFFER_ONE', catchupWindow: 12 * 3_600_000 });

      expect(monthly!.spec.calendars![0]).toMatchObject({ minute: at(0), hour: at(4), dayOfMonth: at(1), month: fullMonth });
      expect(monthly!.action.args).toEqual([{ inboxDir: inbox, periods: [], buildSite: true, scoreMonthJustEnded: true }]);
      expect(monthly!.policies).toMatchObject({ overlap: 'BUFFER_ONE', catchupWindow: 3 * 24 * 3_600_000 });

      expect(annual!.spec.calendars![0]).toMatchObject({ minute: at(0), hour: at(6), dayOfMonth: at(15), month: [{ start: 'JANUARY', end: 'JANUARY', step: 1 }] });
      expect(annual!.action).toMatchObject({ workflowType: 'scheduledAppraisalWorkflow', args: [{ reminderEvery: '12h' }] });
      expect(annual!.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 7 * 24 * 3_600_000 });

      // The server computes the next runs in Shanghai time: 02:00 +08:00 is 18:00 UTC the day before.
      expect(nightly!.info.nextActionTimes[0]!.toISOString()).toMatch(/T18:00:00\.000Z$/);
      expect(annual!.info.nextActionTimes[0]!.toISOString()).toMatch(/-01-14T22:00:00\.000Z$/);
    } finally {
      await client.connection.close();
    }
  });

  it('list prints a table and --json rows', async () => {
    const table = await runCli(['schedule', 'list', '--db', db]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[1]).toMatch(/^计划 schedule\s+名称 name\s+时间 when/);
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/).slice(0, 6))).toEqual([
      ['safecampus-nightly-pipeline', '每日数据处理 nightly pipeline', '每天 02:00', 'Asia/Shanghai', 'BUFFER_ONE', '12 h'],
      ['safecampus-monthly-scorecards', '月度评分 monthly scorecards', '每月1日 04:00', 'Asia/Shanghai', 'BUFFER_ONE', '72 h'],
      ['safecampus-annual-appraisal', '年度考核 annual appraisal', '1月15日 06:00', 'Asia/Shanghai', 'SKIP', '168 h'],
    ]);
    const json = await runCli(['schedule', 'list', '--db', db, '--json']);
    const rows = JSON.parse(json.stdout);
    expect(rows.map((r: { schedule_id: string; when: string }) => [r.schedule_id, r.when])).toEqual([
      ['safecampus-nightly-pipeline', '每天 02:00'],
      ['safecampus-monthly-scorecards', '每月1日 04:00'],
      ['safecampus-annual-appraisal', '1月15日 06:00'],
    ]);
  });

  it('triggering the annual schedule starts appraisal-<year just ended> as its own workflow; the launcher replays', async () => {
    const worker = await runWorker({ address: server.address, deps: createPipelineSteps({ dbPath: db }) });
    const client = await connectClient(server.address);
    try {
      const schedule = client.schedule.getHandle('safecampus-annual-appraisal');
      await schedule.trigger();
      let launcherId: string | undefined;
      while (!launcherId) {
        launcherId = (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId;
        if (!launcherId) await sleep(200);
      }
      expect(launcherId).toMatch(/^appraisal-scheduled-/);
      const launcher = client.workflow.getHandle(launcherId);
      const year = yearJustEnded(Date.now());
      expect(await launcher.result()).toBe(`started appraisal-${year}`);
      // The appraisal outlives its launcher. This warehouse has no scores, so it fails, saying so.
      const appraisal = client.workflow.getHandle(`appraisal-${year}`);
      await expect(appraisal.result()).rejects.toThrow();
      const history = await appraisal.fetchHistory();
      const failure = history.events?.find((e) => e.workflowExecutionFailedEventAttributes)?.workflowExecutionFailedEventAttributes?.failure;
      expect(`${failure?.message} ${failure?.cause?.message}`).toMatch(/没有(可用的 \d{4} 年度指标体系|.*年度的评分结果)/);
      // bad input: not retried
      expect(history.events?.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt)).not.toContain(2);
      expect((await appraisal.describe()).status.name).toBe('FAILED');
      await Worker.runReplayHistory({ workflowBundle: await getWorkflowBundle() }, await launcher.fetchHistory(), launcherId);
    } finally {
      await client.connection.close();
      await worker.shutdown();
    }
  }, 120_000);

  it('delete removes them all; a second delete finds none', async () => {
    const deleted = await runCli(['schedule', 'delete', '--db', db, '--json']);
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: [...SCHEDULE_IDS] });
    const client = await connectClient(server.address);
    try {
      for (const id of SCHEDULE_IDS) await expect(client.schedule.getHandle(id).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    } finally {
      await client.connection.close();
    }
    const again = await runCli(['schedule', 'delete', '--db', db]);
    expect(again.stdout).toContain('没有 safecampus 的计划任务');
  });

  it('bad usage says what to do', async () => {
    expect(await runCli(['schedule', '--db', db])).toMatchObject({ code: 2, stderr: expect.stringContaining('create`, `list` or `delete`') });
    expect(await runCli(['schedule', 'create', '--remind-every', 'soon', '--db', db])).toMatchObject({ code: 2, stderr: expect.stringContaining('like 30s, 90m, 24h or 2d') });
  });
});

describe('Shanghai calendar arithmetic used by the workflows', () => {
  it('knows the day, the month just ended and the year just ended in UTC+8', () => {
    const newYearShanghai = Date.parse('2025-12-31T16:30:00Z'); // 2026-01-01 00:30 in Shanghai
    expect(shanghaiDate(newYearShanghai)).toBe('2026-01-01');
    expect(monthJustEnded(newYearShanghai)).toBe('2025-12');
    expect(monthJustEnded(Date.parse('2026-03-01T02:00:00+08:00'))).toBe('2026-02');
    expect(yearJustEnded(Date.parse('2026-01-15T06:00:00+08:00'))).toBe(2025);
    expect(new Date(endOfShanghaiDay('2026-01-10')).toISOString()).toBe('2026-01-10T16:00:00.000Z');
    expect([isIsoDate('2026-02-29'), isIsoDate('2028-02-29'), isIsoDate('2026-1-5')]).toEqual([false, true, false]);
  });
});

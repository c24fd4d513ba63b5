/**
 * The annual appraisal against a real Temporal dev server and a real warehouse (the hand-checked
 * mini city: 2025 has 5 rows in marts.unit_indicator_ranking). It freezes, answers its `state`
 * query, reminds while it waits, publishes nothing after a rejection and publishes after an
 * approval sent by a second `safecampus` process that finds the embedded server by its state file;
 * nothing else having changed since the last publish, the approval rebuilds the site with it.
 *
 * @module-tag temporal
 * @module-tag browser
 * @module-tag site
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../warehouse/connection.ts';
import { sha256File } from '../../sources/ingest.ts';
import { connectClient } from '../../workflows/client.ts';
import { startEmbeddedServer, type ServerHandle } from '../../workflows/dev-server.ts';
import { createPipelineSteps } from '../../workflows/steps.ts';
import { getWorkflowBundle } from '../../workflows/bundle.ts';
import { runWorker, type WorkerHandle } from '../../workflows/worker.ts';
import { WAREHOUSE_TASK_QUEUE } from '../../workflows/task-queues.ts';
import { shanghaiDate } from '../../workflows/calendar.ts';
import type { AppraisalState } from '../../workflows/workflows.ts';
import { FIXTURES, runCli, tempDir } from '../helpers.ts';

const run = promisify(execFile);
const ROOT_DIR = join(import.meta.dirname, '..', '..');
const root = tempDir('safecampus-appraisal-');
const dataDir = join(root, 'data');
const db = join(dataDir, 'warehouse.duckdb');
const appraisals = join(dataDir, 'appraisals', '2025');
let server: ServerHandle;
let worker: WorkerHandle;
const runIds: string[] = [];

async function appraisalRows(): Promise<Record<string, unknown>[]> {
  const warehouse = await Warehouse.open(db, { readOnly: true });
  try {
    return await warehouse.all(
      `select appraisal_id, year, cutoff_on::varchar as cutoff_on, snapshot_path, snapshot_sha256, definition_version, status, approver, comment,
              summary, decided_at is not null as decided, published_path, published_at is not null as published
       from audit.appraisals order by requested_at`,
    );
  } finally {
    warehouse.close();
  }
}

async function stateWhen(predicate: (s: AppraisalState) => boolean): Promise<AppraisalState> {
  const client = await connectClient(server.address);
  try {
    const handle = client.workflow.getHandle('appraisal-2025');
    for (;;) {
      const state = await handle.query<AppraisalState>('state').catch(() => null);
      if (state && predicate(state)) return state;
      await sleep(200);
    }
  } finally {
    await client.connection.close();
  }
}

beforeAll(async () => {
  mkdirSync(join(root, 'inbox'));
  cpSync(join(FIXTURES, 'mini-city'), join(root, 'inbox'), { recursive: true });
  expect((await runCli(['ingest', join(root, 'inbox'), '--db', db])).code).toBe(0);
  expect((await runCli(['transform', '--db', db])).code).toBe(0);
  server = await startEmbeddedServer({ dataDir });
  worker = await runWorker({ address: server.address, deps: createPipelineSteps({ dbPath: db }) });
}, 300_000);

afterAll(async () => {
  await worker?.shutdown();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}, 60_000);

describe('annual appraisal', () => {
  it('freezes, waits for sign-off answering its state query and reminding; a rejection publishes nothing', async () => {
    const client = await connectClient(server.address);
    const handle = await client.workflow.start('appraisalWorkflow', {
      taskQueue: WAREHOUSE_TASK_QUEUE,
      workflowId: 'appraisal-2025',
      args: [{ year: 2025, reminderEvery: '1 second' }],
    });
    runIds.push(handle.firstExecutionRunId);
    await client.connection.close();

    const waiting = await stateWhen((s) => s.status === 'waiting_for_signoff' && s.remindersSent >= 2);
    const today = shanghaiDate(Date.now());
    expect(waiting).toMatchObject({
      status: 'waiting_for_signoff',
      year: 2025,
      cutoff: today,
      summary: { period: '2025', rows: { 'marts.unit_scorecard': 5, 'marts.school_scorecard': 7 } },
      decision: null,
      publishedPath: null,
    });
    expect(waiting.appraisalId).toBe(`2025-${today.replaceAll('-', '')}-${handle.firstExecutionRunId.replaceAll('-', '').slice(-8)}`);
    expect(waiting.snapshotPath).toBe(join(appraisals, `${waiting.appraisalId}.duckdb`));
    expect(waiting.snapshotSha256).toBe(await sha256File(waiting.snapshotPath!));
    expect(Date.parse(waiting.waitingSince!)).toBeLessThanOrEqual(Date.parse(waiting.lastReminderAt!));
    expect(await appraisalRows()).toEqual([
      expect.objectContaining({ appraisal_id: waiting.appraisalId, year: 2025, cutoff_on: today, snapshot_sha256: waiting.snapshotSha256, definition_version: '2025.3', status: 'pending', approver: null, decided: false }),
    ]);
    // The frozen copy holds the year's scores.
    const frozen = await Warehouse.open(waiting.snapshotPath!, { readOnly: true });
    expect(await frozen.value("select count(*) from marts.unit_scorecard where period = '2025'")).toBe(5);
    frozen.close();

    const rejected = await runCli(['appraisal', '2025', '--reject', '县区数据未报齐', '--by', '王科长', '--db', db]);
    expect(rejected.stderr).toBe('');
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toContain('已退回，未发布 rejected, nothing published');
    expect(rejected.stdout).toContain('退回人 王科长');
    expect(existsSync(join(appraisals, 'approved.duckdb'))).toBe(false);
    expect(existsSync(join(appraisals, 'approved.json'))).toBe(false);
    expect(await appraisalRows()).toEqual([
      expect.objectContaining({ appraisal_id: waiting.appraisalId, status: 'rejected', approver: '王科长', comment: '县区数据未报齐', decided: true, published_path: null, published: false }),
    ]);
  });

  it('a second process approves the next run: it finds the embedded server, and the appraisal is published and recorded', async () => {
    const started = await runCli(['appraisal', '2025', '--remind-every', '1h', '--db', db, '--json']);
    expect(started.code).toBe(0);
    const view = JSON.parse(started.stdout) as { execution: string; state: AppraisalState };
    expect(view.execution).toBe('RUNNING');
    expect(view.state.status).toBe('waiting_for_signoff');
    const client = await connectClient(server.address);
    runIds.push((await client.workflow.getHandle('appraisal-2025').describe()).runId);
    await client.connection.close();
    // the site as the last run left it: nothing changed since, so the approval rebuilds it
    const site = join(dataDir, 'site');
    expect((await createPipelineSteps({ dbPath: db }).publish({ buildSite: true })).sitePath).toBe(site);
    expect(existsSync(join(site, 'appraisal-files'))).toBe(false);

    const second = await run(process.execPath, [join(ROOT_DIR, 'bin', 'safecampus.js'), 'appraisal', '2025', '--approve', '--by', '张局长', '--comment', '同意发布', '--db', db], {
      cwd: root,
      env: { ...process.env, TEMPORAL_ADDRESS: '' },
    });
    expect(second.stdout).toContain(`Temporal dev server at ${server.address} (already running`);
    expect(second.stdout).toContain('已批准并发布 approved and published');
    expect(second.stdout).toContain('批准人 张局长');
    expect(second.stdout).toContain(`网站已更新 site rebuilt: ${site}`);

    const published = join(appraisals, 'approved.duckdb');
    expect(await sha256File(published)).toBe(view.state.snapshotSha256);
    const manifest = JSON.parse(readFileSync(join(appraisals, 'approved.json'), 'utf8'));
    expect(manifest).toMatchObject({
      appraisal_id: view.state.appraisalId,
      year: 2025,
      snapshot_sha256: view.state.snapshotSha256,
      definition_version: '2025.3',
      status: 'approved',
      approver: '张局长',
      comment: '同意发布',
      summary: { period: '2025', rows: { 'marts.unit_scorecard': 5, 'marts.school_scorecard': 7 } },
    });
    expect(manifest.definition_sha256).toMatch(/^[0-9a-f]{64}$/);
    const rows = await appraisalRows();
    expect(rows.map((r) => [r.status, r.approver, r.published_path, r.published])).toEqual([
      ['rejected', '王科长', null, false],
      ['approved', '张局长', published, true],
    ]);
    // Both runs' frozen files are kept, unchanged; the official reports sit beside the approved one.
    expect(readdirSync(appraisals).sort()).toEqual([`${rows[0]!.appraisal_id}.duckdb`, `${rows[1]!.appraisal_id}.duckdb`, 'approved.duckdb', 'approved.json', 'report'].sort());
    expect(readdirSync(join(appraisals, 'report')).sort()).toEqual(['fonts', 'ranking-schools.csv', 'ranking.csv', 'ranking.xlsx', 'report.html', 'report.pdf']);
    const report = readFileSync(join(appraisals, 'report', 'report.html'), 'utf8');
    expect(report).toContain('张局长');
    expect(report).toContain(view.state.snapshotSha256);
    expect(await sha256File(rows[0]!.snapshot_path as string)).toBe(rows[0]!.snapshot_sha256);
    // …and the site's 年度考核 page shows the approval and ships the official files
    for (const name of ['report.pdf', 'ranking.xlsx']) expect(await sha256File(join(site, 'appraisal-files', '2025', name))).toBe(await sha256File(join(appraisals, 'report', name)));
    const data = readdirSync(join(site, '_file', 'data')).find((f) => /^appraisal\.[0-9a-f]+\.json$/.test(f));
    const page = JSON.parse(readFileSync(join(site, '_file', 'data', data!), 'utf8'));
    expect(page.appraisals.map((a: { year: number; approver: string; files: { href: string }[] }) => [a.year, a.approver, a.files.map((f) => f.href)])).toEqual([
      [2025, '张局长', ['appraisal-files/2025/report.pdf', 'appraisal-files/2025/ranking.xlsx']],
    ]);
  }, 300_000);

  it('reports its state after approval and refuses to redo an approved year', async () => {
    const status = await runCli(['appraisal', '2025', '--status', '--db', db, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ execution: 'COMPLETED', state: { status: 'approved', decision: { approver: '张局长' } } });
    const again = await runCli(['appraisal', '2025', '--db', db]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('2025 年度考核已批准');
    const late = await runCli(['appraisal', '2025', '--approve', '--db', db]);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('已结束，无需签批');
  });

  it('a year without an indicator definition fails with a clear message and freezes nothing', async () => {
    const result = await runCli(['appraisal', '2024', '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('没有可用的 2024 年度指标体系');
    expect(result.stderr).toContain('no edition 2024');
    expect(result.stderr).not.toContain('指标体系文件有误');
    expect(existsSync(join(dataDir, 'appraisals', '2024')) ? readdirSync(join(dataDir, 'appraisals', '2024')) : []).toEqual([]);
  });

  it('bad usage says what is wrong', async () => {
    expect(await runCli(['appraisal', '2025', '--cutoff', '2025-12-01', '--db', db])).toMatchObject({ code: 2, stderr: expect.stringContaining('截止日期须在 2025 年结束之后') });
    expect(await runCli(['appraisal', '2025', '--approve', '--reject', 'x', '--db', db])).toMatchObject({ code: 2 });
    expect(await runCli(['appraisal', 'last', '--db', db])).toMatchObject({ code: 2, stderr: expect.stringContaining('safecampus appraisal 2025') });
  });

  it('workflow code is deterministic: both recorded appraisal histories replay', async () => {
    const client = await connectClient(server.address);
    try {
      for (const runId of runIds) {
        const history = await client.workflow.getHandle('appraisal-2025', runId).fetchHistory();
        await Worker.runReplayHistory({ workflowBundle: await getWorkflowBundle() }, history, `appraisal-2025/${runId}`);
      }
    } finally {
      await client.connection.close();
    }
    expect(runIds).toHaveLength(2);
  });
});

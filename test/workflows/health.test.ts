/**
 * The daily health check (报送监测) through a REAL Temporal dev server, the real pipeline steps and
 * the hand-made health city's warehouse (test/health/city.ts), posting to a small HTTP server on
 * 127.0.0.1 that this test starts: a night with no new file, or with nothing changed since the
 * last publish, still checks, keeps the check in
 * audit and posts the Chinese message; a webhook that fails or answers an error is recorded and
 * never fails the run; nothing is posted when nothing is wrong; and the nightly schedule itself,
 * triggered, runs the check on the day it fires.
 *
 * @module-tag temporal
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSourceHealth, healthMessage } from '../../transforms/source-health.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { connectClient } from '../../workflows/client.ts';
import { shanghaiDate } from '../../workflows/calendar.ts';
import { startEmbeddedServer, type ServerHandle } from '../../workflows/dev-server.ts';
import { healthWebhookFromEnv } from '../../workflows/health-notify.ts';
import { createSchedules, deleteSchedules } from '../../workflows/schedules.ts';
import { createPipelineSteps } from '../../workflows/steps.ts';
import { getWorkflowBundle } from '../../workflows/bundle.ts';
import { runPipeline, runWorker } from '../../workflows/worker.ts';
import type { PipelineSummary } from '../../workflows/workflows.ts';
import { tempDir } from '../helpers.ts';
import { landHealthCity } from '../health/city.ts';

interface Posted {
  path: string;
  contentType: string | undefined;
  body: string;
}

/** The robot: records every request; `answer` decides the reply per request path. */
class Robot {
  readonly posted: Posted[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer(async (request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      this.posted.push({ path: request.url ?? '', contentType: request.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      if (request.url === '/broken') {
        response.writeHead(500).end('internal error');
      } else if (request.url === '/refusing') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":93000,"errmsg":"invalid webhook url"}');
      } else {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
      }
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('the robot has no port');
    this.url = `http://127.0.0.1:${address.port}`;
  }

  stop(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}

const dataDir = tempDir('sc-health-temporal-');
const robot = new Robot();
let server: ServerHandle;
let dbPath: string;
let quietDbPath: string;

beforeAll(async () => {
  const db = await landHealthCity();
  dbPath = db.path;
  db.close();
  const quiet = await landHealthCity({ quiet: true });
  quietDbPath = quiet.path;
  quiet.close();
  await robot.start();
  server = await startEmbeddedServer({ dataDir });
  await getWorkflowBundle();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await robot.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return port;
}

const queues = () => ({ warehouse: `test-health-${randomUUID()}`, parse: `test-health-parse-${randomUUID()}` });

/** The folder the city was landed from, beside its warehouse: discovery finds nothing new there. */
const inboxOf = (warehouse: string) => join(dirname(warehouse), 'inbox');

function quietNight(webhook: string | null, healthCheckOn: string, warehouse = dbPath): Promise<PipelineSummary> {
  return runPipeline({
    address: server.address,
    deps: createPipelineSteps({ dbPath: warehouse, healthWebhookUrl: webhook }),
    inboxDir: inboxOf(warehouse),
    periods: [],
    buildSite: false,
    taskQueueNames: queues(),
    input: { onlyIfNewFiles: true, healthCheckOn },
  });
}

async function readWarehouse<T>(read: (db: Warehouse) => Promise<T>): Promise<T> {
  const db = await Warehouse.open(dbPath, { readOnly: true });
  try {
    return await read(db);
  } finally {
    db.close();
  }
}

describe('the daily health check', () => {
  it('runs on a night with no new file, keeps the check in audit and posts the message listing what is late', async () => {
    const posted = robot.posted.length;
    const summary = await quietNight(`${robot.url}/hook`, '2025-12-25');
    expect(summary).toMatchObject({ status: 'stopped', files: { discovered: 0 }, healthError: null });
    expect(summary.health).toEqual({ checkOn: '2025-12-25', dataUntilOn: '2025-12-20', late: 3, missing: 7, anomalies: 0, notify: 'sent', notifyDetail: '{"errcode":0,"errmsg":"ok"}' });

    const expected = await readWarehouse((db) => checkSourceHealth(db, '2025-12-25'));
    expect(robot.posted.slice(posted)).toEqual([{ path: '/hook', contentType: 'application/json; charset=utf-8', body: JSON.stringify({ msgtype: 'text', text: { content: healthMessage(expected) } }) }]);
    const content = JSON.parse(robot.posted.at(-1)!.body).text.content as string;
    expect(content.split('\n').slice(0, 3)).toEqual([
      '【报送监测 2025-12-25：数据截至 2025-12-20（已 5 天没有新数据）；缺报 7 项，迟报 3 项，报送量异常 0 项】',
      '缺报：',
      '· 鄢陵县 预警告警记录：从未报送，逾期 310 天，自 2025-02-25 起缺报',
    ]);

    const checks = await readWarehouse((db) =>
      db.all(`select check_id, check_on::varchar as check_on, check_trigger, n_late, n_missing, notify_status from audit.health_checks where check_on = '2025-12-25'`),
    );
    expect(checks).toEqual([{ check_id: expect.stringMatching(new RegExp(`^${summary.workflowId}@`)), check_on: '2025-12-25', check_trigger: 'no_new_files', n_late: 3, n_missing: 7, notify_status: 'sent' }]);
    const results = await readWarehouse((db) => db.value<number>('select count(*) from audit.health_results where check_id = $1', [checks[0]!.check_id as string]));
    expect(results).toBe(10);
  }, 60_000);

  it('runs, is kept and posts on a night nothing changed since the last publish (the run stops as unchanged before the transform)', async () => {
    const db = await landHealthCity();
    const warehouse = db.path;
    db.close();
    const steps = createPipelineSteps({ dbPath: warehouse, healthWebhookUrl: `${robot.url}/unchanged` });
    const published = await steps.publish({ buildSite: false });
    const summary = await runPipeline({
      address: server.address,
      deps: steps,
      inboxDir: inboxOf(warehouse),
      periods: [],
      buildSite: false,
      taskQueueNames: queues(),
      input: { healthCheckOn: '2025-12-25' },
    });
    expect(summary).toMatchObject({ status: 'unchanged', snapshotPath: published.snapshotPath, transform: null, publish: null, healthError: null });
    expect(summary.health).toEqual({ checkOn: '2025-12-25', dataUntilOn: '2025-12-20', late: 3, missing: 7, anomalies: 0, notify: 'sent', notifyDetail: '{"errcode":0,"errmsg":"ok"}' });
    const posted = robot.posted.filter((p) => p.path === '/unchanged');
    expect(posted).toHaveLength(1);
    expect(JSON.parse(posted[0]!.body).text.content.split('\n')[0]).toBe('【报送监测 2025-12-25：数据截至 2025-12-20（已 5 天没有新数据）；缺报 7 项，迟报 3 项，报送量异常 0 项】');
    const kept = await Warehouse.open(warehouse, { readOnly: true });
    try {
      expect(await kept.all('select check_id, check_on::varchar as check_on, check_trigger, n_late, n_missing, notify_status from audit.health_checks')).toEqual([
        { check_id: expect.stringMatching(new RegExp(`^${summary.workflowId}@`)), check_on: '2025-12-25', check_trigger: 'unchanged', n_late: 3, n_missing: 7, notify_status: 'sent' },
      ]);
      expect(await kept.value('select count(*) from audit.snapshots')).toBe(1);
    } finally {
      kept.close();
    }
  }, 120_000);

  it('records a webhook that fails or refuses, and the run still completes', async () => {
    const broken = await quietNight(`${robot.url}/broken`, '2025-12-25');
    expect(broken.health).toMatchObject({ notify: 'failed', notifyDetail: 'HTTP 500: internal error' });
    const refusing = await quietNight(`${robot.url}/refusing`, '2025-12-25');
    expect(refusing.health).toMatchObject({ notify: 'failed', notifyDetail: '{"errcode":93000,"errmsg":"invalid webhook url"}' });
    const closed = await quietNight(`http://127.0.0.1:${await closedPort()}/nobody-listens`, '2025-12-25');
    expect(closed.health?.notify).toBe('failed');
    expect(closed.health?.notifyDetail).toMatch(/^fetch failed: .*ECONNREFUSED/);
    const statuses = await readWarehouse((db) =>
      db.all<{ notify_status: string }>("select notify_status from audit.health_checks where check_on = '2025-12-25' order by checked_at"),
    );
    expect(statuses.map((s) => s.notify_status)).toEqual(['sent', 'failed', 'failed', 'failed']);
  }, 90_000);

  it('posts nothing when nothing is wrong, and says so when no webhook is configured', async () => {
    const posted = robot.posted.length;
    // the quiet city (魏都区第一小学 alone, on time with everything) on the day its data runs to
    const quiet = await quietNight(`${robot.url}/hook`, '2025-12-20', quietDbPath);
    expect(quiet.health).toMatchObject({ late: 0, missing: 0, anomalies: 0, notify: 'nothing_to_report', notifyDetail: null });
    const unconfigured = await quietNight(null, '2025-12-25');
    expect(unconfigured.health).toMatchObject({ missing: 7, notify: 'not_configured' });
    expect(robot.posted.length).toBe(posted);
  }, 60_000);

  it('is run by the nightly schedule itself, judged on the day it fires', async () => {
    const names = queues();
    const worker = await runWorker({ address: server.address, deps: createPipelineSteps({ dbPath, healthWebhookUrl: `${robot.url}/nightly` }), taskQueueNames: names });
    const client = await connectClient(server.address);
    try {
      await createSchedules(client, { inboxDir: inboxOf(dbPath), taskQueue: names.warehouse });
      const schedule = client.schedule.getHandle('safecampus-nightly-pipeline');
      await schedule.trigger();
      let workflowId: string | undefined;
      while (!workflowId) {
        workflowId = (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId;
        if (!workflowId) await new Promise((done) => setTimeout(done, 200));
      }
      const handle = client.workflow.getHandle(workflowId);
      const summary = (await handle.result()) as PipelineSummary;
      const day = shanghaiDate((await handle.describe()).startTime.getTime());
      // the data ends 2025-12-20: on the day the schedule fires every feed is long overdue
      expect(summary).toMatchObject({ status: 'stopped', health: { checkOn: day, dataUntilOn: '2025-12-20', notify: 'sent' } });
      expect(summary.health!.missing).toBeGreaterThan(7);
      const nightly = robot.posted.filter((p) => p.path === '/nightly');
      expect(nightly).toHaveLength(1);
      expect(JSON.parse(nightly[0]!.body).text.content).toContain(`【报送监测 ${day}：数据截至 2025-12-20（已 `);
      const recorded = await readWarehouse((db) => db.one<{ check_trigger: string }>('select check_trigger from audit.health_checks where check_on = $1::date', [day]));
      expect(recorded).toEqual({ check_trigger: 'no_new_files' });
      await Worker.runReplayHistory({ workflowBundle: await getWorkflowBundle() }, await handle.fetchHistory(), workflowId);
    } finally {
      await deleteSchedules(client);
      await client.connection.close();
      await worker.shutdown();
    }
  }, 120_000);
});

describe('the webhook setting', () => {
  it('is read from SAFECAMPUS_HEALTH_WEBHOOK, and a value that is no http(s) URL is refused with what to do', () => {
    expect(healthWebhookFromEnv({})).toBeNull();
    expect(healthWebhookFromEnv({ SAFECAMPUS_HEALTH_WEBHOOK: ' https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc ' })).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc');
    expect(() => healthWebhookFromEnv({ SAFECAMPUS_HEALTH_WEBHOOK: 'robot' })).toThrow(/SAFECAMPUS_HEALTH_WEBHOOK=robot 不是网址（is no URL/);
    expect(() => healthWebhookFromEnv({ SAFECAMPUS_HEALTH_WEBHOOK: 'ftp://example/hook' })).toThrow(/must be an http or https URL, got ftp:/);
  });
});

/**
 * The orchestration layer against a REAL Temporal dev server (started by workflows/dev-server.ts
 * in a temp data dir) with fake in-memory pipeline steps. The end-to-end test with the real
 * warehouse lives elsewhere.
 *
 * @module-tag temporal
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadInputError,
  type DiscoveredFile,
  type HealthCheckRequest,
  type HealthOutcome,
  type IngestOutcome,
  type PipelineDeps,
  type UnchangedOutcome,
  type TransformOutcome,
} from '../../workflows/activities.ts';
import { connectClient } from '../../workflows/client.ts';
import {
  ensureServer,
  findRunningServer,
  serverPaths,
  startEmbeddedServer,
  type ServerHandle,
} from '../../workflows/dev-server.ts';
import { getWorkflowBundle } from '../../workflows/bundle.ts';
import { runPipeline, runWorker } from '../../workflows/worker.ts';
import type { PipelineSummary } from '../../workflows/workflows.ts';
import { monthJustEnded, shanghaiDate } from '../../workflows/calendar.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'sc-temporal-'));
let server: ServerHandle;

function file(name: string): DiscoveredFile {
  const sha256 = createHash('sha256').update(`${name}-${randomUUID()}`).digest('hex');
  return { path: `/inbox/${name}`, sha256, bytes: 100 };
}

interface FakeOptions {
  files: DiscoveredFile[];
  ingest?: (f: DiscoveredFile, attempt: number) => Promise<Partial<IngestOutcome>> | Partial<IngestOutcome>;
  transform?: TransformOutcome;
  health?: (request: HealthCheckRequest) => HealthOutcome;
  /** What unchangedSince answers (default: something changed). */
  unchanged?: UnchangedOutcome;
}

/** In-memory PipelineDeps recording every call in order. */
function fakeDeps(options: FakeOptions) {
  const calls: string[] = [];
  const ingestCalls = new Map<string, number>();
  const healthRequests: HealthCheckRequest[] = [];
  const deps: PipelineDeps = {
    async discoverFiles(inboxDir) {
      calls.push(`discover ${inboxDir}`);
      return options.files;
    },
    async ingestFile(f) {
      const attempt = (ingestCalls.get(f.sha256) ?? 0) + 1;
      ingestCalls.set(f.sha256, attempt);
      calls.push(`ingest ${f.path}`);
      const extra = (await options.ingest?.(f, attempt)) ?? {};
      calls.push(`ingested ${f.path}`);
      return { file: f.path, sha256: f.sha256, source: 'inspections', status: 'landed', rowsLanded: 10, rowsRejected: 1, ...extra };
    },
    async unchangedSince({ buildSite }) {
      calls.push(`unchanged? site=${buildSite}`);
      return options.unchanged ?? null;
    },
    async transform() {
      calls.push('transform');
      return options.transform ?? { models: 7, testsFailed: 0, failures: [] };
    },
    async score(periods) {
      calls.push(`score ${periods.join(',')}`);
      return { periods, rows: 42 };
    },
    async publish({ buildSite }) {
      calls.push(`publish site=${buildSite}`);
      return { snapshotPath: '/data/snapshots/s1.duckdb', sitePath: buildSite ? '/data/site' : null };
    },
    async checkHealth(request) {
      calls.push(`health ${request.trigger}`);
      healthRequests.push(request);
      return options.health?.(request) ?? { checkOn: request.checkOn, dataUntilOn: '2025-12-31', late: 0, missing: 1, anomalies: 0, notify: 'not_configured', notifyDetail: null };
    },
  };
  return { deps, calls, ingestCalls, healthRequests };
}

/** A fresh task queue per test, so no task of an earlier test reaches this test's fake. */
function queues() {
  return { warehouse: `test-warehouse-${randomUUID()}`, parse: `test-parse-${randomUUID()}` };
}

function run(deps: PipelineDeps, extra: Partial<Parameters<typeof runPipeline>[0]> = {}): Promise<PipelineSummary> {
  return runPipeline({
    address: server.address,
    deps,
    inboxDir: '/inbox',
    periods: ['2025'],
    buildSite: true,
    taskQueueNames: queues(),
    input: { heartbeatTimeout: '5 seconds' },
    ...extra,
  });
}

beforeAll(async () => {
  server = await startEmbeddedServer({ dataDir });
  await getWorkflowBundle(); // build once, up front
}, 90_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe('embedded dev server', () => {
  it('is persisted under the data dir and recorded in a state file', () => {
    const paths = serverPaths(dataDir);
    expect(server.owned).toBe(true);
    expect(existsSync(paths.db)).toBe(true);
    const state = JSON.parse(readFileSync(paths.state, 'utf8'));
    expect(state).toMatchObject({ address: server.address, namespace: 'default', db_filename: paths.db, owner_pid: process.pid });
    expect(typeof state.pid).toBe('number');
    expect(Date.parse(state.started_at)).not.toBeNaN();
  });

  it('is found by a second lookup (what a second safecampus process does)', async () => {
    const found = await findRunningServer(dataDir);
    expect(found).not.toBeNull();
    expect(found?.address).toBe(server.address);
    expect(found?.state?.pid).toBe(server.state?.pid);
    expect(found?.owned).toBe(false);
    const ensured = await ensureServer(dataDir, { env: {} });
    expect(ensured).toMatchObject({ address: server.address, owned: false, source: 'running' });
    await ensured.stop(); // not owned: must leave the server running
    expect(await findRunningServer(dataDir)).not.toBeNull();
  });

  it('ensureServer prefers TEMPORAL_ADDRESS', async () => {
    const ensured = await ensureServer(dataDir, { env: { TEMPORAL_ADDRESS: 'temporal.example:7233' } });
    expect(ensured).toMatchObject({ address: 'temporal.example:7233', namespace: 'default', owned: false, source: 'env' });
  });

  it('refuses to start a second server on the same data dir', async () => {
    await expect(startEmbeddedServer({ dataDir })).rejects.toThrow(/already running/);
  });

  it('cleans up a stale state file', async () => {
    const otherDir = mkdtempSync(path.join(tmpdir(), 'sc-stale-'));
    const paths = serverPaths(otherDir);
    await import('node:fs').then((fs) => fs.mkdirSync(paths.dir, { recursive: true }));
    writeFileSync(paths.state, JSON.stringify({ pid: 2 ** 22 + 12345, address: '127.0.0.1:1', namespace: 'default', started_at: 'x' }));
    expect(await findRunningServer(otherDir)).toBeNull();
    expect(existsSync(paths.state)).toBe(false);
    rmSync(otherDir, { recursive: true, force: true });
  });
});

describe('pipeline workflow', () => {
  it('stops after discovery when nothing changed since the last publish: no transform, score or publish, but the health check runs', async () => {
    const last = { snapshotId: 's0', snapshotPath: '/data/snapshots/s0.duckdb', sitePath: '/data/site', createdAt: '2026-12-04 02:00:00' };
    const fake = fakeDeps({ files: [], unchanged: last });
    const summary = await run(fake.deps, { workflowId: `pipeline-unchanged-${randomUUID()}`, input: { heartbeatTimeout: '5 seconds', healthCheckOn: '2026-12-04' } });
    expect(fake.calls).toEqual(['discover /inbox', 'unchanged? site=true', 'health unchanged']);
    expect(fake.healthRequests.map((r) => [r.checkOn, r.trigger])).toEqual([['2026-12-04', 'unchanged']]);
    expect(summary).toMatchObject({ status: 'unchanged', unchanged: last, snapshotPath: last.snapshotPath, sitePath: last.sitePath, transform: null, publish: null, healthError: null });
    expect(summary.health).toEqual({ checkOn: '2026-12-04', dataUntilOn: '2025-12-31', late: 0, missing: 1, anomalies: 0, notify: 'not_configured', notifyDetail: null });
  });

  it('runs discover → ingest each file → transform → score → publish, in order', async () => {
    const files = [file('schools.csv'), file('inspections.xlsx')];
    const fake = fakeDeps({ files });
    const started: string[] = [];
    const summary = await run(fake.deps, { workflowId: `pipeline-order-${randomUUID()}`, onStart: (id) => started.push(id) });

    expect(started).toHaveLength(1);
    expect(summary.workflowId).toBe(started[0]);
    expect(fake.calls[0]).toBe('discover /inbox');
    // one file at a time: the warehouse worker runs one activity at a time
    expect(fake.calls.slice(1, 5).filter((c) => c.startsWith('ingest ')).sort()).toEqual(['ingest /inbox/inspections.xlsx', 'ingest /inbox/schools.csv']);
    expect(fake.calls.slice(1, 5).map((c) => c.split(' ')[0])).toEqual(['ingest', 'ingested', 'ingest', 'ingested']);
    expect(fake.calls.slice(5)).toEqual(['unchanged? site=true', 'transform', 'score 2025', 'health after_transform', 'publish site=true']);
    expect([...fake.ingestCalls.values()]).toEqual([1, 1]);
    expect(summary).toMatchObject({
      status: 'published',
      stoppedReason: null,
      files: { discovered: 2, landed: 2, skipped: 0, held: 0, failed: 0 },
      rowsLanded: 20,
      rowsRejected: 2,
      snapshotPath: '/data/snapshots/s1.duckdb',
      sitePath: '/data/site',
      score: { periods: ['2025'], rows: 42 },
    });
    expect(summary.ingests.map((o) => o.file)).toEqual(files.map((f) => f.path)); // discovery order

    // Workflow code is deterministic: its recorded history replays.
    const client = await connectClient(server.address);
    try {
      const history = await client.workflow.getHandle(summary.workflowId!).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: await getWorkflowBundle() }, history, summary.workflowId!);
      const childHistory = await client.workflow.getHandle(`ingest-${files[0]!.sha256}`).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: await getWorkflowBundle() }, childHistory);
    } finally {
      await client.connection.close();
    }
  }, 30_000);

  it('never ingests the same file twice: a second run with the same sha256 skips it', async () => {
    const files = [file('alerts.ndjson')];
    const fake = fakeDeps({ files });
    const first = await run(fake.deps);
    expect(first.files).toMatchObject({ landed: 1, skipped: 0 });

    // discover (wrongly) reports the file as new again: the deterministic id still stops a second ingest
    const second = await run(fake.deps);
    expect(fake.ingestCalls.get(files[0]!.sha256)).toBe(1);
    expect(second.status).toBe('published');
    expect(second.files).toMatchObject({ discovered: 1, landed: 0, skipped: 1 });
    expect(second.ingests[0]?.message).toMatch(new RegExp(`ingest-${files[0]!.sha256}`));
  }, 30_000);

  it('a file discovery skipped (a symbolic link) is reported with its reason and never ingested', async () => {
    const link = { path: '/inbox/linked.csv', sha256: '', bytes: 0, skipped: 'skipped: symbolic link' };
    const fake = fakeDeps({ files: [file('schools.csv'), link] });
    const summary = await run(fake.deps);
    expect(fake.calls.filter((c) => c.startsWith('ingest '))).toEqual(['ingest /inbox/schools.csv']);
    expect(summary.files).toMatchObject({ discovered: 2, landed: 1, skipped: 1 });
    expect(summary.ingests[1]).toEqual({ file: '/inbox/linked.csv', sha256: '', source: null, status: 'skipped', rowsLanded: 0, rowsRejected: 0, message: 'skipped: symbolic link' });
  }, 30_000);

  it('files of one source land in discovery order, even when the first one needs a retry', async () => {
    const original = { ...file('cases_2025.csv'), lane: 'cases' };
    const revised = { ...file('cases_2025.revised.csv'), lane: 'cases' };
    const alerts = { ...file('alerts_2025.ndjson'), lane: 'alerts' };
    const fake = fakeDeps({
      files: [alerts, original, revised],
      ingest: (f, attempt) => {
        if (f === original || f.sha256 === original.sha256) {
          if (attempt === 1) throw new Error('transient: the warehouse file is busy');
        }
        return {};
      },
    });
    const summary = await run(fake.deps);
    expect(summary.files).toMatchObject({ discovered: 3, landed: 3, failed: 0 });
    expect(fake.ingestCalls.get(original.sha256)).toBe(2);
    const landed = fake.calls.filter((c) => c.startsWith('ingested ')).map((c) => c.slice('ingested /inbox/'.length));
    // the corrected re-export lands after the export it corrects, so it supersedes it
    expect(landed.filter((name) => name.startsWith('cases'))).toEqual(['cases_2025.csv', 'cases_2025.revised.csv']);
    expect(summary.ingests.map((o) => o.file)).toEqual([alerts, original, revised].map((f) => f.path)); // discovery order
  }, 30_000);

  it('two overlapping runs ingest a shared file once', async () => {
    const shared = file('cases.csv');
    const fake = fakeDeps({
      files: [shared],
      ingest: async () => {
        await sleep(1500);
        return {};
      },
    });
    const names = queues();
    const worker = await runWorker({ address: server.address, deps: fake.deps, taskQueueNames: names });
    const client = await connectClient(server.address);
    try {
      const input = { inboxDir: '/inbox', periods: [], buildSite: false };
      const a = await client.workflow.start('pipelineWorkflow', { taskQueue: names.warehouse, workflowId: `overlap-a-${randomUUID()}`, args: [input] });
      const b = await client.workflow.start('pipelineWorkflow', { taskQueue: names.warehouse, workflowId: `overlap-b-${randomUUID()}`, args: [input] });
      const results = (await Promise.all([a.result(), b.result()])) as PipelineSummary[];
      expect(fake.ingestCalls.get(shared.sha256)).toBe(1);
      expect(results.map((r) => r.ingests[0]?.status).sort()).toEqual(['landed', 'skipped']);
      // the run that skipped waited for the other's landing before transforming
      const landedAt = fake.calls.indexOf('ingested /inbox/cases.csv');
      const transforms = fake.calls.flatMap((c, i) => (c === 'transform' ? [i] : []));
      expect(transforms).toHaveLength(2);
      expect(transforms.every((i) => i > landedAt)).toBe(true);
      expect(results.reduce((n, r) => n + r.rowsLanded, 0)).toBe(10); // rows counted once
      expect(results.every((r) => r.status === 'published')).toBe(true);
    } finally {
      await client.connection.close();
      await worker.shutdown();
    }
  }, 30_000);

  it('a held batch stops the run before score and publish, saying why', async () => {
    const files = [file('schools.csv'), file('sensors.csv')];
    const fake = fakeDeps({
      files,
      ingest: (f) => (f.path.endsWith('sensors.csv') ? { status: 'held', message: '38% rows rejected' } : {}),
    });
    const summary = await run(fake.deps);
    expect(summary.status).toBe('stopped');
    expect(summary.stoppedReason).toMatch(/held/);
    expect(summary.stoppedReason).toContain('/inbox/sensors.csv (38% rows rejected)');
    expect(summary.files).toMatchObject({ landed: 1, held: 1 });
    expect(fake.calls).toContain('transform');
    expect(fake.calls.some((c) => c.startsWith('score') || c.startsWith('publish'))).toBe(false);
    expect(summary.publish).toBeNull();
    expect(summary.snapshotPath).toBeNull();

    // Offered again while still held: not ingested again, and still stops the run.
    const again = await run(fake.deps);
    expect(fake.ingestCalls.get(files[1]!.sha256)).toBe(1);
    expect(again.status).toBe('stopped');
    expect(again.files).toMatchObject({ skipped: 1, held: 1 });
  }, 30_000);

  it('the monthly scorecards run also scores the month that ended before it started (Asia/Shanghai)', async () => {
    const fake = fakeDeps({ files: [] });
    const startedAt = Date.now();
    const summary = await run(fake.deps, { input: { heartbeatTimeout: '5 seconds', scoreMonthJustEnded: true } });
    expect(fake.calls).toContain(`score 2025,${monthJustEnded(startedAt)}`);
    expect(summary.score?.periods).toEqual(['2025', monthJustEnded(startedAt)]);
  }, 30_000);

  it('a nightly run that finds no new file still checks source health, on the run’s day in Asia/Shanghai', async () => {
    const fake = fakeDeps({ files: [] });
    const workflowId = `pipeline-quiet-night-${randomUUID()}`;
    const summary = await run(fake.deps, { workflowId, input: { heartbeatTimeout: '5 seconds', onlyIfNewFiles: true } });
    expect(fake.calls).toEqual(['discover /inbox', 'health no_new_files']);
    expect(summary).toMatchObject({ status: 'stopped', stoppedReason: 'No new files in /inbox; only the health check ran.', healthError: null });
    const client = await connectClient(server.address);
    try {
      const described = await client.workflow.getHandle(workflowId).describe();
      expect(fake.healthRequests).toEqual([{ checkId: `${workflowId}@${described.runId}`, checkOn: shanghaiDate(described.startTime.getTime()), trigger: 'no_new_files' }]);
      expect(summary.health).toEqual({ checkOn: shanghaiDate(described.startTime.getTime()), dataUntilOn: '2025-12-31', late: 0, missing: 1, anomalies: 0, notify: 'not_configured', notifyDetail: null });
      await Worker.runReplayHistory({ workflowBundle: await getWorkflowBundle() }, await client.workflow.getHandle(workflowId).fetchHistory(), workflowId);
    } finally {
      await client.connection.close();
    }
  }, 30_000);

  it('judges health on the day the input names, and a health check that cannot run does not fail the run', async () => {
    const fake = fakeDeps({
      files: [file('alerts.ndjson')],
      health: () => {
        throw new BadInputError('还没有报送监测结果');
      },
    });
    const summary = await run(fake.deps, { input: { heartbeatTimeout: '5 seconds', healthCheckOn: '2026-01-01' } });
    expect(fake.healthRequests.map((r) => [r.checkOn, r.trigger])).toEqual([['2026-01-01', 'after_transform']]);
    expect(summary).toMatchObject({ status: 'published', health: null });
    expect(summary.healthError).toMatch(/还没有报送监测结果/);
    expect(fake.calls.at(-1)).toBe('publish site=true');
  }, 30_000);

  it('failing data tests stop the run before score and publish', async () => {
    const fake = fakeDeps({
      files: [file('inspections.csv')],
      transform: { models: 7, testsFailed: 2, failures: ['unique(fct_hazards.hazard_id)', 'not_null(dim_schools.unit_code)'] },
    });
    const summary = await run(fake.deps);
    expect(summary.status).toBe('stopped');
    expect(summary.stoppedReason).toMatch(/2 data test\(s\) failed: unique\(fct_hazards.hazard_id\); not_null/);
    expect(fake.calls.slice(-2)).toEqual(['transform', 'health stopped']);
  }, 30_000);

  it('bad input is not retried; a transient error is', async () => {
    const bad = file('truncated.csv');
    const flaky = file('flaky.csv');
    const fake = fakeDeps({
      files: [bad, flaky],
      ingest: (f, attempt) => {
        if (f === bad || f.sha256 === bad.sha256) throw new BadInputError('unreadable: truncated in row 17');
        if (attempt === 1) throw new Error('database is locked');
        return {};
      },
    });
    const summary = await run(fake.deps);
    expect(fake.ingestCalls.get(bad.sha256)).toBe(1);
    expect(fake.ingestCalls.get(flaky.sha256)).toBe(2);
    expect(summary.ingests[0]).toMatchObject({ status: 'failed' });
    expect(summary.ingests[0]?.message).toMatch(/truncated in row 17/);
    expect(summary.ingests[1]).toMatchObject({ status: 'landed' });
    expect(summary.status).toBe('published');
  }, 30_000);
});

describe('scale-out and crashes', () => {
  it('scale-out: prepares and lands on the warehouse queue, parses on the parse queue, and parses again when the lookups went stale', async () => {
    const files = [file('sensors.ndjson'), file('landed-before.csv')];
    const fake = fakeDeps({ files });
    let lands = 0;
    fake.deps.prepareParse = async (f) => {
      fake.calls.push(`prepare ${f.path}`);
      if (f === files[1] || f.path === files[1]!.path) return { outcome: { file: f.path, sha256: f.sha256, source: 'alerts', status: 'skipped', rowsLanded: 0, rowsRejected: 0 } };
      return { settings: { outDir: '/shared', lookupsDir: `/shared/lookups/v${lands}`, lookupsFingerprint: `v${lands}`, saltFingerprint: 's', contractsFingerprint: 'c', holdThreshold: 0.2, now: '2026-01-15T00:00:00.000Z' } };
    };
    fake.deps.parseFile = async ({ file: f, settings }) => {
      fake.calls.push(`parse ${f.path} against ${settings.lookupsFingerprint}`);
      const result = { file: f.path, sha256: f.sha256, batchId: 'b', source: 'sensors' as const, format: 'ndjson' as const, status: 'landed' as const, rowsRead: 5, rowsLanded: 5, rowsRejected: 0, rowsSkipped: 0, rejectsByReason: {}, cellsMasked: 0 };
      return { file: f.path, sha256: f.sha256, dir: `/shared/${f.sha256}.x`, lookupsFingerprint: settings.lookupsFingerprint, result };
    };
    fake.deps.landParsed = async (parsed) => {
      fake.calls.push(`land ${parsed.dir} (${parsed.lookupsFingerprint})`);
      if (lands++ === 0) return null; // a registry landed between the parse and this landing
      return { file: parsed.file, sha256: parsed.sha256, source: 'sensors', status: 'landed', rowsLanded: 5, rowsRejected: 0 };
    };
    const summary = await run(fake.deps, { input: { scaleOut: true, heartbeatTimeout: '5 seconds', maxParallelIngests: 1 } });
    const dir = `/shared/${files[0]!.sha256}.x`;
    expect(fake.calls.filter((c) => /^(prepare|parse|land) /.test(c))).toEqual([
      'prepare /inbox/sensors.ndjson',
      'parse /inbox/sensors.ndjson against v0',
      `land ${dir} (v0)`,
      'prepare /inbox/sensors.ndjson',
      'parse /inbox/sensors.ndjson against v1',
      `land ${dir} (v1)`,
      'prepare /inbox/landed-before.csv',
    ]);
    expect(fake.ingestCalls.size).toBe(0);
    expect(summary).toMatchObject({ status: 'published', rowsLanded: 5, files: { landed: 1, skipped: 1 } });
  }, 30_000);

  it('a step lost with its worker is retried by another worker after the heartbeat timeout', async () => {
    const f = file('inspections-big.csv');
    const names = queues();
    let hungStarted!: () => void;
    const started = new Promise<void>((resolve) => (hungStarted = resolve));
    const hung = fakeDeps({
      files: [f],
      ingest: () => {
        hungStarted();
        return new Promise<never>(() => undefined); // never finishes, ignores cancellation: a dead worker
      },
    });
    const first = await runWorker({ address: server.address, deps: hung.deps, taskQueueNames: names, shutdownGraceTime: 0, shutdownForceTime: '500 ms' });
    const client = await connectClient(server.address);
    try {
      const handle = await client.workflow.start('pipelineWorkflow', {
        taskQueue: names.warehouse,
        workflowId: `crash-${randomUUID()}`,
        args: [{ inboxDir: '/inbox', periods: [], buildSite: false, heartbeatTimeout: '2 seconds' }],
      });
      await started;
      await first.shutdown(); // the worker is gone; its ingest never reports back

      const healthy = fakeDeps({ files: [f] });
      const second = await runWorker({ address: server.address, deps: healthy.deps, taskQueueNames: names });
      try {
        const summary = (await handle.result()) as PipelineSummary;
        expect(summary).toMatchObject({ status: 'published', files: { landed: 1 } });
        expect(healthy.ingestCalls.get(f.sha256)).toBe(1);
      } finally {
        await second.shutdown();
      }
    } finally {
      await client.connection.close();
    }
  }, 30_000);
});

describe('stopping', () => {
  it('stop() terminates the server and removes the state file; a restart keeps the history', async () => {
    const paths = serverPaths(dataDir);
    const client = await connectClient(server.address);
    const { executions } = await client.workflowService.listWorkflowExecutions({ namespace: 'default', pageSize: 1, query: 'WorkflowType = "pipelineWorkflow"' });
    await client.connection.close();
    const someId = executions[0]?.execution?.workflowId;
    expect(someId).toBeTruthy();

    const pid = server.state!.pid;
    await server.stop();
    expect(existsSync(paths.state)).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await findRunningServer(dataDir)).toBeNull();

    // A later process starts a server on the same persisted state and sees the earlier runs.
    server = await startEmbeddedServer({ dataDir });
    const again = await connectClient(server.address);
    try {
      const described = await again.workflow.getHandle(someId!).describe();
      expect(described.status.name).toBe('COMPLETED');
    } finally {
      await again.connection.close();
    }
  }, 30_000);
});

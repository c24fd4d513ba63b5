/**
 * Scale-out ingest (issue 18): the default demo city landed through the pipeline workflow on a
 * real Temporal dev server by whole `safecampus worker` processes, in three set-ups, each in a
 * fresh warehouse:
 *   - the writer alone (no scale-out: every file read, validated and landed by the writer);
 *   - the writer and one `worker --queues parse` process (files parsed there, landed by the writer);
 *   - the writer and two parse worker processes.
 * Timed: a run's ingest, from the workflow's start to the end of its ingest step (read from the
 * workflow's progress query), so the transform and publish that follow do not blur it. Best of
 * --repeat runs; the ratios are against the writer alone, measured in the same run.
 * Usage: node --import tsx bench/parse-workers.ts [--schools N] [--years A-B] [--repeat R]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateCity } from '../demo/index.ts';
import { connectClient } from '../workflows/client.ts';
import { startEmbeddedServer } from '../workflows/dev-server.ts';
import { WAREHOUSE_TASK_QUEUE } from '../workflows/task-queues.ts';
import type { PipelineInput, PipelineProgress } from '../workflows/workflows.ts';

const { values } = parseArgs({ options: { schools: { type: 'string' }, years: { type: 'string' }, repeat: { type: 'string' } } });
const schools = Number(values.schools ?? 1200);
const [fromYear, toYear] = (values.years ?? '2023-2025').split('-').map(Number) as [number, number];
const repeat = Number(values.repeat ?? 2);
for (const [name, value] of [['--schools', schools], ['--repeat', repeat], ['--years', fromYear], ['--years', toYear]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (years as 2023-2025), got ${value}`);
}

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'safecampus.js');
const root = mkdtempSync(join(tmpdir(), 'safecampus-parse-bench-'));
const city = join(root, 'city');
const started: ChildProcess[] = [];

async function startWorker(address: string, queue: 'warehouse' | 'parse', db: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [cli, 'worker', '--queues', queue, '--db', db], {
    env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker serving')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`worker exited early (${code ?? signal})`)));
  });
  return child;
}

async function stop(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      return gone;
    }),
  );
}

/**
 * Seconds from the workflow's start to the end of its ingest step. Each run has a Temporal server
 * of its own: on a server that ran the city before, every file's `ingest-<sha256>` workflow is
 * done already and nothing would be parsed.
 */
async function timedIngest(parseWorkers: number, run: number): Promise<number> {
  const dir = join(root, `run-${parseWorkers}-${run}`);
  const server = await startEmbeddedServer({ dataDir: join(dir, 'temporal') });
  try {
    return await timedIngestOn(server.address, dir, parseWorkers, run);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timedIngestOn(address: string, dir: string, parseWorkers: number, run: number): Promise<number> {
  const inbox = join(dir, 'inbox');
  mkdirSync(inbox, { recursive: true });
  cpSync(city, inbox, { recursive: true });
  const db = join(dir, 'warehouse.duckdb');
  writeFileSync(join(dir, '.pii-salt'), 'bench-salt', { mode: 0o600 });
  const children = [await startWorker(address, 'warehouse', db)];
  for (let i = 0; i < parseWorkers; i++) children.push(await startWorker(address, 'parse', db));
  const client = await connectClient(address);
  try {
    const input: PipelineInput = { inboxDir: inbox, periods: [], buildSite: false, ...(parseWorkers ? { scaleOut: true } : {}) };
    const t0 = performance.now();
    const handle = await client.workflow.start('pipelineWorkflow', { taskQueue: WAREHOUSE_TASK_QUEUE, workflowId: `bench-${parseWorkers}-${run}-${Date.now()}`, args: [input] });
    for (;;) {
      const progress = await handle.query<PipelineProgress>('progress').catch(() => null);
      if (progress && progress.step !== 'discover' && progress.step !== 'ingest') break;
      await sleep(50);
    }
    const seconds = (performance.now() - t0) / 1000;
    await handle.result();
    return seconds;
  } finally {
    await client.connection.close();
    await stop(children);
  }
}

const load = loadavg()[0]!.toFixed(1);
await generateCity({ schools, fromYear, toYear, seed: 20251, dirtyRate: 0.01, outDir: city });
try {
  const setups = [
    { parseWorkers: 0, name: 'writer alone (no scale-out)' },
    { parseWorkers: 1, name: 'writer + 1 parse worker process' },
    { parseWorkers: 2, name: 'writer + 2 parse worker processes' },
  ];
  const best: number[] = [];
  for (const { parseWorkers } of setups) {
    const times: number[] = [];
    for (let run = 0; run < repeat; run++) times.push(await timedIngest(parseWorkers, run));
    best.push(Math.min(...times));
  }
  console.log(`\nscale-out ingest, ${schools} schools ${fromYear}–${toYear}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${load}, ${new Date().toISOString().slice(0, 10)}, best of ${repeat}`);
  console.log('| set-up | ingest s | vs writer alone |');
  console.log('| --- | ---: | ---: |');
  setups.forEach(({ name }, i) => console.log(`| ${name} | ${best[i]!.toFixed(1)} | ${(best[i]! / best[0]!).toFixed(2)}× |`));
} finally {
  await stop(started);
  rmSync(root, { recursive: true, force: true });
}

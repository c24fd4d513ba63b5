/**
 * What the tests that kill workers for real share (crash.test.ts, province-scale.test.ts): one
 * generated city copied into two inboxes (a reference run and the run under test land the same
 * files), `safecampus worker` child processes started against a Temporal address, and the
 * teardown of it all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { generateCity } from '../../demo/index.ts';
import type { ServerHandle } from '../../workflows/dev-server.ts';

/** A small dirty city (30 schools, 2025) generated under `root` and copied into each inbox. */
export async function cityInInboxes(root: string, seed: number, inboxes: string[]): Promise<void> {
  const city = join(root, 'city');
  await generateCity({ schools: 30, fromYear: 2025, toYear: 2025, seed, dirtyRate: 0.02, outDir: city });
  for (const inbox of inboxes) {
    mkdirSync(inbox, { recursive: true });
    cpSync(city, inbox, { recursive: true });
  }
}

/** Kills the worker processes, closes the client, stops the server and removes `root`. */
export async function tearDown(root: string, workers: ChildProcess[], client: Client | undefined, server: ServerHandle | undefined): Promise<void> {
  for (const child of workers) child.kill('SIGKILL');
  await Promise.all(workers.map(exited));
  await client?.connection.close();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'safecampus.js');

/**
 * `safecampus worker <args>` against `address` (namespace default, or the cities file's when the
 * args name cities); resolves once it serves its queues.
 */
export async function startWorkerProcess(address: string, args: string[]): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default' };
  if (args.includes('--cities')) delete env.TEMPORAL_NAMESPACE;
  const child = spawn(process.execPath, [CLI, 'worker', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker serving')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`worker exited early (${code ?? signal}):\n${output}`)));
  });
  return child;
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

/** A parseFile activity running right now (first attempt) on one of `parsers`, under `pipelineId`'s ingest children. */
export async function parseInFlight(client: Client, pipelineId: string, parsers: ChildProcess[]): Promise<{ workflowId: string; worker: ChildProcess } | null> {
  const pipeline = await client.workflow.getHandle(pipelineId).describe();
  for (const child of pipeline.raw.pendingChildren ?? []) {
    const described = await client.workflow.getHandle(child.workflowId!).describe();
    for (const activity of described.raw.pendingActivities ?? []) {
      if (activity.state !== STARTED || activity.activityType?.name !== 'parseFile' || activity.attempt !== 1) continue;
      const worker = parsers.find((p) => activity.lastWorkerIdentity?.startsWith(`safecampus-${p.pid}@`));
      if (worker) return { workflowId: child.workflowId!, worker };
    }
  }
  return null;
}

/** Whether `workflowId`'s history shows a task started on a second attempt by `survivor` (it took over a killed worker's task). */
export async function takenOverBy(client: Client, workflowId: string, survivor: ChildProcess): Promise<boolean> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).some((e) => e.activityTaskStartedEventAttributes?.attempt === 2 && e.activityTaskStartedEventAttributes.identity?.startsWith(`safecampus-${survivor.pid}@`));
}

/**
 * What the tests that kill workers for real share (crash.test.ts, scale-out.test.ts): one
 * generated city copied into two inboxes (a reference run and the run under test land the same
 * files), `safecampus worker` child processes started against a Temporal address, and the
 * teardown of it all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
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

/** `safecampus worker <args>` against `address` (namespace default); resolves once it serves its queues. */
export async function startWorkerProcess(address: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'worker', ...args], {
    env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default' },
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

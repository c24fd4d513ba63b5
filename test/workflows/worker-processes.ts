/**
 * `safecampus worker` child processes for the tests that kill workers for real (crash.test.ts,
 * scale-out.test.ts): start one against a Temporal address and wait until it serves, and wait
 * for one to be gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

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

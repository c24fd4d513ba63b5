/**
 * The lock between processes (warehouse/file-lock.ts, on proper-lockfile): a process that waits gets
 * the lock when its holder lets go; one that waits too long is refused with what the holder file
 * says; `stopWaiting` ends the wait. Taking over a killed holder's lock is tested with real
 * processes in test/workflows/run-lock.test.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { acquireFileLock, holderOfThisProcess, readLockHolder, withFileLock } from '../../warehouse/file-lock.ts';
import { tempDir } from '../helpers.ts';

const refuse = (holder: { pid: number; job?: string } | null) => new Error(`held by ${holder?.pid ?? '?'} for ${holder?.job ?? '?'}`);

describe('a lock between processes', () => {
  it('a second taker waits for the first to let go, then holds it; nothing is left afterwards', async () => {
    const file = join(tempDir(), 'build.json');
    const order: string[] = [];
    let releaseFirst!: () => void;
    const first = withFileLock(file, holderOfThisProcess({ job: 'first' }), { refuse }, async () => {
      order.push('first in');
      await new Promise<void>((done) => (releaseFirst = done));
      order.push('first out');
    });
    while (order.length === 0) await sleep(10);
    expect(await readLockHolder(file)).toMatchObject({ pid: process.pid, job: 'first' });
    const second = withFileLock(file, holderOfThisProcess({ job: 'second' }), { refuse, waitMs: 30_000 }, async () => {
      order.push('second in');
      return readLockHolder(file);
    });
    await sleep(500);
    expect(order).toEqual(['first in']);
    releaseFirst();
    await first;
    expect(await second).toMatchObject({ job: 'second' });
    expect(order).toEqual(['first in', 'first out', 'second in']);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('a taker that may not wait is refused with the holder it names, and the holder keeps the lock', async () => {
    const file = join(tempDir(), 'run.json');
    const held = (await acquireFileLock(file, holderOfThisProcess({ job: 'holder' }), { refuse }))!;
    try {
      await expect(acquireFileLock(file, holderOfThisProcess({ job: 'late' }), { refuse })).rejects.toThrow(`held by ${process.pid} for holder`);
      await expect(acquireFileLock(file, holderOfThisProcess({ job: 'late' }), { refuse, waitMs: 300 })).rejects.toThrow(`held by ${process.pid} for holder`);
      expect(await readLockHolder(file)).toMatchObject({ job: 'holder' });
    } finally {
      await held.release();
    }
    expect(existsSync(file)).toBe(false);
  });

  it('stopWaiting ends the wait without the lock', async () => {
    const file = join(tempDir(), 'start.json');
    const held = (await acquireFileLock(file, holderOfThisProcess({}), { refuse }))!;
    let asked = 0;
    try {
      expect(await acquireFileLock(file, holderOfThisProcess({}), { refuse, waitMs: 30_000, stopWaiting: async () => ++asked === 3 })).toBeNull();
      expect(asked).toBe(3);
    } finally {
      await held.release();
    }
  });
});

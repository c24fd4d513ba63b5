/**
 * A lock between processes on one folder (the run lock, the embedded Temporal server's start lock,
 * the site build's lock), built on proper-lockfile: the lock is the directory `<file>.lock`, made
 * atomically with mkdir, whose mtime its holder refreshes every few seconds while it lives. A lock
 * not refreshed for `staleMs` (its holder was killed, on this machine or another) is stale and the
 * next process takes it over; proper-lockfile also releases it when its holder exits normally.
 *
 * The library records no holder, so `<file>` itself says who holds the lock (JSON: pid, host,
 * started_at and what the caller adds), for the message a refused process prints. It also settles
 * what the mtime alone cannot: a holder on this machine whose process runs is refused at once; any
 * other (dead, or elsewhere) is waited for until the library judges it stale.
 */
import { hostname } from 'node:os';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { isProcessAlive } from './process.ts';

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO instant the lock was taken. */
  started_at: string;
}

export interface FileLock {
  /** Releases the lock and removes the holder file (only our own: never one another process took over). */
  release(): Promise<void>;
}

export interface LockOptions<H extends LockHolder> {
  /** A lock whose holder stopped refreshing it this long ago is taken over. Default 20 s. */
  staleMs?: number;
  /** How long to wait for a live holder to let go before refusing. Default 0: refuse at once. */
  waitMs?: number;
  /** Asked between tries while waiting: true stops waiting ({@link acquireFileLock} resolves null). */
  stopWaiting?: () => Promise<boolean>;
  /** Builds the error for a refused process from what the holder file says (null: unreadable). */
  refuse: (holder: H | null) => Error;
}

export const DEFAULT_STALE_MS = 20_000;
const RETRY_MS = 200;

/** This process as a lock holder, with the caller's own fields. */
export function holderOfThisProcess<E extends object>(extra: E): LockHolder & E {
  return { pid: process.pid, host: hostname(), started_at: new Date().toISOString(), ...extra };
}

export async function readLockHolder<H extends LockHolder>(file: string): Promise<H | null> {
  try {
    const holder = JSON.parse(await readFile(file, 'utf8')) as H;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' ? holder : null;
  } catch {
    return null; // no holder file (yet), or one not meant for us
  }
}

function runsHere(holder: LockHolder | null): boolean {
  return holder !== null && holder.host === hostname() && isProcessAlive(holder.pid);
}

/**
 * Takes the lock on `file` for `holder`. Resolves null only when `stopWaiting` said so; throws
 * `refuse(holder)` when the lock stays held by a live process past `waitMs`, or by a silent one
 * past the stale threshold (which proper-lockfile would have broken, so something still refreshes it).
 */
export async function acquireFileLock<H extends LockHolder>(file: string, holder: H, options: LockOptions<H>): Promise<FileLock | null> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const waitUntil = Date.now() + (options.waitMs ?? 0);
  let silentSince: number | null = null;
  await mkdir(dirname(file), { recursive: true });
  for (;;) {
    try {
      const unlock = await lockfile.lock(file, {
        realpath: false,
        stale: staleMs,
        onCompromised: (error) => process.stderr.write(`safecampus: 锁 ${file} 已被另一进程接管 / lock taken over by another process: ${error.message}\n`),
      });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(holder, null, 2)}\n`);
      await rename(temporary, file); // readers never see a half-written holder
      return {
        async release() {
          if ((await readLockHolder(file))?.pid === holder.pid) await rm(file, { force: true });
          await unlock().catch(() => undefined); // already taken over as stale: nothing of ours left
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    const current = await readLockHolder<H>(file);
    const now = Date.now();
    if (runsHere(current)) {
      silentSince = null;
      if (now >= waitUntil) throw options.refuse(current);
    } else {
      // dead, on another machine, or not written yet: proper-lockfile takes it over once it is stale
      silentSince ??= now;
      if (now >= waitUntil && now - silentSince > staleMs + 5 * RETRY_MS) throw options.refuse(current);
    }
    if (options.stopWaiting && (await options.stopWaiting())) return null;
    await sleep(RETRY_MS);
  }
}

/** Runs `body` holding the lock on `file` (see {@link acquireFileLock}). */
export async function withFileLock<H extends LockHolder, T>(file: string, holder: H, options: Omit<LockOptions<H>, 'stopWaiting'>, body: () => Promise<T>): Promise<T> {
  const lock = (await acquireFileLock(file, holder, options))!;
  try {
    return await body();
  } finally {
    await lock.release();
  }
}

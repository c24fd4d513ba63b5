/**
 * One `safecampus run` (or `start`) at a time per data folder. A second one would share the
 * first's embedded Temporal server and task queue and fight it for the warehouse's single
 * writer; instead it is refused before it starts anything, saying which run holds the folder.
 *
 *   <dataDir>/run.lock   {pid, host, workflow_id, inbox, started_at} of the run in progress
 *
 * A lock whose process is gone (killed with kill -9) is taken over; one written on another
 * machine cannot be checked and is left to the operator, who is told how to remove it.
 */
import { hostname } from 'node:os';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { isoLocal } from '../sources/ingest.ts';
import { isProcessAlive } from '../warehouse/process.ts';

export interface RunLockHolder {
  pid: number;
  host: string;
  workflow_id: string;
  inbox: string;
  /** ISO instant the run started. */
  started_at: string;
}

export class RunInProgressError extends Error {}

export function runLockPath(dataDir: string): string {
  return join(dataDir, 'run.lock');
}

async function readHolder(path: string): Promise<RunLockHolder | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RunLockHolder;
  } catch {
    return null; // gone, or half-written by a process that died while writing it
  }
}

/** Runs `body` holding the data folder's run lock; refuses with RunInProgressError while another run holds it. */
export async function withRunLock<T>(dataDir: string, run: { workflowId: string; inbox: string }, body: () => Promise<T>): Promise<T> {
  const path = runLockPath(dataDir);
  await mkdir(dataDir, { recursive: true });
  const me: RunLockHolder = { pid: process.pid, host: hostname(), workflow_id: run.workflowId, inbox: run.inbox, started_at: new Date().toISOString() };
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${JSON.stringify(me, null, 2)}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(path);
    if (holder === null) {
      // being written by a run starting this very moment, or left half-written by one that died
      const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => Infinity);
      if (age > 10_000) await rm(path, { force: true });
      else await sleep(200);
      continue;
    }
    if (holder.host === me.host && !isProcessAlive(holder.pid)) {
      await rm(path, { force: true });
      continue;
    }
    throw new RunInProgressError(
      `此数据文件夹已有一次运行正在进行：工作流 ${holder.workflow_id}，进程 ${holder.pid}（${holder.host}），开始于 ${isoLocal(new Date(holder.started_at))}，收件箱 ${holder.inbox}。请等它结束后再运行` +
        ` / a run is already in progress on this data folder: workflow ${holder.workflow_id}, pid ${holder.pid} on ${holder.host}, since ${isoLocal(new Date(holder.started_at))} (Asia/Shanghai), inbox ${holder.inbox}. ` +
        `Wait for it to finish; if that process no longer exists, delete ${path}`,
    );
  }
  try {
    return await body();
  } finally {
    // only our own lock: never one another run took over after ours was judged stale
    if ((await readHolder(path))?.pid === process.pid) await rm(path, { force: true });
  }
}

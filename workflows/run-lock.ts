/**
 * One `safecampus run` (or `start`) at a time per data folder. A second one would share the
 * first's embedded Temporal server and task queue and fight it for the warehouse's single
 * writer; instead it is refused before it starts anything, saying which run holds the folder.
 *
 *   <dataDir>/run.json        {pid, host, workflow_id, inbox, started_at} of the run in progress
 *   <dataDir>/run.json.lock/  the lock itself (warehouse/file-lock.ts: proper-lockfile)
 *
 * A lock whose run was killed (kill -9, a lost machine) stops being refreshed and is taken over by
 * the next run once it is stale, which that run waits for instead of refusing.
 */
import { join } from 'node:path';
import { isoLocal } from '../sources/ingest.ts';
import { holderOfThisProcess, withFileLock, type LockHolder } from '../warehouse/file-lock.ts';

export interface RunLockHolder extends LockHolder {
  workflow_id: string;
  inbox: string;
}

export class RunInProgressError extends Error {}

/** A killed run's lock is taken over after this long without refresh. */
export const RUN_LOCK_STALE_MS = 20_000;

/** The file that names the run in progress while there is one. */
export function runLockPath(dataDir: string): string {
  return join(dataDir, 'run.json');
}

function inProgress(holder: RunLockHolder | null, path: string): RunInProgressError {
  if (holder === null) {
    return new RunInProgressError(`此数据文件夹已有一次运行正在进行（${path}）。请等它结束后再运行 / a run is already in progress on this data folder (${path}). Wait for it to finish`);
  }
  const since = isoLocal(new Date(holder.started_at));
  return new RunInProgressError(
    `此数据文件夹已有一次运行正在进行：工作流 ${holder.workflow_id}，进程 ${holder.pid}（${holder.host}），开始于 ${since}，收件箱 ${holder.inbox}。请等它结束后再运行` +
      ` / a run is already in progress on this data folder: workflow ${holder.workflow_id}, pid ${holder.pid} on ${holder.host}, since ${since} (Asia/Shanghai), inbox ${holder.inbox}. ` +
      `Wait for it to finish; a run that was killed gives the folder up by itself within ${Math.round(RUN_LOCK_STALE_MS / 1000)} s`,
  );
}

/** Runs `body` holding the data folder's run lock; refuses with RunInProgressError while another run holds it. */
export async function withRunLock<T>(dataDir: string, run: { workflowId: string; inbox: string }, body: () => Promise<T>, options: { staleMs?: number } = {}): Promise<T> {
  const path = runLockPath(dataDir);
  const me: RunLockHolder = holderOfThisProcess({ workflow_id: run.workflowId, inbox: run.inbox });
  return withFileLock(path, me, { staleMs: options.staleMs ?? RUN_LOCK_STALE_MS, refuse: (holder) => inProgress(holder, path) }, body);
}

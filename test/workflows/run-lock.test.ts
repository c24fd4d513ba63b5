/**
 * Two `safecampus run` at once on one data folder: the second is refused before it starts
 * anything — one line naming the run in progress (workflow id, pid, since when), exit 1, no
 * stack trace — and the first finishes as if alone. A lock left by a run killed on this machine or
 * another is taken over once it is stale; one a live run on another machine keeps fresh is refused.
 *
 * @module-tag temporal
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { describe, expect, it } from 'vitest';
import { RUN_LOCK_STALE_MS, runLockPath, withRunLock, type RunLockHolder } from '../../workflows/run-lock.ts';
import { FIXTURES, runCli, tempDir } from '../helpers.ts';

const REPO = join(import.meta.dirname, '..', '..');
/** The tests that wait for a lock to go stale use a shorter threshold than a real run (same rule). */
const SHORT_STALE_MS = 3000;
const elsewhere: RunLockHolder = { pid: 1, host: 'another-host', workflow_id: 'pipeline-elsewhere', inbox: '/inbox', started_at: '2026-01-01T00:00:00.000Z' };

async function holderIn(dataDir: string): Promise<RunLockHolder | null> {
  try {
    return JSON.parse(readFileSync(runLockPath(dataDir), 'utf8')) as RunLockHolder;
  } catch {
    return null;
  }
}

describe('two runs on one data folder', () => {
  it('the second says which run is in progress and exits 1; the first publishes', async () => {
    const root = tempDir('safecampus-two-runs-');
    const inbox = join(root, 'inbox');
    const db = join(root, 'data', 'warehouse.duckdb');
    mkdirSync(inbox);
    cpSync(join(FIXTURES, 'mini-city'), inbox, { recursive: true });
    const first = spawn(process.execPath, [join(REPO, 'bin', 'safecampus.js'), 'run', '--db', db, '--inbox', inbox, '--no-site'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstOut = '';
    first.stdout.on('data', (chunk: Buffer) => (firstOut += chunk.toString()));
    const firstExit = new Promise<number | null>((done) => first.on('exit', done));
    const lock = runLockPath(join(root, 'data'));
    while (!existsSync(lock) || !readFileSync(lock, 'utf8').endsWith('\n')) await sleep(50);
    const holder = JSON.parse(readFileSync(lock, 'utf8')) as RunLockHolder;
    expect(holder.pid).toBe(first.pid);

    const second = await runCli(['run', '--db', db, '--inbox', inbox, '--no-site']);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^safecampus run: 此数据文件夹已有一次运行正在进行：工作流 ${holder.workflow_id}，进程 ${first.pid}（.+），开始于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d，收件箱 ${inbox}。请等它结束后再运行 / ` +
            `a run is already in progress on this data folder: workflow ${holder.workflow_id}, pid ${first.pid} on .+, since .+ \\(Asia/Shanghai\\), inbox ${inbox}\\. ` +
            `Wait for it to finish; a run that was killed gives the folder up by itself within ${RUN_LOCK_STALE_MS / 1000} s$`,
        ),
      ),
      '',
    ]);

    expect(await firstExit).toBe(0);
    expect(firstOut).toContain(`pipeline workflow ${holder.workflow_id} started`);
    expect(firstOut).toContain('published snapshot');
    expect(existsSync(lock)).toBe(false);
    expect(existsSync(`${lock}.lock`)).toBe(false);
  }, 300_000);

  it('a lock left by a run that was killed with SIGKILL is taken over, and released afterwards', async () => {
    const dataDir = tempDir();
    const holding = `import { withRunLock } from ${JSON.stringify(join(REPO, 'workflows', 'run-lock.ts'))};
      await withRunLock(process.argv[1], { workflowId: 'pipeline-killed', inbox: '/inbox' }, () => new Promise(() => setInterval(() => {}, 1000)), { staleMs: ${SHORT_STALE_MS} });`;
    const killed = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', holding, dataDir], { cwd: REPO, stdio: 'ignore' });
    const exited = new Promise((done) => killed.on('exit', done));
    while ((await holderIn(dataDir))?.pid !== killed.pid) await sleep(50);
    killed.kill('SIGKILL');
    await exited;
    expect(existsSync(`${runLockPath(dataDir)}.lock`)).toBe(true); // a SIGKILL runs no clean-up

    const seen = await withRunLock(dataDir, { workflowId: 'pipeline-next', inbox: '/inbox' }, async () => holderIn(dataDir), { staleMs: SHORT_STALE_MS });
    expect(seen).toMatchObject({ pid: process.pid, workflow_id: 'pipeline-next' });
    expect(existsSync(runLockPath(dataDir))).toBe(false);
    expect(existsSync(`${runLockPath(dataDir)}.lock`)).toBe(false);
  }, 60_000);

  it('a lock that a live run on another machine keeps fresh is refused, naming that run', async () => {
    const dataDir = tempDir();
    const unlock = await lockfile.lock(runLockPath(dataDir), { realpath: false, stale: SHORT_STALE_MS });
    try {
      writeFileSync(runLockPath(dataDir), JSON.stringify(elsewhere));
      await expect(withRunLock(dataDir, { workflowId: 'pipeline-next', inbox: '/inbox' }, async () => 'ran', { staleMs: SHORT_STALE_MS })).rejects.toThrow(
        '此数据文件夹已有一次运行正在进行：工作流 pipeline-elsewhere，进程 1（another-host），开始于 2026-01-01 08:00:00，收件箱 /inbox。请等它结束后再运行 / ' +
          'a run is already in progress on this data folder: workflow pipeline-elsewhere, pid 1 on another-host, since 2026-01-01 08:00:00 (Asia/Shanghai), inbox /inbox.',
      );
      expect(await holderIn(dataDir)).toEqual(elsewhere);
    } finally {
      await unlock();
    }
  }, 60_000);

  it('a lock that a run on another machine stopped refreshing (it died) is taken over', async () => {
    const dataDir = tempDir();
    mkdirSync(`${runLockPath(dataDir)}.lock`);
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(`${runLockPath(dataDir)}.lock`, minuteAgo, minuteAgo);
    writeFileSync(runLockPath(dataDir), JSON.stringify(elsewhere));
    expect(await withRunLock(dataDir, { workflowId: 'pipeline-next', inbox: '/inbox' }, async () => holderIn(dataDir))).toMatchObject({ pid: process.pid, workflow_id: 'pipeline-next' });
    expect(existsSync(runLockPath(dataDir))).toBe(false);
  });
});

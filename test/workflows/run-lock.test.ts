/**
 * Two `safecampus run` at once on one data folder: the second is refused before it starts
 * anything — one line naming the run in progress (workflow id, pid, since when), exit 1, no
 * stack trace — and the first finishes as if alone. A lock left by a killed run is taken over.
 *
 * @module-tag temporal
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runLockPath, withRunLock, type RunLockHolder } from '../../workflows/run-lock.ts';
import { FIXTURES, runCli, tempDir } from '../helpers.ts';

const REPO = join(import.meta.dirname, '..', '..');

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
            `Wait for it to finish; if that process no longer exists, delete ${lock}$`,
        ),
      ),
      '',
    ]);

    expect(await firstExit).toBe(0);
    expect(firstOut).toContain(`pipeline workflow ${holder.workflow_id} started`);
    expect(firstOut).toContain('published snapshot');
    expect(existsSync(lock)).toBe(false);
  }, 300_000);

  it('a lock left by a run that was killed is taken over, and released afterwards', async () => {
    const dataDir = tempDir();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale: RunLockHolder = { pid: gone, host: hostname(), workflow_id: 'pipeline-killed', inbox: '/inbox', started_at: '2026-01-01T00:00:00.000Z' };
    writeFileSync(runLockPath(dataDir), JSON.stringify(stale));
    const seen = await withRunLock(dataDir, { workflowId: 'pipeline-next', inbox: '/inbox' }, async () => JSON.parse(readFileSync(runLockPath(dataDir), 'utf8')));
    expect(seen).toMatchObject({ pid: process.pid, workflow_id: 'pipeline-next' });
    expect(existsSync(runLockPath(dataDir))).toBe(false);
  });

  it('a lock written on another machine is left to the operator', async () => {
    const dataDir = tempDir();
    const elsewhere: RunLockHolder = { pid: 1, host: 'another-host', workflow_id: 'pipeline-elsewhere', inbox: '/inbox', started_at: '2026-01-01T00:00:00.000Z' };
    writeFileSync(runLockPath(dataDir), JSON.stringify(elsewhere));
    await expect(withRunLock(dataDir, { workflowId: 'pipeline-next', inbox: '/inbox' }, async () => 'ran')).rejects.toThrow(
      'workflow pipeline-elsewhere, pid 1 on another-host, since 2026-01-01 08:00:00 (Asia/Shanghai)',
    );
  });
});

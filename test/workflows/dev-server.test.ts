/**
 * The embedded server's start lock (workflows/dev-server.ts on warehouse/file-lock.ts), against a
 * real dev server: two commands that need a server at once start one, and the other uses it; a start
 * lock left by a starter that was killed is taken over once stale.
 *
 * @module-tag temporal
 */
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureServer, findRunningServer, serverPaths, type ServerHandle } from '../../workflows/dev-server.ts';
import { tempDir } from '../helpers.ts';

const started: ServerHandle[] = [];
afterEach(async () => {
  for (const server of started.splice(0)) await server.stop();
});

describe('starting the embedded server', () => {
  it('two commands at once on one data folder start one server; the second uses it', async () => {
    const dataDir = tempDir('safecampus-two-starts-');
    const [a, b] = await Promise.all([ensureServer(dataDir, { env: {} }), ensureServer(dataDir, { env: {} })]);
    started.push(...[a, b].filter((server) => server.owned));
    expect([a.owned, b.owned].sort()).toEqual([false, true]);
    expect(a.address).toBe(b.address);
    expect(a.state?.pid).toBe(b.state?.pid);
    expect((await findRunningServer(dataDir))?.address).toBe(a.address);
    expect(existsSync(serverPaths(dataDir).lock)).toBe(false);
    expect(existsSync(`${serverPaths(dataDir).lock}.lock`)).toBe(false);
  }, 120_000);

  it('a start lock left by a starter that was killed is taken over', async () => {
    const dataDir = tempDir('safecampus-killed-start-');
    const paths = serverPaths(dataDir);
    mkdirSync(`${paths.lock}.lock`, { recursive: true });
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(`${paths.lock}.lock`, minuteAgo, minuteAgo);
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(paths.lock, JSON.stringify({ pid: gone, host: hostname(), started_at: minuteAgo.toISOString() }));
    const server = await ensureServer(dataDir, { env: {} });
    started.push(server);
    expect(server).toMatchObject({ owned: true, source: 'started' });
    expect(existsSync(`${paths.lock}.lock`)).toBe(false);
  }, 120_000);
});

/**
 * The province roll-up on a real Temporal dev server: the workflow waits while a city has not
 * published, picks the city up once its snapshot appears, and after the deadline builds without
 * the city that never published — listing it, not leaving it out. Then the CLI over a cities file.
 *
 * @module-tag temporal
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../../workflows/client.ts';
import { startEmbeddedServer, type ServerHandle } from '../../workflows/dev-server.ts';
import { runProvince } from '../../workflows/province-runner.ts';
import type { ProvinceInput, ProvinceState } from '../../workflows/province-workflow.ts';
import { resolveProvinceDefinitionPath } from '../../transforms/definitions/province.ts';
import type { ProvinceCity } from '../../transforms/province/rollup.ts';
import { tempDir } from '../helpers.ts';
import { publishedCity } from './fixture.ts';

const NAMESPACE = 'province-test';
const root = tempDir('safecampus-province-wf-');
let server: ServerHandle;
let client: Client;

const unpublished = (code: string, name: string): ProvinceCity => ({ code, name, warehousePath: join(root, code, 'warehouse.duckdb'), siteDir: join(root, code, 'site') });

function inputFor(year: number, cities: ProvinceCity[], deadlineMs: number, out: string): ProvinceInput {
  return {
    year,
    deadline: new Date(deadlineMs).toISOString(),
    pollEveryMs: 300,
    cities,
    build: { province: { code: '41', name: '河南省' }, definitionPath: resolveProvinceDefinitionPath(2025), outPath: join(root, out, 'province.duckdb'), siteDir: null },
  };
}

beforeAll(async () => {
  server = await startEmbeddedServer({ dataDir: join(root, 'temporal'), namespace: NAMESPACE });
  client = await connectClient(server.address, NAMESPACE);
  for (const out of ['first', 'second']) mkdirSync(join(root, out), { recursive: true });
}, 120_000);

afterAll(async () => {
  await client?.connection.close();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}, 60_000);

describe('the province workflow', () => {
  it('waits for a city that has not published and ranks it once it has', async () => {
    const xuchang = await publishedCity(root, '4110', '许昌市', [['411002', '魏都区', 91, 1000, true, 0, 1]], '2026-01-20T02:00:00.000Z');
    const luohe = unpublished('4111', '漯河市');
    const running = runProvince({ address: server.address, namespace: NAMESPACE, input: inputFor(2025, [xuchang, luohe], Date.now() + 120_000, 'first') });
    // the workflow has looked and found 漯河 missing: it is waiting
    const handle = client.workflow.getHandle('province-2025');
    let state: ProvinceState | null = null;
    while (!state?.waitingFor.some((c) => c.code === '4111')) {
      await sleep(100);
      state = await handle.query<ProvinceState>('state').catch(() => null);
    }
    expect(state.status).toBe('waiting');
    await publishedCity(root, '4111', '漯河市', [['411102', '源汇区', 95, 2000, true, 0, 1]], '2026-01-21T02:00:00.000Z');
    const done = await running;
    expect(done.status).toBe('done');
    expect(done.checks).toBeGreaterThan(1);
    expect(done.waitingFor).toEqual([]);
    expect(done.built!.cities.map((c) => [c.code, c.status, c.rank, c.score])).toEqual([
      ['4111', 'published', 1, 95],
      ['4110', 'published', 2, 91],
    ]);
  }, 120_000);

  it('builds after the deadline with the city that never published listed as missing', async () => {
    const xuchang = await publishedCity(join(root, 'second'), '4110', '许昌市', [['411002', '魏都区', 91, 1000, true, 0, 1]], '2026-01-20T02:00:00.000Z');
    const sanmenxia = unpublished('4112', '三门峡市');
    const done = await runProvince({ address: server.address, namespace: NAMESPACE, input: inputFor(2025, [xuchang, sanmenxia], Date.now() + 2_000, 'second') });
    expect(done.checks).toBeGreaterThan(1);
    expect(done.waitingFor).toEqual([{ code: '4112', name: '三门峡市', status: 'missing' }]);
    expect(done.built!.cities.map((c) => [c.code, c.status, c.rank])).toEqual([
      ['4110', 'published', 1],
      ['4112', 'missing', null],
    ]);
  }, 120_000);
});

describe('safecampus province', () => {
  it('rolls up the cities of the cities file into the province data folder', async () => {
    const file = join(root, 'cli', 'cities.json');
    mkdirSync(join(root, 'cli'), { recursive: true });
    await publishedCity(join(root, 'cli'), '4110', '许昌市', [['411002', '魏都区', 91, 1000, true, 0, 1], ['411003', '建安区', 85.5, 3000, true, 0, 2]], '2026-01-20T02:00:00.000Z');
    writeFileSync(
      file,
      JSON.stringify({
        province: { code: '41', name: '河南省', data: 'province' },
        cities: [
          { code: '4110', name: '许昌市', inbox: '4110/inbox', data: '4110' },
          { code: '4112', name: '三门峡市', inbox: '4112/inbox', data: '4112' },
        ],
      }),
    );
    const cli = join(import.meta.dirname, '..', '..', 'bin', 'safecampus.js');
    const env = { ...process.env };
    delete env.TEMPORAL_ADDRESS;
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'province', '--cities', file, '--year', '2025', '--deadline', 'now', '--no-site'], { env, cwd: root });
    expect(stdout).toContain('1/2 个市参与排名，2 个县区参与全省排名');
    expect(stdout).toContain('第 1 名 许昌市 86.88 分 良好');
    expect(stdout).toContain('三门峡市 未发布（无年度快照），未参与排名');
    expect(stdout).toContain(join(root, 'cli', 'province', 'province.duckdb'));
  }, 180_000);
});

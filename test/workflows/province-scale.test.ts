/**
 * The province on real parts: one Temporal dev server; three generated cities with different unit
 * lists (许昌, 漯河, 三门峡), each with its own warehouse and namespace; a `safecampus worker`
 * process per city as its single writer and two parse worker processes shared by all three
 * (`--all-cities`); one parse worker killed with SIGKILL while it parses a file. Every city's
 * warehouse equals a single-process run of its files (batch records, raw rows, rejects, table
 * counts, marts); then `safecampus province` ranks the cities and their counties, equal to the
 * ranking worked out in TypeScript from the three city snapshots, and builds the province site.
 *
 * @module-tag temporal site
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityWarehouse, loadCities, loadProvince, type City } from '../../cli/cities.ts';
import { generateProvince } from '../../demo/province.ts';
import { connectClient } from '../../workflows/client.ts';
import { ensureNamespace, startEmbeddedServer, type ServerHandle } from '../../workflows/dev-server.ts';
import { createPipelineSteps } from '../../workflows/steps.ts';
import { runPipeline } from '../../workflows/worker.ts';
import { WAREHOUSE_TASK_QUEUE } from '../../workflows/task-queues.ts';
import type { PipelineInput, PipelineSummary } from '../../workflows/workflows.ts';
import { loadProvinceDefinition } from '../../transforms/definitions/province.ts';
import { readLatestSnapshot } from '../../warehouse/snapshot.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { tempDir } from '../helpers.ts';
import { rankFromSnapshots } from '../province/ranking-oracle.ts';
import { batchDigests, martDigests, tableCounts } from './warehouse-digests.ts';
import { exited, parseInFlight, startWorkerProcess, takenOverBy, tearDown } from './worker-processes.ts';

const root = tempDir('safecampus-province-scale-');
const provinceDir = join(root, 'province');
const citiesFile = join(provinceDir, 'cities.json');
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'safecampus.js');
let cities: City[];
let server: ServerHandle;
const clients: Client[] = [];
const workers: ChildProcess[] = [];

/** The single-process run of a city's files: its own warehouse (same reference data and salt) in its own namespace. */
function referenceOf(city: City): { db: string; namespace: string } {
  return { db: join(root, 'reference', city.code, 'warehouse.duckdb'), namespace: `reference-${city.code}` };
}

beforeAll(async () => {
  await generateProvince({ outDir: provinceDir, schools: 20, fromYear: 2025, toYear: 2025, seed: 414141, dirtyRate: 0.02 });
  cities = loadCities(citiesFile);
  for (const city of cities) {
    // one salt per city, the same for its reference run, so student IDs hash alike
    writeFileSync(join(city.dataDir, '.pii-salt'), `province-test-salt-${city.code}`, { mode: 0o600 });
    const reference = join(root, 'reference', city.code);
    cpSync(join(city.dataDir, 'reference'), join(reference, 'reference'), { recursive: true });
    writeFileSync(join(reference, '.pii-salt'), `province-test-salt-${city.code}`, { mode: 0o600 });
  }
  server = await startEmbeddedServer({ dataDir: join(root, 'temporal-data'), namespace: 'default' });
}, 300_000);

afterAll(async () => {
  for (const client of clients.slice(1)) await client.connection.close();
  await tearDown(root, workers, clients[0], server);
}, 60_000);

describe('a province of three cities on one Temporal service', () => {
  it('lands each city through shared parse workers (one killed mid-file) as one process does, and ranks the province from their snapshots', async () => {
    expect(cities.map((c) => c.code)).toEqual(['4110', '4111', '4112']);
    const references: Record<string, PipelineSummary> = {};
    for (const city of cities) {
      const { db, namespace } = referenceOf(city);
      await ensureNamespace(server.address, namespace);
      references[city.code] = await runPipeline({ address: server.address, namespace, deps: createPipelineSteps({ dbPath: db }), inboxDir: city.inboxDir, periods: [], buildSite: false });
      expect(references[city.code].status).toBe('published');
    }

    for (const city of cities) workers.push(await startWorkerProcess(server.address, ['--cities', citiesFile, '--city', city.code, '--queues', 'warehouse']));
    const parsers = [
      await startWorkerProcess(server.address, ['--cities', citiesFile, '--all-cities', '--queues', 'parse']),
      await startWorkerProcess(server.address, ['--cities', citiesFile, '--all-cities', '--queues', 'parse']),
    ];
    workers.push(...parsers);

    const runs = await Promise.all(
      cities.map(async (city) => {
        const client = await connectClient(server.address, city.namespace);
        clients.push(client);
        const workflowId = `pipeline-province-${city.code}`;
        const input: PipelineInput = { inboxDir: city.inboxDir, periods: [], buildSite: true, heartbeatTimeout: '3 seconds', scaleOut: true };
        return { city, client, workflowId, handle: await client.workflow.start('pipelineWorkflow', { taskQueue: WAREHOUSE_TASK_QUEUE, workflowId, args: [input] }) };
      }),
    );

    // kill a parse worker while it parses a file of any city
    let victim: { workflowId: string; worker: ChildProcess; client: Client } | null = null;
    while (!victim) {
      for (const run of runs) {
        const found = await parseInFlight(run.client, run.workflowId, parsers);
        if (found) {
          victim = { ...found, client: run.client };
          break;
        }
      }
      if (!victim) await sleep(25);
    }
    victim.worker.kill('SIGKILL');
    await exited(victim.worker);

    for (const run of runs) {
      const summary = (await run.handle.result()) as PipelineSummary;
      const reference = references[run.city.code];
      expect(summary.status, run.city.code).toBe('published');
      expect(summary.files, run.city.code).toEqual(reference.files);
      expect(summary.rowsLanded, run.city.code).toBe(reference.rowsLanded);
      expect(summary.sitePath, run.city.code).toBe(join(run.city.dataDir, 'site'));
    }
    const survivor = parsers.find((p) => p !== victim!.worker)!;
    expect(await takenOverBy(victim.client, victim.workflowId, survivor)).toBe(true);

    for (const city of cities) {
      const { db } = referenceOf(city);
      expect(await batchDigests(cityWarehouse(city), city.inboxDir), city.code).toEqual(await batchDigests(db, city.inboxDir));
      expect(await tableCounts(cityWarehouse(city)), city.code).toEqual(await tableCounts(db));
      expect(await martDigests(cityWarehouse(city)), city.code).toEqual(await martDigests(db));
      expect(readdirSync(join(city.dataDir, 'parsed')).filter((name) => name !== 'lookups'), city.code).toEqual([]);
    }
    // the unit lists differ: each city's scorecard holds its own units only
    const unitsOf = async (city: City) => {
      const snapshot = await Warehouse.open(readLatestSnapshot(cityWarehouse(city))!.path, { readOnly: true });
      try {
        return (await snapshot.all<{ unit_code: string }>("select distinct unit_code from marts.unit_scorecard where period = '2025' order by 1")).map((r) => r.unit_code);
      } finally {
        snapshot.close();
      }
    };
    for (const city of cities) expect((await unitsOf(city)).every((code) => code.startsWith(city.code)), city.code).toBe(true);

    // the province roll-up, through the CLI on the same service (its own namespace)
    const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: server.address };
    delete env.TEMPORAL_NAMESPACE;
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'province', '--cities', citiesFile, '--year', '2025', '--deadline', 'now'], { env, cwd: root });
    expect(stdout).toContain('3/3 个市参与排名');
    const province = loadProvince(citiesFile);
    const oracle = await rankFromSnapshots(
      cities.map((city) => ({ code: city.code, snapshotPath: readLatestSnapshot(cityWarehouse(city))!.path })),
      2025,
      loadProvinceDefinition(2025),
    );
    const db = await Warehouse.open(join(province.dataDir, 'province.duckdb'), { readOnly: true });
    try {
      expect(await db.all('select city_code as code, score::varchar as score, grade, rank from province.city_ranking order by rank, city_code')).toEqual(oracle.cities);
      expect(await db.all('select city_code, unit_code, score::varchar as score, rank from province.unit_ranking order by rank, unit_code')).toEqual(oracle.units);
      expect(oracle.units.length).toBeGreaterThan(12);
    } finally {
      db.close();
    }
    const site = join(province.dataDir, 'site');
    expect(existsSync(join(site, 'index.html'))).toBe(true);
    for (const city of cities) expect(existsSync(join(site, 'cities', city.code, 'index.html')), city.code).toBe(true);
  }, 900_000);
});

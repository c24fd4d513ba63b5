/**
 * Cities as tenants of one Temporal service: two `safecampus run --city` processes at once against
 * one dev server (TEMPORAL_ADDRESS), each city in the namespace it registers for itself, with its
 * own warehouse and its own reference data. The two inboxes hold byte-identical files — in one
 * namespace the second city would find every `ingest-<sha256>` workflow done by the first and land
 * nothing — and each city lands every file of its own.
 *
 * @module-tag temporal
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCity } from '../../demo/index.ts';
import { REFERENCE_DIR } from '../../sources/reference.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { startEmbeddedServer, type ServerHandle } from '../../workflows/dev-server.ts';
import { connectClient } from '../../workflows/client.ts';
import { tempDir } from '../helpers.ts';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'safecampus.js');
const root = tempDir('safecampus-cities-');
let server: ServerHandle;

/** `safecampus <args>` in the cities' folder against the test's server; its parsed --json output. */
async function cli(...args: string[]): Promise<Record<string, unknown>> {
  const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: server.address };
  delete env.TEMPORAL_NAMESPACE;
  delete env.SAFECAMPUS_DB;
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args, '--json'], { cwd: root, env, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

async function read<T>(dbPath: string, sql: string): Promise<T[]> {
  const db = await Warehouse.open(dbPath, { readOnly: true });
  try {
    return (await db.all(sql)) as T[];
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  const city = join(root, 'demo');
  await generateCity({ schools: 20, fromYear: 2025, toYear: 2025, seed: 616161, dirtyRate: 0, outDir: city });
  for (const code of ['4110', '4111']) {
    mkdirSync(join(root, code, 'inbox'), { recursive: true });
    cpSync(city, join(root, code, 'inbox'), { recursive: true });
  }
  // 4111 keeps reference data of its own: the same units plus one more (not ranked)
  const reference = join(root, '4111', 'data', 'reference');
  cpSync(REFERENCE_DIR, reference, { recursive: true });
  writeFileSync(join(reference, 'units.csv'), `${readFileSync(join(reference, 'units.csv'), 'utf8').trimEnd()}\n411199,试验区,Shiyan,district,false,false,许昌市\n`);
  writeFileSync(
    join(root, 'cities.json'),
    JSON.stringify({ cities: [
      { code: '4110', name: '许昌市', inbox: '4110/inbox', data: '4110/data' },
      { code: '4111', name: '漯河市', inbox: '4111/inbox', data: '4111/data' },
    ] }),
  );
  server = await startEmbeddedServer({ dataDir: join(root, 'temporal') });
}, 300_000);

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}, 60_000);

describe('cities as tenants', () => {
  it('two cities run at once on one service, each in its own namespace, warehouse and reference data', async () => {
    const [a, b] = await Promise.all([cli('run', '--city', '4110', '--no-site'), cli('run', '--city', '4111', '--no-site')]);
    expect(a.status).toBe('published');
    expect(b.status).toBe('published');
    // identical files, both landed in full: the namespaces keep the ingest workflow ids apart
    expect(b.files).toEqual(a.files);
    expect((a.files as { landed: number }).landed).toBeGreaterThan(5);
    expect(b.rowsLanded).toBe(a.rowsLanded);

    const warehouseOf = (code: string) => join(root, code, 'data', 'warehouse.duckdb');
    const units = async (code: string) => (await read<{ unit_code: string }>(warehouseOf(code), 'select unit_code from ref.units order by 1')).map((u) => u.unit_code);
    expect(await units('4111')).toEqual([...(await units('4110')), '411199']);
    for (const code of ['4110', '4111']) {
      const [batches] = await read<{ n: number }>(warehouseOf(code), "select count(*) as n from audit.batches where status = 'landed'");
      expect(batches!.n).toBe((a.files as { landed: number }).landed);
    }

    // each city's workflows live in its namespace only
    for (const code of ['4110', '4111']) {
      const client = await connectClient(server.address, `safecampus-${code}`);
      try {
        const ids: string[] = [];
        for await (const workflow of client.workflow.list({ query: "WorkflowType = 'pipelineWorkflow'" })) ids.push(workflow.workflowId);
        expect(ids).toHaveLength(1);
      } finally {
        await client.connection.close();
      }
    }
  }, 600_000);

  it('a city the file does not list, or a warehouse named twice, is a usage error that says what to do', async () => {
    await expect(cli('status', '--city', '4199')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--city 4199 is not in') });
    await expect(cli('status', '--city', '4110', '--db', 'x.duckdb')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('drop --db') });
  }, 60_000);
});

/**
 * The issue's acceptance check on a generated city (120 schools, 2025): the story's silences —
 * 鄢陵县's alerts stop on 15 October, a quarter of 禹州市's eligible schools stop self-inspecting
 * from September — and the chance lapses story.json lists beside them are exactly what the source
 * monitor reports on the data's last day, in the mart, in the pages' data (read from the
 * published snapshot as the site's loaders read it), in `safecampus status --health --json` and
 * in the message the webhook gets on a small HTTP server on 127.0.0.1; nothing else.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingSummary, sourceHealth } from '../../dashboards/lib/health.ts';
import { openSnapshot } from '../../dashboards/lib/snapshot.ts';
import type { HealthFlag } from '../../demo/silences.ts';
import { generateCity, storyPath } from '../../demo/index.ts';
import { ingestPath } from '../../sources/ingest.ts';
import { runTransform } from '../../transforms/runner.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { publishSnapshot } from '../../warehouse/snapshot.ts';
import { createPipelineSteps } from '../../workflows/steps.ts';
import { runCli, tempDir } from '../helpers.ts';

const LAST_DAY = '2025-12-31';
const root = tempDir('safecampus-health-demo-');
const cityDir = join(root, 'city');
const dbPath = join(root, 'data', 'warehouse.duckdb');
let flags: HealthFlag[];
let names: Map<string, string>;
let snapshotPath: string;

/** A flag or any reported row, as one comparable line. */
const key = (r: { scope: string; source: string; unit_code: string; school_code: string | null; status: string | null; latest_on: string | null }) =>
  `${r.scope} ${r.source} ${r.unit_code} ${r.school_code ?? '-'} ${r.status} ${r.latest_on ?? '从未报送'}`;
const expected = () => flags.map(key).sort();

/** The robot on 127.0.0.1: keeps every message it gets. */
const posted: string[] = [];
let robot: Server;
let robotUrl: string;

beforeAll(async () => {
  await generateCity({ schools: 120, fromYear: 2025, toYear: 2025, seed: 170017, dirtyRate: 0, outDir: cityDir });
  const story = JSON.parse(readFileSync(storyPath(cityDir), 'utf8'));
  flags = story.silences.flags;
  const db = await Warehouse.open(dbPath);
  try {
    await initWarehouse(db);
    await ingestPath(db, cityDir);
    expect((await runTransform(db)).failures).toEqual([]);
    names = new Map((await db.all<{ school_code: string; school_name: string }>('select school_code, school_name from core.dim_schools')).map((r) => [r.school_code, r.school_name]));
    snapshotPath = (await publishSnapshot(db)).path;
  } finally {
    db.close();
  }
  robot = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    posted.push(JSON.parse(Buffer.concat(chunks).toString('utf8')).text.content);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
  });
  robot.listen(0, '127.0.0.1');
  await once(robot, 'listening');
  robotUrl = `http://127.0.0.1:${(robot.address() as { port: number }).port}/hook`;
}, 600_000);

afterAll(async () => {
  await new Promise((done) => robot?.close(done));
});

describe('the source monitor on the demo city', () => {
  it('the story names the silent unit and schools', () => {
    expect(flags[0]).toMatchObject({ scope: 'unit', source: 'alerts', unit_code: '411024', status: '缺报' });
    expect(flags[0]!.latest_on! < '2025-10-15').toBe(true);
    expect(flags.filter((f) => f.scope === 'school' && f.status === '缺报' && f.unit_code === '411081').length).toBeGreaterThan(0);
  });

  it('marts.source_health flags exactly those rows, with their last records, on the data’s last day', async () => {
    const db = await Warehouse.open(dbPath, { readOnly: true });
    try {
      const rows = await db.all<Parameters<typeof key>[0] & { as_of_on: string }>(
        `select scope, source, unit_code, school_code, status, latest_on::varchar as latest_on, as_of_on::varchar as as_of_on
         from marts.source_health where status <> '正常'`,
      );
      expect(rows.map(key).sort()).toEqual(expected());
      expect(new Set(rows.map((r) => r.as_of_on))).toEqual(new Set([LAST_DAY]));
    } finally {
      db.close();
    }
  });

  it('the pages’ data from the published snapshot lists the same rows, and the 总览 banner what is 缺报', async () => {
    const snapshot = await openSnapshot({ path: snapshotPath });
    try {
      const health = (await sourceHealth(snapshot, null))!;
      expect(health.as_of_on).toBe(LAST_DAY);
      expect(health.problems.map((p) => key(p as unknown as Parameters<typeof key>[0])).sort()).toEqual(expected());
      const yuzhou = (await sourceHealth(snapshot, '411081'))!;
      expect(yuzhou.problems.map((p) => key(p as unknown as Parameters<typeof key>[0])).sort()).toEqual(flags.filter((f) => f.unit_code === '411081').map(key).sort());
      const missing = flags.filter((f) => f.status === '缺报');
      const schoolsMissing = (unit: string) => missing.filter((f) => f.scope === 'school' && f.unit_code === unit).length;
      const units = [...new Set(missing.filter((f) => f.scope === 'school').map((f) => f.unit_code))].sort();
      expect(await missingSummary(snapshot, null)).toEqual([
        { unit_name: '鄢陵县', what: '预警告警记录', n_schools: null },
        ...units.map((unit) => ({ unit_name: expect.any(String), what: '安全检查记录（自查）', n_schools: schoolsMissing(unit) })),
      ]);
    } finally {
      snapshot.close();
    }
  });

  it('safecampus status --health --json names the same rows and exits 1', async () => {
    const { code, stdout } = await runCli(['status', '--health', '--on', LAST_DAY, '--json', '--db', dbPath]);
    expect(code).toBe(1);
    const check = JSON.parse(stdout);
    expect(check).toMatchObject({ check_on: LAST_DAY, data_until_on: LAST_DAY });
    expect(check.problems.map(key).sort()).toEqual(expected());
  });

  it('the webhook message names the silent unit, every flagged unit and school, and nothing else', async () => {
    const outcome = await createPipelineSteps({ dbPath, healthWebhookUrl: robotUrl }).checkHealth({ checkId: 'demo-city', checkOn: LAST_DAY, trigger: 'no_new_files' });
    expect(outcome).toMatchObject({ notify: 'sent', missing: flags.filter((f) => f.status === '缺报').length, late: flags.filter((f) => f.status === '迟报').length, anomalies: 0 });
    expect(posted).toHaveLength(1);
    const lines = posted[0]!.split('\n');
    // one line per unit row: the silent unit's alerts first, then any daily feed that lapsed by chance
    const SOURCE_WORDS: Record<string, string> = { alerts: '预警告警记录', sensors: '物联设备状态' };
    const unitLines = lines.filter((line) => line.startsWith('· ') && !line.includes('所学校：'));
    expect(unitLines[0]).toMatch(new RegExp(`^· 鄢陵县 预警告警记录：最新 ${flags[0]!.latest_on}，逾期 \\d+ 天，自 \\d{4}-\\d{2}-\\d{2} 起缺报$`));
    expect(unitLines.map((line) => line.replace(/^· \S+ (\S+)：最新 (\S+)，.*$/, '$1 $2')).sort()).toEqual(
      flags.filter((f) => f.scope === 'unit').map((f) => `${SOURCE_WORDS[f.source]} ${f.latest_on}`).sort(),
    );
    const mentioned = [...names].filter(([, name]) => posted[0]!.includes(`${name}（`)).map(([code]) => code).sort();
    expect(mentioned).toEqual(flags.filter((f) => f.scope === 'school').map((f) => f.school_code!).sort());
    for (const f of flags.filter((f) => f.scope === 'school')) expect(posted[0]).toContain(`${names.get(f.school_code!)}（${f.latest_on ? `最新 ${f.latest_on}` : '从未报送'}）`);
  });
});

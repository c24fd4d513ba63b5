// The 隐患治理 loader (dashboards/src/data/hazards.json.gz.ts) at more overdue major hazards
// than the page lists: the hand-made fixture snapshot plus 205 overdue major hazards, the
// loader run as the build runs it (node --import tsx, SAFECAMPUS_SNAPSHOT), real DuckDB.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureSnapshot } from '../browser/fixture.ts';
import { tempDir } from '../helpers.ts';

const LOADER = join(import.meta.dirname, '../../dashboards/src/data/hazards.json.gz.ts');
const work = tempDir('safecampus-hazards-');
const path = join(work, 'snapshot.duckdb');

interface Hazards {
  overdue_limit: number;
  overdue_hazards: Array<{ hazard_id: string; school_name: string; due_on: string }>;
  by_period: Record<string, { overdue_major: { total: number; rows: Array<[number, number]> } }>;
}
let data: Hazards;

beforeAll(async () => {
  await createFixtureSnapshot(path);
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  // X000 … X204: major, open, due 2025-10-31 minus i days, so 61 + i days overdue at 2025-12-31
  // (the fixture's H1 is 60 days overdue then, H4 213 days at 2024-12-31).
  await connection.run(`
    insert into core.fct_hazards
    select printf('X%03d', i), '2141002001', '411002', date '2025-01-01', '重大', true, '应急照明灯损坏', date '2025-10-31' - i::integer, NULL, 'XF-04'
    from range(205) t(i)`);
  connection.closeSync();
  instance.closeSync();
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', LOADER], {
    env: { ...process.env, SAFECAMPUS_SNAPSHOT: path },
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  data = JSON.parse(gunzipSync(stdout).toString('utf8'));
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the 隐患治理 loader', () => {
  it('lists the 200 most overdue major hazards of a period, most overdue first, with the total', () => {
    const { total, rows } = data.by_period['2025']!.overdue_major;
    expect(data.overdue_limit).toBe(200);
    expect(total).toBe(206);
    expect(rows).toHaveLength(200);
    const listed = rows.map(([i, days]) => [data.overdue_hazards[i]!.hazard_id, days]);
    expect(listed[0]).toEqual(['X204', 265]);
    expect(listed.at(-1)).toEqual(['X005', 66]);
    // left off: X000–X004 (61–65 days) and H1 (60 days)
    expect(listed.map(([id]) => id)).not.toContain('H1');
    expect(listed.map(([id]) => id)).not.toContain('X004');
  });

  it('stores each listed hazard once however many periods list it, and a short list whole', () => {
    const ids = data.overdue_hazards.map((h) => h.hazard_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(201);
    const previous = data.by_period['2024']!.overdue_major;
    expect(previous.total).toBe(1);
    expect(previous.rows.map(([i, days]) => [data.overdue_hazards[i]!.hazard_id, data.overdue_hazards[i]!.school_name, days])).toEqual([['H4', '经开区长村张小学', 213]]);
  });
});

// A unit-scoped build of a generated (dirty) city through the real pipeline steps: no file
// of the output — pages, data, bundles — names a school that never belonged to the unit,
// although the snapshot holds every school's rows, rejected rows quoting school codes and
// data-test samples.
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type BuildSiteResult } from '../../dashboards/build.ts';
import { generateCity } from '../../sources/demo-city/index.ts';
import { ingestPath } from '../../sources/ingest.ts';
import { runTransform } from '../../transforms/runner.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../warehouse/init.ts';
import { publishSnapshot } from '../../warehouse/snapshot.ts';
import { tempDir } from '../helpers.ts';

const UNIT = '411024';
const root = tempDir('safecampus-scope-city-');
let snapshotPath: string;
let site: BuildSiteResult;

beforeAll(async () => {
  await generateCity({ schools: 150, fromYear: 2025, toYear: 2025, seed: 11, dirtyRate: 0.03, outDir: join(root, 'inbox') });
  const db = await Warehouse.open(join(root, 'warehouse.duckdb'));
  try {
    await initWarehouse(db);
    await ingestPath(db, join(root, 'inbox'), { holdThreshold: 1, now: new Date('2026-06-01T00:00:00Z') });
    await runTransform(db);
    snapshotPath = (await publishSnapshot(db)).path;
  } finally {
    db.close();
  }
  site = await buildSite({ snapshotPath, outDir: join(root, 'site'), unit: UNIT });
}, 600_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function registry(): Promise<Array<{ school_code: string; school_name: string; own: boolean }>> {
  const instance = await DuckDBInstance.create(snapshotPath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `select distinct school_code, school_name,
              school_code in (select school_code from core.dim_schools where unit_code = '${UNIT}') as own
       from core.dim_schools`,
    );
    return reader.getRowObjectsJS() as Array<{ school_code: string; school_name: string; own: boolean }>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe(`a build scoped to ${UNIT} from a generated city`, () => {
  it('holds no code or name of another unit’s school in any file, and its own schools are there', async () => {
    const schools = await registry();
    const others = schools.filter((s) => !s.own);
    expect(others.length).toBeGreaterThan(100);
    const otherCodes = new Set(others.map((s) => s.school_code));
    const files = (await readdir(site.outDir, { withFileTypes: true, recursive: true })).filter((e) => e.isFile());
    let everything = '';
    for (const file of files) everything += `${await readFile(join(file.parentPath, file.name), 'utf8')}\n`;
    const leakedCodes = [...everything.matchAll(/(?<!\d)\d{10}(?!\d)/g)].map((m) => m[0]).filter((code) => otherCodes.has(code));
    expect(leakedCodes).toEqual([]);
    expect(others.map((s) => s.school_name).filter((name) => everything.includes(name))).toEqual([]);
    // not vacuous: the unit's own schools do appear (the lowest-rate list on the overview)
    expect(schools.filter((s) => s.own).some((s) => everything.includes(s.school_code))).toBe(true);
  });
});

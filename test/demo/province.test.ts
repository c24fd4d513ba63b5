/**
 * The demo province (demo/province.ts): three cities with different unit lists, each city's
 * exports generated from its own reference folder. A city of 漯河市 has its schools in 漯河市's
 * units only, lands in a warehouse that reads that folder exactly as its manifest expects, and
 * the cities file and reference folders are what an install of several cities reads.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCities, loadProvince } from '../../cli/cities.ts';
import { generateCity } from '../../demo/index.ts';
import { generateProvince, type ProvinceCity } from '../../demo/province.ts';
import { loadUnits } from '../../demo/reference.ts';
import { storyUnits } from '../../demo/story.ts';
import { ingestPath, type IngestResult } from '../../sources/ingest.ts';
import { initWarehouse } from '../../sources/init.ts';
import { REFERENCE_DIR, referenceDirFor } from '../../sources/reference.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { readTable } from '../generator-files.ts';
import { runCli, scratchWarehouse, tempDir } from '../helpers.ts';

const XUCHANG = ['411002', '411003', '411024', '411025', '411081', '411082', '411071', '411072', '411073', '411000'];
const LUOHE = ['411102', '411103', '411104', '411121', '411122', '411171', '411172', '411100'];
const SANMENXIA = ['411202', '411203', '411221', '411224', '411281', '411282', '411200'];
const SHAPE = { schools: 20, fromYear: 2025, toYear: 2025, dirtyRate: 0.03 };

const root = tempDir('safecampus-province-');
let cities: ProvinceCity[];
let citiesFile: string;

const column = (file: string, name: string) => {
  const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const at = header.split(',').indexOf(name);
  return lines.map((l) => l.split(',')[at]);
};
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();

beforeAll(async () => {
  ({ cities, citiesFile } = await generateProvince({ ...SHAPE, seed: 11, outDir: join(root, 'province') }));
}, 120_000);

describe('the demo province', () => {
  it('writes a cities file the install reads: 河南省 with 许昌市, 漯河市 and 三门峡市, each with its inbox and data folder', () => {
    expect(loadCities(citiesFile)).toEqual(
      [
        ['4110', '许昌市'],
        ['4111', '漯河市'],
        ['4112', '三门峡市'],
      ].map(([code, name]) => ({
        code,
        name,
        inboxDir: join(root, 'province', code, 'inbox'),
        dataDir: join(root, 'province', code, 'data'),
        namespace: `safecampus-${code}`,
      })),
    );
    const province = loadProvince(citiesFile);
    expect([province.code, province.name, province.dataDir, province.namespace]).toEqual(['41', '河南省', join(root, 'province', 'province'), 'safecampus-41']);
  });

  it('gives each city a complete reference folder with its own units and tiles, the rest and no aliases file as data/reference', () => {
    const bundled = readdirSync(REFERENCE_DIR).filter((f) => f !== 'aliases.csv');
    for (const [city, units] of [
      [cities[0], XUCHANG],
      [cities[1], LUOHE],
      [cities[2], SANMENXIA],
    ] as const) {
      expect(referenceDirFor(join(city.dataDir, 'warehouse.duckdb')), city.code).toBe(city.referenceDir);
      expect(readdirSync(city.referenceDir).sort(), city.code).toEqual(bundled.sort());
      expect(column(join(city.referenceDir, 'units.csv'), 'unit_code'), city.code).toEqual(units);
      // every unit but 市直 on the map, once
      expect(column(join(city.referenceDir, 'unit_tiles.csv'), 'unit_code').sort(), city.code).toEqual(units.filter((u) => !u.endsWith('00')).sort());
      for (const file of ['checklist_items.csv', 'school_calendar.csv', 'source_cadence.csv']) {
        expect(sha(join(city.referenceDir, file)), `${city.code} ${file}`).toBe(sha(join(REFERENCE_DIR, file)));
      }
    }
    expect(column(join(cities[1].referenceDir, 'units.csv'), 'city_name')).toEqual(LUOHE.map(() => '漯河市'));
    expect(column(join(cities[2].referenceDir, 'units.csv'), 'unit_name')).toEqual(['湖滨区', '陕州区', '渑池县', '卢氏县', '义马市', '灵宝市', '市直']);
  });

  it('generates 许昌市 as `generate` does with the same seed, and gives no two schools of the province one code', async () => {
    const alone = join(root, 'xuchang-alone');
    await generateCity({ ...SHAPE, seed: 11, outDir: alone });
    expect(filesUnder(cities[0].inboxDir).map((f) => [f, sha(join(cities[0].inboxDir, f))])).toEqual(filesUnder(alone).map((f) => [f, sha(join(alone, f))]));

    const codes = await Promise.all(
      cities.map(async (city) => {
        const entry = city.manifest.files.find((f) => f.source === 'schools')!;
        const table = await readTable(city.inboxDir, entry);
        const at = table.headers.findIndex((h) => h === '学校标识码' || h === '学校代码');
        // registry codes only: not the dirt's unknown codes (serials from 990000) or codes that lost digits
        return new Set(table.rows.map((r) => r[at]).filter((c) => /^\d{10}$/.test(c) && Number(c.slice(4)) < 990_000));
      }),
    );
    for (const c of codes) expect(c.size).toBeGreaterThanOrEqual(SHAPE.schools);
    expect(new Set(codes.flatMap((c) => [...c])).size).toBe(codes.reduce((n, c) => n + c.size, 0));
  });
});

describe('a city generated from 漯河市’s reference folder', () => {
  it('puts every school in one of 漯河市’s units, each unit with schools, none in 许昌市’s', async () => {
    const units = new Set<string>();
    await generateCity({
      ...SHAPE,
      dirtyRate: 0,
      seed: 5,
      outDir: join(root, 'luohe-clean'),
      referenceDir: cities[1].referenceDir,
      onLanded: (_file, source, row) => {
        if (source === 'schools') units.add(String(row.unit_code));
      },
    });
    expect([...units].sort()).toEqual([...LUOHE].sort());
    expect(XUCHANG.filter((u) => units.has(u))).toEqual([]);
  });

  describe('landed in a warehouse beside that folder', () => {
    let db: Warehouse;
    let results: IngestResult[];
    const city = () => cities[1];

    beforeAll(async () => {
      db = await scratchWarehouse(join(city().dataDir, 'warehouse.duckdb'));
      await initWarehouse(db);
      results = await ingestPath(db, city().inboxDir, { holdThreshold: 1, now: new Date('2026-06-01T00:00:00Z') });
    }, 120_000);
    afterAll(() => db?.close());

    it('reads 漯河市’s units, and no bureau alias of 许昌市’s units', async () => {
      expect((await db.all<{ unit_code: string }>('select unit_code from ref.units order by 1')).map((r) => r.unit_code)).toEqual([...LUOHE].sort());
      expect(await db.value<number>("select count(*) from ref.unit_spellings where unit_code not like '4111%'")).toBe(0);
    });

    it('lands and rejects exactly what the manifest expects, file by file, none for an unknown unit, reading the county names the clerks wrote', async () => {
      const byFile = new Map(results.map((r) => [r.file, r]));
      expect(results).toHaveLength(city().manifest.files.length);
      for (const expected of city().manifest.files) {
        const result = byFile.get(join(city().inboxDir, expected.file))!;
        if (expected.injected.empty_file) {
          expect(result.status, expected.file).toBe('failed');
          continue;
        }
        expect([expected.file, result.rowsRead, result.rowsLanded, result.rowsRejected, result.rowsSkipped]).toEqual([
          expected.file,
          expected.rows,
          expected.expected_landed,
          expected.expected_rejected,
          expected.expected_skipped,
        ]);
        expect(result.rejectsByReason.unknown_unit, expected.file).toBeUndefined();
      }
      expect(city().manifest.files.some((f) => f.habits.county_names)).toBe(true);
      const landed = await db.all<{ unit_code: string }>('select distinct unit_code from raw.schools order by 1');
      expect(landed.map((r) => r.unit_code)).toEqual([...LUOHE].sort());
    });
  });
});

describe('the story in each city', () => {
  it('falls on 许昌市’s units of docs/demo-city.md, and on the units of the same kinds elsewhere (a move within the districts where there is no zone)', () => {
    expect(cities.map((c) => storyUnits(loadUnits(c.referenceDir)))).toEqual([
      { renamed: '411002', movedFrom: '411003', movedTo: '411072', closed: '411025', deaths: '411081', lateReports: '411071', silentAlerts: '411024', silentSelfInspections: '411081' },
      { renamed: '411102', movedFrom: '411103', movedTo: '411172', closed: '411122', deaths: '411121', lateReports: '411171', silentAlerts: '411102', silentSelfInspections: '411121' },
      { renamed: '411202', movedFrom: '411203', movedTo: '411202', closed: '411224', deaths: '411281', lateReports: '411202', silentAlerts: '411221', silentSelfInspections: '411281' },
    ]);
  });
});

describe('safecampus generate', () => {
  it('--province writes the province, and refuses --out or --reference beside it', async () => {
    const dir = join(root, 'cli-province');
    const run = await runCli(['generate', '--province', dir, '--schools', '10', '--years', '2025', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).citiesFile).toBe(join(dir, 'cities.json'));
    expect(loadCities(join(dir, 'cities.json')).map((c) => c.code)).toEqual(['4110', '4111', '4112']);

    const both = await runCli(['generate', '--province', dir, '--out', join(root, 'elsewhere')]);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining("--province writes each city's exports and reference folder itself: drop --out")]);
  });

  it('--reference builds the city on the folder given, and refuses a folder without units.csv', async () => {
    const out = join(root, 'cli-luohe');
    expect((await runCli(['generate', '--reference', cities[2].referenceDir, '--schools', '10', '--years', '2025', '--out', out])).code).toBe(0);
    expect(readFileSync(join(out, '.demo-city', 'story.json'), 'utf8')).toContain('"unit_name": "渑池县"');

    const none = await runCli(['generate', '--reference', root, '--out', out]);
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining(`--reference ${root} has no units.csv`)]);
  });
});

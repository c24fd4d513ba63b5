/**
 * A small dirty demo city through the real ingest and transform: every file's landed and
 * rejected counts equal the generator's manifest, and the deliberate unit profiles show
 * up in the ranking.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCity, type Manifest } from '../sources/demo-city/index.ts';
import { ingestPath, type IngestResult } from '../sources/ingest.ts';
import { runTransform } from '../transforms/runner.ts';
import { Warehouse } from '../warehouse/connection.ts';
import { initWarehouse } from '../warehouse/init.ts';
import { tempDir } from './helpers.ts';

const root = tempDir('safecampus-city-');
let manifest: Manifest;
let results: IngestResult[];
let db: Warehouse;

beforeAll(async () => {
  manifest = await generateCity({ schools: 150, fromYear: 2025, toYear: 2025, seed: 7, dirtyRate: 0.03, outDir: join(root, 'inbox') });
  db = await Warehouse.open(join(root, 'w.duckdb'));
  await initWarehouse(db);
  results = await ingestPath(db, join(root, 'inbox'), { holdThreshold: 1, now: new Date('2026-06-01T00:00:00Z') });
}, 300_000);
afterAll(() => db.close());

describe('generated dirty city', () => {
  it('lands and rejects exactly what the manifest expects, file by file', () => {
    const byFile = new Map(results.map((r) => [r.file, r]));
    expect(results).toHaveLength(manifest.files.length);
    for (const expected of manifest.files) {
      const result = byFile.get(join(root, 'inbox', expected.file));
      expect(result, expected.file).toBeDefined();
      if (expected.injected.empty_file) {
        expect(result!.status, expected.file).toBe('failed');
        continue;
      }
      expect([expected.file, result!.rowsRead, result!.rowsLanded, result!.rowsRejected]).toEqual([
        expected.file,
        expected.rows,
        expected.expected_landed,
        expected.expected_rejected,
      ]);
    }
  });

  it('injected every problem kind at least once', () => {
    const kinds = new Set(manifest.files.flatMap((f) => Object.keys(f.injected)));
    for (const kind of ['duplicate_row', 'unknown_school', 'missing_required', 'out_of_range', 'future_date', 'bad_date', 'bad_enum', 'empty_file', 'truncated']) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it('ranks 鄢陵县 last and 魏都区 above it on on-time rectification, with all data tests passing', async () => {
    const transform = await runTransform(db);
    expect(transform.failures).toEqual([]);
    const ranking = await db.all<{ unit_code: string; rank: number }>(
      "select unit_code, rank from marts.unit_indicator_ranking where period = '2025' and indicator_id = 'A3' and rank is not null order by rank",
    );
    expect(ranking).toHaveLength(9);
    expect(ranking.at(-1)!.unit_code).toBe('411024');
    const weidu = ranking.find((r) => r.unit_code === '411002')!;
    expect(weidu.rank).toBeLessThan(ranking.at(-1)!.rank);
  });
});

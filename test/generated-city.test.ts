/**
 * A small dirty demo city through the real ingest and transform: every file's landed and
 * rejected counts equal the generator's manifest, and the deliberate unit profiles show
 * up in the ranking.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCity, type Manifest } from '../demo/index.ts';
import { ingestPath, type IngestResult } from '../sources/ingest.ts';
import { runTransform } from '../transforms/runner.ts';
import { Warehouse } from '../warehouse/connection.ts';
import { initWarehouse } from '../sources/init.ts';
import { gradeFor, loadDefinition } from '../transforms/definitions/load.ts';
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
      expect([expected.file, result!.rowsRead, result!.rowsLanded, result!.rowsRejected, result!.rowsSkipped]).toEqual([
        expected.file,
        expected.rows,
        expected.expected_landed,
        expected.expected_rejected,
        expected.expected_skipped,
      ]);
    }
  });

  it('injected every problem kind at least once', () => {
    const kinds = new Set(manifest.files.flatMap((f) => Object.keys(f.injected)));
    for (const kind of ['duplicate_row', 'unknown_school', 'missing_required', 'out_of_range', 'future_date', 'bad_date', 'bad_enum', 'empty_file', 'truncated', 'scientific_notation']) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it('rejects the codes in scientific notation for that reason, and reads through every one of Excel’s habits', async () => {
    for (const expected of manifest.files.filter((f) => f.injected.scientific_notation)) {
      const result = results.find((r) => r.file === join(root, 'inbox', expected.file))!;
      expect(result.rejectsByReason.scientific_notation, expected.file).toBe(expected.injected.scientific_notation);
    }
    const habits = new Set(manifest.files.flatMap((f) => Object.keys(f.habits)));
    expect(habits.size).toBe(8);
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

describe('generated city scorecards: the unit profiles of docs/demo-city.md', () => {
  const lastOn = async (indicator: string) => {
    const rows = await db.all<{ unit_code: string }>(
      `select unit_code from marts.unit_indicator_ranking where period = '2025' and indicator_id = $1 and rank is not null
       order by rank desc, unit_code limit 1`,
      [indicator],
    );
    return rows[0]?.unit_code;
  };

  it('ranks 魏都区 first, with every other profile weak where it should be', async () => {
    const units = await db.all<{ unit_code: string; rank: number | null }>(
      "select unit_code, rank from marts.unit_scorecard where period = '2025' order by rank nulls last",
    );
    expect(units[0].unit_code).toBe('411002');
    expect(units.find((u) => u.unit_code === '411000')!.rank).toBeNull();
    expect(await lastOn('A3')).toBe('411024'); // 鄢陵县: hazards fixed late
    expect(await lastOn('A4')).toBe('411024'); // 鄢陵县: overdue major hazards left open
    expect(await lastOn('I1')).toBeUndefined(); // I1 is a unit indicator: not in the school pooling
    expect(['411025']).toContain(await lastOn('B3')); // 襄城县: poor device uptime
    expect(await lastOn('G2')).toBe('411082'); // 长葛市: slow red/orange response
    expect(await lastOn('C1')).toBe('411073'); // 东城区: drills skipped
  });

  it('vetoes 禹州市 for a death and 经开区 for a late-reported serious case, and bars both from 优秀', async () => {
    const vetoed = await db.all<{ unit_code: string; veto_reason: string; grade: string }>(
      "select unit_code, veto_reason, grade from marts.school_scorecard where period = '2025' and is_vetoed order by unit_code",
    );
    expect(vetoed.some((s) => s.unit_code === '411081' && s.veto_reason.startsWith('V1 '))).toBe(true);
    expect(vetoed.some((s) => s.unit_code === '411071' && s.veto_reason.includes('V2 '))).toBe(true);
    expect(vetoed.every((s) => s.grade === '不合格')).toBe(true);
    const units = await db.all<{ unit_code: string; is_vetoed: boolean; grade: string }>(
      "select unit_code, is_vetoed, grade from marts.unit_scorecard where period = '2025' and unit_code in ('411081', '411071')",
    );
    expect(units.map((u) => [u.unit_code, u.is_vetoed, u.grade === '优秀'])).toEqual(
      expect.arrayContaining([['411081', true, false], ['411071', true, false]]),
    );
  });
});

describe('generated city scorecards: invariants for every period', () => {
  it('gives each open school one row per school indicator, and the points of every indicator add up to 100', async () => {
    const definition = loadDefinition(2025);
    const perSchool = await db.all<{ n: number; total: number }>(
      `select count(*) as n, sum(ref.points) as total
       from marts.indicator_values as v
       join ref.indicators as ref on ref.edition = v.definition_edition and ref.indicator_id = v.indicator_id
       where v.scope = 'school' group by v.period, v.school_code`,
    );
    const expectedCount = definition.domains.reduce((n, d) => n + d.indicators.length, 0);
    expect(new Set(perSchool.map((r) => `${r.n}/${r.total}`))).toEqual(new Set([`${expectedCount}/100`]));
    const schools = await db.value<number>('select count(*) from core.int_school_periods');
    expect(perSchool).toHaveLength(schools);
  });

  it('rescales: score = 100 × earned / applicable, applicable = 100 − the points of inapplicable indicators', async () => {
    const broken = await db.value<number>(
      `select count(*) from marts.school_scorecard as s
       join (select period, school_code, sum(case when status = 'not_applicable' then 0 else max_points end) as applicable,
                    sum(coalesce(v.points, 0)) as earned,
                    sum(ref.points) filter (where status = 'not_applicable') as dropped
             from marts.indicator_values as v
             join ref.indicators as ref on ref.edition = v.definition_edition and ref.indicator_id = v.indicator_id
             where v.scope = 'school' group by all) as v using (period, school_code)
       where abs(s.applicable_points - v.applicable) > 1e-9
          or abs(s.applicable_points + coalesce(v.dropped, 0) - 100) > 1e-9
          or abs(s.score - round(100 * v.earned / v.applicable, 2)) > 0.011`,
    );
    expect(broken).toBe(0);
  });

  it('grades by the bands (vetoed schools capped) and ranks ties together within school type', async () => {
    const definition = loadDefinition(2025);
    const schools = await db.all<{ score: number; grade: string; is_vetoed: boolean }>('select score, grade, is_vetoed from marts.school_scorecard');
    expect(schools.filter((s) => s.grade !== gradeFor(definition, s.score, s.is_vetoed))).toEqual([]);
    const misranked = await db.value<number>(
      `select count(*) from marts.school_scorecard as s
       where s.rank <> 1 + (select count(*) from marts.school_scorecard as o
                            where o.period = s.period and o.school_type = s.school_type
                              and o.is_separately_ranked = s.is_separately_ranked and o.score > s.score)`,
    );
    expect(misranked).toBe(0);
  });

  it('counts every school in exactly one unit, and a unit score between its parts', async () => {
    const rows = await db.all<{ period: string; in_units: number; schools: number }>(
      `select u.period, sum(u.n_schools) as in_units, (select count(*) from core.int_school_periods as p where p.period_id = u.period) as schools
       from marts.unit_scorecard as u group by u.period`,
    );
    expect(rows.filter((r) => r.in_units !== r.schools)).toEqual([]);
    const outside = await db.value<number>(
      `select count(*) from marts.unit_scorecard
       where supervision_score is not null
         and score not between least(school_mean, supervision_score) - 0.01 and greatest(school_mean, supervision_score) + 0.01`,
    );
    expect(outside).toBe(0);
  });

  it('lists at most three short boards per school, each below the city median', async () => {
    const worst = await db.one<{ max_boards: number; min_gap: number }>(
      `select max(n) as max_boards, min(min_gap) as min_gap from (
         select count(*) as n, min(gap) as min_gap from marts.short_boards group by period, unit_code, school_code)`,
    );
    expect(worst!.max_boards).toBeLessThanOrEqual(3);
    expect(worst!.min_gap).toBeGreaterThan(0);
  });
});

describe('generated city scorecards: reproducible', () => {
  it('gives the same marts, to the last bit, when the transform runs again on the same data', async () => {
    const fingerprint = async () =>
      db.all<{ mart: string; digest: string }>(
        `select 'school_scorecard' as mart, md5(string_agg(to_json(s)::varchar, '|' order by period, school_code)) as digest from marts.school_scorecard as s
         union all select 'unit_scorecard', md5(string_agg(to_json(u)::varchar, '|' order by period, unit_code)) from marts.unit_scorecard as u
         union all select 'short_boards', md5(string_agg(to_json(b)::varchar, '|' order by period, unit_code, school_code, board_rank)) from marts.short_boards as b
         union all select 'indicator_values', md5(string_agg(to_json(v)::varchar, '|' order by period, unit_code, school_code, indicator_id)) from marts.indicator_values as v
         union all select 'unit_indicator_ranking', md5(string_agg(to_json(r)::varchar, '|' order by period, unit_code, indicator_id)) from marts.unit_indicator_ranking as r`,
      );
    const before = await fingerprint();
    const again = await runTransform(db);
    expect(again.failures).toEqual([]);
    expect(await fingerprint()).toEqual(before);
  }, 300_000);
});


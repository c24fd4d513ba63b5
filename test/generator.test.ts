/**
 * The demo-city generator: determinism, every source and contract column present, manifest
 * counts that match the files, the dirt kinds, valid PII, the school-change story and the
 * unit profiles, all checked by reading the generated files back (small cities, one year).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCity, GENERATOR_DIR, storyPath, type Manifest } from '../demo/index.ts';
import { SOURCE_NAMES, type SourceName } from '../sources/contract.ts';
import { CONTRACTS } from '../sources/contracts.ts';
import { mapHeaders } from '../sources/detect.ts';
import { readTable, type Table } from './generator-files.ts';
import { tempDir } from './helpers.ts';

const YEAR = 2025;
const RANKED = ['411002', '411003', '411024', '411025', '411081', '411082', '411071', '411072', '411073'];
const UNIT = { weidu: '411002', yanling: '411024', xiangcheng: '411025', yuzhou: '411081', changge: '411082', jingkai: '411071', dongcheng: '411073' };

type Rec = Record<string, string>;

const city = (outDir: string, schools: number, seed: number, dirtyRate: number) =>
  generateCity({ schools, fromYear: YEAR, toYear: YEAR, seed, dirtyRate, outDir });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).replaceAll('\\', '/'))
    .sort();
}

function hashes(dir: string): Map<string, string> {
  return new Map(filesUnder(dir).map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

/** A file's rows keyed by canonical column name (through the contract's headers and aliases). */
function records(source: SourceName, table: Table): Rec[] {
  const mapping = mapHeaders(CONTRACTS[source], table.headers).columns;
  const index = [...mapping].map(([column, header]) => [column, table.headers.indexOf(header)] as const);
  return table.rows.map((row) => Object.fromEntries(index.map(([column, i]) => [column, row[i] ?? ''])));
}

async function sourceRecords(dir: string, manifest: Manifest, source: SourceName): Promise<Rec[]> {
  const out: Rec[] = [];
  for (const entry of manifest.files.filter((f) => f.source === source && f.rows > 0)) out.push(...records(source, await readTable(dir, entry)));
  return out;
}

/** Milliseconds for any date style the generator writes (text styles, Excel serials, ISO with offset). */
function time(value: string): number {
  if (/^\d{5}$/.test(value)) return (Number(value) - 25_569) * 86_400_000;
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(value);
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
}

function idChecksumValid(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17];
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rate = (values: boolean[]) => values.filter(Boolean).length / values.length;

let clean: { dir: string; manifest: Manifest };
let cleanAgain: { dir: string; manifest: Manifest };
let otherSeed: { dir: string; manifest: Manifest };
let dirty: { dir: string; manifest: Manifest };

beforeAll(async () => {
  const run = async (schools: number, seed: number, dirtyRate: number) => {
    const dir = tempDir('safecampus-city-');
    return { dir, manifest: await city(dir, schools, seed, dirtyRate) };
  };
  clean = await run(120, 20250101, 0);
  cleanAgain = await run(120, 20250101, 0);
  otherSeed = await run(120, 7, 0);
  dirty = await run(60, 20250101, 0.05);
});

describe('demo city: determinism', () => {
  it('writes byte-identical files for the same options', () => {
    expect(hashes(cleanAgain.dir)).toEqual(hashes(clean.dir));
  });

  it('writes different files for another seed', () => {
    const a = hashes(clean.dir);
    const b = hashes(otherSeed.dir);
    for (const entry of clean.manifest.files) expect(b.get(entry.file), entry.file).not.toBe(a.get(entry.file));
  });

  it('a new run into the same folder removes the files its manifest listed, and nothing else', async () => {
    const dir = tempDir('safecampus-city-');
    await city(dir, 60, 20250101, 0.05); // dirty: adds corrections, an empty and a header-only file
    writeFileSync(join(dir, 'notes.txt'), 'not the generator’s');
    await city(dir, 120, 20250101, 0);
    expect(hashes(dir)).toEqual(new Map([...hashes(clean.dir), ['notes.txt', createHash('sha256').update('not the generator’s').digest('hex')]]));
  });
});

describe('demo city: files and manifest', () => {
  it('covers all six sources in their formats, and lists exactly the files written', () => {
    const { manifest, dir } = clean;
    expect(Object.keys(manifest)).toEqual(['seed', 'schools', 'years', 'dirty_rate', 'files']);
    expect(manifest).toMatchObject({ seed: 20250101, schools: 120, years: [YEAR, YEAR], dirty_rate: 0 });
    const formats = Object.fromEntries(SOURCE_NAMES.map((s) => [s, [...new Set(manifest.files.filter((f) => f.source === s).map((f) => f.format))].sort()]));
    expect(formats).toEqual({
      schools: ['xlsx'],
      inspections: ['csv-gbk'],
      sensors: ['csv-utf8'],
      alerts: ['ndjson'],
      cases: ['csv-utf8-bom'],
      activities: ['json', 'xlsx'],
    });
    expect(filesUnder(dir)).toEqual([...manifest.files.map((f) => f.file), `${GENERATOR_DIR}/manifest.json`, `${GENERATOR_DIR}/story.json`].sort());
  });

  it('carries every contract column in every file, by its Chinese header, name or an alias', async () => {
    for (const { dir, manifest } of [clean, dirty]) {
      for (const entry of manifest.files.filter((f) => !f.injected.empty_file)) {
        const { headers } = await readTable(dir, entry);
        const mapped = mapHeaders(CONTRACTS[entry.source], headers).columns;
        const missing = CONTRACTS[entry.source].columns.filter((c) => !mapped.has(c.name)).map((c) => c.name);
        expect(missing, entry.file).toEqual([]);
      }
    }
  });

  it('counts the data rows of every file exactly, landed plus rejected', async () => {
    for (const { dir, manifest } of [clean, dirty]) {
      for (const entry of manifest.files) {
        const { rows } = await readTable(dir, entry);
        expect(rows.length, entry.file).toBe(entry.rows);
        expect(entry.expected_landed + entry.expected_rejected, entry.file).toBe(entry.rows);
      }
    }
  });

  it('has no problems at all when clean', () => {
    for (const entry of clean.manifest.files) {
      expect(entry.expected_rejected, entry.file).toBe(0);
      expect(entry.injected, entry.file).toEqual({});
    }
  });

  it('dates nothing after the export cut-off (31 December of the last year)', async () => {
    const cutoff = Date.UTC(YEAR, 11, 31, 23, 59, 59);
    for (const source of SOURCE_NAMES) {
      const dateColumns = CONTRACTS[source].columns.filter((c) => c.type === 'date' || c.type === 'datetime').map((c) => c.name);
      for (const row of await sourceRecords(clean.dir, clean.manifest, source)) {
        for (const column of dateColumns) {
          if (row[column]) expect(time(row[column]), `${source}.${column} ${row[column]}`).toBeLessThanOrEqual(cutoff);
        }
      }
    }
  });
});

describe('demo city: dirt', () => {
  const REJECTING = ['duplicate_row', 'unknown_school', 'code_lost_digits_ambiguous', 'missing_required', 'out_of_range', 'future_date', 'bad_date', 'bad_enum', 'truncated', 'scientific_notation'];

  it('injects every problem kind and counts the rejects from them', () => {
    const totals: Record<string, number> = {};
    for (const entry of dirty.manifest.files) {
      for (const [kind, n] of Object.entries(entry.injected)) totals[kind] = (totals[kind] ?? 0) + n;
      const rejected = REJECTING.reduce((sum, kind) => sum + (entry.injected[kind] ?? 0), 0);
      expect(entry.expected_rejected, entry.file).toBe(rejected);
    }
    for (const kind of [...REJECTING, 'code_lost_digits_repairable', 'corrected_reexport', 'empty_file', 'header_only']) {
      expect(totals[kind] ?? 0, kind).toBeGreaterThan(0);
    }
    const share = dirty.manifest.files.reduce((s, f) => s + f.expected_rejected, 0) / dirty.manifest.files.reduce((s, f) => s + f.rows, 0);
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.08);
  });

  it('shows every one of Excel’s habits, and skips exactly the totals rows it wrote', () => {
    const habits = new Set(dirty.manifest.files.flatMap((f) => Object.keys(f.habits)));
    expect([...habits].sort()).toEqual(
      ['county_names', 'fullwidth_digits', 'numbers_as_codes', 'padded_spaces', 'thousands_separators', 'title_row', 'totals_row', 'two_row_header'].sort(),
    );
    for (const entry of dirty.manifest.files) expect(entry.expected_skipped, entry.file).toBe(entry.habits.totals_row ?? 0);
    expect(dirty.manifest.files.filter((f) => f.expected_skipped > 0).map((f) => f.file)).toEqual([`activities/activities_${YEAR}_programmes.xlsx`, `schools/schools_${YEAR}.xlsx`]);
    for (const entry of clean.manifest.files) expect([entry.habits, entry.expected_skipped], entry.file).toEqual([{}, 0]);
  });

  it('spells the school-code problems and duplicates as the manifest says', async () => {
    const registry = new Set((await sourceRecords(dirty.dir, dirty.manifest, 'schools')).map((r) => r.school_code));
    const entry = dirty.manifest.files.find((f) => f.file === `inspections/inspections_${YEAR}.csv`)!;
    const table = await readTable(dirty.dir, entry);
    const rows = records('inspections', table);
    const short = rows.filter((r) => /^\d{8}$/.test(r.school_code)).length;
    const unknown = rows.filter((r) => /^\d{10}$/.test(r.school_code) && !registry.has(r.school_code)).length;
    const seen = new Set<string>();
    let duplicates = 0;
    for (const row of table.rows) {
      const key = JSON.stringify(row);
      if (seen.has(key)) duplicates++;
      seen.add(key);
    }
    expect(short).toBe((entry.injected.code_lost_digits_repairable ?? 0) + (entry.injected.code_lost_digits_ambiguous ?? 0));
    expect(unknown).toBe(entry.injected.unknown_school ?? 0);
    expect(duplicates).toBe(entry.injected.duplicate_row ?? 0);
  });

  it('re-exports corrected records with the same natural key in a separate file', async () => {
    const revised = dirty.manifest.files.find((f) => f.file.endsWith('.revised.csv') && f.source === 'inspections')!;
    const main = dirty.manifest.files.find((f) => f.file === revised.file.replace('.revised', ''))!;
    const key = (r: Rec) => `${r.inspection_id}|${r.item_code}`;
    const originals = new Map(records('inspections', await readTable(dirty.dir, main)).map((r) => [key(r), r]));
    const corrections = records('inspections', await readTable(dirty.dir, revised));
    expect(corrections.length).toBe(revised.injected.corrected_reexport);
    for (const correction of corrections) {
      const original = originals.get(key(correction))!;
      expect(original, key(correction)).toBeDefined();
      expect(original.rectified_on).toBe('');
      expect(correction.rectified_on).not.toBe('');
    }
  });
});

describe('demo city: personal data in cases and alerts', () => {
  it('has names, valid ID numbers and mobile numbers for the students involved', async () => {
    for (const source of ['cases', 'alerts'] as const) {
      const rows = await sourceRecords(clean.dir, clean.manifest, source);
      const phone = source === 'cases' ? 'guardian_phone' : 'contact_phone';
      const withPii = rows.filter((r) => r.student_id_number);
      expect(withPii.length, source).toBeGreaterThan(0);
      for (const row of withPii) {
        expect(idChecksumValid(row.student_id_number), row.student_id_number).toBe(true);
        const age = YEAR - Number(row.student_id_number.slice(6, 10));
        expect(age).toBeGreaterThanOrEqual(2);
        expect(age).toBeLessThanOrEqual(20);
        expect(row.student_name).toMatch(/^\p{Script=Han}{2,3}$/u);
        expect(row[phone]).toMatch(/^1[3-9]\d{9}$/);
      }
    }
  });
});

describe('demo city: registry and story', () => {
  it('gives schools 10-digit codes by type and a realistic type mix', async () => {
    const schools = await sourceRecords(clean.dir, clean.manifest, 'schools');
    for (const s of schools) expect(s.school_code).toMatch(/^(11|21|31|34|36|51)41\d{6}$/);
    const march = schools.filter((s) => s.reported_on.startsWith(`${YEAR}-03-01`));
    expect(new Set(march.map((s) => s.school_code)).size).toBe(120);
    expect(march.filter((s) => s.school_code.startsWith('11')).length / 120).toBeGreaterThan(0.3);
    expect(march.filter((s) => s.school_code.startsWith('21')).length / 120).toBeGreaterThan(0.2);
  });

  it('renames, merges, closes and moves the schools story.json names', async () => {
    const story = JSON.parse(readFileSync(storyPath(clean.dir), 'utf8'));
    const schools = await sourceRecords(clean.dir, clean.manifest, 'schools');
    const report = (code: string, month: '03' | '09') => schools.find((s) => s.school_code === code && s.reported_on.startsWith(`${YEAR}-${month}`));
    expect(report(story.renamed.school_code, '03')!.school_name).toBe(story.renamed.old_name);
    expect(report(story.renamed.school_code, '09')!.school_name).toBe(story.renamed.new_name);
    expect(report(story.moved.school_code, '03')!.unit_code).toBe('411003');
    expect(report(story.moved.school_code, '09')!.unit_code).toBe('411072');
    expect(report(story.closed.school_code, '09')!.closed_on).toBe(story.closed.closed_on);
    expect(report(story.merged.absorbed_code, '09')!.closed_on).toBe(story.merged.closed_on);
    const absorber = (month: '03' | '09') => Number(report(story.merged.absorber_code, month)!.enrollment);
    expect(absorber('09') - absorber('03')).toBeGreaterThan(Number(report(story.merged.absorbed_code, '03')!.enrollment) * 0.8);
    // Nothing happens at a school after it closed.
    const inspections = await sourceRecords(clean.dir, clean.manifest, 'inspections');
    const after = inspections.filter((r) => r.school_code === story.closed.school_code && time(r.inspected_on) >= time(story.closed.closed_on));
    expect(after).toEqual([]);
  });
});

describe('demo city: the silences the source monitor must find', () => {
  interface Flag {
    scope: string;
    source: string;
    unit_code: string;
    school_code: string | null;
    status: string;
    latest_on: string | null;
  }
  const day = (value: string) => new Date(time(value)).toISOString().slice(0, 10);

  it('stops 鄢陵县’s alerts from 15 October and 禹州市’s chosen schools’ self-inspections from September, and says when each last landed', async () => {
    const { silences } = JSON.parse(readFileSync(storyPath(clean.dir), 'utf8'));
    const schools = await sourceRecords(clean.dir, clean.manifest, 'schools');
    const unitOn = (code: string, when: string) =>
      schools.filter((s) => s.school_code === code && s.reported_on <= when).sort((a, b) => a.reported_on.localeCompare(b.reported_on)).at(-1)?.unit_code;
    const yanling = (await sourceRecords(clean.dir, clean.manifest, 'alerts')).filter((a) => unitOn(a.school_code, day(a.raised_at)) === UNIT.yanling);
    expect(silences.alerts).toMatchObject({ source: 'alerts', unit_code: UNIT.yanling, unit_name: '鄢陵县', stopped_on: `${YEAR}-10-15` });
    expect(yanling.length).toBeGreaterThan(100);
    expect(yanling.filter((a) => day(a.raised_at) >= `${YEAR}-10-15`)).toEqual([]);
    expect(silences.alerts.last_record_on).toBe(yanling.map((a) => day(a.raised_at)).sort().at(-1));

    // 30 schools, or in a city too small for that (120 schools) a quarter of 禹州市's schools outside the story and the shared serials
    const story = JSON.parse(readFileSync(storyPath(clean.dir), 'utf8'));
    const inStory = new Set([story.renamed, story.closed, story.moved].map((e) => e?.school_code).concat(story.merged?.absorbed_code, story.merged?.absorber_code, story.deaths[0]?.school_code, story.late_reports[0]?.school_code));
    const shared = new Set(story.shared_serials.flat());
    const eligible = [...new Set(schools.filter((s) => s.unit_code === UNIT.yuzhou).map((s) => s.school_code))].filter((c) => !inStory.has(c) && !shared.has(c));
    const silenced: { school_code: string; last_record_on: string }[] = silences.self_inspections.schools;
    expect(silences.self_inspections).toMatchObject({ unit_code: UNIT.yuzhou, record_kind: '自查', stopped_on: `${YEAR}-09-01` });
    expect(silenced.length).toBe(Math.min(30, Math.floor(eligible.length / 4)));
    expect(silenced.length).toBeGreaterThan(0);
    const selfInspections = (await sourceRecords(clean.dir, clean.manifest, 'inspections')).filter((r) => r.inspection_kind === '自查');
    for (const { school_code, last_record_on } of silenced) {
      expect(unitOn(school_code, `${YEAR}-03-01`), school_code).toBe(UNIT.yuzhou);
      const days = selfInspections.filter((r) => r.school_code === school_code).map((r) => day(r.inspected_on)).sort();
      expect(days.filter((d) => d >= `${YEAR}-09-01`), school_code).toEqual([]);
      expect(last_record_on, school_code).toBe(days.at(-1));
    }
  });

  it('lists the flags the monitor must raise: the silences as 缺报, and any unit’s daily feed or school’s self-inspections that lapsed by chance', async () => {
    for (const { dir } of [clean, dirty]) {
      const { silences } = JSON.parse(readFileSync(storyPath(dir), 'utf8'));
      const flags: Flag[] = silences.flags;
      expect(flags[0]).toEqual({ scope: 'unit', source: 'alerts', unit_code: UNIT.yanling, school_code: null, status: '缺报', latest_on: silences.alerts.last_record_on });
      for (const s of silences.self_inspections.schools) {
        expect(flags, s.school_code).toContainEqual({ scope: 'school', source: 'inspections', unit_code: UNIT.yuzhou, school_code: s.school_code, status: '缺报', latest_on: s.last_record_on });
      }
      // the others: no self-inspection since before November (one month overdue: 迟报; two: 缺报)
      const planted = new Set(silences.self_inspections.schools.map((s: { school_code: string }) => s.school_code));
      const chanceUnits = flags.slice(1).filter((f) => f.scope === 'unit');
      expect(flags.length).toBe(1 + chanceUnits.length + planted.size + flags.filter((f) => f.scope === 'school' && !planted.has(f.school_code)).length);
      // a unit's daily sensors or alerts that lapsed by chance at the end: three days overdue is 迟报, seven 缺报
      for (const f of chanceUnits) {
        expect(['sensors', 'alerts']).toContain(f.source);
        expect(f.latest_on! <= `${YEAR}-12-26`, `${f.source} ${f.unit_code}`).toBe(true);
        expect(f.status).toBe(f.latest_on! >= `${YEAR}-12-23` ? '迟报' : '缺报');
      }
      for (const f of flags.filter((f) => f.scope === 'school' && !planted.has(f.school_code))) {
        expect(f.latest_on === null || f.latest_on < `${YEAR}-11-01`, f.school_code!).toBe(true);
        expect(f.status).toBe(f.latest_on !== null && f.latest_on >= `${YEAR}-10-01` ? '迟报' : '缺报');
      }
    }
  });
});

describe('demo city: unit profiles (120 schools, 2025)', () => {
  let unitOf: Map<string, string>;
  const byUnit = <T>(rows: Rec[], value: (r: Rec) => T | undefined) => {
    const out = new Map<string, T[]>(RANKED.map((u) => [u, []]));
    for (const row of rows) {
      const v = value(row);
      const unit = unitOf.get(row.school_code);
      if (v !== undefined && unit && out.has(unit)) out.get(unit)!.push(v);
    }
    return out;
  };
  const lowest = (scores: Map<string, number>) => [...scores].sort((a, b) => a[1] - b[1])[0][0];
  const highest = (scores: Map<string, number>) => [...scores].sort((a, b) => b[1] - a[1])[0][0];
  const cityWide = (values: Map<string, unknown[]>) => [...values.values()].flat();

  beforeAll(async () => {
    const schools = await sourceRecords(clean.dir, clean.manifest, 'schools');
    unitOf = new Map(schools.filter((s) => s.reported_on.startsWith(`${YEAR}-03`)).map((s) => [s.school_code, s.unit_code]));
  });

  it('鄢陵县 has the lowest on-time rectification; 魏都区 beats the city', async () => {
    const hazards = (await sourceRecords(clean.dir, clean.manifest, 'inspections')).filter((r) => r.result === '不合格');
    const onTime = byUnit(hazards, (r) => r.rectified_on !== '' && time(r.rectified_on) <= time(r.due_on));
    const rates = new Map([...onTime].map(([u, v]) => [u, rate(v)]));
    expect(lowest(rates)).toBe(UNIT.yanling);
    expect(rates.get(UNIT.yanling)!).toBeLessThan(0.6);
    expect(rates.get(UNIT.weidu)!).toBeGreaterThan(rate(cityWide(onTime) as boolean[]));
  });

  it('襄城县 has the poorest device uptime; 魏都区 beats the city', async () => {
    const events = await sourceRecords(clean.dir, clean.manifest, 'sensors');
    const devices = new Map<string, Rec[]>();
    for (const e of events) devices.set(e.device_id, [...(devices.get(e.device_id) ?? []), e]);
    const yearEnd = Date.UTC(YEAR + 1, 0, 1);
    const uptime: Rec[] = [...devices.values()].map((list) => {
      let down = 0;
      let since: number | null = null;
      for (const e of list) {
        if (e.status === 'offline' || e.status === 'fault') since ??= time(e.event_at);
        else if (since !== null && (e.status === 'restore' || e.status === 'online')) {
          down += time(e.event_at) - since;
          since = null;
        }
      }
      if (since !== null) down += yearEnd - since;
      return { school_code: list[0].school_code, up: String(1 - down / (yearEnd - Date.UTC(YEAR, 0, 1))) };
    });
    const perUnit = byUnit(uptime, (r) => Number(r.up));
    const means = new Map([...perUnit].map(([u, v]) => [u, v.reduce((a, b) => a + b, 0) / v.length]));
    expect(lowest(means)).toBe(UNIT.xiangcheng);
    expect(means.get(UNIT.xiangcheng)!).toBeLessThan(0.97);
    const all = cityWide(perUnit) as number[];
    expect(means.get(UNIT.weidu)!).toBeGreaterThan(all.reduce((a, b) => a + b, 0) / all.length);
  });

  it('东城区 holds the fewest required drills; 魏都区 beats the city', async () => {
    const schools = (await sourceRecords(clean.dir, clean.manifest, 'schools')).filter((s) => s.reported_on.startsWith(`${YEAR}-03`));
    const activities = await sourceRecords(clean.dir, clean.manifest, 'activities');
    const months = new Map<string, Set<number>>();
    for (const a of activities.filter((r) => r.activity_kind === '应急演练')) {
      months.set(a.school_code, (months.get(a.school_code) ?? new Set()).add(new Date(time(a.activity_on)).getUTCMonth()));
    }
    const share = byUnit(schools, (s) => Math.min(1, (months.get(s.school_code)?.size ?? 0) / (s.school_code.startsWith('11') ? 4 : 11)));
    const means = new Map([...share].map(([u, v]) => [u, v.reduce((a, b) => a + b, 0) / v.length]));
    expect(lowest(means)).toBe(UNIT.dongcheng);
    const all = cityWide(share) as number[];
    expect(means.get(UNIT.weidu)!).toBeGreaterThan(all.reduce((a, b) => a + b, 0) / all.length);
  });

  it('长葛市 is the slowest to acknowledge alerts; 魏都区 beats the city', async () => {
    const alerts = (await sourceRecords(clean.dir, clean.manifest, 'alerts')).filter((r) => r.acknowledged_at);
    const minutes = byUnit(alerts, (r) => (time(r.acknowledged_at) - time(r.raised_at)) / 60_000);
    const medians = new Map([...minutes].map(([u, v]) => [u, median(v)]));
    expect(highest(medians)).toBe(UNIT.changge);
    expect(medians.get(UNIT.changge)!).toBeGreaterThan(15);
    expect(medians.get(UNIT.weidu)!).toBeLessThan(median(cityWide(minutes) as number[]));
  });

  it('puts the only death in 禹州市 and the only late-reported serious case in 许昌经济技术开发区', async () => {
    const cases = await sourceRecords(clean.dir, clean.manifest, 'cases');
    const deaths = cases.filter((c) => Number(c.n_deaths) > 0).map((c) => unitOf.get(c.school_code));
    const late = cases
      .filter((c) => c.severity !== '一般' && time(c.reported_at) - time(c.occurred_at) > 24 * 3_600_000)
      .map((c) => unitOf.get(c.school_code));
    expect(deaths).toEqual([UNIT.yuzhou]);
    expect(late).toEqual([UNIT.jingkai]);
  });
});

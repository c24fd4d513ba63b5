/**
 * Minors' details typed into free text never land (sources/free-text.ts), end to end: a small
 * dirty demo city whose generator typed ID numbers, mobile numbers and students' names into
 * 隐患描述, 备注 and case summaries (`pii_in_text`, docs/demo-city.md) goes through ingest,
 * transform and publish; the site is built and a unit's assessment reports are written. Then
 * every table of the warehouse and of the snapshot, every page file of the site and every
 * report file is searched for every ID number and mobile number in the generated exports
 * (the planted ones and those of the PII columns) and every planted student name. The reports'
 * PDFs are printed from the HTML searched here; their text sits in compressed font streams.
 *
 * @module-tag browser
 * @module-tag site
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../dashboards/build.ts';
import { writeAssessmentReports } from '../reports/assessment/index.ts';
import { generateCity, type Manifest } from '../demo/index.ts';
import { ingestPath } from '../sources/ingest.ts';
import { isIdNumber } from '../sources/pii.ts';
import { runTransform } from '../transforms/runner.ts';
import { Warehouse } from '../warehouse/connection.ts';
import { initWarehouse } from '../sources/init.ts';
import { publishSnapshot } from '../warehouse/snapshot.ts';
import { tempDir } from './helpers.ts';
import { readTable } from './generator-files.ts';

const root = tempDir('safecampus-free-text-');
const inbox = join(root, 'inbox');
let manifest: Manifest;
let db: Warehouse;
let snapshotPath: string;
let siteDir: string;
let reportsDir: string;

/** What must never be found, and how many of each the exports held. */
const idNumbers = new Set<string>();
const mobiles = new Set<string>();
/** Names the generator typed into free text ("学生<name>"), but no staff member's: those land by design. */
const plantedNames = new Set<string>();

/**
 * The ID and mobile numbers in a text: its runs of digits, and mobile numbers written in
 * groups (138-1234-5678, 138 1234 5678) or after 86 (+86 138…).
 */
function numbersIn(text: string): { ids: string[]; mobiles: string[] } {
  const runs = text.match(/\d+[Xx]?/g) ?? [];
  const grouped = [...text.matchAll(/(?<!\d)1[3-9]\d[- ]\d{4}[- ]\d{4}(?!\d)/g)].map((m) => m[0].replace(/[- ]/g, ''));
  return {
    ids: runs.filter(isIdNumber).map((run) => run.toUpperCase()),
    mobiles: [...runs.flatMap((run) => (/^(86)?1[3-9]\d{9}$/.test(run) ? [run.slice(-11)] : [])), ...grouped],
  };
}

function collect(text: string): void {
  const { ids, mobiles: numbers } = numbersIn(text);
  for (const id of ids) idNumbers.add(id);
  for (const mobile of numbers) mobiles.add(mobile);
}

function found(text: string): string[] {
  const { ids, mobiles: numbers } = numbersIn(text);
  return [...ids.filter((id) => idNumbers.has(id)), ...numbers.filter((m) => mobiles.has(m)), ...[...plantedNames].filter((name) => text.includes(name))];
}

beforeAll(async () => {
  manifest = await generateCity({ schools: 120, fromYear: 2025, toYear: 2025, seed: 21, dirtyRate: 0.1, outDir: inbox });
  const staff = new Set<string>();
  for (const entry of manifest.files) {
    const { headers, rows } = await readTable(inbox, entry);
    const staffColumns = headers.flatMap((h, i) => (['检查人', '处置人', 'handler', 'inspector'].includes(h) ? [i] : []));
    for (const row of rows) {
      for (const cell of row) collect(String(cell ?? ''));
      for (const i of staffColumns) staff.add(String(row[i] ?? ''));
      // as demo/personal-details.ts types them: 学生<name>，<a number>
      for (const cell of row) for (const [, name] of String(cell ?? '').matchAll(/(?:^|；)学生([^，；]{2,4})，(?:身份证号|监护人旧身份证|联系电话)/g)) plantedNames.add(name);
    }
  }
  for (const name of staff) plantedNames.delete(name);

  db = await Warehouse.open(join(root, 'data', 'warehouse.duckdb'));
  await initWarehouse(db);
  await ingestPath(db, inbox, { holdThreshold: 1, now: new Date('2026-06-01T00:00:00Z') });
  await runTransform(db);
  snapshotPath = (await publishSnapshot(db)).path;
  siteDir = (await buildSite({ snapshotPath, outDir: join(root, 'data', 'site') })).outDir;
  const hazardUnit = await db.value<string>(
    // the unit whose hazards had the most details typed in (联系电话 is always among them)
    "select unit_code from core.fct_hazards where hazard_text like '%联系电话%' group by all order by count(*) desc, unit_code limit 1",
  );
  reportsDir = join(root, 'reports');
  await writeAssessmentReports({ snapshotPath, period: '2025', subject: { kind: 'unit', code: hazardUnit }, allSchools: true, outDir: reportsDir });
}, 600_000);
afterAll(() => db?.close());

/** Every table of a DuckDB file, each row as text: [table, hits] for the rows holding anything of the above. */
async function scanDatabase(database: Warehouse): Promise<string[]> {
  const tables = await database.all<{ s: string; t: string }>(
    `select table_schema as s, table_name as t from information_schema.tables where table_catalog = current_database() order by 1, 2`,
  );
  const hits: string[] = [];
  for (const { s, t } of tables) {
    const rows = await database.all<{ text: string }>(`select cast(x as varchar) as text from "${s}"."${t}" as x`);
    for (const { text } of rows) for (const hit of found(text)) hits.push(`${s}.${t}: ${hit}`);
  }
  return [...new Set(hits)];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

const textOf = (file: string) => {
  const bytes = readFileSync(file);
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
};

describe('a dirty city with personal details typed into free text', () => {
  it('has them: ID numbers, mobile numbers and students’ names, in several files, counted in the manifest', () => {
    const planted = Object.fromEntries(manifest.files.filter((f) => f.injected.pii_in_text).map((f) => [f.file, f.injected.pii_in_text]));
    expect(Object.keys(planted)).toEqual(expect.arrayContaining(['cases/cases_2025.csv', 'inspections/inspections_2025.csv', 'activities/activities_2025_programmes.xlsx']));
    expect(idNumbers.size).toBeGreaterThan(100);
    expect(mobiles.size).toBeGreaterThan(100);
    expect(plantedNames.size).toBeGreaterThan(0);
  });

  it('the warehouse holds none of them, in any table, and counted the cells it masked', async () => {
    expect((await scanDatabase(db)).slice(0, 20)).toEqual([]);
    const masked = await db.value<number>('select sum(masked_cells) from audit.batches');
    expect(masked).toBeGreaterThanOrEqual(manifest.files.reduce((n, f) => n + (f.injected.pii_in_text ?? 0), 0));
  });

  it('nor does the published snapshot', async () => {
    const snapshot = await Warehouse.open(snapshotPath, { readOnly: true });
    try {
      expect((await scanDatabase(snapshot)).slice(0, 20)).toEqual([]);
      // what was masked is there, masked: the scan looked where the details would have been
      expect(await snapshot.value<number>("select count(*) from core.fct_hazards where hazard_text like '%[手机号]%'")).toBeGreaterThan(0);
    } finally {
      snapshot.close();
    }
  });

  it('nor does any file of the site', () => {
    const files = filesUnder(siteDir).filter((f) => /\.(html|js|json|csv|txt|gz)$/.test(f));
    const hits = files.flatMap((file) => found(textOf(file)).map((hit) => `${file.slice(siteDir.length + 1)}: ${hit}`));
    expect(hits.slice(0, 20)).toEqual([]);
    expect(files.some((file) => textOf(file).includes('[手机号]'))).toBe(true);
  });

  it('nor does any report', () => {
    const files = filesUnder(reportsDir).filter((f) => f.endsWith('.html'));
    expect(files.length).toBeGreaterThan(1);
    const hits = files.flatMap((file) => found(textOf(file)).map((hit) => `${file.slice(reportsDir.length + 1)}: ${hit}`));
    expect(hits.slice(0, 20)).toEqual([]);
    expect(files.some((file) => textOf(file).includes('[手机号]') || textOf(file).includes('[身份证号]'))).toBe(true);
  });
});

/**
 * DOMAIN.md §6 on the reports of a generated demo city (40 schools, 2025): no student name, ID
 * number or guardian phone from the generator's case and alert exports appears in the
 * appraisal or in a unit's reports, and a unit's reports name only its own schools.
 *
 * @module-tag browser
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeAppraisalReports } from '../../reports/appraisal/index.ts';
import { writeAssessmentReports } from '../../reports/assessment/index.ts';
import { generateCity } from '../../demo/index.ts';
import { ingestPath } from '../../sources/ingest.ts';
import { runTransform } from '../../transforms/runner.ts';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { publishSnapshot } from '../../warehouse/snapshot.ts';
import { tempDir } from '../helpers.ts';

const PII_FIELD = /姓名|身份证|电话|name|id_number|phone/i;
const UNIT = '411081';
let pii: Set<string>;
let outputs: string[];
let ownSchools: Set<string>;
let allSchools: Set<string>;

beforeAll(async () => {
  const inbox = tempDir();
  const manifest = await generateCity({ schools: 40, fromYear: 2025, toYear: 2025, seed: 7, dirtyRate: 0, outDir: inbox });
  // the PII the generator wrote: every value of a name, ID number or phone field of the case and alert exports
  pii = new Set();
  for (const entry of manifest.files.filter((f) => f.source === 'cases' || f.source === 'alerts')) {
    const text = readFileSync(join(inbox, entry.file), 'utf8').replace(/^\uFEFF/, '');
    const records: Record<string, unknown>[] =
      entry.format === 'ndjson' ? text.split('\n').filter(Boolean).map((l) => JSON.parse(l))
      : entry.format === 'json' ? JSON.parse(text)
      : Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
    for (const record of records) for (const [key, value] of Object.entries(record)) if (PII_FIELD.test(key) && typeof value === 'string' && value) pii.add(value);
  }
  const db = await Warehouse.open(join(tempDir(), 'warehouse.duckdb'));
  let snapshot: string;
  try {
    await initWarehouse(db);
    await ingestPath(db, inbox, { now: new Date('2026-01-15T00:00:00Z') });
    expect((await runTransform(db)).failures).toEqual([]);
    snapshot = (await publishSnapshot(db)).path;
    const schools = await db.all<{ school_code: string; unit_code: string }>("select school_code, unit_code from marts.school_scorecard where period = '2025'");
    ownSchools = new Set(schools.filter((s) => s.unit_code === UNIT).map((s) => s.school_code));
    allSchools = new Set(schools.map((s) => s.school_code));
  } finally {
    db.close();
  }
  const appraisal = await writeAppraisalReports({ snapshotPath: snapshot, year: 2025, outDir: join(inbox, 'appraisal') });
  const unitReports = await writeAssessmentReports({ snapshotPath: snapshot, period: '2025', subject: { kind: 'unit', code: UNIT }, allSchools: true, outDir: join(inbox, 'reports') });
  outputs = [appraisal.html, appraisal.csv, appraisal.schoolsCsv, ...unitReports.map((r) => r.html)];
  // HTML and PDF for the unit and each of its schools, and the font slices they share
  expect(readdirSync(join(inbox, 'reports')).length).toBe(2 * (ownSchools.size + 1) + 1);
  expect(readdirSync(join(inbox, 'reports'))).toContain('fonts');
}, 300_000);

describe('privacy of the reports on a generated city', () => {
  it('finds the generator’s student names, ID numbers and phones in the exports, and none in any report', () => {
    expect(pii.size).toBeGreaterThan(20);
    const hits = outputs.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [...pii].filter((value) => text.includes(value)).map((value) => `${file}: ${value}`);
    });
    expect(hits).toEqual([]);
  });

  it('names only the unit’s own schools in the unit’s reports', () => {
    expect(ownSchools.size).toBeGreaterThan(1);
    for (const file of outputs.slice(3)) {
      const codes = new Set([...readFileSync(file, 'utf8').matchAll(/\b\d{10}\b/g)].map((m) => m[0]).filter((c) => allSchools.has(c)));
      expect([...codes].filter((c) => !ownSchools.has(c)), file).toEqual([]);
    }
  });
});

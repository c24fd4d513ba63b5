/**
 * The reference data of the source monitor — data/reference/source_cadence.csv and
 * school_calendar.csv — loaded into ref with every init, and every line that cannot be right
 * refused with the file, its line and what is wrong, leaving ref as it was.
 */
import { copyFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../warehouse/connection.ts';
import { initWarehouse } from '../../sources/init.ts';
import { loadReference, REFERENCE_DIR } from '../../sources/reference.ts';
import { tempDir } from '../helpers.ts';

let db: Warehouse;

beforeAll(async () => {
  db = await Warehouse.open(join(tempDir(), 'reference.duckdb'));
  await initWarehouse(db);
});
afterAll(() => db?.close());

/** The shipped reference folder, copied, with one file's text replaced. */
function referenceWith(file: string, text: string | Buffer): string {
  const dir = tempDir('safecampus-reference-');
  for (const name of readdirSync(REFERENCE_DIR)) copyFileSync(join(REFERENCE_DIR, name), join(dir, name));
  writeFileSync(join(dir, file), text);
  return dir;
}

const CADENCE_HEADER = 'source,scope,cadence,record_kind,due_from,due_days,late_after_windows,missing_after_windows,volume_windows,volume_min_median,volume_drop_share';
const cadence = (...lines: string[]) => referenceWith('source_cadence.csv', [CADENCE_HEADER, ...lines].join('\n'));
const calendar = (...lines: string[]) => referenceWith('school_calendar.csv', ['kind,name,start_on,end_on', ...lines].join('\n'));

describe('source monitor reference data', () => {
  it('loads the shipped cadences and calendar with every init', async () => {
    expect(await db.all('select source, scope, cadence, record_kind, due_from, due_days, late_after_windows, missing_after_windows from ref.source_cadence order by source, scope')).toEqual([
      { source: 'activities', scope: 'school', cadence: 'term', record_kind: null, due_from: 'end', due_days: 15, late_after_windows: 1, missing_after_windows: 1 },
      { source: 'activities', scope: 'unit', cadence: 'term', record_kind: null, due_from: 'end', due_days: 15, late_after_windows: 1, missing_after_windows: 1 },
      { source: 'alerts', scope: 'unit', cadence: 'daily', record_kind: null, due_from: 'end', due_days: 1, late_after_windows: 3, missing_after_windows: 7 },
      { source: 'cases', scope: 'unit', cadence: 'none', record_kind: null, due_from: null, due_days: null, late_after_windows: null, missing_after_windows: null },
      { source: 'inspections', scope: 'school', cadence: 'monthly', record_kind: '自查', due_from: 'end', due_days: 10, late_after_windows: 1, missing_after_windows: 2 },
      { source: 'inspections', scope: 'unit', cadence: 'monthly', record_kind: '自查', due_from: 'end', due_days: 10, late_after_windows: 1, missing_after_windows: 2 },
      { source: 'schools', scope: 'school', cadence: 'term', record_kind: null, due_from: 'start', due_days: 30, late_after_windows: 1, missing_after_windows: 1 },
      { source: 'schools', scope: 'unit', cadence: 'term', record_kind: null, due_from: 'start', due_days: 30, late_after_windows: 1, missing_after_windows: 1 },
      { source: 'sensors', scope: 'unit', cadence: 'daily', record_kind: null, due_from: 'end', due_days: 1, late_after_windows: 3, missing_after_windows: 7 },
    ]);
    expect(await db.one("select count(*) filter (where kind = 'term') as terms, min(start_on)::varchar as first_on, max(end_on)::varchar as last_on from ref.school_calendar")).toEqual({
      terms: 11,
      first_on: '2022-09-01',
      last_on: '2028-02-16',
    });
  });

  it('reads a calendar Excel saved as GBK, and an edit counts from the next load', async () => {
    const text = 'kind,name,start_on,end_on\nterm,2025年春季学期,2025-02-17,2025-07-10\nholiday,2025年端午节,2025-05-31,2025-06-02\n';
    const dir = referenceWith('school_calendar.csv', iconv.encode(text, 'gbk'));
    await loadReference(db, dir);
    expect(await db.all("select kind, name, start_on::varchar as start_on from ref.school_calendar order by start_on")).toEqual([
      { kind: 'term', name: '2025年春季学期', start_on: '2025-02-17' },
      { kind: 'holiday', name: '2025年端午节', start_on: '2025-05-31' },
    ]);
    await loadReference(db);
    expect(await db.value('select count(*) from ref.school_calendar')).toBe(22);
  });

  it.each([
    ['a header that is not the expected one', referenceWith('source_cadence.csv', 'source,scope,cadence\nsensors,unit,daily'), /source_cadence\.csv 第 1 行有误（line 1: the header must be source,scope,cadence,record_kind,/],
    ['an unknown source', cadence('sensor,unit,daily,,end,1,3,7,,,'), /第 2 行有误（line 2: source must be one of schools, inspections, sensors, alerts, cases, activities, got "sensor"）/],
    ['an unknown scope', cadence('sensors,county,daily,,end,1,3,7,,,'), /line 2: scope must be unit or school, got "county"/],
    ['an unknown cadence', cadence('sensors,unit,weekly,,end,1,3,7,,,'), /line 2: cadence must be one of daily, monthly, term, none, got "weekly"/],
    ['a record kind no column has', cadence('inspections,school,monthly,自检,end,10,1,2,,,'), /line 2: record_kind "自检" is no value of any inspections column/],
    ['a number that is not whole', cadence('sensors,unit,daily,,end,1.5,3,7,,,'), /line 2: due_days must be a whole number ≥ 0, got "1.5"/],
    ['late after more windows than missing', cadence('sensors,unit,daily,,end,1,8,7,,,'), /line 2: late_after_windows \(8\) must not exceed missing_after_windows \(7\)/],
    ['a missing due anchor', cadence('sensors,unit,daily,,,1,3,7,,,'), /line 2: due_from must be start or end \(of the window\), got ""/],
    ['half a volume check', cadence('sensors,unit,daily,,end,1,3,7,8,,0.5'), /line 2: volume_windows, volume_min_median and volume_drop_share go together/],
    ['a drop share that is no share', cadence('sensors,unit,daily,,end,1,3,7,8,20,50'), /line 2: volume_drop_share must be a share between 0 and 1 \(0\.5: a drop of more than half\), got "50"/],
    ['a volume check on terms', cadence('activities,unit,term,,end,15,1,1,2,5,0.5'), /line 2: the volume check compares days or months; leave it empty for a term cadence/],
    ['a judged cadence on a source as it occurs', cadence('cases,unit,none,,end,1,1,1,,,'), /line 2: a source with cadence none is not judged: leave due_from, due_days, late_after_windows, missing_after_windows empty/],
    ['a source listed twice', cadence('sensors,unit,daily,,end,1,3,7,,,', 'sensors,unit,daily,,end,2,3,7,,,'), /line 3: sensors is listed twice for scope unit/],
    ['a date that does not exist', calendar('term,2025年春季学期,2025-02-30,2025-07-10'), /school_calendar\.csv 第 2 行有误（line 2: start_on must be a date written YYYY-MM-DD, got "2025-02-30"）/],
    ['a term that ends before it starts', calendar('term,2025年春季学期,2025-07-10,2025-02-17'), /line 2: start_on 2025-07-10 is after end_on 2025-02-17/],
    ['overlapping terms', calendar('term,春季,2025-02-17,2025-07-10', 'term,秋季,2025-07-01,2026-01-17'), /line 3: term 秋季 overlaps term 春季 of line 2/],
    ['an unknown kind', calendar('term,春季,2025-02-17,2025-07-10', 'vacation,暑假,2025-07-11,2025-08-31'), /line 3: kind must be term or holiday, got "vacation"/],
    ['no term at all', calendar('holiday,暑假,2025-07-11,2025-08-31'), /school_calendar\.csv 没有学期（lists no term/],
  ])('refuses %s, naming the line, and keeps ref as it was', async (_what, dir, message) => {
    const before = await db.all('select * from ref.source_cadence order by all');
    await expect(loadReference(db, dir)).rejects.toThrow(message);
    expect(await db.all('select * from ref.source_cadence order by all')).toEqual(before);
    expect(await db.value('select count(*) from ref.school_calendar')).toBe(22);
  });

  it('says which file is missing', async () => {
    const dir = referenceWith('source_cadence.csv', '');
    rmSync(join(dir, 'source_cadence.csv'));
    await expect(loadReference(db, dir)).rejects.toThrow(/找不到参考数据文件 .*source_cadence\.csv（no such file/);
  });
});

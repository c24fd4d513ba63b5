/**
 * marts.source_health on the hand-made health city (test/health/city.ts): every row's dates,
 * lag, status, volume and completeness worked out by hand from the fixture, then the same rows
 * judged on later days without new data (the lag grows with the calendar), and a check kept in
 * audit. Cadences are the shipped data/reference/source_cadence.csv: daily due the next day, 迟报
 * after 3 missed days, 缺报 after 7; 自查 monthly due the 10th of the next month, 迟报 after one
 * month, 缺报 after two; activities per term due 15 days after it ends; the registry due 30
 * days after a term begins, 缺报 after one missed term. Terms: 2025-02-17…07-10, 09-01…2026-01-17.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSourceHealth, healthMessage, healthReportLines, recordHealthCheck } from '../../transforms/source-health.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { landHealthCity, W1, W2, Y1, Y2, Y3 } from './city.ts';

let db: Warehouse;

beforeAll(async () => {
  db = await landHealthCity();
}, 120_000);
afterAll(() => db?.close());

type Row = [string, string, string | null, string | null, string | null, string | null, string | null, number, number | null, string | null, string | null];
/** [scope, source, school (or unit), latest_on, expected_by_on, late_from_on, missing_from_on, n_missed_windows, lag_days, status, status_since_on] */
async function rows(): Promise<Row[]> {
  const found = await db.all<Record<string, unknown>>(
    `select scope, source, coalesce(school_code, unit_code) as who, latest_on::varchar as latest_on, expected_by_on::varchar as expected_by_on,
            late_from_on::varchar as late_from_on, missing_from_on::varchar as missing_from_on, n_missed_windows, lag_days, status,
            status_since_on::varchar as status_since_on
     from marts.source_health order by scope desc, source, who`,
  );
  return found.map((r) => Object.values(r) as Row);
}

describe('marts.source_health on the day the data runs to (2025-12-20)', () => {
  it('judges every unit and school row as worked out by hand', async () => {
    expect(await db.value('select distinct as_of_on::varchar from marts.source_health')).toBe('2025-12-20');
    expect(await rows()).toEqual([
      // units (only units with schools are monitored); every 魏都区 row is on time, its sensors fell on Friday 12-19
      ['unit', 'activities', '411002', '2025-11-05', '2026-07-25', '2026-07-26', '2026-07-26', 0, 0, '正常', null],
      // 鄢陵县's latest activity (2141024002, 04-01) leaves the autumn term open until 2026-02-01
      ['unit', 'activities', '411024', '2025-04-01', '2026-02-01', '2026-02-02', '2026-02-02', 0, 0, '正常', null],
      ['unit', 'alerts', '411002', '2025-12-20', '2025-12-22', '2025-12-25', '2025-12-29', 0, 0, '正常', null],
      // never sent: the first day of the data (02-17) was due 02-18; 305 days 02-17 … 12-18 are past due
      ['unit', 'alerts', '411024', null, '2025-02-18', '2025-02-21', '2025-02-25', 305, 305, '缺报', '2025-02-25'],
      ['unit', 'cases', '411002', '2025-06-03', null, null, null, 0, null, null, null],
      ['unit', 'cases', '411024', null, null, null, null, 0, null, null, null],
      ['unit', 'inspections', '411002', '2025-12-10', '2026-02-10', '2026-02-11', '2026-03-11', 0, 0, '正常', null],
      // no 鄢陵 school self-inspected after 09-15: October (due 11-10) and November (due 12-10) missed
      ['unit', 'inspections', '411024', '2025-09-15', '2025-11-10', '2025-11-11', '2025-12-11', 2, 40, '缺报', '2025-12-11'],
      ['unit', 'schools', '411002', '2025-09-01', '2026-03-19', '2026-03-20', '2026-03-20', 0, 0, '正常', null],
      ['unit', 'schools', '411024', '2025-09-20', '2026-03-19', '2026-03-20', '2026-03-20', 0, 0, '正常', null],
      ['unit', 'sensors', '411002', '2025-12-20', '2025-12-22', '2025-12-25', '2025-12-29', 0, 0, '异常', '2025-12-19'],
      // last in 12-14: 12-15 was due 12-16; 12-15 … 12-18 are past due (4 days), late from the third (due 12-18)
      ['unit', 'sensors', '411024', '2025-12-14', '2025-12-16', '2025-12-19', '2025-12-23', 4, 4, '迟报', '2025-12-19'],
      // schools: activities per term
      ['school', 'activities', Y1, null, '2025-07-25', '2025-07-26', '2025-07-26', 1, 148, '缺报', '2025-07-26'],
      ['school', 'activities', W1, '2025-11-05', '2026-07-25', '2026-07-26', '2026-07-26', 0, 0, '正常', null],
      ['school', 'activities', W2, '2025-04-01', '2026-02-01', '2026-02-02', '2026-02-02', 0, 0, '正常', null],
      // closed 10-20: no term after its last activity ends before it closed, so nothing is expected
      ['school', 'activities', Y2, '2025-04-01', null, null, null, 0, null, '正常', null],
      // opened 09-15, after the autumn term began: its first expected term is spring 2026
      ['school', 'activities', Y3, null, '2026-07-25', '2026-07-26', '2026-07-26', 0, 0, '正常', null],
      // schools: 自查 monthly (a 督查 does not count)
      ['school', 'inspections', Y1, '2025-09-15', '2025-11-10', '2025-11-11', '2025-12-11', 2, 40, '缺报', '2025-12-11'],
      ['school', 'inspections', W1, '2025-12-10', '2026-02-10', '2026-02-11', '2026-03-11', 0, 0, '正常', null],
      ['school', 'inspections', W2, '2025-10-05', '2025-12-10', '2025-12-11', '2026-01-11', 1, 10, '迟报', '2025-12-11'],
      ['school', 'inspections', Y2, '2025-09-12', null, null, null, 0, null, '正常', null],
      ['school', 'inspections', Y3, null, '2025-11-10', '2025-11-11', '2025-12-11', 2, 40, '缺报', '2025-12-11'],
      // schools: the registry, due 30 days into each term
      ['school', 'schools', Y1, '2025-09-01', '2026-03-19', '2026-03-20', '2026-03-20', 0, 0, '正常', null],
      ['school', 'schools', W1, '2025-09-01', '2026-03-19', '2026-03-20', '2026-03-20', 0, 0, '正常', null],
      // no autumn report: due 2025-10-01
      ['school', 'schools', W2, '2025-02-17', '2025-10-01', '2025-10-02', '2025-10-02', 1, 80, '缺报', '2025-10-02'],
      ['school', 'schools', Y2, '2025-09-01', null, null, null, 0, null, '正常', null],
      ['school', 'schools', Y3, '2025-09-20', '2026-03-19', '2026-03-20', '2026-03-20', 0, 0, '正常', null],
    ]);
  });

  it('compares a daily volume with the same weekday of the eight weeks before, and a monthly one with the expected months before', async () => {
    const volumes = await db.all<Record<string, unknown>>(
      `select source, unit_code, volume_window_start_on::varchar as compared, n_records, volume_median, is_volume_drop
       from marts.source_health where scope = 'unit' and volume_window_start_on is not null order by source, unit_code`,
    );
    expect(volumes.map((r) => Object.values(r))).toEqual([
      ['alerts', '411002', '2025-12-19', 3, 3, false], // below the minimum median of 20: not judged
      ['alerts', '411024', '2025-12-19', 0, 0, false],
      // November (due 12-10) against Oct 2, Sep 2, Jul, Jun, May, Apr 1 each (August has no school day)
      ['inspections', '411002', '2025-11-01', 1, 1, false],
      ['inspections', '411024', '2025-11-01', 0, 0, false],
      ['sensors', '411002', '2025-12-19', 10, 30, true], // 10 < half of 30
      ['sensors', '411024', '2025-12-19', 0, 25, true], // a drop too, but 迟报 comes first
    ]);
  });

  it('counts completeness over the latest month or term that has ended, among the schools open in it', async () => {
    const found = await db.all<Record<string, unknown>>(
      `select scope, source, coalesce(school_code, unit_code) as who, completeness_window_start_on::varchar as window_start,
              n_schools_expected, n_schools_reporting, completeness, n_schools_late, n_schools_missing
       from marts.source_health where source <> 'cases' order by scope desc, source, who`,
    );
    expect(found.map((r) => Object.values(r))).toEqual([
      // spring 2025: 鄢陵's 1141024001 sent no activity; 2141024003 was not open yet
      ['unit', 'activities', '411002', '2025-02-17', 2, 2, 1, 0, 0],
      ['unit', 'activities', '411024', '2025-02-17', 2, 1, 0.5, 0, 1],
      // November: 2141024002 closed on 10-20 is not expected
      ['unit', 'alerts', '411002', '2025-11-01', 2, 1, 0.5, null, null],
      ['unit', 'alerts', '411024', '2025-11-01', 2, 0, 0, null, null],
      ['unit', 'inspections', '411002', '2025-11-01', 2, 1, 0.5, 1, 0],
      ['unit', 'inspections', '411024', '2025-11-01', 2, 0, 0, 0, 2],
      ['unit', 'schools', '411002', '2025-02-17', 2, 2, 1, 0, 1],
      ['unit', 'schools', '411024', '2025-02-17', 2, 2, 1, 0, 0],
      ['unit', 'sensors', '411002', '2025-11-01', 2, 1, 0.5, null, null],
      ['unit', 'sensors', '411024', '2025-11-01', 2, 1, 0.5, null, null],
      ['school', 'activities', Y1, '2025-02-17', 1, 0, 0, null, null],
      ['school', 'activities', W1, '2025-02-17', 1, 1, 1, null, null],
      ['school', 'activities', W2, '2025-02-17', 1, 1, 1, null, null],
      ['school', 'activities', Y2, '2025-02-17', 1, 1, 1, null, null],
      ['school', 'activities', Y3, null, 0, 0, null, null, null],
      ['school', 'inspections', Y1, '2025-11-01', 1, 0, 0, null, null],
      ['school', 'inspections', W1, '2025-11-01', 1, 1, 1, null, null],
      ['school', 'inspections', W2, '2025-11-01', 1, 0, 0, null, null],
      ['school', 'inspections', Y2, null, 0, 0, null, null, null],
      ['school', 'inspections', Y3, '2025-11-01', 1, 0, 0, null, null],
      ['school', 'schools', Y1, '2025-02-17', 1, 1, 1, null, null],
      ['school', 'schools', W1, '2025-02-17', 1, 1, 1, null, null],
      ['school', 'schools', W2, '2025-02-17', 1, 1, 1, null, null],
      ['school', 'schools', Y2, '2025-02-17', 1, 1, 1, null, null],
      ['school', 'schools', Y3, null, 0, 0, null, null, null],
    ]);
  });
});

describe('a check on a later day, nothing new having arrived', () => {
  const problems = async (on: string) =>
    (await checkSourceHealth(db, on)).problems.map((p) => [p.status, p.source, p.school_code ?? p.unit_code, p.status_since_on, p.lag_days]);

  it('on the data’s own last day says what the mart says', async () => {
    const check = await checkSourceHealth(db, '2025-12-20');
    expect(check).toMatchObject({ check_on: '2025-12-20', data_until_on: '2025-12-20', days_without_data: 0, counts: { missing: 6, late: 2, anomalies: 1 } });
    // 缺报 first, then 迟报, then 异常; units before schools, then by unit, source and school
    expect(await problems('2025-12-20')).toEqual([
      ['缺报', 'alerts', '411024', '2025-02-25', 305],
      ['缺报', 'inspections', '411024', '2025-12-11', 40],
      ['缺报', 'schools', W2, '2025-10-02', 80],
      ['缺报', 'activities', Y1, '2025-07-26', 148],
      ['缺报', 'inspections', Y1, '2025-12-11', 40],
      ['缺报', 'inspections', Y3, '2025-12-11', 40],
      ['迟报', 'sensors', '411024', '2025-12-19', 4],
      ['迟报', 'inspections', W2, '2025-12-11', 10],
      ['异常', 'sensors', '411002', '2025-12-19', 0],
    ]);
  });

  it('lets the lag grow with the calendar: five days on, 魏都区’s daily feeds are late and 鄢陵县’s sensors missing', async () => {
    const check = await checkSourceHealth(db, '2025-12-25');
    expect(check.days_without_data).toBe(5);
    const byWho = new Map(check.problems.map((p) => [`${p.source} ${p.school_code ?? p.unit_code}`, [p.status, p.status_since_on, p.lag_days]]));
    expect(byWho.get('sensors 411002')).toEqual(['迟报', '2025-12-25', 3]); // 12-21 … 12-23 past due; the drop no longer shows
    expect(byWho.get('alerts 411002')).toEqual(['迟报', '2025-12-25', 3]);
    expect(byWho.get('sensors 411024')).toEqual(['缺报', '2025-12-23', 9]);
    expect(byWho.get(`inspections ${W2}`)).toEqual(['迟报', '2025-12-11', 15]);
    // and on 2026-01-11 December's 自查 is overdue too: 2141002002 has missed two months
    expect((await checkSourceHealth(db, '2026-01-11')).problems.find((p) => p.school_code === W2 && p.source === 'inspections')).toMatchObject({
      status: '缺报',
      status_since_on: '2026-01-11',
      lag_days: 32,
    });
  });

  it('is kept in audit per check, and a check recorded again under its id replaces itself', async () => {
    const check = await checkSourceHealth(db, '2025-12-25');
    await recordHealthCheck(db, check, 'check-a', 'no_new_files', { status: 'not_configured', detail: null });
    await recordHealthCheck(db, check, 'check-a', 'no_new_files', { status: 'sent', detail: 'ok' });
    await recordHealthCheck(db, await checkSourceHealth(db, '2025-12-20'), 'check-b', 'after_transform', { status: 'nothing_to_report', detail: null });
    expect(await db.all('select check_id, check_on::varchar as check_on, data_until_on::varchar as data_until_on, check_trigger, n_late, n_missing, n_anomalies, notify_status from audit.health_checks order by check_id')).toEqual([
      { check_id: 'check-a', check_on: '2025-12-25', data_until_on: '2025-12-20', check_trigger: 'no_new_files', n_late: 3, n_missing: 7, n_anomalies: 0, notify_status: 'sent' },
      { check_id: 'check-b', check_on: '2025-12-20', data_until_on: '2025-12-20', check_trigger: 'after_transform', n_late: 2, n_missing: 6, n_anomalies: 1, notify_status: 'nothing_to_report' },
    ]);
    expect(await db.value("select count(*) from audit.health_results where check_id = 'check-a'")).toBe(10);
    expect(await db.one("select status, latest_on::varchar as latest_on, lag_days, status_since_on::varchar as since from audit.health_results where check_id = 'check-a' and source = 'sensors' and unit_code = '411024'")).toEqual({
      status: '缺报',
      latest_on: '2025-12-14',
      lag_days: 9,
      since: '2025-12-23',
    });
  });

  it('reads as Chinese lines for the CLI and a short message for a webhook', async () => {
    const check = await checkSourceHealth(db, '2025-12-20');
    expect(healthReportLines(check)).toEqual([
      '报送监测 2025-12-20：数据截至 2025-12-20；缺报 6 项，迟报 2 项，报送量异常 1 项',
      '缺报：',
      '  鄢陵县 预警告警记录：从未报送，逾期 305 天，自 2025-02-25 起缺报',
      '  鄢陵县 安全检查记录（自查）：最新 2025-09-15，逾期 40 天，自 2025-12-11 起缺报',
      '  魏都区 学校基础信息 1 所学校：',
      `    ${W2} 魏都区第二小学：最新 2025-02-17，逾期 80 天，自 2025-10-02 起缺报`,
      '  鄢陵县 专项工作记录 1 所学校：',
      `    ${Y1} 鄢陵县阳光幼儿园：从未报送，逾期 148 天，自 2025-07-26 起缺报`,
      '  鄢陵县 安全检查记录（自查） 2 所学校：',
      `    ${Y1} 鄢陵县阳光幼儿园：最新 2025-09-15，逾期 40 天，自 2025-12-11 起缺报`,
      `    ${Y3} 鄢陵县新城小学：从未报送，逾期 40 天，自 2025-12-11 起缺报`,
      '迟报：',
      '  鄢陵县 物联设备状态：最新 2025-12-14，逾期 4 天，自 2025-12-19 起迟报',
      '  魏都区 安全检查记录（自查） 1 所学校：',
      `    ${W2} 魏都区第二小学：最新 2025-10-05，逾期 10 天，自 2025-12-11 起迟报`,
      '报送量异常：',
      '  魏都区 物联设备状态：最新 2025-12-20，自 2025-12-19 起报送量骤降',
    ]);
    expect(healthMessage(check).split('\n')).toEqual([
      '【报送监测 2025-12-20：数据截至 2025-12-20；缺报 6 项，迟报 2 项，报送量异常 1 项】',
      '缺报：',
      '· 鄢陵县 预警告警记录：从未报送，逾期 305 天，自 2025-02-25 起缺报',
      '· 鄢陵县 安全检查记录（自查）：最新 2025-09-15，逾期 40 天，自 2025-12-11 起缺报',
      '· 魏都区 学校基础信息 1 所学校：魏都区第二小学（最新 2025-02-17）',
      '· 鄢陵县 专项工作记录 1 所学校：鄢陵县阳光幼儿园（从未报送）',
      '· 鄢陵县 安全检查记录（自查） 2 所学校：鄢陵县阳光幼儿园（最新 2025-09-15）、鄢陵县新城小学（从未报送）',
      '迟报：',
      '· 鄢陵县 物联设备状态：最新 2025-12-14，逾期 4 天，自 2025-12-19 起迟报',
      '· 魏都区 安全检查记录（自查） 1 所学校：魏都区第二小学（最新 2025-10-05）',
      '报送量异常：',
      '· 魏都区 物联设备状态：最新 2025-12-20，自 2025-12-19 起报送量骤降',
      '详见数据质量页“报送监测”，或运行 safecampus status --health',
    ]);
  });
});

/**
 * `safecampus status --health` on the hand-made health city (test/health/city.ts): the same lines
 * as the check, exit 1 when anything is 缺报 (0 otherwise), --json, and bad usage.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers.ts';
import { landHealthCity, W2, Y1, Y3 } from './city.ts';

let path: string;
let quietPath: string;

beforeAll(async () => {
  for (const quiet of [false, true]) {
    const db = await landHealthCity({ quiet });
    if (quiet) quietPath = db.path;
    else path = db.path;
    db.close();
  }
}, 120_000);

describe('safecampus status --health', () => {
  it('prints what is missing, late and dropped on the day given, and exits 1 because something is 缺报', async () => {
    const { code, stdout, stderr } = await runCli(['status', '--health', '--on', '2025-12-20', '--db', path]);
    expect(code).toBe(1);
    expect(stderr).toBe('safecampus status: 缺报 6 项（6 reporting row(s) missing on 2025-12-20）\n');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('报送监测 2025-12-20：数据截至 2025-12-20；缺报 6 项，迟报 2 项，报送量异常 1 项');
    expect(lines).toContain('  鄢陵县 预警告警记录：从未报送，逾期 305 天，自 2025-02-25 起缺报');
    expect(lines).toContain(`    ${W2} 魏都区第二小学：最新 2025-10-05，逾期 10 天，自 2025-12-11 起迟报`);
    expect(lines).toHaveLength(17);
  });

  it('gives the check as JSON with --json, still exiting 1', async () => {
    const { code, stdout } = await runCli(['status', '--health', '--on', '2025-12-25', '--json', '--db', path]);
    expect(code).toBe(1);
    const check = JSON.parse(stdout);
    expect(check).toMatchObject({ check_on: '2025-12-25', data_until_on: '2025-12-20', days_without_data: 5, counts: { missing: 7, late: 3, anomalies: 0 } });
    expect(check.problems.filter((p: { status: string }) => p.status === '缺报').map((p: { school_code: string | null; unit_code: string; source: string }) => `${p.source} ${p.school_code ?? p.unit_code}`)).toEqual([
      'alerts 411024',
      'inspections 411024',
      'sensors 411024',
      `schools ${W2}`,
      `activities ${Y1}`,
      `inspections ${Y1}`,
      `inspections ${Y3}`,
    ]);
  });

  it('exits 0 when nothing is 缺报 on the day', async () => {
    // the quiet city: 魏都区第一小学 alone, on time with everything
    const onTime = await runCli(['status', '--health', '--on', '2025-12-20', '--db', quietPath]);
    expect(onTime).toEqual({ code: 0, stderr: '', stdout: '报送监测 2025-12-20：数据截至 2025-12-20；缺报 0 项，迟报 0 项，报送量异常 0 项\n各单位、各学校均按时报送。\n' });
    // five days on, its daily feeds are late, not yet missing: still exit 0
    const late = await runCli(['status', '--health', '--on', '2025-12-25', '--db', quietPath]);
    expect([late.code, late.stderr]).toEqual([0, '']);
    expect(late.stdout.split('\n').slice(0, 4)).toEqual([
      '报送监测 2025-12-25：数据截至 2025-12-20（已 5 天没有新数据）；缺报 0 项，迟报 2 项，报送量异常 0 项',
      '迟报：',
      '  魏都区 预警告警记录：最新 2025-12-20，逾期 3 天，自 2025-12-25 起迟报',
      '  魏都区 物联设备状态：最新 2025-12-20，逾期 3 天，自 2025-12-25 起迟报',
    ]);
  });

  it('says what to do on a warehouse whose models were never built', async () => {
    const fresh = join(tempDir(), 'fresh.duckdb');
    expect((await runCli(['init', '--db', fresh])).code).toBe(0);
    expect(await runCli(['status', '--health', '--db', fresh])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('marts.source_health is not built yet: run `safecampus transform` or `safecampus run` first'),
    });
  });

  it('refuses bad usage, saying what is wrong', async () => {
    expect(await runCli(['status', '--on', '2025-12-20', '--db', path])).toMatchObject({ code: 2, stderr: expect.stringContaining('--on goes with --health') });
    expect(await runCli(['status', '--health', '--on', '2025-12-32', '--db', path])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--on must be a date written YYYY-MM-DD, got "2025-12-32"'),
    });
    // a day before the data's last: the rows would be judged with records from after it
    expect(await runCli(['status', '--health', '--on', '2025-12-19', '--db', path])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--on: 检查日 2025-12-19 早于数据最新日期 2025-12-20（the data already runs to 2025-12-20: judge on that day or later）'),
    });
  });
});

/**
 * `safecampus status --health` on the hand-made health city (test/health/city.ts): the same lines
 * as the check, exit 1 when anything is 缺报 (0 otherwise), --json, and bad usage.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers.ts';
import { landHealthCity, W2, Y1, Y3 } from './city.ts';

let path: string;

beforeAll(async () => {
  const db = await landHealthCity();
  path = db.path;
  db.close();
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
    // five days into the data nothing has been missing long enough yet (鄢陵县's alerts: 缺报 from 02-25)
    const { code, stdout, stderr } = await runCli(['status', '--health', '--on', '2025-02-22', '--db', path]);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('缺报 0 项，迟报 1 项');
    expect(stdout).toContain('鄢陵县 预警告警记录：从未报送，逾期 4 天，自 2025-02-21 起迟报');
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
  });
});

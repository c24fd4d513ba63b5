/**
 * `safecampus score` on the scoring city, through the CLI as an operator runs it: the unit
 * scorecard of 2025 (numbers worked out in scorecards.test.ts), a unit's schools and short
 * boards, and the errors for a bad or empty period.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runCli, tempDir } from '../helpers.ts';

const warehouse = join(tempDir(), 'score.duckdb');
/** The CLI on the scoring city's warehouse, named as an operator's environment names it. */
const cli = (args: string[]) => runCli(args, { ...process.env, SAFECAMPUS_DB: warehouse });

beforeAll(async () => {
  for (const args of [['init'], ['ingest', join(FIXTURES, 'scoring-city')], ['transform']]) {
    const result = await cli(args);
    expect(result.code, `${args[0]}: ${result.stderr}`).toBe(0);
  }
}, 120_000);

describe('safecampus score', () => {
  it('prints the 2025 unit ranking, vetoes and rank changes, 市直 unranked at the end', async () => {
    const { code, stdout } = await cli(['score', '--period', '2025']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('2025 考核评分（统计至 2025-11-30，期间未结束）');
    const rows = lines.slice(2).map((line) => line.trim().split(/\s+/));
    // rank, unit, score, grade, change … unit name last
    expect(rows.map((r) => [r[0], r[1], r[2], r[3].replaceAll('　', ''), r[4], r.at(-1)])).toEqual([
      ['1', '411024', '90.89', '良好', '↑1', '鄢陵县'],
      ['2', '411003', '63.66', '合格', '↑1', '建安区'],
      ['3', '411002', '57.81', '不合格', '↓2', '魏都区'],
      ['—', '411000', '86.79', '良好', '—', '市直'],
    ]);
    expect(rows[0]).toContain('是');
  });

  it('lists a unit’s schools ranked within type and the unit’s short boards with suggestions, and --json gives the same', async () => {
    const { code, stdout } = await cli(['score', '--period', '2025', '--unit', '411024']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/小学第1\/4名\s+98\.11\s+不合格 .* 2141000301 鄢陵县实验小学\s+一票否决：V1 /);
    expect(stdout).toMatch(/小学第1\/4名\s+98\.11\s+优秀 .* 2141000302 鄢陵县城关小学/);
    const json = await cli(['score', '--period', '2025', '--unit', '411024', '--json']);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.unit.schools.map((s: { school_code: string; rank: number }) => [s.school_code, s.rank])).toEqual([
      ['2141000301', 1],
      ['2141000302', 1],
    ]);
    expect(parsed.units).toHaveLength(4);
  });

  it('refuses a malformed period with exit 2 and an unknown one with exit 1, saying what exists', async () => {
    const bad = await cli(['score', '--period', '2025Q3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--period must look like 2025 (year)');
    const empty = await cli(['score', '--period', '2019']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('no data for period 2019: the warehouse covers 2024 to 2025');
    const unit = await cli(['score', '--period', '2025', '--unit', '411081']);
    expect(unit.code).toBe(1);
    expect(unit.stderr).toContain('unit 411081 has no scored schools in 2025');
  });
});

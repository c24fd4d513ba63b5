import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.ts';

// The command is registered in cli/commands/index.ts by the integrator; until then the test
// registers it itself so it can run the real CLI in-process.
beforeAll(() => {
});

const dir = tempDir('safecampus-weights-');
function input(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const AHP_3 = { labels: ['隐患', '人防', '演练'], matrix: [[1, 3, 5], ['1/3', 1, 3], [0.2, '1/3', 1]] };
const ENTROPY = { matrix: [[0, 10], [1, 10], [2, 40]], directions: ['max', 'min'] };
const TOPSIS = { matrix: [[1, 3000], [2, 3750], [5, 4500]], weights: [0.5, 0.5], directions: ['min', 'max'], normalization: 'minmax' };

describe('safecampus weights', () => {
  it('AHP --json prints exactly weights, lambda_max, ci, cr', async () => {
    const { code, stdout, stderr } = await runCli(['weights', '--method', 'ahp', '--input', input('ahp.json', AHP_3), '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual(['weights', 'lambda_max', 'ci', 'cr']);
    expect(result.weights).toHaveLength(3);
    expect(result.weights.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
    expect(result.weights[0]).toBeGreaterThan(result.weights[1]);
    expect(result.cr).toBeGreaterThan(0);
    expect(result.cr).toBeLessThanOrEqual(0.1);
  });

  it('AHP without --json prints a bilingual table and the consistency figures', async () => {
    const { code, stdout } = await runCli(['weights', '--method', 'ahp', '--input', input('ahp.json', AHP_3)]);
    expect(code).toBe(0);
    expect(stdout).toContain('权重 weight');
    expect(stdout).toContain('隐患');
    expect(stdout).toMatch(/λmax = 3\.\d{4}\s+CI = 0\.\d{4}\s+CR = 0\.\d{4}/);
  });

  it('entropy --json prints exactly {weights}', async () => {
    const { code, stdout } = await runCli(['weights', '--method', 'entropy', '--input', input('entropy.json', ENTROPY), '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual(['weights']);
    expect(result.weights[0]).toBeCloseTo(0.5326, 2);
  });

  it('TOPSIS --json prints exactly {scores, ranks} with shared ranks', async () => {
    const { code, stdout } = await runCli(['weights', '--method', 'topsis', '--input', input('topsis.json', TOPSIS), '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual(['scores', 'ranks']);
    expect(result.ranks).toEqual([2, 1, 2]);
    expect(result.scores[1]).toBeCloseTo(0.617, 3);
  });

  it('TOPSIS without --json lists alternatives best first', async () => {
    const { code, stdout } = await runCli(['weights', '--method', 'topsis', '--input', input('topsis-named.json', { ...TOPSIS, alternatives: ['甲', '乙', '丙'] })]);
    expect(code).toBe(0);
    expect(stdout).toContain('贴近度 closeness');
    expect(stdout.indexOf('乙')).toBeLessThan(stdout.indexOf('甲'));
  });

  it('exits 2 on bad usage: missing or unknown --method, missing --input', async () => {
    const noMethod = await runCli(['weights', '--input', input('a.json', AHP_3)]);
    expect(noMethod.code).toBe(2);
    expect(noMethod.stderr).toContain('give --method ahp, entropy or topsis');
    const unknown = await runCli(['weights', '--method', 'critic', '--input', input('a.json', AHP_3)]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--method must be ahp, entropy or topsis; got "critic"');
    const noInput = await runCli(['weights', '--method', 'ahp']);
    expect(noInput.code).toBe(2);
    expect(noInput.stderr).toContain('give --input FILE');
  });

  it('exits 1 naming the CR when the matrix is too inconsistent', async () => {
    const house = {
      matrix: [
        [1, 5, 3, 7, 6, 6, '1/3', '1/4'],
        ['1/5', 1, '1/3', 5, 3, 3, '1/5', '1/7'],
        ['1/3', 3, 1, 6, 3, 4, 6, '1/5'],
        ['1/7', '1/5', '1/6', 1, '1/3', '1/4', '1/7', '1/8'],
        ['1/6', '1/3', '1/3', 3, 1, '1/2', '1/5', '1/6'],
        ['1/6', '1/3', '1/4', 4, 2, 1, '1/5', '1/6'],
        [3, 5, '1/6', 7, 5, 5, 1, '1/2'],
        [4, 7, 5, 8, 6, 6, 2, 1],
      ],
    };
    const { code, stdout, stderr } = await runCli(['weights', '--method', 'ahp', '--input', input('house.json', house), '--json']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/consistency ratio CR = 0\.1691 exceeds 0\.10/);
  });

  it('exits 1 saying what is wrong with a malformed matrix', async () => {
    const cases: [string, unknown, string, RegExp][] = [
      ['ahp', { matrix: [[1, 2], [0.5]] }, 'square.json', /must be square: row 2 has 1 entries, expected 2/],
      ['ahp', { labels: ['a', 'b'], matrix: [[1, 2], [2, 1]] }, 'recip.json', /not reciprocal at row 1, column 2 \(a vs b\)/],
      ['ahp', { matrix: [[1, 0], [0, 1]] }, 'zero.json', /row 1, column 2 must be a positive finite number, got 0/],
      ['ahp', { matrix: [[1, 'x'], [1, 1]] }, 'text.json', /row 1, column 2 must be a positive finite number, got "x"/],
      ['topsis', { ...TOPSIS, weights: [1, 1, 1] }, 'len.json', /weights has 3 entries but the matrix has 2 criteria/],
      ['topsis', { matrix: [[1, 2]], directions: ['max', 'max'] }, 'noweights.json', /"weights" is missing/],
      ['entropy', { matrix: [[1, 2], [3, 4]], directions: ['max'] }, 'dirs.json', /directions has 1 entries but the matrix has 2 criteria/],
      ['entropy', { ...ENTROPY, normalisation: 'sum' }, 'typo.json', /unknown key "normalisation"/],
      ['entropy', [1, 2, 3], 'array.json', /must hold a JSON object/],
    ];
    for (const [method, content, name, message] of cases) {
      const { code, stderr } = await runCli(['weights', '--method', method, '--input', input(name, content)]);
      expect(code, name).toBe(1);
      expect(stderr, name).toMatch(message);
    }
  });

  it('exits 1 on an unreadable file or bad JSON', async () => {
    const missing = await runCli(['weights', '--method', 'ahp', '--input', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read --input .*nope\.json: no such file/);
    const bad = await runCli(['weights', '--method', 'ahp', '--input', input('bad.json', '{"matrix": [[1, 2],')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.json is not valid JSON/);
  });

  it('prints help', async () => {
    const { code, stdout } = await runCli(['weights', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: safecampus weights --method ahp|entropy|topsis --input FILE');
  });
});

/**
 * The thin slice end to end, for real: `safecampus run` starts an embedded Temporal dev
 * server and an in-process worker, the pipeline workflow lands the mini city's exports
 * into a DuckDB file, transforms, scores, publishes a snapshot and builds the site.
 *
 * @module-tag temporal
 * @module-tag site
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../warehouse/connection.ts';
import { readLatestSnapshot } from '../warehouse/snapshot.ts';
import { FIXTURES, runCli, tempDir } from './helpers.ts';

const root = tempDir('safecampus-e2e-');
const inbox = join(root, 'inbox');
const db = join(root, 'data', 'warehouse.duckdb');
let first: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  mkdirSync(inbox);
  cpSync(join(FIXTURES, 'mini-city'), inbox, { recursive: true });
  first = await runCli(['run', '--db', db, '--inbox', inbox, '--json']);
}, 300_000);

describe('safecampus run on the mini city', () => {
  it('completes the pipeline workflow and publishes', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.status).toBe('published');
    expect(summary.files).toEqual({ discovered: 2, landed: 2, skipped: 0, held: 0, failed: 0 });
    expect(summary.rowsLanded).toBe(7 + 18);
    expect(summary.rowsRejected).toBe(1);
    expect(summary.score.periods).toEqual(expect.arrayContaining(['2025', '2025-T2']));
  });

  it('publishes a snapshot whose A3 ranking equals the hand-computed one', async () => {
    const pointer = readLatestSnapshot(db);
    expect(pointer).not.toBeNull();
    const snapshot = await Warehouse.open(pointer!.path, { readOnly: true });
    const ranking = await snapshot.all(
      `select unit_code, numerator, denominator, rank from marts.unit_indicator_ranking
       where period = '2025' and indicator_id = 'A3' order by rank nulls last, unit_code`,
    );
    snapshot.close();
    expect(ranking).toEqual([
      { unit_code: '411002', numerator: 5, denominator: 6, rank: 1 },
      { unit_code: '411024', numerator: 1, denominator: 2, rank: 2 },
      { unit_code: '411025', numerator: 1, denominator: 2, rank: 2 },
      { unit_code: '411003', numerator: 0, denominator: 1, rank: 4 },
      { unit_code: '411000', numerator: 1, denominator: 1, rank: null },
    ]);
  });

  it('builds the Chinese overview page from that snapshot', () => {
    const index = join(root, 'data', 'site', 'index.html');
    expect(existsSync(index)).toBe(true);
    const html = readFileSync(index, 'utf8');
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain('校园安全总览');
  });

  it('says nothing changed on a second run with no new files: no workflow, no transform, no new snapshot', async () => {
    const published = readLatestSnapshot(db)!;
    const second = await runCli(['run', '--db', db, '--inbox', inbox, '--json']);
    expect([second.code, second.stderr]).toEqual([0, '']);
    const summary = JSON.parse(second.stdout);
    expect(summary).toMatchObject({ status: 'unchanged', workflowId: null, files: { discovered: 0 }, transform: null, publish: null });
    expect(summary.snapshotPath).toBe(published.path);
    expect(summary.unchanged.snapshotId).toBe(published.snapshot_id);
    expect(readLatestSnapshot(db)).toEqual(published);
    expect(existsSync(join(root, 'data', 'temporal', 'server.json'))).toBe(false);
    const warehouse = await Warehouse.open(db, { readOnly: true });
    expect(await warehouse.value('select count(*) from audit.batches')).toBe(2);
    expect(await warehouse.value('select count(*) from audit.snapshots')).toBe(1);
    // the source monitor still checks on a night nothing changed, and keeps that check beside the first run's
    expect(summary.healthError).toBeNull();
    expect(await warehouse.all('select check_id, check_on::varchar as check_on, check_trigger, n_missing from audit.health_checks order by checked_at')).toEqual([
      { check_id: expect.stringMatching(new RegExp(`^${JSON.parse(first.stdout).workflowId}@`)), check_on: expect.any(String), check_trigger: 'after_transform', n_missing: expect.any(Number) },
      { check_id: expect.stringMatching(/^pipeline-/), check_on: summary.health.checkOn, check_trigger: 'unchanged', n_missing: summary.health.missing },
    ]);
    warehouse.close();
    const spoken = await runCli(['run', '--db', db, '--inbox', inbox]);
    expect(spoken.stdout).toMatch(/^没有变化，无需重新计算、发布或构建网站/);
    // when, in Beijing time and written in Chinese
    expect(spoken.stdout).toMatch(/自快照 \S+（\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 发布）以来都没有变化/);
    expect(spoken.stdout).toContain(`报送监测 ${summary.health.checkOn}（数据截至 ${summary.health.dataUntilOn}）：缺报 ${summary.health.missing} 项`);
  }, 300_000);

  it('publishes again when what the last publish was made from is not all there: a missing site is built', async () => {
    rmSync(join(root, 'data', 'site'), { recursive: true, force: true });
    const withoutSite = JSON.parse((await runCli(['run', '--db', db, '--inbox', inbox, '--no-site', '--json'])).stdout);
    expect(withoutSite.status).toBe('unchanged');
    const third = await runCli(['run', '--db', db, '--inbox', inbox, '--json']);
    expect([third.code, JSON.parse(third.stdout).status]).toEqual([0, 'published']);
    expect(existsSync(join(root, 'data', 'site', 'index.html'))).toBe(true);
  }, 300_000);
});

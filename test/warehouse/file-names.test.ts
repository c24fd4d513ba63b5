/**
 * A warehouse file may be called anything: DuckDB names a file's catalog after the file, so
 * raw.duckdb or core.duckdb used to collide with the schemas of the same name (`raw.schools`
 * was ambiguous) and init or transform failed. Every file is now attached under one fixed
 * catalog name (warehouse/connection.ts). The mini city goes through init, ingest and
 * transform under each such name, and a snapshot so named answers queries.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLatestSnapshot } from '../../warehouse/snapshot.ts';
import { publishMiniCity } from '../analyst/fixture.ts';
import { FIXTURES, runCli, tempDir } from '../helpers.ts';

describe('a warehouse file named like a schema, or like a catalog DuckDB keeps for itself', () => {
  it.each(['raw', 'ref', 'audit', 'core', 'staging', 'marts', 'main', 'memory', 'temp'])('%s.duckdb: init, ingest and transform work', async (name) => {
    const db = join(tempDir(), `${name}.duckdb`);
    expect(await runCli(['init', '--db', db])).toMatchObject({ code: 0, stderr: '' });
    expect(await runCli(['ingest', join(FIXTURES, 'mini-city'), '--db', db])).toMatchObject({ code: 0, stderr: '' });
    const transform = await runCli(['transform', '--db', db]);
    expect(transform).toMatchObject({ code: 0, stderr: '' });
    expect(transform.stdout).toMatch(/data tests, 0 failing/);
  });

  it('a snapshot file named core.duckdb answers queries', async () => {
    const dir = tempDir();
    await publishMiniCity(join(dir, 'warehouse.duckdb'));
    const named = join(dir, 'core.duckdb');
    copyFileSync(readLatestSnapshot(join(dir, 'warehouse.duckdb'))!.path, named);
    const { code, stdout } = await runCli(['query', 'select count(*) as n from core.dim_units', '--snapshot', named, '--format', 'csv']);
    expect([code, stdout]).toEqual([0, 'n\r\n10\r\n']);
  });
});

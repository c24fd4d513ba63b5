import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Warehouse } from '../warehouse/connection.ts';
import { COMMAND_NAMES, loadCommand } from '../cli/commands/index.ts';
import { runCli, tempDir } from './helpers.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'safecampus.js');

describe('safecampus command line', () => {
  it('runs as an executable and lists its commands', () => {
    const out = execFileSync('node', [BIN, '--help'], { encoding: 'utf8' });
    expect(out).toContain('Usage: safecampus <command>');
    for (const command of ['init', 'ingest', 'transform', 'score', 'status']) expect(out).toContain(`  ${command}`);
  });

  it('exits 2 with a message on bad usage', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');

    const badFlag = await runCli(['init', '--bogus']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/Unknown option '--bogus'[\s\S]*safecampus init --help/);

    const badPeriod = await runCli(['score', '--period', '2025-13']);
    expect(badPeriod.code).toBe(2);
    expect(badPeriod.stderr).toContain('--period must look like');

    const noFile = await runCli(['ingest']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('give exactly one file or folder');

    const bare = spawnSync('node', [BIN], { encoding: 'utf8' });
    expect(bare.status).toBe(2);
  });

  it('finds each command under its own name, and nothing under another', async () => {
    expect(COMMAND_NAMES).toHaveLength(new Set(COMMAND_NAMES).size);
    for (const name of COMMAND_NAMES) expect((await loadCommand(name))?.name).toBe(name);
    for (const name of ['frobnicate', 'constructor', '__proto__']) expect(await loadCommand(name)).toBeUndefined();
  });

  it('prints help for every command and exits 0', async () => {
    for (const command of ['init', 'ingest', 'transform', 'score', 'status', 'release']) {
      const help = await runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: safecampus ${command}`);
      expect(help.stdout).toContain('--db PATH');
    }
  });

  it('init creates the warehouse and a second init is a no-op', async () => {
    const db = join(tempDir(), 'w.duckdb');
    const first = await runCli(['init', '--db', db, '--json']);
    expect(first.code).toBe(0);
    const firstResult = JSON.parse(first.stdout);
    expect(firstResult.applied).toEqual(['0001_foundation', '0002_data_tests', '0003_reject_counts', '0004_appraisals', '0005_row_hash_numbers', '0006_raw_rows_name_their_batch_by_seq', '0007_batches_count_masked_cells', '0008_report_dates_summary_rows_unit_spellings', '0009_source_health', '0010_snapshots_record_their_inputs', '0011_transform_state', '0012_unit_tiles', '0013_unit_city_name']);
    expect(firstResult.reference).toMatchObject({ units: 10, checklist_items: 28, unit_tiles: 9 });

    const second = await runCli(['init', '--db', db, '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).applied).toEqual([]);

    const warehouse = await Warehouse.open(db, { readOnly: true });
    const schemas = await warehouse.all<{ schema_name: string }>(
      "select schema_name from information_schema.schemata where catalog_name = current_database() order by 1",
    );
    expect(schemas.map((s) => s.schema_name)).toEqual(expect.arrayContaining(['audit', 'core', 'marts', 'raw', 'ref', 'staging']));
    expect(await warehouse.value('select count(*) from audit.schema_migrations')).toBe(13);
    warehouse.close();
  });

  it('hands the warehouse to the command: --db, else SAFECAMPUS_DB, never writing process.env', async () => {
    const dir = tempDir();
    const fromFlag = join(dir, 'flag.duckdb');
    const fromEnv = join(dir, 'env.duckdb');
    const before = process.env.SAFECAMPUS_DB;

    expect((await runCli(['init', '--db', fromFlag], { SAFECAMPUS_DB: fromEnv })).code).toBe(0);
    expect(existsSync(fromFlag)).toBe(true);
    expect(existsSync(fromEnv)).toBe(false);
    expect(process.env.SAFECAMPUS_DB).toBe(before);

    const status = await runCli(['status', '--json'], { SAFECAMPUS_DB: fromEnv });
    expect(status.code, status.stderr).toBe(1);
    expect(status.stderr).toContain(fromEnv);
    expect((await runCli(['init'], { SAFECAMPUS_DB: fromEnv })).code).toBe(0);
    expect(existsSync(fromEnv)).toBe(true);
    expect(process.env.SAFECAMPUS_DB).toBe(before);
  });

  it('refuses a warehouse migrated by newer code', async () => {
    const db = join(tempDir(), 'w.duckdb');
    expect((await runCli(['init', '--db', db])).code).toBe(0);
    const warehouse = await Warehouse.open(db);
    await warehouse.run("insert into audit.schema_migrations values (999, '0999_future', 'x', now()::timestamp)");
    warehouse.close();
    const result = await runCli(['init', '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('schema version 999, newer than this safecampus knows');
  });
});

/**
 * SAFECAMPUS_DUCKDB_THREADS sets DuckDB's worker threads for every warehouse opened (the test
 * suite runs on one); unset, DuckDB's own default (a thread per core); anything but a positive whole number is
 * refused before DuckDB starts.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { Warehouse } from '../../warehouse/connection.ts';

const suiteSetting = process.env.SAFECAMPUS_DUCKDB_THREADS;
afterEach(() => {
  process.env.SAFECAMPUS_DUCKDB_THREADS = suiteSetting;
});

async function threadsOf(): Promise<number> {
  const db = await Warehouse.open(':memory:');
  try {
    return Number(await db.value("select current_setting('threads')"));
  } finally {
    db.close();
  }
}

describe('DuckDB threads', () => {
  it("follows SAFECAMPUS_DUCKDB_THREADS, and DuckDB's default without it", async () => {
    expect(suiteSetting).toBe('1');
    expect(await threadsOf()).toBe(1);
    process.env.SAFECAMPUS_DUCKDB_THREADS = '3';
    expect(await threadsOf()).toBe(3);
    delete process.env.SAFECAMPUS_DUCKDB_THREADS;
    const plain = await DuckDBInstance.create(':memory:');
    const connection = await plain.connect();
    const byDefault = Number((await connection.runAndReadAll("select current_setting('threads')")).getRows()[0][0]);
    connection.closeSync();
    plain.closeSync();
    expect(await threadsOf()).toBe(byDefault);
  });

  it.each(['0', 'two', '1.5', '-1'])('refuses %s', async (value) => {
    process.env.SAFECAMPUS_DUCKDB_THREADS = value;
    await expect(Warehouse.open(':memory:')).rejects.toThrow(`SAFECAMPUS_DUCKDB_THREADS must be a positive whole number, got "${value}"`);
  });
});

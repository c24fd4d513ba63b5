/**
 * Every source in every format: the six hand-made fixtures carry the same content as
 * CSV UTF-8, CSV UTF-8 with BOM, CSV GBK, XLSX (real date and number cells), a JSON array
 * (numbers as numbers, blanks omitted) and NDJSON (blanks as null), and each format must
 * land exactly the rows and rejects of test/sources/expected.ts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.ts';
import { ingestPath, type IngestResult } from '../../sources/ingest.ts';
import { asTuples, EXPECTED } from './expected.ts';
import { FORMATS, NOW, openWarehouse, rawRows, rejectsOf, SALT, SOURCE_FIXTURES } from './helpers.ts';

const LANDING_ORDER = ['schools', 'activities', 'alerts', 'cases', 'inspections', 'sensors'];

describe.each(FORMATS)('%s fixtures', (format) => {
  let db: Warehouse;
  let results: IngestResult[];

  beforeAll(async () => {
    process.env.SAFECAMPUS_PII_SALT = SALT;
    ({ db } = await openWarehouse());
    // hold threshold 1: these files are dirty on purpose; holding is tested in landing.test.ts
    results = await ingestPath(db, join(SOURCE_FIXTURES, format), { now: NOW, holdThreshold: 1 });
  });
  afterAll(() => db.close());

  it('detects every source and the format, registry first', () => {
    expect(results.map((r) => [r.source, r.format, r.status])).toEqual(LANDING_ORDER.map((s) => [s, format, 'landed']));
  });

  it.each(LANDING_ORDER)('%s: counts agree between the result, audit.batches and audit.rejects', async (source) => {
    const result = results.find((r) => r.source === source)!;
    const expected = EXPECTED[source];
    const rows = expected.landed.length + expected.rejects.length;
    expect([result.rowsRead, result.rowsLanded, result.rowsRejected]).toEqual([rows, expected.landed.length, expected.rejects.length]);
    const batch = await db.one('select rows_read, rows_landed, rows_rejected, status from audit.batches where batch_id = $1', [result.batchId]);
    expect(batch).toEqual({ rows_read: rows, rows_landed: expected.landed.length, rows_rejected: expected.rejects.length, status: 'landed' });
    const byReason: Record<string, number> = {};
    for (const [, reason] of expected.rejects) byReason[reason] = (byReason[reason] ?? 0) + 1;
    expect(result.rejectsByReason).toEqual(byReason);
  });

  it.each(LANDING_ORDER)('%s: lands exactly the expected raw rows', async (source) => {
    const { columns, landed } = EXPECTED[source];
    expect(asTuples(await rawRows(db, source), columns)).toEqual(landed);
  });

  it.each(LANDING_ORDER)('%s: rejects exactly the expected rows, for the expected reasons', async (source) => {
    const result = results.find((r) => r.source === source)!;
    expect(await rejectsOf(db, result.batchId)).toEqual(EXPECTED[source].rejects);
  });
});

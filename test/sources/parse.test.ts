/**
 * Landing through a parse worker (sources/parse.ts: parse into Parquet, then the writer lands
 * it) gives exactly the warehouse the single-process ingest gives: every raw row with its row
 * number and hash, every reject with its reason and masked raw text, every batch record with
 * its counts, status, report date and landing order — over the real-shapes corpus, the
 * malformed corpus and the JSON source fixtures. A landing parsed against school
 * codes that have changed since is refused as stale, and a worker with another salt refuses
 * to parse.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../warehouse/connection.ts';
import { ingestPath, listExportFiles, sha256File, type IngestResult } from '../../sources/ingest.ts';
import { landParsedExport, parseExport, parseSettings, ParseSetupError } from '../../sources/parse.ts';
import { SOURCE_NAMES } from '../../sources/contract.ts';
import { FIXTURES } from '../helpers.ts';
import { folderWith, NOW, openWarehouse, SALT, SOURCE_FIXTURES } from './helpers.ts';

const CORPORA = [
  join(FIXTURES, 'real-shapes'),
  join(FIXTURES, 'malformed'),
  // the readers the two corpora above do not cover (they are CSV and XLSX)
  join(SOURCE_FIXTURES, 'ndjson'),
  join(SOURCE_FIXTURES, 'json'),
];

/** Lands every export under `path` the scale-out way: parse into the shared folder, then land. */
async function ingestThroughParse(db: Warehouse, path: string): Promise<IngestResult[]> {
  const shared = join(dirname(db.path), 'parsed');
  const results: IngestResult[] = [];
  for (const { path: file, skipped } of await listExportFiles(path)) {
    if (skipped) continue;
    const settings = await parseSettings(db, shared, { now: NOW });
    const parsed = await parseExport(file, await sha256File(file), settings, db.path);
    const landed = await landParsedExport(db, parsed);
    expect(landed, `${file} stale although nothing landed between parse and land`).not.toBeNull();
    results.push(landed!);
  }
  return results;
}

/** Everything a landing wrote, without what is unique to one warehouse (batch ids, clock times, archive folder). */
async function landedContent(db: Warehouse) {
  const raw: Record<string, unknown[]> = {};
  for (const source of SOURCE_NAMES) raw[source] = await db.all(`select * replace (row_hash::varchar as row_hash) from raw.${source} order by batch_seq, row_number`);
  const rejects = await db.all(
    `select batch_seq, r.* exclude (batch_id) from audit.rejects r join audit.batches using (batch_id)
     order by batch_seq, row_number nulls first, reason_code, message`,
  );
  const batches = (await db.all(`select * exclude (batch_id, started_at, finished_at) replace (replace(message, batch_id, '<batch>') as message) from audit.batches order by batch_seq`)).map((b) => ({
    ...b,
    archive_path: b.archive_path === null ? null : relative(dirname(db.path), b.archive_path as string),
  }));
  return { raw, rejects, batches };
}

/** A result without its batch id, also where its message names it (\`safecampus release <id>\`). */
const withoutBatchId = ({ batchId, ...rest }: IngestResult) => ({ ...rest, message: batchId ? rest.message?.replaceAll(batchId, '<batch>') : rest.message });

describe('landing through a parse worker', () => {
  const opened: Warehouse[] = [];
  beforeAll(() => {
    process.env.SAFECAMPUS_PII_SALT = SALT;
  });
  afterAll(() => {
    for (const db of opened) db.close();
    delete process.env.SAFECAMPUS_PII_SALT;
  });

  it.each(CORPORA.map((path) => [relative(FIXTURES, path), path]))('gives the same warehouse as one process: %s', async (_name, corpus) => {
    const single = (await openWarehouse()).db;
    const scaled = (await openWarehouse()).db;
    opened.push(single, scaled);
    const direct = (await ingestPath(single, corpus, { now: NOW })).filter((r) => !r.message?.startsWith('skipped: symbolic'));
    const parsed = await ingestThroughParse(scaled, corpus);

    expect(parsed.map(withoutBatchId)).toEqual(direct.map(withoutBatchId));
    const expected = await landedContent(single);
    expect(expected.batches.length).toBeGreaterThan(0);
    expect(await landedContent(scaled)).toEqual(expected);
    // the parsed folders are gone once landed; only the exported school codes stay
    expect(readdirSync(join(dirname(scaled.path), 'parsed'))).toEqual(['lookups']);
  });

  it('refuses a landing parsed against school codes that changed since, and lands it once parsed again', async () => {
    const { db } = await openWarehouse();
    opened.push(db);
    const shared = join(dirname(db.path), 'parsed');
    const parse = async (file: string) => parseExport(file, await sha256File(file), await parseSettings(db, shared, { now: NOW }), db.path);
    const activities = join(SOURCE_FIXTURES, 'csv-utf8', 'activities.csv');
    const early = await parse(activities); // before the registry landed: every school is unknown
    expect(early.result).toMatchObject({ rowsRead: 12, rowsRejected: 12 });
    expect(early.result.rejectsByReason.unknown_school).toBe(8); // the other four fail a check that comes first

    await landParsedExport(db, await parse(join(SOURCE_FIXTURES, 'csv-utf8', 'schools.csv')));
    expect(await landParsedExport(db, early)).toBeNull();
    expect(existsSync(early.dir)).toBe(false); // never to be landed: removed
    expect(await db.value("select count(*) from audit.batches where source = 'activities'")).toBe(0);

    const again = await landParsedExport(db, await parse(activities));
    const { db: single } = await openWarehouse();
    opened.push(single);
    const direct = await ingestPath(single, join(SOURCE_FIXTURES, 'csv-utf8'), { now: NOW });
    expect(withoutBatchId(again!)).toEqual(withoutBatchId(direct.find((r) => r.source === 'activities')!));
    expect(again!.rowsRejected).toBeLessThan(12);
  });

  it('lands a file once however often it is parsed', async () => {
    const { db } = await openWarehouse();
    opened.push(db);
    const shared = join(dirname(db.path), 'parsed');
    const file = join(FIXTURES, 'real-shapes', 'schools_gb18030.csv');
    const sha = await sha256File(file);
    const first = await parseExport(file, sha, await parseSettings(db, shared, { now: NOW }), db.path);
    const second = await parseExport(file, sha, await parseSettings(db, shared, { now: NOW }), db.path); // a retried parse after a lost worker
    expect(await landParsedExport(db, first)).toMatchObject({ status: 'landed' });
    expect(await landParsedExport(db, second)).toMatchObject({ status: 'skipped', message: expect.stringMatching(/already ingested/) });
    expect(await db.value('select count(*) from audit.batches')).toBe(1);
    expect(readdirSync(shared)).toEqual(['lookups']);
  });

  it('a worker whose salt differs from the writer’s refuses to parse', async () => {
    const { db } = await openWarehouse();
    opened.push(db);
    const settings = await parseSettings(db, join(dirname(db.path), 'parsed'), { now: NOW });
    const file = join(FIXTURES, 'real-shapes', 'schools_gb18030.csv');
    process.env.SAFECAMPUS_PII_SALT = `other-${randomUUID()}`;
    try {
      await expect(parseExport(file, await sha256File(file), settings, db.path)).rejects.toThrow(ParseSetupError);
      await expect(parseExport(file, await sha256File(file), settings, db.path)).rejects.toThrow(/salt differs/);
    } finally {
      process.env.SAFECAMPUS_PII_SALT = SALT;
    }
    expect(basename(settings.lookupsDir)).toBe(settings.lookupsFingerprint);
  });

  it('a worker that reads exports otherwise than the writer, or cannot see the file, refuses to parse', async () => {
    const { db } = await openWarehouse();
    opened.push(db);
    const settings = await parseSettings(db, join(dirname(db.path), 'parsed'), { now: NOW });
    const file = join(FIXTURES, 'real-shapes', 'schools_gb18030.csv');
    const sha = await sha256File(file);
    const aliases = folderWith({ 'aliases.csv': 'source,kind,column,spelling,canonical\nschools,header,,在籍学生数,enrollment\n' });
    process.env.SAFECAMPUS_ALIASES = join(aliases, 'aliases.csv');
    try {
      await expect(parseExport(file, sha, settings, db.path)).rejects.toThrow(/other contracts or header aliases than the warehouse writer/);
    } finally {
      delete process.env.SAFECAMPUS_ALIASES;
    }
    await expect(parseExport(join(aliases, 'not-here.csv'), sha, settings, db.path)).rejects.toThrow(/cannot see .*not-here\.csv: mount the inbox at the same path/);
    expect((await parseExport(file, sha, settings, db.path)).result.status).toBe('landed');
  });
});

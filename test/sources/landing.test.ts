/**
 * Landing rules (DOMAIN.md §4): the same folder twice changes nothing; a corrected
 * re-export supersedes in staging while raw keeps every version; a crash mid-file leaves
 * no partial batch and the next run lands the file whole; a batch with too many rejects
 * is held out of staging until released; reject counts are queryable per batch and
 * reason and agree with audit.batches.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Warehouse } from '../../warehouse/connection.ts';
import { publicationBlockers, releaseBatch } from '../../warehouse/publication.ts';
import { ingestFile, ingestPath, sha256File } from '../../sources/ingest.ts';
import { stagingModels } from '../../transforms/staging.ts';
import { fixture, folderWith, NOW, openWarehouse, rawRows, SOURCE_FIXTURES } from './helpers.ts';

const REPO = join(import.meta.dirname, '..', '..');

/** Every base table's row count and a digest of its sorted contents. */
async function fingerprint(db: Warehouse): Promise<Record<string, string>> {
  const tables = await db.all<{ s: string; t: string }>(
    `select table_schema as s, table_name as t from information_schema.tables
     where table_catalog = current_database() and table_type = 'BASE TABLE' order by 1, 2`,
  );
  const prints: Record<string, string> = {};
  for (const { s, t } of tables) {
    prints[`${s}.${t}`] = await db.value<string>(
      `select count(*) || ':' || coalesce(md5(string_agg(cast(x as varchar), chr(10) order by cast(x as varchar))), '') from "${s}"."${t}" x`,
    );
  }
  return prints;
}

/** The staging model transforms/staging.ts generates for a source, run as a query. */
async function staged(db: Warehouse, source: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const model = stagingModels().find((m) => m.name === `stg_${source}`)!;
  return db.all(`select * from (${model.sql}) order by ${orderBy}`);
}

const CASES_HEADER = '案件编号,学校标识码,发生时间,上报时间,类别,等级,受伤人数,死亡人数,调查结束时间,状态,问责';

describe('idempotency', () => {
  it('landing the same folder twice changes no row anywhere, failed files included', async () => {
    const { db } = await openWarehouse();
    try {
      const folder = folderWith({ 'empty.csv': '' });
      for (const source of ['schools', 'inspections', 'sensors', 'alerts', 'cases', 'activities']) {
        copyFileSync(fixture('csv-gbk', source), join(folder, `${source}.csv`));
      }
      const first = await ingestPath(db, folder, { now: NOW, holdThreshold: 1 });
      expect(first.map((r) => r.status)).toEqual(['landed', 'landed', 'landed', 'landed', 'failed', 'landed', 'landed']);
      const before = await fingerprint(db);
      expect(before['raw.inspections']).toMatch(/^7:/);

      const second = await ingestPath(db, folder, { now: NOW, holdThreshold: 1 });
      expect(second.map((r) => r.status)).toEqual(Array(7).fill('skipped'));
      expect(second.map((r) => r.batchId)).toEqual(first.map((r) => r.batchId));
      expect(await fingerprint(db)).toEqual(before);
    } finally {
      db.close();
    }
  });

  it('identical content under another name or format path is still the same file', async () => {
    const { db } = await openWarehouse();
    try {
      const landed = await ingestFile(db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
      const copy = join(folderWith({}), 'registry-copy.csv');
      copyFileSync(fixture('csv-utf8', 'schools'), copy);
      const again = await ingestFile(db, copy, { now: NOW });
      expect([again.status, again.batchId, again.sha256]).toEqual(['skipped', landed.batchId, await sha256File(copy)]);
    } finally {
      db.close();
    }
  });
});

describe('supersession', () => {
  it('a corrected re-export wins in staging; raw keeps both versions with their batches', async () => {
    const { db } = await openWarehouse();
    try {
      await ingestFile(db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
      // the corrected export arrives in a later run (within one run files land in name order)
      const april = folderWith({
        'cases-2025-04.csv': [
          CASES_HEADER,
          'C101,2141010001,2025-04-01 16:30:00,2025-04-01 18:00:00,欺凌,一般,1,0,,处理中,',
          'C102,2141010002,2025-04-02 09:00:00,2025-04-02 10:00:00,意外伤害,一般,1,0,,处理中,',
        ].join('\n'),
      });
      const correction = folderWith({
        'cases-2025-04-corrected.csv': [CASES_HEADER, 'C101,2141010001,2025-04-01 16:30:00,2025-04-01 18:00:00,欺凌,较大,2,0,2025-04-09 17:00:00,已结案,约谈'].join('\n'),
      });
      const [original] = await ingestPath(db, april, { now: NOW });
      const [corrected] = await ingestPath(db, correction, { now: NOW });
      expect([original.status, corrected.status]).toEqual(['landed', 'landed']);

      expect((await rawRows(db, 'cases')).map((r) => [r.case_id, r.severity, r.n_injured, r.status])).toEqual([
        ['C101', '一般', 1, '处理中'],
        ['C102', '一般', 1, '处理中'],
        ['C101', '较大', 2, '已结案'],
      ]);
      expect(await db.all('select case_id, batch_id from raw.cases join audit.batches using (batch_seq) order by batch_seq, row_number')).toEqual([
        { case_id: 'C101', batch_id: original.batchId },
        { case_id: 'C102', batch_id: original.batchId },
        { case_id: 'C101', batch_id: corrected.batchId },
      ]);
      expect(
        (await staged(db, 'cases', 'case_id')).map((r) => [r.case_id, r.severity, r.n_injured, r.status, r.accountability, r.investigation_closed_at, r.batch_id]),
      ).toEqual([
        ['C101', '较大', 2, '已结案', '约谈', '2025-04-09 17:00:00', corrected.batchId],
        ['C102', '一般', 1, '处理中', null, null, original.batchId],
      ]);
    } finally {
      db.close();
    }
  });
});

describe('atomicity', () => {
  it('a failure inside the landing transaction leaves no batch, no raw row and no reject; the next run lands the file whole', async () => {
    const { db } = await openWarehouse();
    try {
      await ingestFile(db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
      const file = fixture('csv-utf8', 'cases');
      const crash = ingestFile(db, file, {
        now: NOW,
        afterStep: (step) => {
          if (step === 'rejects') throw new Error('injected fault after the rejects were written');
        },
      });
      await expect(crash).rejects.toThrow('injected fault');
      expect(await db.value('select count(*) from audit.batches where sha256 = $1', [await sha256File(file)])).toBe(0);
      expect(await db.value('select count(*) from raw.cases')).toBe(0);
      expect(await db.value("select count(*) from audit.rejects where file like '%cases.csv'")).toBe(0);

      const retried = await ingestFile(db, file, { now: NOW, holdThreshold: 1 });
      expect([retried.status, retried.rowsLanded, retried.rowsRejected]).toEqual(['landed', 4, 7]);
      expect(await db.value('select count(*) from raw.cases')).toBe(4);
      expect(await db.value('select count(*) from audit.rejects where batch_id = $1', [retried.batchId])).toBe(7);
    } finally {
      db.close();
    }
  });

  it('in a folder, the file that fails is reported and the files after it still land', async () => {
    const { db } = await openWarehouse();
    try {
      const folder = folderWith({});
      for (const source of ['schools', 'alerts', 'cases']) copyFileSync(fixture('ndjson', source), join(folder, `${source}.ndjson`));
      let writes = 0;
      const results = await ingestPath(db, folder, {
        now: NOW,
        holdThreshold: 1,
        afterStep: (step) => {
          if (step === 'raw' && ++writes === 2) throw new Error('injected fault in the second file');
        },
      });
      expect(results.map((r) => [r.file.slice(folder.length + 1), r.status, r.batchId === null])).toEqual([
        ['schools.ndjson', 'landed', false],
        ['alerts.ndjson', 'failed', true],
        ['cases.ndjson', 'landed', false],
      ]);
      expect(results[1].message).toContain('nothing from this file was landed');
      expect(await db.value('select count(*) from raw.alerts')).toBe(0);
      const again = await ingestPath(db, folder, { now: NOW, holdThreshold: 1 });
      expect(again.map((r) => r.status)).toEqual(['skipped', 'landed', 'skipped']);
      expect(await db.value('select count(*) from raw.alerts')).toBe(5);
    } finally {
      db.close();
    }
  });

  it('a process killed mid-file (SIGKILL before commit) leaves nothing behind; the next run lands the file whole', async () => {
    const { db, dir } = await openWarehouse();
    await ingestFile(db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
    db.close();
    const file = fixture('xlsx', 'inspections');
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'crash-ingest.ts'), join(dir, 'warehouse.duckdb'), file, 'batch'], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect([child.signal, child.stderr]).toEqual(['SIGKILL', '']);

    const reopened = await Warehouse.open(join(dir, 'warehouse.duckdb'));
    try {
      expect(await reopened.value('select count(*) from audit.batches where sha256 = $1', [await sha256File(file)])).toBe(0);
      expect(await reopened.value('select count(*) from raw.inspections')).toBe(0);
      expect(await reopened.value('select count(*) from audit.rejects')).toBe(9); // the registry's, nothing else
      const retried = await ingestFile(reopened, file, { now: NOW, holdThreshold: 1 });
      expect([retried.status, retried.rowsLanded, retried.rowsRejected]).toEqual(['landed', 7, 7]);
    } finally {
      reopened.close();
    }
  });
});

describe('hold threshold', () => {
  const threeCases = [
    CASES_HEADER,
    'C201,2141010001,2025-04-01 16:30:00,2025-04-01 18:00:00,欺凌,一般,1,0,,处理中,',
    'C202,2141010002,2025-04-02 09:00:00,2025-04-02 10:00:00,意外伤害,一般,1,0,,处理中,',
    'C203,2141010002,2025-04-03 09:00:00,2025-04-03 10:00:00,意外伤害,一般,-4,0,,处理中,',
  ].join('\n');

  it('a batch above the threshold is held: out of staging, blocking publication, until released', async () => {
    const { db } = await openWarehouse();
    try {
      await ingestFile(db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
      const held = await ingestFile(db, join(folderWith({ 'cases.csv': threeCases }), 'cases.csv'), { now: NOW });
      expect([held.status, held.rowsLanded, held.rowsRejected]).toEqual(['held', 2, 1]);
      expect(held.message).toContain(`safecampus release ${held.batchId}`);
      expect(await db.value('select status from audit.batches where batch_id = $1', [held.batchId])).toBe('held');
      expect(await db.value('select count(*) from raw.cases')).toBe(2);
      expect(await staged(db, 'cases', 'case_id')).toEqual([]);
      expect((await publicationBlockers(db)).some((b) => b.includes(held.batchId!))).toBe(true);

      await releaseBatch(db, held.batchId!, 'released');
      expect((await staged(db, 'cases', 'case_id')).map((r) => r.case_id)).toEqual(['C201', 'C202']);
      expect((await publicationBlockers(db)).some((b) => b.includes(held.batchId!))).toBe(false);
    } finally {
      db.close();
    }
  });

  it('the threshold is an option: the same file under a higher one lands', async () => {
    const { db } = await openWarehouse();
    try {
      await ingestFile(db, fixture('csv-utf8', 'schools'), { now: NOW, holdThreshold: 1 });
      const landed = await ingestFile(db, join(folderWith({ 'cases.csv': threeCases }), 'cases.csv'), { now: NOW, holdThreshold: 0.5 });
      expect(landed.status).toBe('landed');
      expect((await staged(db, 'cases', 'case_id')).map((r) => r.case_id)).toEqual(['C201', 'C202']);
    } finally {
      db.close();
    }
  });
});

describe('reject counts', () => {
  it('audit.reject_counts gives rejects per batch and reason, and audit.batches agrees with audit.rejects and raw', async () => {
    const { db } = await openWarehouse();
    try {
      const folder = folderWith({ 'empty.csv': '', 'truncated.csv': '设备编号,学校标识码,设备类型,事件时间,状态\nT-1,2141010001,烟感,2025-03-05 10:00:00,在线\nT-2,21' });
      await ingestPath(db, join(SOURCE_FIXTURES, 'xlsx'), { now: NOW, holdThreshold: 1 });
      await ingestPath(db, folder, { now: NOW });

      const inspections = await db.all(
        `select reason_code, n_rejects, n_rows, first_row_number from audit.reject_counts where source = 'inspections' order by reason_code`,
      );
      expect(inspections).toEqual([
        { reason_code: 'bad_date', n_rejects: 1, n_rows: 1, first_row_number: 11 },
        { reason_code: 'bad_enum', n_rejects: 1, n_rows: 1, first_row_number: 12 },
        { reason_code: 'bad_school_code', n_rejects: 1, n_rows: 1, first_row_number: 7 },
        { reason_code: 'duplicate_row', n_rejects: 1, n_rows: 1, first_row_number: 13 },
        { reason_code: 'future_date', n_rejects: 1, n_rows: 1, first_row_number: 10 },
        { reason_code: 'missing_required', n_rejects: 1, n_rows: 1, first_row_number: 9 },
        { reason_code: 'unknown_school', n_rejects: 1, n_rows: 1, first_row_number: 8 },
      ]);
      expect(await db.all(`select reason_code, n_rejects, n_rows from audit.reject_counts where file like '%empty.csv'`)).toEqual([
        { reason_code: 'empty_file', n_rejects: 1, n_rows: 0 },
      ]);
      expect(await db.all(`select reason_code, n_rows, first_row_number from audit.reject_counts where file like '%truncated.csv'`)).toEqual([
        { reason_code: 'malformed_row', n_rows: 1, first_row_number: 2 },
      ]);

      // the view is exactly audit.rejects grouped
      expect(
        await db.value(`select count(*) from (
          (select batch_id, reason_code, n_rejects from audit.reject_counts
           except select batch_id, reason_code, count(*) from audit.rejects group by all)
          union all
          (select batch_id, reason_code, count(*) from audit.rejects group by all
           except select batch_id, reason_code, n_rejects from audit.reject_counts))`),
      ).toBe(0);

      // every batch's counts agree with its rejects and its raw rows
      const raw = ['schools', 'inspections', 'sensors', 'alerts', 'cases', 'activities'].map((s) => `select batch_id from raw.${s} join audit.batches using (batch_seq)`).join(' union all ');
      const disagreeing = await db.all(
        `select b.batch_id, b.status, b.rows_read, b.rows_landed, b.rows_rejected, coalesce(r.n, 0) as rejected, coalesce(l.n, 0) as landed
         from audit.batches b
         left join (select batch_id, count(row_number) as n from audit.rejects group by all) r using (batch_id)
         left join (select batch_id, count(*) as n from (${raw}) group by all) l using (batch_id)
         where b.rows_rejected <> coalesce(r.n, 0) or b.rows_landed <> coalesce(l.n, 0) or b.rows_read <> b.rows_landed + b.rows_rejected`,
      );
      expect(disagreeing).toEqual([]);
      expect(await db.value('select count(*) from audit.batches')).toBe(8);
      // and the landings left no temp table behind
      expect(await db.value('select count(*) from duckdb_tables() where temporary')).toBe(0);
    } finally {
      db.close();
    }
  });
});
